#include "security/work_pool.hpp"

#include <algorithm>

namespace unknot::security {

WorkPool::WorkPool(std::size_t threads, std::size_t queue_capacity)
    : queue_capacity_(queue_capacity) {
  threads = std::max<std::size_t>(threads, 1);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

core::Result<void> WorkPool::Submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return core::Error(core::ErrorCode::kUnavailable, "the work pool is shutting down");
    }
    // A job a free worker will take at once does not wait, so it does not count against the
    // queue's room. (A worker that has not started yet counts as free.)
    if (queue_.size() >= queue_capacity_ + (workers_.size() - busy_)) {
      return core::Error(core::ErrorCode::kUnavailable, "the work pool is busy (" +
                                                            std::to_string(queue_capacity_) +
                                                            " jobs waiting); try again shortly");
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return core::Ok();
}

void WorkPool::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    job();
    job = nullptr;  // whatever the job holds is released outside the lock
    lock.lock();
    --busy_;
  }
}

}  // namespace unknot::security
