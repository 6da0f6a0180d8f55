#include "core/scheduling/calendar.hpp"

#include <gtest/gtest.h>

#include "instants.hpp"

namespace unknot::core::scheduling {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;

using unknot::testing::At;
TimeOfDay T(std::string_view hhmm) { return TimeOfDay::Parse(hhmm).value(); }
Interval Span(std::string_view from, std::string_view to) {
  return Interval::Create(At(from), At(to)).value();
}

// A Los Angeles clinic; practitioner 1 works Sundays 00:30-04:00 and Mondays 08:00-17:00 with
// lunch 12:00-13:00; practitioner 2 is inactive.
class PractitionerTimesTest : public ::testing::Test {
 protected:
  PractitionerTimesTest() {
    setup_.clinic.time_zone = "America/Los_Angeles";
    clinic::Practitioner p;
    p.id = PractitionerId{1};
    p.hours = {{date::Sunday, T("00:30"), T("04:00")}, {date::Monday, T("08:00"), T("17:00")}};
    p.breaks = {{date::Monday, T("12:00"), T("13:00"), "Lunch"}};
    setup_.practitioners.push_back(p);
    clinic::Practitioner away = p;
    away.id = PractitionerId{2};
    away.status = clinic::PractitionerStatus::kInactive;
    setup_.practitioners.push_back(away);
  }

  clinic::ClinicSetup setup_;
};

TEST_F(PractitionerTimesTest, WorkingIsHoursLessBreaksAndTimeOffFreeIsLessBookings) {
  setup_.practitioners[0].time_off.push_back(
      {TimeOffId{1}, Span("2026-03-09T23:00:00Z", "2026-03-10T01:00:00Z"), "dentist"});
  const std::vector<Booking> bookings = {
      {PractitionerId{1}, RoomId{1}, Span("2026-03-09T16:00:00Z", "2026-03-09T16:45:00Z")},
      {PractitionerId{9}, RoomId{1}, Span("2026-03-09T17:00:00Z", "2026-03-09T18:00:00Z")}};
  auto times = PractitionerTimes(setup_, bookings, 2026_y / 3 / 9, 1, std::nullopt);
  ASSERT_TRUE(times) << times.error().message();
  ASSERT_EQ(times->size(), 1u);  // the inactive one is left out
  const PractitionerTime& t = (*times)[0];
  // Monday 2026-03-09 is PDT (UTC-7): 08:00-12:00 and 13:00-16:00 (time off from 16:00).
  EXPECT_EQ(t.working,
            (std::vector<Interval>{Span("2026-03-09T15:00:00Z", "2026-03-09T19:00:00Z"),
                                   Span("2026-03-09T20:00:00Z", "2026-03-09T23:00:00Z")}));
  EXPECT_EQ(t.free, (std::vector<Interval>{Span("2026-03-09T15:00:00Z", "2026-03-09T16:00:00Z"),
                                           Span("2026-03-09T16:45:00Z", "2026-03-09T19:00:00Z"),
                                           Span("2026-03-09T20:00:00Z", "2026-03-09T23:00:00Z")}));
}

TEST_F(PractitionerTimesTest, DstDaysUseTheWorkingHoursPolicy) {
  // 2026-03-08 springs forward at 02:00: 00:30-04:00 lasts 2.5 real hours.
  auto spring = PractitionerTimes(setup_, {}, 2026_y / 3 / 8, 1, PractitionerId{1});
  ASSERT_TRUE(spring);
  EXPECT_EQ((*spring)[0].working,
            std::vector<Interval>{Span("2026-03-08T08:30:00Z", "2026-03-08T11:00:00Z")});
  // 2026-11-01 falls back at 02:00: 00:30 (PDT) to 04:00 (PST) lasts 4.5 real hours.
  auto fall = PractitionerTimes(setup_, {}, 2026_y / 11 / 1, 1, PractitionerId{1});
  ASSERT_TRUE(fall);
  EXPECT_EQ((*fall)[0].working,
            std::vector<Interval>{Span("2026-11-01T07:30:00Z", "2026-11-01T12:00:00Z")});
}

TEST_F(PractitionerTimesTest, RefusesBadDaysAndUnknownPractitioners) {
  EXPECT_FALSE(PractitionerTimes(setup_, {}, 2026_y / 3 / 9, 0, std::nullopt));
  EXPECT_FALSE(PractitionerTimes(setup_, {}, 2026_y / 3 / 9, 32, std::nullopt));
  auto unknown = PractitionerTimes(setup_, {}, 2026_y / 3 / 9, 1, PractitionerId{7});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace unknot::core::scheduling
