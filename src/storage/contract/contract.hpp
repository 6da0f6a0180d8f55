#pragma once

// What the storage contract suite needs of a backend: fresh, migrated databases to run against.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"

namespace unknot::storage::contract {

// One empty, migrated database, removed when this is destroyed.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // Opens the storage on this database; fails the test (and returns nullptr) when it cannot.
  // Opening again after the previous storage was destroyed is what a restarted server sees.
  virtual std::unique_ptr<core::ports::Storage> Open(const core::Clock& clock) = 0;
  // Runs SQL on the database behind the storage's back, as someone with direct access to it
  // would (SQLite: the file through the C API; PostgreSQL: a libpq connection of the same role).
  // "" when it ran, else the database's error message.
  virtual std::string ExecRaw(const std::string& sql) = 0;
};

struct Backend {
  std::string name;
  std::function<std::unique_ptr<TestDatabase>()> make;
};

// gtest prints a test's parameter: the backend's name.
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

Backend SqliteBackend();
Backend PostgresBackend();

// A parameterised test's name after the suite's: the backend's (…/Sqlite, …/Postgres).
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

}  // namespace unknot::storage::contract
