#include "core/scheduling/change_policy.hpp"

#include <gtest/gtest.h>

#include "instants.hpp"

namespace unknot::core::scheduling {
namespace {

using namespace std::chrono_literals;

using unknot::testing::At;

Appointment BookedAt(const char* created, const char* start) {
  Instant begin = At(start);
  return Appointment{.id = AppointmentId{1},
                     .patient = PatientId{1},
                     .practitioner = PractitionerId{1},
                     .service = ServiceId{1},
                     .room = RoomId{1},
                     .time = Interval::Create(begin, begin + 30min).value(),
                     .blocked_until = begin + 30min,
                     .status = AppointmentStatus::kBooked,
                     .source = BookingSource::kOnline,
                     .created_at = At(created),
                     .updated_at = At(created),
                     .cancelled_at = std::nullopt,
                     .assessment = std::nullopt};
}

TEST(OnlineChangeTest, WindowGraceAndState) {
  clinic::BookingPolicy policy;  // 24 h window, 15 min grace
  Appointment a = BookedAt("2026-12-01T08:00:00Z", "2026-12-03T17:00:00Z");
  EXPECT_FALSE(OnlineChangeRefusal(policy, a, At("2026-12-02T16:59:59Z")));
  EXPECT_EQ(OnlineChangeRefusal(policy, a, At("2026-12-02T17:00:01Z")),
            ChangeRefusal::kInsideWindow);
  EXPECT_EQ(OnlineChangeRefusal(policy, a, At("2026-12-03T17:00:00Z")), ChangeRefusal::kStarted);

  // Booked inside the window: the first 15 minutes still allow an online undo.
  Appointment late = BookedAt("2026-12-03T10:00:00Z", "2026-12-03T17:00:00Z");
  EXPECT_FALSE(OnlineChangeRefusal(policy, late, At("2026-12-03T10:14:59Z")));
  EXPECT_EQ(OnlineChangeRefusal(policy, late, At("2026-12-03T10:15:00Z")),
            ChangeRefusal::kInsideWindow);

  a.status = AppointmentStatus::kCancelled;
  EXPECT_EQ(OnlineChangeRefusal(policy, a, At("2026-12-01T09:00:00Z")), ChangeRefusal::kNotBooked);
}

}  // namespace
}  // namespace unknot::core::scheduling
