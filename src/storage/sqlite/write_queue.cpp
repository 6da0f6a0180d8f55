#include "storage/sqlite/write_queue.hpp"

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
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      batch.swap(queue_);
    }
    RunBatch(batch);
  }
}

void WriteQueue::RunBatch(std::deque<Job>& batch) {
  std::vector<core::Result<void>> outcomes;
  outcomes.reserve(batch.size());
  core::Result<void> begun = db_.ExecCached("BEGIN IMMEDIATE");
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
  {
    std::lock_guard lock(mutex_);
    if (committed) {
      ++stats_.transactions;
      stats_.jobs += batch.size();
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
