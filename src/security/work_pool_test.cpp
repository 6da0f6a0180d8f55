#include "security/work_pool.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <vector>

namespace unknot::security {
namespace {

using namespace std::chrono_literals;

// Holds every job that waits on it until Open().
class Gate {
 public:
  void Wait() { opened_.wait(); }
  void Open() { promise_.set_value(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> opened_ = promise_.get_future().share();
};

TEST(WorkPoolTest, NeverRunsMoreJobsAtOnceThanItHasThreads) {
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> done{0};
  {
    WorkPool pool(2, 100);
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(pool.Submit([&] {
        const int now = running.fetch_add(1) + 1;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(1ms);
        running.fetch_sub(1);
        done.fetch_add(1);
      }));
    }
  }  // the destructor runs what is queued, then joins
  EXPECT_EQ(done.load(), 40);
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

TEST(WorkPoolTest, RefusesAtOnceWhenTheQueueIsFull) {
  Gate gate;
  std::atomic<int> ran{0};
  {
    WorkPool pool(1, 2);
    // One job on the worker, two waiting: full, whether or not the worker has woken yet.
    for (int i = 0; i < 3; ++i) {
      // EXPECT, not ASSERT, in here: returning early would leave the workers waiting at the gate.
      EXPECT_TRUE(pool.Submit([&] {
        gate.Wait();
        ran.fetch_add(1);
      }));
    }
    const auto before = std::chrono::steady_clock::now();
    auto refused = pool.Submit([&] { ran.fetch_add(100); });
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);  // did not wait for room
    EXPECT_FALSE(refused);
    if (!refused) {
      EXPECT_EQ(refused.error().code(), core::ErrorCode::kUnavailable);
    }
    EXPECT_EQ(ran.load(), 0);
    gate.Open();
  }
  EXPECT_EQ(ran.load(), 3);  // the refused job never ran
}

TEST(WorkPoolTest, AQueueOfZeroTakesOnlyWhatIdleWorkersCanStart) {
  Gate gate;
  {
    WorkPool pool(2, 0);
    EXPECT_TRUE(pool.Submit([&] { gate.Wait(); }));
    EXPECT_TRUE(pool.Submit([&] { gate.Wait(); }));
    EXPECT_FALSE(pool.Submit([] {}));
    gate.Open();
  }
}

TEST(WorkPoolTest, RunsJobsOffTheCallersThread) {
  WorkPool pool(1, 1);
  std::promise<std::thread::id> where;
  ASSERT_TRUE(pool.Submit([&] { where.set_value(std::this_thread::get_id()); }));
  EXPECT_NE(where.get_future().get(), std::this_thread::get_id());
  EXPECT_EQ(pool.threads(), 1u);
  EXPECT_EQ(pool.queue_capacity(), 1u);
}

TEST(WorkPoolTest, NicedWorkersRunBelowTheCallersPriority) {
  const int before = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  WorkPool pool(2, 4, 10);
  std::promise<int> seen;
  ASSERT_TRUE(pool.Submit([&] {
    seen.set_value(::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))));
  }));
  const int worker = seen.get_future().get();
  EXPECT_EQ(pool.nice(), 10);
  if (before + 10 <= 19) {
    // Raising a nice value (lowering priority) is always allowed.
    EXPECT_EQ(pool.workers_niced(), 2u);
    EXPECT_EQ(worker, before + 10);
  }
  // The caller's own priority is untouched: nice values are per thread on Linux.
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))), before);
  WorkPool plain(1, 1);
  std::promise<int> plain_seen;
  ASSERT_TRUE(plain.Submit([&] {
    plain_seen.set_value(::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))));
  }));
  EXPECT_EQ(plain_seen.get_future().get(), before);
}

}  // namespace
}  // namespace unknot::security
