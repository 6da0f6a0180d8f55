#pragma once

// Connections to one PostgreSQL database, shared by the request threads, and the translation of
// libpqxx's exceptions into Result errors: nothing above this layer sees an exception.

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>
#include <pqxx/dbtransaction>

#include "core/common/result.hpp"
#include "core/scheduling/schedule_changes.hpp"

namespace unknot::storage::postgres {

// True when `database` names a PostgreSQL database (a libpq URI) rather than a SQLite file.
bool IsPostgresUri(std::string_view database);

// The URI without its password, for messages and logs.
std::string RedactUri(std::string_view uri);

// An exception from libpqxx (or libpq) as an Error: a lost or refused connection (also an SQL
// error without a SQLSTATE, which only libpq itself raises) is kUnavailable; a unique, foreign-key
// or exclusion violation kConflict (callers refine it); any other SQL error kInternal. The SQLSTATE
// is kept in the message.
core::Error Translate(const std::exception& error);

// The SQLSTATE of a libpqxx SQL error, or "" for other exceptions.
std::string SqlState(const std::exception& error);

// A statement every connection of a pool prepares (named, so it is parsed and planned once per
// connection, not per call); run it with exec_prepared(name, ...).
struct PreparedStatement {
  std::string name;
  std::string sql;
};

// Whether a write transaction may change what the scheduling engine sees (appointments, set-up),
// for PostgresStorage::Generation(). Audit entries of reads and session bookkeeping do not.
enum class Touches { kSchedule, kNotTheSchedule };

class ConnectionPool {
 public:
  // Connects once to check that the server answers (kUnavailable with libpq's reason when it
  // does not; kInvalidArgument for a malformed URI). At most `size` connections are opened, on
  // demand; a caller waits for a free one.
  static core::Result<std::unique_ptr<ConnectionPool>> Connect(
      const std::string& uri, std::size_t size, std::vector<PreparedStatement> statements = {});
  ~ConnectionPool();

  const std::string& uri() const { return uri_; }

  // Runs `work` on a connection of the pool. A connection found broken is dropped and replaced
  // on the next call, so the pool recovers when the server comes back.
  core::Result<void> WithConnection(
      const std::function<core::Result<void>(pqxx::connection&)>& work);

  // Runs `work` in a READ COMMITTED transaction and commits it when `work` succeeds (rolls back
  // otherwise). Serialization failures and deadlocks retry the whole transaction a few times.
  core::Result<void> InTransaction(
      const std::function<core::Result<void>(pqxx::dbtransaction&)>& work,
      Touches touches = Touches::kSchedule);
  // The same for a write that says what it changed in the schedule (each attempt afresh), so that
  // only the cached answers that depend on that are stale (core/scheduling/schedule_changes.hpp).
  core::Result<void> InTransaction(
      const std::function<core::Result<void>(pqxx::dbtransaction&,
                                             core::scheduling::ScheduleChanges&)>& work);

  // Committed write transactions so far (InTransaction calls that succeeded, and writes
  // counted with CountCommit); schedule_commits() only those that may touch the schedule, each
  // recorded in schedule_log() with what it changed.
  std::uint64_t commits() const;
  std::uint64_t schedule_commits() const;
  void CountCommit(const core::scheduling::ScheduleChanges& changes);
  const core::scheduling::ScheduleChangeLog& schedule_log() const { return schedule_log_; }

  // Whether an error of a transaction is worth retrying from the start: a serialization failure
  // or a deadlock.
  static bool IsRetryable(const std::exception& error);

 private:
  ConnectionPool(std::string uri, std::size_t size, std::vector<PreparedStatement> statements);
  core::Result<std::unique_ptr<pqxx::connection>> Borrow();
  void Return(std::unique_ptr<pqxx::connection> connection);
  core::Result<void> Transact(const std::function<core::Result<void>(
                                  pqxx::dbtransaction&, core::scheduling::ScheduleChanges&)>& work,
                              Touches touches);
  // Records a committed schedule write: what it said it changed, or anything.
  void RecordSchedule(const core::scheduling::ScheduleChanges& changes);

  const std::string uri_;
  const std::size_t size_;
  const std::vector<PreparedStatement> statements_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;                                 // guarded by mutex_
  std::uint64_t commits_ = 0;                            // guarded by mutex_
  core::scheduling::ScheduleChangeLog schedule_log_;     // thread-safe on its own
};

}  // namespace unknot::storage::postgres
