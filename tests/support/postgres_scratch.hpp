#pragma once

// PostgreSQL for tests: the server the CTest fixture `postgres` started (scripts/pg-test-server;
// its folder is in $UNKNOT_TEST_POSTGRES_DIR), and throwaway databases on it.

#include <string>

#include "temp_dir.hpp"

namespace unknot::testing {

// The libpq URI of the fixture server's maintenance database. Fails the calling test (with how to
// run it) when the fixture is not there: a PostgreSQL test never passes without PostgreSQL.
std::string PostgresServerUri();

// The URI of another database on the same server.
std::string PostgresDatabaseUri(const std::string& database);

// An empty database created for one test and dropped (connections forced out) at the end.
class ScratchDatabase {
 public:
  ScratchDatabase();
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& uri() const { return uri_; }

 private:
  std::string name_;
  std::string uri_;
};

// A PostgreSQL server of one test's own (scripts/pg-test-server in a temporary folder), for tests
// that pause, stop or crash it. Stopped on destruction, whatever state it is in.
class OwnPostgresServer {
 public:
  // Starts it; on failure uri() is empty and the test has failed (ASSERT on it).
  OwnPostgresServer();
  ~OwnPostgresServer();
  OwnPostgresServer(const OwnPostgresServer&) = delete;
  OwnPostgresServer& operator=(const OwnPostgresServer&) = delete;

  // The URI of its maintenance database, postgresql:///unknot?host=...
  const std::string& uri() const { return uri_; }
  // The URI of another database on it.
  std::string DatabaseUri(const std::string& database) const;
  // Runs `scripts/pg-test-server COMMAND DIR` on it (pause, resume, crash, ...): the exit code.
  int Control(const std::string& command);

 private:
  TempDir dir_;
  std::string server_dir_;
  std::string script_;
  std::string uri_;
};

}  // namespace unknot::testing
