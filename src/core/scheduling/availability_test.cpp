#include "core/scheduling/availability.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/scheduling/free_time.hpp"
#include "instants.hpp"

namespace unknot::core::scheduling {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using clinic::Role;
using clinic::RoomKind;
using clinic::Skill;

using unknot::testing::At;
TimeOfDay T(std::string_view hhmm) { return TimeOfDay::Parse(hhmm).value(); }

// A Los Angeles clinic with two adjustment rooms and one massage room, no notice and a long
// horizon, so that each test states only the rule it is about. 2026-03-09 is a Monday (PDT).
class AvailabilityTest : public ::testing::Test {
 protected:
  AvailabilityTest() {
    setup_.clinic.time_zone = "America/Los_Angeles";
    setup_.clinic.policy.min_notice = 0min;
    setup_.clinic.policy.horizon = date::days{365};
    setup_.clinic.policy.slot_step = 15min;
    setup_.rooms = {{RoomId{1}, "A1", RoomKind::kAdjustment},
                    {RoomId{2}, "A2", RoomKind::kAdjustment},
                    {RoomId{3}, "M1", RoomKind::kMassage}};
    clinic::Service adjust;
    adjust.id = ServiceId{1};
    adjust.slug = "adjust";
    adjust.duration = 30min;
    adjust.allowed_roles = {Role::kChiropractor};
    adjust.room_kind = RoomKind::kAdjustment;
    clinic::Service art = adjust;
    art.id = ServiceId{2};
    art.slug = "art";
    art.required_skills = {Skill::kActiveReleaseTechnique};
    setup_.services = {adjust, art};
  }

  clinic::Practitioner& AddChiro(std::int64_t id, const char* start, const char* end) {
    clinic::Practitioner p;
    p.id = PractitionerId{id};
    p.slug = "p" + std::to_string(id);
    p.hours = {{date::Monday, T(start), T(end)}};
    setup_.practitioners.push_back(p);
    return setup_.practitioners.back();
  }

  Result<std::vector<DaySlots>> Find(ServiceId service = ServiceId{1},
                                     std::optional<PractitionerId> who = std::nullopt,
                                     LocalDate from = 2026_y / 3 / 9,
                                     LocalDate to = 2026_y / 3 / 9) {
    return FindAvailability(setup_, bookings_, now_, {service, from, to, who});
  }

  // "HH:MM p<id>@r<id> ..." per slot of a single-day result, in clinic-local time.
  std::vector<std::string> Show(const Result<std::vector<DaySlots>>& days) {
    EXPECT_TRUE(days.has_value());
    std::vector<std::string> lines;
    if (!days) return lines;
    auto zone = TimeZone::Find(setup_.clinic.time_zone).value();
    for (const DaySlots& day : *days) {
      for (const Slot& slot : day.slots) {
        std::string line = FormatLocalDateTime(UtcToLocal(zone, slot.time.start())).substr(11, 5);
        for (const SlotOption& o : day.OptionsOf(slot)) {
          line += " p" + to_string(o.practitioner) + "@r" + to_string(o.room);
        }
        lines.push_back(line);
      }
    }
    return lines;
  }

  void Book(std::int64_t practitioner, std::int64_t room, const char* start, const char* end) {
    bookings_.push_back(
        {PractitionerId{practitioner}, RoomId{room}, Interval::Create(At(start), At(end)).value()});
  }

  clinic::ClinicSetup setup_;
  std::vector<Booking> bookings_;
  Instant now_ = At("2026-03-01T00:00:00Z");
};

using Lines = std::vector<std::string>;

TEST_F(AvailabilityTest, StepsThroughWorkingHours) {
  AddChiro(1, "09:00", "10:30");
  EXPECT_EQ(Show(Find()),
            (Lines{"09:00 p1@r1", "09:15 p1@r1", "09:30 p1@r1", "09:45 p1@r1", "10:00 p1@r1"}));
}

TEST_F(AvailabilityTest, BreaksAndTimeOffSplitTheDay) {
  auto& p = AddChiro(1, "09:00", "11:00");
  p.breaks = {{date::Monday, T("09:30"), T("09:45"), "coffee"}};
  // 10:15-10:30 PDT.
  p.time_off = {{TimeOffId{1},
                 Interval::Create(At("2026-03-09T17:15:00Z"), At("2026-03-09T17:30:00Z")).value(),
                 "call"}};
  EXPECT_EQ(Show(Find()), (Lines{"09:00 p1@r1", "09:45 p1@r1", "10:30 p1@r1"}));
}

TEST_F(AvailabilityTest, BookingsBlockTheirPractitionerIncludingTheNewServicesBuffer) {
  AddChiro(1, "09:00", "11:00");
  setup_.services[0].buffer_after = 15min;
  Book(1, 2, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z");  // 10:00-10:30 local
  // 09:30 + 30 min + 15 min buffer would run into 10:00; the buffer may run past the day's end.
  EXPECT_EQ(Show(Find()), (Lines{"09:00 p1@r1", "09:15 p1@r1", "10:30 p1@r1"}));
}

TEST_F(AvailabilityTest, ChoosesTheLowestFreeRoomAndNeedsOne) {
  AddChiro(1, "09:00", "10:00");
  Book(7, 1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z");  // someone else in A1 09:00-09:30
  Book(8, 2, "2026-03-09T16:00:00Z", "2026-03-09T16:45:00Z");  // and in A2 09:00-09:45
  EXPECT_EQ(Show(Find()), (Lines{"09:30 p1@r1"}));
}

TEST_F(AvailabilityTest, MergesPractitionersByStartOrderedById) {
  AddChiro(5, "09:00", "09:30");
  AddChiro(2, "09:00", "09:45");
  EXPECT_EQ(Show(Find()), (Lines{"09:00 p2@r1 p5@r1", "09:15 p2@r1"}));
  EXPECT_EQ(Show(Find(ServiceId{1}, PractitionerId{5})), (Lines{"09:00 p5@r1"}));
}

TEST_F(AvailabilityTest, OnlyQualifiedActivePractitionersDeliverAService) {
  AddChiro(1, "09:00", "09:30").skills = {Skill::kActiveReleaseTechnique};
  AddChiro(2, "09:00", "09:30");
  AddChiro(3, "09:00", "09:30").status = clinic::PractitionerStatus::kInactive;
  EXPECT_EQ(Show(Find(ServiceId{2})), (Lines{"09:00 p1@r1"}));
  auto refused = Find(ServiceId{2}, PractitionerId{2});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().fields().at(0).field, "practitioner");
}

TEST_F(AvailabilityTest, NoticeAndHorizonBoundTheStarts) {
  AddChiro(1, "09:00", "10:00");
  setup_.clinic.policy.min_notice = 2h;
  setup_.clinic.policy.horizon = date::days{1};
  now_ = At("2026-03-08T16:10:00Z");  // Sunday 09:10 PDT: Monday 09:10 is the horizon
  EXPECT_EQ(Show(Find()), (Lines{"09:00 p1@r1"}));
  now_ = At("2026-03-09T14:15:00Z");  // Monday 07:15: 09:15 is the first start allowed
  EXPECT_EQ(Show(Find()), (Lines{"09:15 p1@r1", "09:30 p1@r1"}));
}

TEST_F(AvailabilityTest, ReturnsOneDayEntryPerDayEvenWhenEmpty) {
  AddChiro(1, "09:00", "09:30");
  auto days = Find(ServiceId{1}, std::nullopt, 2026_y / 3 / 8, 2026_y / 3 / 16);
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 9u);
  EXPECT_EQ(days->front().date, 2026_y / 3 / 8);
  EXPECT_TRUE(days->front().slots.empty());
  EXPECT_EQ((*days)[1].slots.size(), 1u);
  EXPECT_EQ(days->back().slots.size(), 1u);
}

TEST_F(AvailabilityTest, ValidatesTheRequest) {
  AddChiro(1, "09:00", "09:30");
  auto field_of = [](const auto& result) {
    return result ? std::string("ok") : result.error().fields().at(0).field;
  };
  EXPECT_EQ(field_of(Find(ServiceId{1}, std::nullopt, 2026_y / 3 / 9, 2026_y / 3 / 8)), "to");
  EXPECT_EQ(field_of(Find(ServiceId{1}, std::nullopt, 2026_y / 3 / 1, 2026_y / 3 / 31)), "ok");
  EXPECT_EQ(field_of(Find(ServiceId{1}, std::nullopt, 2026_y / 3 / 1, 2026_y / 4 / 1)), "to");
  auto unknown_service = Find(ServiceId{99});
  ASSERT_FALSE(unknown_service);
  EXPECT_EQ(unknown_service.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(field_of(unknown_service), "service");
  auto unknown_practitioner = Find(ServiceId{1}, PractitionerId{99});
  ASSERT_FALSE(unknown_practitioner);
  EXPECT_EQ(unknown_practitioner.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(field_of(unknown_practitioner), "practitioner");
}

TEST_F(AvailabilityTest, CheckSlotClassifiesInOrder) {
  AddChiro(1, "09:00", "11:00").breaks = {{date::Monday, T("09:45"), T("10:00"), "b"}};
  Book(1, 1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z");  // 09:00-09:30
  setup_.clinic.policy.min_notice = 1h;
  now_ = At("2026-03-09T15:00:00Z");  // 08:00 local
  auto check = [&](const char* start) {
    auto decision = CheckSlot(setup_, bookings_, now_, ServiceId{1}, std::nullopt, At(start));
    EXPECT_TRUE(decision);
    if (decision->option) return "free p" + to_string(decision->option->practitioner);
    return std::string(ToString(*decision->refusal));
  };
  EXPECT_EQ(check("2026-03-09T15:45:00Z"), "too_soon");       // 08:45, inside the notice
  EXPECT_EQ(check("2026-03-10T16:00:00Z"), "outside_hours");  // Tuesday
  EXPECT_EQ(check("2026-03-09T16:40:00Z"), "outside_hours");  // 09:40 runs into the break
  EXPECT_EQ(check("2026-03-09T17:50:00Z"), "outside_hours");  // 10:50 would end at 11:20
  EXPECT_EQ(check("2026-03-09T16:05:00Z"), "not_on_step");    // 09:05
  EXPECT_EQ(check("2026-03-09T16:15:00Z"), "taken");          // 09:15, booked until 09:30
  EXPECT_EQ(check("2026-03-09T17:00:00Z"), "free p1");        // 10:00 after the break
  setup_.clinic.policy.horizon = date::days{1};
  EXPECT_EQ(check("2026-03-10T16:00:00Z"), "beyond_horizon");  // wins over outside_hours
}

TEST_F(AvailabilityTest, CheckSlotPicksTheLowestFreePractitionerAndRoom) {
  AddChiro(3, "09:00", "10:00");
  AddChiro(2, "09:00", "10:00");
  Book(2, 1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z");
  auto decision =
      CheckSlot(setup_, bookings_, now_, ServiceId{1}, std::nullopt, At("2026-03-09T16:00:00Z"));
  ASSERT_TRUE(decision && decision->option);
  EXPECT_EQ(*decision->option, (SlotOption{PractitionerId{3}, RoomId{2}}));
  auto taken = CheckSlot(setup_, bookings_, now_, ServiceId{1}, PractitionerId{2},
                         At("2026-03-09T16:00:00Z"));
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->refusal, SlotRefusal::kTaken);
  auto unknown = CheckSlot(setup_, bookings_, now_, ServiceId{9}, std::nullopt, now_);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_F(AvailabilityTest, NearestSlotsPreferTheEarlierOnTies) {
  AddChiro(1, "09:00", "10:30");
  auto days = Find().value();
  auto starts = [&](const std::vector<OfferedSlot>& slots) {
    Lines out;
    for (const OfferedSlot& s : slots) out.push_back(FormatInstant(s.time.start()));
    return out;
  };
  // 09:22:30 local is as far from 09:15 as from 09:30.
  EXPECT_EQ(starts(NearestSlots(days, At("2026-03-09T16:22:30Z"), 3)),
            (Lines{"2026-03-09T16:15:00Z", "2026-03-09T16:30:00Z", "2026-03-09T16:00:00Z"}));
  EXPECT_EQ(NearestSlots(days, At("2026-03-09T12:00:00Z"), 10).size(), 5u);
  EXPECT_TRUE(NearestSlots({}, now_, 3).empty());
}

// Bookings out of order are put in order by start in buckets: a crowded bucket, ties, and a
// booking that starts long before the days asked for must give the answer of sorted bookings.
TEST_F(AvailabilityTest, BookingsInAnyOrderGiveTheSameAnswer) {
  AddChiro(1, "09:00", "12:00");
  AddChiro(2, "09:00", "12:00");
  // Forty overlapping bookings of p1 in A1 starting 09:00 to 09:39 local, shuffled: busy until
  // 10:24.
  for (int k = 0; k < 40; ++k) {
    const Instant start = At("2026-03-09T16:00:00Z") + std::chrono::minutes{k * 7 % 40};
    bookings_.push_back(
        {PractitionerId{1}, RoomId{1}, Interval::Create(start, start + 45min).value()});
  }
  Book(2, 3, "2026-03-02T00:00:00Z", "2026-03-09T17:00:00Z");  // p2 away until 10:00 local
  Book(9, 2, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z");  // A2 taken 10:00-10:30, thrice
  Book(9, 2, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z");
  Book(9, 2, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z");
  Book(1, 1, "2026-04-01T16:00:00Z", "2026-04-01T17:00:00Z");  // outside the days asked for
  std::rotate(bookings_.begin(), bookings_.begin() + 41, bookings_.end());
  // 10:00 and 10:15 would suit p2, but A1 and A2 are both taken.
  const Lines expected{"10:30 p1@r1 p2@r1", "10:45 p1@r1 p2@r1", "11:00 p1@r1 p2@r1",
                       "11:15 p1@r1 p2@r1", "11:30 p1@r1 p2@r1"};
  EXPECT_EQ(Show(Find()), expected);
  std::reverse(bookings_.begin(), bookings_.end());
  EXPECT_EQ(Show(Find()), expected);
  std::sort(bookings_.begin(), bookings_.end(), [](const Booking& a, const Booking& b) {
    return a.blocked.start() < b.blocked.start();
  });
  EXPECT_EQ(Show(Find()), expected);
}

TEST(SlotRefusalTest, HasStableNames) {
  EXPECT_EQ(ToString(SlotRefusal::kTooSoon), "too_soon");
  EXPECT_EQ(ToString(SlotRefusal::kBeyondHorizon), "beyond_horizon");
  EXPECT_EQ(ToString(SlotRefusal::kOutsideHours), "outside_hours");
  EXPECT_EQ(ToString(SlotRefusal::kNotOnStep), "not_on_step");
  EXPECT_EQ(ToString(SlotRefusal::kTaken), "taken");
}

// The per-day shortcut must give exactly what LocalToUtc gives, on every day of a year, in zones
// with DST at 02:00 (Los Angeles), at 01:00 UTC (Berlin), by half an hour (Lord Howe), at
// midnight (Santiago) and without DST (Phoenix).
TEST(LocalDayClockTest, AgreesWithLocalToUtcEveryDay) {
  for (const char* name : {"America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe",
                           "America/Santiago", "America/Phoenix"}) {
    TimeZone zone = TimeZone::Find(name).value();
    LocalDayClock clock(zone);
    for (date::local_days day{2026_y / 1 / 1}; day < date::local_days{2027_y / 1 / 1};
         day += date::days{1}) {
      clock.SetDay(LocalDate{day});
      for (auto m = 0min; m <= 24h; m += 15min) {
        LocalDateTime local = LocalDateTime{day} + m;
        Instant expected = LocalToUtc(zone, local, kWorkingHoursDstPolicy).value();
        ASSERT_EQ(clock.ToUtc(TimeOfDay::Create(m).value()), expected)
            << name << " " << FormatLocalDateTime(local);
        if (m < 24h && zone.get()->get_info(local).result == date::local_info::unique) {
          ASSERT_TRUE(clock.IsOnDay(expected)) << name << " " << FormatLocalDateTime(local);
        }
      }
    }
  }
}

TEST(FreeTimeTest, SweepsAroundOverlappingObstacles) {
  auto span = [](const char* a, const char* b) { return Span{At(a), At(b)}; };
  std::vector<Span> obstacles = {span("2026-01-01T09:00Z", "2026-01-01T09:30Z"),
                                 span("2026-01-01T09:15Z", "2026-01-01T09:45Z"),
                                 span("2026-01-01T10:30Z", "2026-01-01T12:00Z")};
  std::vector<Span> free;
  ForEachFreePart(span("2026-01-01T08:00Z", "2026-01-01T11:00Z"), obstacles,
                  [&](Span s) { free.push_back(s); });
  EXPECT_EQ(free, (std::vector<Span>{span("2026-01-01T08:00Z", "2026-01-01T09:00Z"),
                                     span("2026-01-01T09:45Z", "2026-01-01T10:30Z")}));
  obstacles.resize(SortAndMerge(obstacles));
  EXPECT_EQ(obstacles, (std::vector<Span>{span("2026-01-01T09:00Z", "2026-01-01T09:45Z"),
                                          span("2026-01-01T10:30Z", "2026-01-01T12:00Z")}));
  Instant origin = At("2026-01-01T09:00Z");
  EXPECT_EQ(FirstOnGrid(origin, 15min, At("2026-01-01T08:00Z")), origin);
  EXPECT_EQ(FirstOnGrid(origin, 15min, At("2026-01-01T09:15Z")), At("2026-01-01T09:15Z"));
  EXPECT_EQ(FirstOnGrid(origin, 15min, At("2026-01-01T09:16Z")), At("2026-01-01T09:30Z"));
}

}  // namespace
}  // namespace unknot::core::scheduling
