#include "postgres_scratch.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include <pqxx/pqxx>

#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {

std::string PostgresServerUri() {
  const char* dir = std::getenv("UNKNOT_TEST_POSTGRES_DIR");
  std::string uri;
  if (dir != nullptr) {
    uri = ReadFile(std::filesystem::path(dir) / "uri");
    while (!uri.empty() && (uri.back() == '\n' || uri.back() == ' ')) uri.pop_back();
  }
  if (uri.empty()) {
    ADD_FAILURE() << "no test PostgreSQL: run this test through ctest, whose fixture starts one "
                     "(scripts/pg-test-server), or set UNKNOT_TEST_POSTGRES_DIR to the folder "
                     "of a server started with `scripts/pg-test-server start DIR`";
  }
  return uri;
}

namespace {

// pg-test-server writes postgresql:///unknot?host=...: swap the database name.
std::string WithDatabase(const std::string& uri, const std::string& database) {
  const std::string prefix = "postgresql:///";
  const std::size_t query = uri.find('?');
  if (uri.rfind(prefix, 0) != 0 || query == std::string::npos) return uri;
  return prefix + database + uri.substr(query);
}

}  // namespace

std::string PostgresDatabaseUri(const std::string& database) {
  return WithDatabase(PostgresServerUri(), database);
}

OwnPostgresServer::OwnPostgresServer()
    : server_dir_(dir_.File("pg")), script_(SourceDir() + "/scripts/pg-test-server") {
  // As root the server runs as `postgres`, which must be able to reach its folder.
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  ProcessResult started = RunProcess({script_, "start", server_dir_}, std::chrono::seconds{120});
  if (started.exit_code != 0) {
    ADD_FAILURE() << "cannot start a PostgreSQL server: " << started.err;
    return;
  }
  uri_ = ReadFile(server_dir_ + "/uri");
  while (!uri_.empty() && (uri_.back() == '\n' || uri_.back() == ' ')) uri_.pop_back();
}

OwnPostgresServer::~OwnPostgresServer() {
  RunProcess({script_, "stop", server_dir_}, std::chrono::seconds{60});
}

std::string OwnPostgresServer::DatabaseUri(const std::string& database) const {
  return WithDatabase(uri_, database);
}

int OwnPostgresServer::Control(const std::string& command) {
  return RunProcess({script_, command, server_dir_}, std::chrono::seconds{120}).exit_code;
}

ScratchDatabase::ScratchDatabase() {
  static std::atomic<int> counter{0};
  name_ = "unknot_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  const std::string server = PostgresServerUri();
  if (server.empty()) return;
  pqxx::connection connection(server);
  pqxx::nontransaction tx(connection);
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  uri_ = PostgresDatabaseUri(name_);
}

ScratchDatabase::~ScratchDatabase() {
  if (uri_.empty()) return;
  try {
    pqxx::connection connection(PostgresServerUri());
    pqxx::nontransaction tx(connection);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot drop test database " << name_ << ": " << e.what();
  }
}

}  // namespace unknot::testing
