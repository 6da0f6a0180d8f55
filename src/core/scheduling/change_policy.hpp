#pragma once

// Whether a patient may still cancel or move an appointment online.

#include <optional>
#include <string_view>

#include "core/clinic/clinic.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::core::scheduling {

enum class ChangeRefusal {
  kNotBooked,     // already cancelled, completed or a no-show
  kStarted,       // it has begun or is over
  kInsideWindow,  // closer to the start than the cancellation window: call the clinic
};

std::string_view ToString(ChangeRefusal refusal);

// Allowed during the grace period right after booking (a mistake can always be undone online,
// unless the appointment has started), otherwise only before start - cancellation_window.
std::optional<ChangeRefusal> OnlineChangeRefusal(const clinic::BookingPolicy& policy,
                                                 const Appointment& appointment, Instant now);

}  // namespace unknot::core::scheduling
