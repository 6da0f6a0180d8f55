#include "storage/busy_times_cache.hpp"

#include <gtest/gtest.h>

#include "instants.hpp"

namespace unknot::storage {
namespace {

using namespace std::chrono_literals;
using core::ports::Hold;
using core::scheduling::Booking;
using core::scheduling::BusyEffect;
using core::scheduling::ScheduleChange;
using core::scheduling::ScheduleChangeLog;
using Changes = std::vector<ScheduleChange>;

using unknot::testing::At;
core::Interval Between(const char* from, const char* to) {
  return core::Interval::Create(At(from), At(to)).value();
}

const core::ClinicId kClinic{1};
const core::PractitionerId kAna{10};
const core::PractitionerId kBen{11};
const core::RoomId kRoom{20};
const core::RoomId kOtherRoom{21};
const core::Interval kTuesday = Between("2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z");
const core::Instant kNow = At("2026-11-30T12:00:00Z");

Booking BookingAt(const char* from, const char* to, core::PractitionerId who = kAna,
                  core::RoomId room = kRoom) {
  return {who, room, Between(from, to)};
}

ScheduleChange Change(const Booking& booking, BusyEffect effect) {
  return {kClinic, booking.practitioner, booking.room, booking.blocked, effect};
}

Hold HoldAt(const char* from, core::Instant expires, core::PractitionerId who = kAna) {
  const core::Instant start = At(from);
  return {who, core::ServiceId{2}, core::Interval::Create(start, start + 30min).value(),
          start + 40min, expires};
}

ScheduleChange HoldChange(const Hold& hold, BusyEffect effect) {
  return {kClinic, hold.practitioner, std::nullopt, hold.Blocked(), effect};
}

class BusyTimesCacheTest : public ::testing::Test {
 protected:
  std::optional<BusyTimesCache::BusyTimes> Find(core::Instant now = kNow,
                                                core::Interval window = kTuesday) {
    return cache_.Find(kClinic, window, now, log_, at_);
  }
  void Store(const BusyTimesCache::BusyTimes& busy, bool exact = true) {
    cache_.Store(kClinic, kTuesday, kNow, log_.generation(), exact, busy, at_);
  }

  ScheduleChangeLog log_;
  BusyTimesCache cache_;
  BusyTimesCache::Clock::time_point at_ = BusyTimesCache::Clock::now();
  const Booking nine_ = BookingAt("2026-12-01T09:00:00Z", "2026-12-01T09:40:00Z");
  const Booking noon_ = BookingAt("2026-12-01T12:00:00Z", "2026-12-01T12:40:00Z", kBen);
};

TEST_F(BusyTimesCacheTest, AWindowNeverStoredIsAMiss) {
  EXPECT_FALSE(Find());
  EXPECT_EQ(cache_.stats().misses, 1u);
}

TEST_F(BusyTimesCacheTest, AnExactEntryTakesBookingsAndCancellationsInOrderOfStart) {
  Store({{nine_, noon_}, {}});
  auto same = Find();
  ASSERT_TRUE(same);
  EXPECT_EQ(same->bookings, (std::vector<Booking>{nine_, noon_}));

  const Booking ten = BookingAt("2026-12-01T10:00:00Z", "2026-12-01T10:40:00Z", kBen, kOtherRoom);
  const Booking eight = BookingAt("2026-12-01T08:00:00Z", "2026-12-01T08:40:00Z");
  log_.Record(Changes{Change(ten, BusyEffect::kBusy)});
  log_.Record(Changes{Change(eight, BusyEffect::kBusy), Change(nine_, BusyEffect::kFree)});
  auto after = Find();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->bookings, (std::vector<Booking>{eight, ten, noon_}));
  // A move: freed where it was, busy where it is.
  const Booking moved = BookingAt("2026-12-01T15:00:00Z", "2026-12-01T15:40:00Z");
  log_.Record(Changes{Change(eight, BusyEffect::kFree), Change(moved, BusyEffect::kBusy)});
  after = Find();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->bookings, (std::vector<Booking>{ten, noon_, moved}));
  EXPECT_EQ(cache_.stats().hits, 3u);
  EXPECT_EQ(cache_.stats().updated, 2u);
}

TEST_F(BusyTimesCacheTest, TwinAppointmentsAreBothKeptAndFreedOneAtATime) {
  // Staff may overbook: two live appointments of the same practitioner, room and time.
  Store({{nine_}, {}});
  log_.Record(Changes{Change(nine_, BusyEffect::kBusy)});
  EXPECT_EQ(Find()->bookings, (std::vector<Booking>{nine_, nine_}));
  // Staff cancel one: freed as it was, nothing as it is (ChangeFrom, ChangeTo). Freed once.
  log_.Record(Changes{Change(nine_, BusyEffect::kFree), Change(nine_, BusyEffect::kNone)});
  EXPECT_EQ(Find()->bookings, (std::vector<Booking>{nine_}));
  log_.Record(Changes{Change(nine_, BusyEffect::kFree)});
  EXPECT_TRUE(Find()->bookings.empty());
}

TEST_F(BusyTimesCacheTest, AHoldUsedUpByItsBookingIsReplacedByTheBooking) {
  const Hold held = HoldAt("2026-12-01T09:00:00Z", kNow + 5min);
  Store({{}, {held}});
  EXPECT_EQ(Find()->holds, std::vector<Hold>{held});
  const Booking booked{kAna, kRoom, held.Blocked()};
  log_.Record(Changes{HoldChange(held, BusyEffect::kFree), Change(booked, BusyEffect::kBusy)});
  auto after = Find();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->holds.empty());
  EXPECT_EQ(after->bookings, std::vector<Booking>{booked});
}

TEST_F(BusyTimesCacheTest, AReleasedHoldThatHadExpiredWhenReadChangesNothing) {
  Store({{nine_}, {}});
  log_.Record(Changes{HoldChange(HoldAt("2026-12-01T11:00:00Z", kNow - 1min), BusyEffect::kFree)});
  auto after = Find();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->bookings, std::vector<Booking>{nine_});
}

TEST_F(BusyTimesCacheTest, HoldsExpiredAtTheCallersNowAreLeftOut) {
  const Hold soon = HoldAt("2026-12-01T09:00:00Z", kNow + 2min);
  const Hold later = HoldAt("2026-12-01T11:00:00Z", kNow + 10min, kBen);
  Store({{}, {soon, later}});
  EXPECT_EQ(Find(kNow + 1min)->holds, (std::vector<Hold>{soon, later}));
  EXPECT_EQ(Find(kNow + 2min)->holds, std::vector<Hold>{later});
  // A caller whose clock is behind the read's: the read may have left out a hold live for it.
  EXPECT_FALSE(Find(kNow - 1s));
}

TEST_F(BusyTimesCacheTest, ChangesOutsideTheWindowOrClinicKeepTheEntryAsItIs) {
  Store({{nine_}, {}}, /*exact=*/false);
  const Booking wednesday = BookingAt("2026-12-02T09:00:00Z", "2026-12-02T09:40:00Z");
  log_.Record(Changes{Change(wednesday, BusyEffect::kBusy)});
  ScheduleChange elsewhere = Change(nine_, BusyEffect::kUnknown);
  elsewhere.clinic = core::ClinicId{2};
  log_.Record(Changes{elsewhere});
  auto after = Find();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->bookings, std::vector<Booking>{nine_});
  EXPECT_EQ(cache_.stats().updated, 0u);
}

TEST_F(BusyTimesCacheTest, AnInexactEntryIsDroppedByAnyChangeInItsWindow) {
  // Read on a pooled reader: the read may already hold this booking, so adding it could count
  // it twice.
  Store({{nine_}, {}}, /*exact=*/false);
  log_.Record(Changes{Change(noon_, BusyEffect::kBusy)});
  EXPECT_FALSE(Find());
  EXPECT_FALSE(Find());  // gone, not kept stale
}

TEST_F(BusyTimesCacheTest, WhatCannotBeAppliedDropsTheEntry) {
  const Hold held = HoldAt("2026-12-01T11:00:00Z", kNow + 5min);
  const std::vector<std::pair<const char*, std::optional<Changes>>> cases = {
      {"a change that does not say", Changes{Change(noon_, BusyEffect::kUnknown)}},
      {"a hold taken (its service and expiry are not in the change)",
       Changes{HoldChange(held, BusyEffect::kBusy)}},
      {"a freed appointment that is not there", Changes{Change(noon_, BusyEffect::kFree)}},
      {"a write that may have changed anything", std::nullopt},
  };
  for (const auto& [what, changes] : cases) {
    SCOPED_TRACE(what);
    Store({{nine_}, {}});
    ASSERT_TRUE(Find());
    log_.Record(changes);
    EXPECT_FALSE(Find());
    EXPECT_FALSE(Find());
  }
}

TEST_F(BusyTimesCacheTest, AnEntryOlderThanTheLogRemembersOrThanItsMaxAgeIsDropped) {
  Store({{nine_}, {}});
  for (std::size_t i = 0; i <= ScheduleChangeLog::kKept; ++i) log_.Record(Changes{});
  EXPECT_FALSE(Find());

  Store({{nine_}, {}});
  at_ += BusyTimesCache::kMaxAge - 1s;
  EXPECT_TRUE(Find());
  at_ += 1s;
  EXPECT_FALSE(Find());
}

TEST_F(BusyTimesCacheTest, AFullCacheStartsOver) {
  BusyTimesCache small(2);
  const auto day = [](int i) {
    const core::Instant start = At("2026-12-01T08:00:00Z") + std::chrono::days{i};
    return core::Interval::Create(start, start + 24h).value();
  };
  for (int i = 0; i < 2; ++i) small.Store(kClinic, day(i), kNow, 0, true, {{nine_}, {}}, at_);
  EXPECT_TRUE(small.Find(kClinic, day(0), kNow, log_, at_));
  small.Store(kClinic, day(2), kNow, 0, true, {{nine_}, {}}, at_);
  EXPECT_FALSE(small.Find(kClinic, day(0), kNow, log_, at_));
  EXPECT_TRUE(small.Find(kClinic, day(2), kNow, log_, at_));
}

}  // namespace
}  // namespace unknot::storage
