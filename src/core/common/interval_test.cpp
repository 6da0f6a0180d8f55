#include "core/common/interval.hpp"

#include <gtest/gtest.h>

#include "instants.hpp"

namespace unknot::core {
namespace {

using namespace std::chrono_literals;

using unknot::testing::At;

TEST(IntervalTest, RequiresStartBeforeEnd) {
  EXPECT_FALSE(Interval::Create(At("2026-01-01T10:00:00Z"), At("2026-01-01T10:00:00Z")));
  EXPECT_FALSE(Interval::Create(At("2026-01-01T11:00:00Z"), At("2026-01-01T10:00:00Z")));
  Result<Interval> ok = Interval::Create(At("2026-01-01T10:00:00Z"), At("2026-01-01T10:45:00Z"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->length(), 45min);
}

TEST(IntervalTest, IsHalfOpen) {
  Interval a = *Interval::Create(At("2026-01-01T09:00:00Z"), At("2026-01-01T10:00:00Z"));
  Interval b = *Interval::Create(At("2026-01-01T10:00:00Z"), At("2026-01-01T11:00:00Z"));
  Interval c = *Interval::Create(At("2026-01-01T09:59:00Z"), At("2026-01-01T10:01:00Z"));
  EXPECT_FALSE(a.Overlaps(b));
  EXPECT_FALSE(b.Overlaps(a));
  EXPECT_TRUE(a.Overlaps(c));
  EXPECT_TRUE(c.Overlaps(b));
  EXPECT_TRUE(a.Contains(a.start()));
  EXPECT_FALSE(a.Contains(a.end()));
  EXPECT_TRUE(a.Contains(a));
  EXPECT_FALSE(a.Contains(c));
}

}  // namespace
}  // namespace unknot::core
