#pragma once

// A fixed number of threads and a bounded queue, for CPU-heavy work that must never run on an
// I/O thread (argon2id hashing: ~0.1 s of a core and 64 MiB each). When the queue is full a new
// job is refused at once with kUnavailable: under a burst of sign-ins the server answers "try
// again" rather than letting waiting requests pile up without limit.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/common/result.hpp"

namespace unknot::security {

class WorkPool {
 public:
  using Job = std::function<void()>;

  // `threads` workers (at least 1) and room for `queue_capacity` jobs waiting (0: a job is taken
  // only when a worker is idle).
  WorkPool(std::size_t threads, std::size_t queue_capacity);
  // Refuses new jobs, runs those already queued, then joins the workers.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job` to run on a worker. kUnavailable, at once, when the queue is full or the pool
  // is shutting down; `job` is then dropped without running. A job must not throw (one that does
  // ends the process, as any exception escaping a thread does).
  [[nodiscard]] core::Result<void> Submit(Job job);

  std::size_t threads() const { return workers_.size(); }
  std::size_t queue_capacity() const { return queue_capacity_; }

 private:
  void Work();

  const std::size_t queue_capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::size_t busy_ = 0;  // workers running a job
  bool stopping_ = false;
  std::vector<std::thread> workers_;  // last: started after everything they use exists
};

}  // namespace unknot::security
