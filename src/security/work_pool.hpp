#pragma once

// A fixed number of threads and a bounded queue, for CPU-heavy work that must never run on an
// I/O thread (argon2id hashing: ~0.1 s of a core and 64 MiB each). When the queue is full a new
// job is refused at once with kUnavailable: under a burst of sign-ins the server answers "try
// again" rather than letting waiting requests pile up without limit.

#include <atomic>
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
  // only when a worker is idle). `nice` (0 to 19) lowers the workers' scheduling priority below
  // the rest of the process: CPU-bound jobs that never block would otherwise take an equal share
  // of a core from the I/O threads (docs/benchmarks.md, issue 13: availability fell to 37 % of its
  // rate under bursts of sign-ins at equal priority, and stayed above 100 % at nice 10).
  WorkPool(std::size_t threads, std::size_t queue_capacity, int nice = 0);
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
  // The nice value each worker asked for; whether the system granted it is in workers_niced().
  int nice() const { return nice_; }
  // How many workers run at the lowered priority (the system may refuse, e.g. in a container
  // without the right; the pool then runs at the process's priority and says so in the log).
  std::size_t workers_niced() const { return niced_.load(); }

 private:
  void Work();

  const std::size_t queue_capacity_;
  const int nice_;
  std::atomic<std::size_t> niced_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::size_t busy_ = 0;  // workers running a job
  bool stopping_ = false;
  std::vector<std::thread> workers_;  // last: started after everything they use exists
};

}  // namespace unknot::security
