#pragma once

// The single SQLite writer: one write connection, used by one thread at a time.
// - A write that finds the connection idle and nobody waiting runs at once on its caller's thread:
//   no hand-off to another thread and back, which costs more than a small commit itself.
// - Writes that arrive while a commit is in progress are queued for the writer thread, which runs
//   everything queued in one transaction, each inside its own SAVEPOINT (a failing one is rolled
//   back alone), and commits them together: N concurrent bookings cost one fsync instead of N.
// The writer thread also syncs relaxed commits (below).
// - A read that wants the page cache the last commit left (the busy times right after a booking)
//   may run on the write connection while it is idle (TryRead); it never waits for a write.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/common/result.hpp"
#include "core/scheduling/schedule_changes.hpp"
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

// Whether a write can change what the scheduling engine sees (appointments, set-up): such
// commits raise Stats::schedule_transactions and are recorded in schedule_log(), which caches of
// availability watch. Audit entries of reads and session bookkeeping say kNotTheSchedule, so a
// staff member reading records does not empty the patients' availability cache. When in doubt,
// kSchedule (a needless recompute). A kSchedule write may also say what it changed (its body takes
// a ScheduleChanges&): then only the cached answers that depend on that are stale.
enum class Touches { kSchedule, kNotTheSchedule };

class WriteQueue {
 public:
  // Takes the write connection; starts the writer thread.
  explicit WriteQueue(Connection writer);
  // Syncs what relaxed commits left unsynced, then stops the writer thread. No Write may be
  // running.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Runs `body(connection)` (or `body(connection, changes)`) inside the writer's transaction and
  // waits until it is durably committed (or rolled back). `body` returns Result<T>; its error
  // rolls back its own work only (so does an exception it throws, reported as an internal error).
  // `body` may run on another writer's thread. A body that takes a core::scheduling::
  // ScheduleChanges& says there what it changed in the schedule (else: anything may have).
  // A batch commits with synchronous=FULL if any of its jobs asks for kFull, else NORMAL (WAL:
  // no fsync at commit); a later FULL commit or a checkpoint syncs what NORMAL commits left.
  template <typename T, typename Body>
  core::Result<T> Write(Body body, Durability durability = Durability::kFull,
                        Touches touches = Touches::kSchedule) {
    std::optional<core::Result<T>> result;
    Writer writer{
        [&](Connection& db, core::scheduling::ScheduleChanges& changes) -> core::Result<void> {
          if constexpr (std::is_invocable_v<Body&, Connection&,
                                            core::scheduling::ScheduleChanges&>) {
            result.emplace(body(db, changes));
          } else {
            (void)changes;
            result.emplace(body(db));
          }
          if (*result) return core::Ok();
          return result->error();
        },
        durability, touches};
    core::Result<void> outcome = Submit(writer);
    if (!outcome) return std::move(outcome).error();
    return std::move(*result);
  }

  // Runs `body(connection)` (a read) on the write connection if it is idle and no write waits
  // for it, on the caller's thread, and returns its result; nullopt (not run) otherwise. The write
  // connection's page cache holds what the last commit wrote, where a pooled reader's cache is
  // dropped whole by any commit: the first read after a booking costs less here. A write that
  // arrives meanwhile waits for the read (tens of microseconds), as for another write. `body`
  // must only read.
  template <typename Body>
  auto TryRead(Body body) -> std::optional<std::invoke_result_t<Body&, Connection&>> {
    {
      std::lock_guard lock(mutex_);
      if (busy_ || !queue_.empty() || stopping_) return std::nullopt;
      busy_ = true;
    }
    struct Release {
      WriteQueue& queue;
      ~Release() { queue.ReleaseConnection(); }
    } release{*this};
    return body(db_);
  }

  // How many transactions the writer has committed (a write alone that failed is rolled back and
  // not counted) and how many jobs it has run; for tests and metrics (Generation()).
  struct Stats {
    std::uint64_t transactions = 0;
    std::uint64_t jobs = 0;
    std::uint64_t relaxed_transactions = 0;   // committed without an fsync of their own
    std::uint64_t relaxed_syncs = 0;          // checkpoints that synced relaxed commits
    std::uint64_t schedule_transactions = 0;  // commits with a job of Touches::kSchedule: the
                                              // schedule log's generation
  };
  Stats stats() const;

  // Every commit of a kSchedule job, with what its jobs changed; its generation equals
  // stats().schedule_transactions once the commit is counted.
  const core::scheduling::ScheduleChangeLog& schedule_log() const { return schedule_log_; }

 private:
  // One caller's write; lives on that caller's stack until `done`.
  struct Writer {
    using Job = std::function<core::Result<void>(Connection&, core::scheduling::ScheduleChanges&)>;
    Writer(Job job, Durability level, Touches what)
        : run(std::move(job)), durability(level), touches(what) {}
    Job run;
    Durability durability = Durability::kFull;
    Touches touches = Touches::kSchedule;
    core::scheduling::ScheduleChanges changes;  // what `run` says it changed; writer's thread
    bool done = false;                          // guarded by mutex_
    std::optional<core::Result<void>> outcome;  // set before `done`
    std::condition_variable finished;           // signalled when done
  };

  // Ends a write or read that ran on its caller's thread (busy_): frees the connection and wakes
  // the writer thread if anything waits for it.
  void ReleaseConnection();
  // Runs `writer` at once if the connection is idle, else queues it; returns once it committed.
  core::Result<void> Submit(Writer& writer);
  void Loop();
  // Runs a batch on whichever thread holds the connection (busy_).
  void RunBatch(const std::vector<Writer*>& batch);
  // Makes relaxed commits durable: a passive checkpoint syncs the WAL first (synchronous=NORMAL
  // in WAL mode syncs before every checkpoint). Writer thread only, holding the connection.
  void SyncRelaxed();

  Connection db_;  // used only by the thread that set busy_
  mutable std::mutex mutex_;
  std::condition_variable wake_;   // the writer thread: work queued, connection free, or stopping
  std::deque<Writer*> queue_;      // guarded by mutex_
  bool busy_ = false;              // guarded by mutex_: some thread is using db_
  bool stopping_ = false;          // guarded by mutex_
  bool waiting_for_idle_ = false;  // guarded by mutex_: the writer thread waits for !busy_
  // When the oldest commit not yet synced was made; guarded by mutex_.
  std::optional<std::chrono::steady_clock::time_point> unsynced_since_;
  Stats stats_;  // guarded by mutex_
  // Recorded under mutex_; its generation is Stats::schedule_transactions.
  core::scheduling::ScheduleChangeLog schedule_log_;
  std::thread thread_;
};

}  // namespace unknot::storage::sqlite
