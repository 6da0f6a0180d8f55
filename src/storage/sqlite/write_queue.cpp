#include "storage/sqlite/write_queue.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace unknot::storage::sqlite {

WriteQueue::WriteQueue(Connection writer) : db_(std::move(writer)), thread_([this] { Loop(); }) {}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

WriteQueue::Stats WriteQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void WriteQueue::Enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WriteQueue::Loop() {
  while (true) {
    std::deque<Job> batch;
    bool sync = false;
    bool stop = false;
    {
      std::unique_lock lock(mutex_);
      auto ready = [this] { return stopping_ || !queue_.empty(); };
      if (unsynced_since_) {
        wake_.wait_until(lock, *unsynced_since_ + kRelaxedSyncDelay, ready);
      } else {
        wake_.wait(lock, ready);
      }
      // Relaxed commits are synced once they have waited kRelaxedSyncDelay (even under a steady
      // stream of relaxed writes), and before stopping; not as soon as the writer is idle, or
      // the next write would wait for that fsync after all.
      stop = stopping_ && queue_.empty();
      sync = unsynced_since_ &&
             (stop || std::chrono::steady_clock::now() >= *unsynced_since_ + kRelaxedSyncDelay);
      batch.swap(queue_);
    }
    if (sync) SyncRelaxed();
    if (!batch.empty()) RunBatch(batch);
    if (stop) return;  // nothing left to write (closing the connection checkpoints the rest)
  }
}

void WriteQueue::SyncRelaxed() {
  int log_frames = 0;
  int checkpointed = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                     &checkpointed);
  // SQLITE_BUSY: a reader holds the WAL; the WAL was synced all the same before the attempt.
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
    unsynced_since_.reset();
    std::lock_guard lock(mutex_);
    ++stats_.relaxed_syncs;
  } else {
    // Tried again after another delay, not in a loop; the next FULL commit syncs it anyway.
    unsynced_since_ = std::chrono::steady_clock::now();
  }
}

void WriteQueue::RunBatch(std::deque<Job>& batch) {
  const bool relaxed = std::all_of(batch.begin(), batch.end(), [](const Job& job) {
    return job.durability == Durability::kRelaxed;
  });
  // synchronous can only change outside a transaction: NORMAL for this one commit, then FULL.
  core::Result<void> begun =
      relaxed ? db_.ExecCached("PRAGMA synchronous = NORMAL") : core::Result<void>{};
  if (begun) begun = db_.ExecCached("BEGIN IMMEDIATE");
  std::vector<core::Result<void>> outcomes;
  outcomes.reserve(batch.size());
  if (begun) {
    for (Job& job : batch) {
      core::Result<void> savepoint = db_.ExecCached("SAVEPOINT job");
      if (!savepoint) {
        outcomes.push_back(std::move(savepoint).error());
        continue;
      }
      core::Result<void> outcome = job.run(db_);
      if (!outcome) (void)db_.ExecCached("ROLLBACK TO job");
      (void)db_.ExecCached("RELEASE job");
      outcomes.push_back(std::move(outcome));
    }
  }
  core::Result<void> committed = begun ? db_.ExecCached("COMMIT") : std::move(begun);
  if (!committed) (void)db_.ExecCached("ROLLBACK");
  if (relaxed) {
    // Back to FULL whatever happened; a connection that cannot is not safe to write with.
    core::Result<void> full = db_.ExecCached("PRAGMA synchronous = FULL");
    if (!full && committed) committed = std::move(full).error();
  }
  if (committed) {
    // A FULL commit synced the WAL, relaxed commits before it included.
    if (relaxed) {
      if (!unsynced_since_) unsynced_since_ = std::chrono::steady_clock::now();
    } else {
      unsynced_since_.reset();
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (committed) {
      ++stats_.transactions;
      stats_.jobs += batch.size();
      if (relaxed) ++stats_.relaxed_transactions;
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    // A failed commit fails every job in the batch: none of them is stored.
    if (!committed) {
      batch[i].done.set_value(committed.error());
    } else {
      batch[i].done.set_value(i < outcomes.size() ? std::move(outcomes[i]) : core::Ok());
    }
  }
}

}  // namespace unknot::storage::sqlite
