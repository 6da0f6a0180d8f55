#include "api/http/rate_limit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace unknot::api::http {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

// 10 a minute, 20 at once: the per-address default.
constexpr RateLimiter::Rate kTenPerMinute{10.0 / 60, 20};

const Clock::time_point kStart = Clock::time_point{} + 1000h;

TEST(RateLimiterTest, ANewKeyMayUseItsWholeBurstThenWaits) {
  RateLimiter limiter;
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(limiter.Take("a", kTenPerMinute, kStart).allowed) << i;

  RateLimiter::Decision refused = limiter.Take("a", kTenPerMinute, kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 6s);  // one token every six seconds
}

TEST(RateLimiterTest, TokensComeBackAtTheRate) {
  RateLimiter limiter;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.Take("a", kTenPerMinute, kStart).allowed);

  EXPECT_EQ(limiter.Take("a", kTenPerMinute, kStart + 4s).retry_after, 2s);  // rounded up
  EXPECT_TRUE(limiter.Take("a", kTenPerMinute, kStart + 6s).allowed);
  EXPECT_FALSE(limiter.Take("a", kTenPerMinute, kStart + 6s).allowed);
  // A long pause refills to the burst, never beyond.
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(limiter.Take("a", kTenPerMinute, kStart + 1h).allowed);
  EXPECT_FALSE(limiter.Take("a", kTenPerMinute, kStart + 1h).allowed);
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter;
  constexpr RateLimiter::Rate kOneAnHour{1.0 / 3600, 1};
  EXPECT_TRUE(limiter.Take("a", kOneAnHour, kStart).allowed);
  RateLimiter::Decision again = limiter.Take("a", kOneAnHour, kStart);
  EXPECT_FALSE(again.allowed);
  EXPECT_EQ(again.retry_after, 3600s);
  EXPECT_TRUE(limiter.Take("b", kOneAnHour, kStart).allowed);
}

TEST(RateLimiterTest, AClockThatGoesBackAddsNoTokens) {
  RateLimiter limiter;
  constexpr RateLimiter::Rate kOneASecond{1, 1};
  EXPECT_TRUE(limiter.Take("a", kOneASecond, kStart).allowed);
  EXPECT_FALSE(limiter.Take("a", kOneASecond, kStart - 10s).allowed);
  EXPECT_TRUE(limiter.Take("a", kOneASecond, kStart + 1s).allowed);
}

TEST(RateLimiterTest, ManyKeysNeverGrowPastTheBound) {
  RateLimiter limiter(1'000);
  // A hostile client with a fresh address per request, all within one second.
  for (int i = 0; i < 50'000; ++i) {
    EXPECT_TRUE(limiter.Take("k" + std::to_string(i), kTenPerMinute, kStart + i * 10us).allowed);
    ASSERT_LE(limiter.size(), 1'000u + 16u) << i;
  }
}

TEST(RateLimiterTest, FullBucketsAreForgottenFirst) {
  RateLimiter limiter(16);  // one bucket per shard
  constexpr RateLimiter::Rate kOneAMinute{1.0 / 60, 1};
  ASSERT_TRUE(limiter.Take("busy", kOneAMinute, kStart).allowed);
  // Another key in the same shard evicts "busy" only when it must; then "busy" starts afresh,
  // which is what the bound costs. Keys that had refilled cost nothing.
  for (int i = 0; i < 100; ++i) limiter.Take("idle" + std::to_string(i), kOneAMinute, kStart);
  EXPECT_LE(limiter.size(), 16u);
}

TEST(RateLimiterTest, ConcurrentTakersShareOneBucketExactly) {
  RateLimiter limiter;
  constexpr RateLimiter::Rate kHundred{1e-9, 100};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (limiter.Take("shared", kHundred, kStart).allowed) ++allowed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace unknot::api::http
