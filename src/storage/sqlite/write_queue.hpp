#pragma once

// The single SQLite writer. Every write runs on one thread that owns the write connection.
// Writes that arrive while a commit is in progress are grouped: the next transaction runs each of
// them inside its own SAVEPOINT (a failing one is rolled back alone) and commits them together,
// so N concurrent bookings cost one fsync instead of N.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "core/common/result.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

class WriteQueue {
 public:
  // Takes the write connection; starts the writer thread.
  explicit WriteQueue(Connection writer);
  // Finishes queued writes, then stops the thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Runs `body(connection)` inside the writer's transaction and waits until it is durably
  // committed (or rolled back). `body` returns Result<T>; its error rolls back its own work only.
  template <typename T, typename Body>
  core::Result<T> Write(Body body) {
    std::optional<core::Result<T>> result;
    std::promise<core::Result<void>> done;
    auto committed = done.get_future();
    Enqueue(Job{[&](Connection& db) -> core::Result<void> {
                  result.emplace(body(db));
                  if (*result) return core::Ok();
                  return result->error();
                },
                std::move(done)});
    core::Result<void> outcome = committed.get();
    if (!outcome) return std::move(outcome).error();
    return std::move(*result);
  }

  // How many transactions and jobs the writer has committed; for tests and metrics.
  struct Stats {
    std::uint64_t transactions = 0;
    std::uint64_t jobs = 0;
  };
  Stats stats() const;

 private:
  struct Job {
    std::function<core::Result<void>(Connection&)> run;
    std::promise<core::Result<void>> done;
  };

  void Enqueue(Job job);
  void Loop();
  void RunBatch(std::deque<Job>& batch);

  Connection db_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;  // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  Stats stats_;            // guarded by mutex_
  std::thread thread_;
};

}  // namespace unknot::storage::sqlite
