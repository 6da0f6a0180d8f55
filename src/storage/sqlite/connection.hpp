#pragma once

// A thin RAII layer over the SQLite C API: a connection, prepared statements and errors as
// Result values. Not thread-safe; the storage class that owns a connection serialises access.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/common/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace unknot::storage::sqlite {

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in SQL's ?1, ?2 ...
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, std::optional<std::int64_t> value);
  Statement& BindNull(int index);

  // Advances to the next row: true when a row is ready, false when done.
  core::Result<bool> Step();
  // Runs to completion, for statements that return no rows.
  core::Result<void> Run();
  // Makes the statement ready to run again with new bindings.
  void Reset();

  // Columns are numbered from 0.
  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;

 private:
  friend class Connection;
  enum class Ownership { kOwned, kBorrowedFromCache };
  Statement(sqlite3_stmt* stmt, sqlite3* db, Ownership ownership)
      : stmt_(stmt), db_(db), ownership_(ownership) {}
  void Release();
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  Ownership ownership_ = Ownership::kOwned;
};

class Connection {
 public:
  enum class OpenMode { kReadWrite, kReadWriteCreate };

  // Opens (or creates) a database file. Does not read or write it: a file that is not a SQLite
  // database is only noticed by the first statement.
  static core::Result<Connection> Open(const std::string& path, OpenMode mode);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements that return no rows.
  core::Result<void> Exec(std::string_view sql);
  core::Result<Statement> Prepare(std::string_view sql);
  // Like Prepare, but the compiled statement is kept for the next call with the same text, which
  // saves parsing on hot paths. The returned Statement borrows it and resets it when destroyed,
  // so one SQL text must not be in use twice at the same time.
  core::Result<Statement> PrepareCached(std::string_view sql);

  // Runs one statement that returns no rows, compiled once per connection (for the transaction
  // control statements the writer runs several times per commit).
  core::Result<void> ExecCached(std::string_view sql);
  // A single integer from a query such as "SELECT count(*) ..." or "PRAGMA user_version".
  core::Result<std::int64_t> QueryInt(std::string_view sql);

  std::int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int Changes() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  void Close();
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Maps a SQLite result code to an Error: busy/locked/I/O -> kUnavailable, constraint ->
// kConflict, not a database -> kInvalidArgument, everything else -> kInternal.
core::Error SqliteError(int rc, sqlite3* db, std::string_view what);

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; any failure rolls back.
template <typename F>
auto InTransaction(Connection& db, F&& body) -> decltype(body()) {
  UNKNOT_TRY(db.ExecCached("BEGIN IMMEDIATE"));
  auto result = body();
  if (!result) {
    (void)db.ExecCached("ROLLBACK");
    return result;
  }
  if (auto commit = db.ExecCached("COMMIT"); !commit) {
    (void)db.ExecCached("ROLLBACK");
    return std::move(commit).error();
  }
  return result;
}

// Runs `body` inside one read transaction (BEGIN ... COMMIT), so that what it reads is of one
// moment. Ending a read loses nothing; a COMMIT that fails is rolled back, so the connection is
// never left inside a transaction (a pooled reader would keep an old snapshot, the write
// connection could not begin its next write).
template <typename F>
auto InReadTransaction(Connection& db, F&& body) -> decltype(body()) {
  UNKNOT_TRY(db.ExecCached("BEGIN"));
  auto result = body();
  if (!db.ExecCached("COMMIT")) (void)db.ExecCached("ROLLBACK");
  return result;
}

}  // namespace unknot::storage::sqlite
