#include "storage/sqlite/write_queue.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <exception>

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
  Stats stats = stats_;
  // Recorded under mutex_ (RunBatch): consistent with the other counts.
  stats.schedule_transactions = schedule_log_.generation();
  return stats;
}

core::Result<void> WriteQueue::Submit(Writer& writer) {
  std::unique_lock lock(mutex_);
  if (!busy_ && queue_.empty()) {
    // Nobody writing or waiting: run here.
    busy_ = true;
    lock.unlock();
    RunBatch({&writer});
    ReleaseConnection();
    return std::move(*writer.outcome);
  }
  queue_.push_back(&writer);
  wake_.notify_one();
  writer.finished.wait(lock, [&] { return writer.done; });
  return std::move(*writer.outcome);
}

void WriteQueue::ReleaseConnection() {
  std::lock_guard lock(mutex_);
  busy_ = false;
  // Whatever queued meanwhile is the writer thread's; so is a sync that fell due.
  if (!queue_.empty() || waiting_for_idle_) wake_.notify_one();
}

void WriteQueue::Loop() {
  std::unique_lock lock(mutex_);
  bool tried_final_sync = false;  // a sync that fails while stopping is not retried forever
  while (true) {
    if (busy_) {
      // A caller is writing on its own thread; it wakes this one when it is done.
      waiting_for_idle_ = true;
      wake_.wait(lock, [this] { return !busy_; });
      waiting_for_idle_ = false;
      continue;
    }
    // Relaxed commits are synced once they have waited kRelaxedSyncDelay (even under a steady
    // stream of relaxed writes), and before stopping; not as soon as the writer is idle, or
    // the next write would wait for that fsync after all.
    const bool stop = stopping_ && queue_.empty();
    const bool sync = unsynced_since_ &&
                      ((stop && !tried_final_sync) ||
                       std::chrono::steady_clock::now() >= *unsynced_since_ + kRelaxedSyncDelay);
    tried_final_sync = tried_final_sync || (stop && sync);
    if (queue_.empty() && !sync) {
      if (stop) return;  // nothing left to write (closing the connection checkpoints the rest)
      // Woken by a queued write, a relaxed commit (to wait for its sync), or stopping.
      if (unsynced_since_) {
        wake_.wait_until(lock, *unsynced_since_ + kRelaxedSyncDelay);
      } else {
        wake_.wait(lock);
      }
      continue;
    }
    std::vector<Writer*> batch(queue_.begin(), queue_.end());
    queue_.clear();
    busy_ = true;
    lock.unlock();
    if (sync) SyncRelaxed();
    if (!batch.empty()) RunBatch(batch);
    lock.lock();
    busy_ = false;
    for (Writer* writer : batch) {
      writer->done = true;
      // Notified under the lock: a caller cannot see `done` and leave (destroying its Writer)
      // before the lock is released.
      writer->finished.notify_one();
    }
  }
}

void WriteQueue::SyncRelaxed() {
  int log_frames = 0;
  int checkpointed = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                     &checkpointed);
  std::lock_guard lock(mutex_);
  // SQLITE_BUSY: a reader holds the WAL; the WAL was synced all the same before the attempt.
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
    unsynced_since_.reset();
    ++stats_.relaxed_syncs;
  } else {
    // Tried again after another delay, not in a loop; the next FULL commit syncs it anyway.
    unsynced_since_ = std::chrono::steady_clock::now();
  }
}

void WriteQueue::RunBatch(const std::vector<Writer*>& batch) {
  const bool relaxed = std::all_of(batch.begin(), batch.end(), [](const Writer* writer) {
    return writer->durability == Durability::kRelaxed;
  });
  // synchronous can only change outside a transaction: NORMAL for this one commit, then FULL.
  core::Result<void> begun =
      relaxed ? db_.ExecCached("PRAGMA synchronous = NORMAL") : core::Result<void>{};
  if (begun) begun = db_.ExecCached("BEGIN IMMEDIATE");
  // A write alone needs no SAVEPOINT of its own: the transaction is its own, rolled back whole
  // when it fails (two statements fewer for every uncontended write).
  const bool alone = batch.size() == 1;
  if (begun) {
    for (Writer* job : batch) {
      if (!alone) {
        core::Result<void> savepoint = db_.ExecCached("SAVEPOINT job");
        if (!savepoint) {
          job->outcome = std::move(savepoint).error();
          continue;
        }
      }
      core::Result<void> outcome = core::Ok();
      try {
        outcome = job->run(db_, job->changes);
      } catch (const std::exception& e) {
        outcome = core::Error(core::ErrorCode::kInternal, e.what());
      } catch (...) {
        outcome = core::Error(core::ErrorCode::kInternal, "a write threw");
      }
      if (!alone) {
        if (!outcome) (void)db_.ExecCached("ROLLBACK TO job");
        (void)db_.ExecCached("RELEASE job");
      }
      if (!outcome) job->changes.Clear();  // rolled back: changed nothing
      job->outcome = std::move(outcome);
    }
  }
  core::Result<void> committed = core::Ok();
  bool wrote = true;
  if (!begun) {
    committed = std::move(begun);
  } else if (alone && !*batch.front()->outcome) {
    (void)db_.ExecCached("ROLLBACK");  // nothing to keep; the job's own error stands
    wrote = false;
  } else {
    committed = db_.ExecCached("COMMIT");
    if (!committed) (void)db_.ExecCached("ROLLBACK");
  }
  if (relaxed) {
    // Back to FULL whatever happened; a connection that cannot is not safe to write with.
    core::Result<void> full = db_.ExecCached("PRAGMA synchronous = FULL");
    if (!full && committed) committed = std::move(full).error();
  }
  bool wake_writer = false;
  {
    std::lock_guard lock(mutex_);
    if (committed) stats_.jobs += batch.size();  // run to their end, stored or refused
    if (committed && wrote) {
      // A FULL commit synced the WAL, relaxed commits before it included.
      if (!relaxed) {
        unsynced_since_.reset();
      } else if (!unsynced_since_) {
        unsynced_since_ = std::chrono::steady_clock::now();
        wake_writer = true;  // so that it waits with the sync delay
      }
      ++stats_.transactions;
      if (relaxed) ++stats_.relaxed_transactions;
      std::vector<const core::scheduling::ScheduleChanges*> schedule;
      for (const Writer* writer : batch) {
        if (writer->touches == Touches::kSchedule) schedule.push_back(&writer->changes);
      }
      if (!schedule.empty()) {
        schedule_log_.Record(schedule);
      }
    }
  }
  if (wake_writer) wake_.notify_one();
  // A failed commit fails every job in the batch: none of them is stored.
  if (!committed) {
    for (Writer* job : batch) job->outcome = committed.error();
  }
}

}  // namespace unknot::storage::sqlite
