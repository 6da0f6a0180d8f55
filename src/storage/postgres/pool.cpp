#include "storage/postgres/pool.hpp"

#include <cctype>
#include <thread>

#include <pqxx/pqxx>

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// How long a request waits for a free connection before the database counts as unavailable.
constexpr auto kBorrowTimeout = std::chrono::seconds{10};
// Attempts of a transaction that failed on a serialization failure or a deadlock.
constexpr int kAttempts = 5;

// libpq messages end in a newline and may span lines; one line reads better in logs and CLIs.
std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

bool IsRetryableState(const std::string& state) {  // serialization failure, deadlock
  return state == "40001" || state == "40P01";
}

}  // namespace

bool IsPostgresUri(std::string_view database) {
  // URI schemes are case-insensitive.
  std::string scheme(database.substr(0, database.find("://") + 3));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return database.find("://") != std::string_view::npos &&
         (scheme == "postgresql://" || scheme == "postgres://");
}

std::string RedactUri(std::string_view uri) {
  // postgresql://user:password@host/db?password=...: keep the user, hide the password.
  std::string out(uri);
  const std::size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  const std::size_t authority = scheme + 3;
  const std::size_t at = out.find('@', authority);
  const std::size_t slash = out.find('/', authority);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const std::size_t colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const std::size_t password = out.find("password=");
  if (password != std::string::npos) {
    const std::size_t value = password + 9;
    const std::size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

std::string SqlState(const std::exception& error) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) return sql->sqlstate();
  return "";
}

Error Translate(const std::exception& error) {
  const std::string state = SqlState(error);
  const std::string what = OneLine(error.what());
  // The server gives every error it reports a SQLSTATE; an SQL error without one is libpq's own,
  // such as "server closed the connection unexpectedly" when the server went away while a
  // statement was sent (libpqxx raises broken_connection only when it notices that first).
  const bool libpq_failure = state.empty() && dynamic_cast<const pqxx::sql_error*>(&error);
  // The connection went away during COMMIT: the write may or may not have been stored. The
  // caller cannot know, like a lost connection, and retries (an Idempotency-Key answers a retry
  // of a booking that was stored as it was first answered).
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    return Error(ErrorCode::kUnavailable,
                 "PostgreSQL connection lost while committing; the write may or may not be "
                 "stored: " +
                     what);
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr || libpq_failure ||
      state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
    return Error(ErrorCode::kUnavailable, "PostgreSQL is unavailable: " + what);
  }
  if (state.starts_with("23"))
    return Error(ErrorCode::kConflict, what + " (SQLSTATE " + state + ")");
  if (IsRetryableState(state) || state.starts_with("53")) {
    return Error(ErrorCode::kUnavailable, what + " (SQLSTATE " + state + ")");
  }
  if (!state.empty()) return Error(ErrorCode::kInternal, what + " (SQLSTATE " + state + ")");
  return Error(ErrorCode::kInternal, what);
}

ConnectionPool::ConnectionPool(std::string uri, std::size_t size,
                               std::vector<PreparedStatement> statements)
    : uri_(std::move(uri)), size_(size == 0 ? 1 : size), statements_(std::move(statements)) {}

ConnectionPool::~ConnectionPool() = default;

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Connect(
    const std::string& uri, std::size_t size, std::vector<PreparedStatement> statements) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(uri, size, std::move(statements)));
  auto first = pool->Borrow();
  if (!first) return first.error();
  pool->Return(std::move(*first));
  return pool;
}

Result<std::unique_ptr<pqxx::connection>> ConnectionPool::Borrow() {
  {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, kBorrowTimeout,
                             [&] { return !idle_.empty() || open_ < size_; })) {
      return Error(ErrorCode::kUnavailable,
                   "all " + std::to_string(size_) + " PostgreSQL connections are busy");
    }
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;  // reserve the slot; the connection is made outside the lock
  }
  try {
    auto connection = std::make_unique<pqxx::connection>(uri_);
    for (const PreparedStatement& statement : statements_) {
      connection->prepare(statement.name, statement.sql);
    }
    return connection;
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    available_.notify_one();
    const std::string why = OneLine(e.what());
    if (why.find("invalid") != std::string::npos || why.find("URI") != std::string::npos ||
        why.find("uri") != std::string::npos) {
      return Error(ErrorCode::kInvalidArgument,
                   "bad PostgreSQL URI " + RedactUri(uri_) + ": " + why);
    }
    return Error(ErrorCode::kUnavailable,
                 "cannot connect to PostgreSQL at " + RedactUri(uri_) + ": " + why);
  }
}

void ConnectionPool::Return(std::unique_ptr<pqxx::connection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection && connection->is_open()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

Result<void> ConnectionPool::WithConnection(
    const std::function<Result<void>(pqxx::connection&)>& work) {
  auto connection = UNKNOT_TRY(Borrow());
  Result<void> result = core::Ok();
  try {
    result = work(*connection);
  } catch (const pqxx::broken_connection& e) {
    connection.reset();  // dropped: the next Borrow connects afresh
    result = Translate(e);
  } catch (const std::exception& e) {
    result = Translate(e);
    if (result.error().code() == ErrorCode::kUnavailable) connection.reset();
  }
  Return(std::move(connection));
  return result;
}

Result<void> ConnectionPool::InTransaction(
    const std::function<Result<void>(pqxx::dbtransaction&)>& work, Touches touches) {
  // Says nothing of what it changed: a schedule write then made every cached answer stale.
  return Transact(
      [&](pqxx::dbtransaction& tx, core::scheduling::ScheduleChanges&) { return work(tx); },
      touches);
}

Result<void> ConnectionPool::InTransaction(
    const std::function<Result<void>(pqxx::dbtransaction&, core::scheduling::ScheduleChanges&)>&
        work) {
  return Transact(work, Touches::kSchedule);
}

Result<void> ConnectionPool::Transact(
    const std::function<Result<void>(pqxx::dbtransaction&, core::scheduling::ScheduleChanges&)>&
        work,
    Touches touches) {
  for (int attempt = 1;; ++attempt) {
    std::string state;
    core::scheduling::ScheduleChanges changes;
    Result<void> result = WithConnection([&](pqxx::connection& connection) -> Result<void> {
      try {
        pqxx::work tx(connection);
        changes = {};
        UNKNOT_TRY(work(tx, changes));
        tx.commit();
        return core::Ok();
      } catch (const pqxx::sql_error& e) {
        state = e.sqlstate();
        throw;
      }
    });
    if (result) {
      {
        std::lock_guard lock(mutex_);
        ++commits_;
      }
      if (touches == Touches::kSchedule) RecordSchedule(changes);
    }
    if (result || !IsRetryableState(state) || attempt == kAttempts) return result;
    std::this_thread::sleep_for(std::chrono::milliseconds{attempt});
  }
}

void ConnectionPool::CountCommit(const core::scheduling::ScheduleChanges& changes) {
  {
    std::lock_guard lock(mutex_);
    ++commits_;
  }
  RecordSchedule(changes);
}

void ConnectionPool::RecordSchedule(const core::scheduling::ScheduleChanges& changes) {
  if (changes.known()) {
    schedule_log_.Record(changes.changes());
  } else {
    schedule_log_.Record(std::nullopt);
  }
}

bool ConnectionPool::IsRetryable(const std::exception& error) {
  return IsRetryableState(SqlState(error));
}

std::uint64_t ConnectionPool::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::uint64_t ConnectionPool::schedule_commits() const { return schedule_log_.generation(); }

}  // namespace unknot::storage::postgres
