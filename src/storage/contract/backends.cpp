#include <gtest/gtest.h>
#include <sqlite3.h>

#include <pqxx/pqxx>

#include "postgres_scratch.hpp"
#include "storage/contract/contract.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::storage::contract {
namespace {

class SqliteDatabase final : public TestDatabase {
 public:
  SqliteDatabase() {
    core::FixedClock clock(core::Instant{});
    auto migrated = sqlite::MigrateDatabase(path_, clock);
    EXPECT_TRUE(migrated) << migrated.error().message();
  }

  std::unique_ptr<core::ports::Storage> Open(const core::Clock& clock) override {
    auto storage = sqlite::SqliteStorage::Open(path_, clock);
    EXPECT_TRUE(storage) << storage.error().message();
    return storage ? std::move(*storage) : nullptr;
  }

  std::string ExecRaw(const std::string& sql) override {
    sqlite3* db = nullptr;
    std::string error;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      error = db != nullptr ? sqlite3_errmsg(db) : "cannot open";
    } else {
      sqlite3_busy_timeout(db, 5000);
      char* message = nullptr;
      if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        error = message != nullptr ? message : "failed";
      }
      sqlite3_free(message);
    }
    sqlite3_close(db);
    return error;
  }

 private:
  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
};

class PostgresDatabase final : public TestDatabase {
 public:
  PostgresDatabase() {
    if (scratch_.uri().empty()) return;
    core::FixedClock clock(core::Instant{});
    auto pool = postgres::ConnectionPool::Connect(scratch_.uri(), 1);
    EXPECT_TRUE(pool) << pool.error().message();
    if (!pool) return;
    auto migrated = postgres::Migrate(**pool, clock);
    EXPECT_TRUE(migrated) << migrated.error().message();
  }

  std::unique_ptr<core::ports::Storage> Open(const core::Clock& clock) override {
    if (scratch_.uri().empty()) return nullptr;
    // A small pool, so that concurrency tests also wait for connections.
    auto storage = postgres::PostgresStorage::Open({scratch_.uri(), 8}, clock);
    EXPECT_TRUE(storage) << storage.error().message();
    return storage ? std::move(*storage) : nullptr;
  }

  std::string ExecRaw(const std::string& sql) override {
    try {
      pqxx::connection connection(scratch_.uri());
      pqxx::work tx(connection);
      tx.exec(sql);
      tx.commit();
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  }

 private:
  testing::ScratchDatabase scratch_;
};

}  // namespace

Backend SqliteBackend() {
  return {"Sqlite", [] { return std::make_unique<SqliteDatabase>(); }};
}

Backend PostgresBackend() {
  return {"Postgres", [] { return std::make_unique<PostgresDatabase>(); }};
}

}  // namespace unknot::storage::contract
