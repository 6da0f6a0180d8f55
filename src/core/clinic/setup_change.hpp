#pragma once

// What a change of a clinic's set-up does to appointments already booked: which of them the new
// set-up would strand (leave with a practitioner who no longer works then, is inactive or may no
// longer deliver the service, or with a room that is gone or of the wrong kind). Pure: the caller
// passes both set-ups, the appointments and the time.

#include <span>
#include <string_view>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/time.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::core::clinic {

// Why a set-up does not hold a booked appointment, in the order checked.
enum class StrandReason {
  kPractitionerInactive,  // the practitioner is inactive (or no longer in the set-up)
  kCannotDeliver,         // the practitioner's role or skills no longer fit the service
  kServiceRemoved,        // the service is no longer in the set-up
  kRoomRemoved,           // the room is no longer in the set-up
  kRoomKind,              // the room is not of the kind the service needs
  kOutsideHours,          // the appointment does not lie inside one of the practitioner's hours
  kDuringBreak,           // it overlaps one of the practitioner's breaks on its day
  kDuringTimeOff,         // it overlaps the practitioner's time off
};

std::string_view ToString(StrandReason reason);

// Every reason `setup` gives against the appointment, in enum order; empty when the set-up holds
// it. Hours and breaks are the clinic-local wall-clock times of the local day the appointment
// starts on, converted with kWorkingHoursDstPolicy (the scheduling engine's reading), so the
// check agrees with availability on DST days. The appointment's service span [start, end) must
// lie inside one working-hours span, as a slot must; its buffer may reach past the hours.
std::vector<StrandReason> WhyNotHeld(const ClinicSetup& setup,
                                     const scheduling::Appointment& appointment);

struct StrandedAppointment {
  scheduling::Appointment appointment;
  std::vector<StrandReason> reasons;  // the new reasons only, in enum order; never empty

  friend bool operator==(const StrandedAppointment&, const StrandedAppointment&) = default;
};

// The appointments that `after` strands: booked, not over at `now` (end > now), and with a reason
// under `after` that `before` did not give. An appointment `before` already did not hold for some
// reason (a front-desk booking outside hours) is reported only for a reason the change adds, so
// an unrelated edit is never refused because of it. Ordered by start, then id. `appointments` may
// hold any status and time; the others are skipped.
std::vector<StrandedAppointment> StrandedBy(const ClinicSetup& before, const ClinicSetup& after,
                                            std::span<const scheduling::Appointment> appointments,
                                            Instant now);

}  // namespace unknot::core::clinic
