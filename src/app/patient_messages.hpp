#pragma once

// The patient's own message choices, reached by the appointment's manage token (issue 16):
// whether they want reminders. Stored per patient, so the choice holds for every appointment of
// theirs; the deliverer skips a reminder of a patient who turned them off.

#include <string_view>

#include "app/booking.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::app {

// Whether the patient of the appointment gets reminders. kNotFound on an unknown id or a wrong
// token (exactly alike, as GetAppointment).
core::Result<core::ports::Reminders> GetReminders(core::ports::Storage& storage,
                                                  core::ports::TokenService& tokens,
                                                  const ClinicContext& clinic,
                                                  core::AppointmentId id, std::string_view token);

// Turns the reminders of the appointment's patient on or off; returns the stored choice.
// kNotFound as GetReminders.
core::Result<core::ports::Reminders> SetReminders(core::ports::Storage& storage,
                                                  const core::Clock& clock,
                                                  core::ports::TokenService& tokens,
                                                  const ClinicContext& clinic,
                                                  core::AppointmentId id, std::string_view token,
                                                  core::ports::Reminders reminders);

}  // namespace unknot::app
