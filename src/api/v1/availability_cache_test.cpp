#include "api/v1/availability_cache.hpp"

#include <gtest/gtest.h>

namespace unknot::api::v1 {
namespace {

using namespace std::chrono_literals;
using core::scheduling::ScheduleChange;
using core::scheduling::ScheduleChangeLog;
using core::scheduling::ScheduleScope;

core::Interval Between(const char* from, const char* to) {
  return core::Interval::Create(core::ParseInstant(from).value(), core::ParseInstant(to).value())
      .value();
}

AvailabilityCache::ChangedSince In(const ScheduleChangeLog& log) {
  return [&log](std::uint64_t since, const ScheduleScope& scope, std::uint64_t* through) {
    return log.ChangedSince(since, scope, through);
  };
}

TEST(AvailabilityCacheTest, WithoutAScopeHitsOnlyForTheSameGenerationWithinASecond) {
  AvailabilityCache cache;
  ScheduleChangeLog log;
  auto t0 = AvailabilityCache::Clock::time_point{} + 100s;
  auto body = std::make_shared<const AvailabilityCache::Body>(
      AvailabilityCache::Body{"body", "gzipped body", std::nullopt});
  EXPECT_FALSE(cache.Find("q", 1, t0, In(log)));
  cache.Store("q", 1, t0, body);
  auto hit = cache.Find("q", 1, t0 + 999ms, In(log));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->json, "body");
  EXPECT_EQ(hit->gzip, "gzipped body");
  log.Record(std::vector<ScheduleChange>{});  // a write that changed nothing still counts here
  EXPECT_FALSE(cache.Find("q", 2, t0, In(log)));
  cache.Store("q", 1, t0, body);
  EXPECT_FALSE(cache.Find("q", 1, t0 + 1s, In(log)));  // too old
  EXPECT_FALSE(cache.Find("other", 1, t0, In(log)));
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 4u);
}

TEST(AvailabilityCacheTest, WithAScopeOnlyAWriteInsideItMakesTheAnswerStale) {
  AvailabilityCache cache;
  ScheduleChangeLog log;
  const core::ClinicId clinic{1};
  const core::PractitionerId ana{10};
  const core::PractitionerId ben{11};
  auto t0 = AvailabilityCache::Clock::time_point{} + 100s;
  ScheduleScope wednesday{
      clinic, {ana}, {}, Between("2026-12-02T08:00:00Z", "2026-12-03T08:00:00Z")};
  cache.Store("ana-wednesday", log.generation(), t0,
              std::make_shared<const AvailabilityCache::Body>(
                  AvailabilityCache::Body{"wednesday", "", wednesday}));
  // Ana on Tuesday, Ben on Wednesday: the answer stays.
  log.Record(std::vector<ScheduleChange>{
      {clinic, ana, std::nullopt, Between("2026-12-01T17:00:00Z", "2026-12-01T17:40:00Z")}});
  log.Record(std::vector<ScheduleChange>{
      {clinic, ben, std::nullopt, Between("2026-12-02T17:00:00Z", "2026-12-02T17:40:00Z")}});
  auto hit = cache.Find("ana-wednesday", log.generation(), t0 + 10ms, In(log));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->json, "wednesday");
  // Still a second at most.
  EXPECT_TRUE(cache.Find("ana-wednesday", log.generation(), t0 + 999ms, In(log)));
  // Ana on Wednesday: stale.
  log.Record(std::vector<ScheduleChange>{
      {clinic, ana, std::nullopt, Between("2026-12-02T17:00:00Z", "2026-12-02T17:40:00Z")}});
  EXPECT_FALSE(cache.Find("ana-wednesday", log.generation(), t0 + 20ms, In(log)));
  // A write that said nothing of what it changed: stale too.
  cache.Store("ana-wednesday", log.generation(), t0,
              std::make_shared<const AvailabilityCache::Body>(
                  AvailabilityCache::Body{"wednesday", "", wednesday}));
  log.Record(std::nullopt);
  EXPECT_FALSE(cache.Find("ana-wednesday", log.generation(), t0 + 20ms, In(log)));
}

}  // namespace
}  // namespace unknot::api::v1
