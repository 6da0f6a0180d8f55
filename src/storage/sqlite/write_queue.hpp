#pragma once

// The single SQLite writer. Every write runs on one thread that owns the write connection.
// Writes that arrive while a commit is in progress are grouped: the next transaction runs each of
// them inside its own SAVEPOINT (a failing one is rolled back alone) and commits them together,
// so N concurrent bookings cost one fsync instead of N.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "core/common/result.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

// How soon a committed write must survive a power cut. Every write survives a crash of the
// process (kill -9) the moment it commits: WAL frames are in the operating system's hands.
enum class Durability {
  kFull,     // fsync before the write is reported committed: bookings, every client's write
  kRelaxed,  // the WAL is synced by the next kFull commit or within kRelaxedSyncDelay, whichever
             // comes first: the audit entries of staff reads and sessions' last-seen times
};

// The most a kRelaxed commit waits for its fsync when no kFull commit comes along.
inline constexpr std::chrono::milliseconds kRelaxedSyncDelay{500};

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
  // A batch commits with synchronous=FULL if any of its jobs asks for kFull, else NORMAL (WAL:
  // no fsync at commit); a later FULL commit or a checkpoint syncs what NORMAL commits left.
  template <typename T, typename Body>
  core::Result<T> Write(Body body, Durability durability = Durability::kFull) {
    std::optional<core::Result<T>> result;
    std::promise<core::Result<void>> done;
    auto committed = done.get_future();
    Enqueue(Job{[&](Connection& db) -> core::Result<void> {
                  result.emplace(body(db));
                  if (*result) return core::Ok();
                  return result->error();
                },
                std::move(done), durability});
    core::Result<void> outcome = committed.get();
    if (!outcome) return std::move(outcome).error();
    return std::move(*result);
  }

  // How many transactions and jobs the writer has committed; for tests and metrics.
  struct Stats {
    std::uint64_t transactions = 0;
    std::uint64_t jobs = 0;
    std::uint64_t relaxed_transactions = 0;  // committed without an fsync of their own
    std::uint64_t relaxed_syncs = 0;         // checkpoints that synced relaxed commits
  };
  Stats stats() const;

 private:
  struct Job {
    std::function<core::Result<void>(Connection&)> run;
    std::promise<core::Result<void>> done;
    Durability durability = Durability::kFull;
  };

  void Enqueue(Job job);
  void Loop();
  void RunBatch(std::deque<Job>& batch);
  // Makes relaxed commits durable: a passive checkpoint syncs the WAL first (synchronous=NORMAL
  // in WAL mode syncs before every checkpoint).
  void SyncRelaxed();

  Connection db_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;  // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  // When the oldest commit not yet synced was made; used by the writer thread only.
  std::optional<std::chrono::steady_clock::time_point> unsynced_since_;
  Stats stats_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace unknot::storage::sqlite
