#pragma once

// PostgreSQL for tests: the server the CTest fixture `postgres` started (scripts/pg-test-server;
// its folder is in $UNKNOT_TEST_POSTGRES_DIR), and throwaway databases on it.

#include <string>

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

}  // namespace unknot::testing
