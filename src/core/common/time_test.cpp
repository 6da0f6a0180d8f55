#include "core/common/time.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace unknot::core {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using date::April;
using date::March;
using date::November;

LocalDateTime Local(date::year_month_day day, std::chrono::minutes time) {
  return LocalDateTime{date::local_days{day}} + time;
}

std::string Utc(const Result<Instant>& r) {
  return r ? FormatInstant(*r) : "error: " + r.error().message();
}

class LosAngeles : public ::testing::Test {
 protected:
  TimeZone la_ = TimeZone::Find("America/Los_Angeles").value();
};

TEST_F(LosAngeles, OrdinaryDaysUseTheirOffset) {
  EXPECT_EQ(Utc(LocalToUtc(la_, Local(2026_y / March / 7, 9h + 30min), kStrictDstPolicy)),
            "2026-03-07T17:30:00Z");  // PST, UTC-8
  EXPECT_EQ(Utc(LocalToUtc(la_, Local(2026_y / March / 8, 9h + 30min), kStrictDstPolicy)),
            "2026-03-08T16:30:00Z");  // PDT, UTC-7, after the 02:00 jump
}

TEST_F(LosAngeles, SpringForwardGapFollowsThePolicy) {
  LocalDateTime missing = Local(2026_y / March / 8, 2h + 30min);
  EXPECT_EQ(Utc(LocalToUtc(la_, missing, kWorkingHoursDstPolicy)), "2026-03-08T10:30:00Z");
  // 10:30Z is 03:30 PDT: the time moved forward by the hour the clocks skipped.
  EXPECT_EQ(FormatLocalDateTime(UtcToLocal(la_, *LocalToUtc(la_, missing, kWorkingHoursDstPolicy))),
            "2026-03-08T03:30:00");
  Result<Instant> strict = LocalToUtc(la_, missing, kStrictDstPolicy);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(strict.error().message().find("does not exist"), std::string::npos);
}

TEST_F(LosAngeles, FallBackOverlapFollowsThePolicy) {
  LocalDateTime twice = Local(2026_y / November / 1, 1h + 30min);
  EXPECT_EQ(Utc(LocalToUtc(la_, twice, {DstGap::kReject, DstOverlap::kEarlier})),
            "2026-11-01T08:30:00Z");  // first time, PDT
  EXPECT_EQ(Utc(LocalToUtc(la_, twice, {DstGap::kReject, DstOverlap::kLater})),
            "2026-11-01T09:30:00Z");  // second time, PST
  Result<Instant> strict = LocalToUtc(la_, twice, kStrictDstPolicy);
  ASSERT_FALSE(strict);
  EXPECT_NE(strict.error().message().find("happens twice"), std::string::npos);
}

TEST_F(LosAngeles, DstDaysHaveRealLengths) {
  auto midnight = [&](date::year_month_day d) {
    return *LocalToUtc(la_, Local(d, 0min), kStrictDstPolicy);
  };
  EXPECT_EQ(midnight(2026_y / March / 9) - midnight(2026_y / March / 8), 23h);
  EXPECT_EQ(midnight(2026_y / November / 2) - midnight(2026_y / November / 1), 25h);
  EXPECT_EQ(midnight(2026_y / April / 2) - midnight(2026_y / April / 1), 24h);
}

TEST(TimeZoneTest, ZoneWithoutDstIsAlwaysUnique) {
  TimeZone phoenix = TimeZone::Find("America/Phoenix").value();
  // Phoenix stays at UTC-7 all year: the LA change days are ordinary days there.
  for (auto day : {2026_y / March / 8, 2026_y / November / 1}) {
    for (auto t : {1h + 30min, 2h + 30min}) {
      Result<Instant> utc = LocalToUtc(phoenix, Local(day, t), kStrictDstPolicy);
      ASSERT_TRUE(utc) << utc.error().message();
      EXPECT_EQ(*utc, Instant{(date::local_days{day} + t + 7h).time_since_epoch()});
    }
  }
}

TEST(TimeZoneTest, UnknownZoneIsAnError) {
  Result<TimeZone> zone = TimeZone::Find("Mars/Olympus_Mons");
  ASSERT_FALSE(zone);
  EXPECT_EQ(zone.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(zone.error().message().find("Mars/Olympus_Mons"), std::string::npos);
}

TEST(TimeOfDayTest, ParsesAndFormats) {
  EXPECT_EQ(TimeOfDay::Parse("08:15")->since_midnight(), 8h + 15min);
  EXPECT_EQ(TimeOfDay::Parse("24:00")->since_midnight(), 24h);
  EXPECT_EQ(TimeOfDay::Parse("07:05")->ToString(), "07:05");
  for (const char* bad : {"24:01", "8:15", "08:60", "0815", "ab:cd", "", "08:15:00"}) {
    EXPECT_FALSE(TimeOfDay::Parse(bad)) << bad;
  }
}

TEST(InstantTextTest, ParsesRfc3339) {
  EXPECT_EQ(Utc(ParseInstant("2026-03-08T16:30:00Z")), "2026-03-08T16:30:00Z");
  EXPECT_EQ(Utc(ParseInstant("2026-03-08T09:30-07:00")), "2026-03-08T16:30:00Z");
  EXPECT_EQ(Utc(ParseInstant("2026-03-08T23:30:00+05:30")), "2026-03-08T18:00:00Z");
  for (const char* bad :
       {"2026-03-08", "2026-03-08T16:30", "2026-02-30T10:00Z", "2026-03-08T25:00Z",
        "2026-03-08T16:30:00.5Z", "yesterday", "2026-03-08T16:30+0700"}) {
    EXPECT_FALSE(ParseInstant(bad)) << bad;
  }
}

// What JavaScript's Date.prototype.toISOString writes: milliseconds, always present.
TEST(InstantTextTest, AcceptsAZeroFractionOfASecond) {
  EXPECT_EQ(Utc(ParseInstant("2026-12-21T17:00:00.000Z")), "2026-12-21T17:00:00Z");
  EXPECT_EQ(Utc(ParseInstant("2026-12-21T09:00:00.0-08:00")), "2026-12-21T17:00:00Z");
  EXPECT_EQ(Utc(ParseInstant("2026-12-21T17:00:00.000000000z")), "2026-12-21T17:00:00Z");
  auto nonzero = ParseInstant("2026-12-21T17:00:00.001Z");
  ASSERT_FALSE(nonzero);
  EXPECT_NE(nonzero.error().message().find("whole second"), std::string::npos);
  for (const char* bad :
       {"2026-12-21T17:00:00.Z", "2026-12-21T17:00.000Z", "2026-12-21T17:00:00.0000000000Z",
        "2026-12-21T17:00:00.000", "2026-12-21T17:00:00.00aZ"}) {
    EXPECT_FALSE(ParseInstant(bad)) << bad;
  }
}

TEST(LocalTextTest, ParsesDatesAndLocalTimes) {
  EXPECT_EQ(FormatLocalDate(*ParseLocalDate("2028-02-29")), "2028-02-29");
  EXPECT_FALSE(ParseLocalDate("2026-02-29"));
  EXPECT_FALSE(ParseLocalDate("2026-3-8"));
  EXPECT_FALSE(ParseLocalDate("2026-03-08x"));
  EXPECT_EQ(FormatLocalDateTime(*ParseLocalDateTime("2026-11-01T01:30")), "2026-11-01T01:30:00");
  EXPECT_FALSE(ParseLocalDateTime("2026-11-01T01:30Z"));
}

TEST(WeekdayTest, NamesRoundTrip) {
  for (unsigned i = 0; i < 7; ++i) {
    date::weekday day{i};
    EXPECT_EQ(*ParseWeekday(WeekdayName(day)), day);
  }
  EXPECT_FALSE(ParseWeekday("Funday"));
}

// Outside the yearly gap, local -> UTC -> local gives back the same wall-clock time.
RC_GTEST_PROP(TimeProperties, LocalUtcRoundTripOutsideGaps, ()) {
  static const TimeZone kZones[] = {TimeZone::Find("America/Los_Angeles").value(),
                                    TimeZone::Find("America/Phoenix").value(),
                                    TimeZone::Find("Europe/Berlin").value()};
  const TimeZone& zone = kZones[*rc::gen::inRange(0, 3)];
  auto minutes = std::chrono::minutes{*rc::gen::inRange(0, 60 * 24 * 365 * 3)};
  LocalDateTime local = LocalDateTime{date::local_days{2025_y / 1 / 1}} + minutes;
  Result<Instant> utc = LocalToUtc(zone, local, kWorkingHoursDstPolicy);
  RC_ASSERT(utc.has_value());
  bool in_gap = zone.get()->get_info(local).result == date::local_info::nonexistent;
  RC_PRE(!in_gap);
  RC_ASSERT(UtcToLocal(zone, *utc) == local);
}

// Instants survive formatting and parsing.
RC_GTEST_PROP(TimeProperties, InstantTextRoundTrip, ()) {
  auto seconds = std::chrono::seconds{*rc::gen::inRange<std::int64_t>(0, 4102444800)};
  Instant t{seconds};
  RC_ASSERT(ParseInstant(FormatInstant(t)).value() == t);
}

// The hand-written formatters write what date::format writes, also for years it must hand over.
RC_GTEST_PROP(TimeProperties, FormattingMatchesDateFormat, ()) {
  // From about year -2000 to year 12000.
  auto seconds =
      std::chrono::seconds{*rc::gen::inRange<std::int64_t>(-125'000'000'000, 316'000'000'000)};
  Instant t{seconds};
  RC_ASSERT(FormatInstant(t) == date::format("%FT%TZ", t));
  LocalDateTime local{seconds};
  RC_ASSERT(FormatLocalDateTime(local) == date::format("%FT%T", local));
  LocalDate day{date::floor<date::days>(t)};
  RC_ASSERT(FormatLocalDate(day) == date::format("%F", day));
}

TEST(TimeTest, FormatsEdgesOfTheDay) {
  EXPECT_EQ(FormatInstant(Instant{std::chrono::seconds{0}}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatInstant(Instant{std::chrono::seconds{-1}}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatInstant(*ParseInstant("2028-02-29T23:59:59Z")), "2028-02-29T23:59:59Z");
  EXPECT_EQ(FormatLocalDate(*ParseLocalDate("0001-01-01")), "0001-01-01");
}

}  // namespace
}  // namespace unknot::core
