#include "security/work_pool.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <latch>

namespace unknot::security {

WorkPool::WorkPool(std::size_t threads, std::size_t queue_capacity, int nice)
    : queue_capacity_(queue_capacity), nice_(std::clamp(nice, 0, 19)) {
  threads = std::max<std::size_t>(threads, 1);
  workers_.reserve(threads);
  // Each worker sets its priority before the pool is handed out, so no job runs at the old one.
  std::latch started(static_cast<std::ptrdiff_t>(threads));
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this, &started] {
      if (nice_ > 0) {
        // On Linux a nice value belongs to a thread: this worker's own id lowers only itself.
        auto self = static_cast<id_t>(::syscall(SYS_gettid));
        int current = ::getpriority(PRIO_PROCESS, self);
        if (::setpriority(PRIO_PROCESS, self, current + nice_) == 0) {
          niced_.fetch_add(1);
        } else {
          spdlog::warn("work pool: cannot lower a worker's priority: {}", std::strerror(errno));
        }
      }
      started.count_down();
      Work();
    });
  }
  started.wait();
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
