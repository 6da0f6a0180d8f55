#include "api/v1/availability_cache.hpp"

#include <gtest/gtest.h>

namespace unknot::api::v1 {
namespace {

using namespace std::chrono_literals;

TEST(AvailabilityCacheTest, HitsOnlyForTheSameGenerationWithinASecond) {
  AvailabilityCache cache;
  auto t0 = AvailabilityCache::Clock::time_point{} + 100s;
  auto body = std::make_shared<const AvailabilityCache::Body>(
      AvailabilityCache::Body{"body", "gzipped body"});
  EXPECT_FALSE(cache.Find("q", 1, t0));
  cache.Store("q", 1, t0, body);
  auto hit = cache.Find("q", 1, t0 + 999ms);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->json, "body");
  EXPECT_EQ(hit->gzip, "gzipped body");
  EXPECT_FALSE(cache.Find("q", 2, t0));  // a write happened
  cache.Store("q", 1, t0, body);
  EXPECT_FALSE(cache.Find("q", 1, t0 + 1s));  // too old
  EXPECT_FALSE(cache.Find("other", 1, t0));
}

}  // namespace
}  // namespace unknot::api::v1
