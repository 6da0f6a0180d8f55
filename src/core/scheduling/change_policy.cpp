#include "core/scheduling/change_policy.hpp"

namespace unknot::core::scheduling {

std::string_view ToString(ChangeRefusal refusal) {
  switch (refusal) {
    case ChangeRefusal::kNotBooked:
      return "not_booked";
    case ChangeRefusal::kStarted:
      return "started";
    case ChangeRefusal::kInsideWindow:
      return "inside_cancellation_window";
  }
  return "unknown";
}

std::optional<ChangeRefusal> OnlineChangeRefusal(const clinic::BookingPolicy& policy,
                                                 const Appointment& appointment, Instant now) {
  if (appointment.status != AppointmentStatus::kBooked) return ChangeRefusal::kNotBooked;
  if (now >= appointment.time.start()) return ChangeRefusal::kStarted;
  if (now < appointment.created_at + policy.grace_period) return std::nullopt;
  if (appointment.time.start() - now < policy.cancellation_window) {
    return ChangeRefusal::kInsideWindow;
  }
  return std::nullopt;
}

}  // namespace unknot::core::scheduling
