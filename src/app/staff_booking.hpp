#pragma once

// The front desk's use cases (issue 14): the calendar of a few days, booking a caller or a
// walk-in, moving, cancelling and marking an appointment arrived, completed or no-show. The same
// scheduling engine as online booking decides every time, without the online minimum notice and
// horizon; storage re-checks the no-overlap rule inside each write and appends the write's audit
// entry in the same transaction. Whether the signed-in staff member may do it is the caller's
// (api/v1/calendar_routes.cpp asks the staff gate).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/booking.hpp"
#include "core/ports/calendar.hpp"
#include "core/scheduling/calendar.hpp"

namespace unknot::app {

// The longest calendar asked for at once: a week.
inline constexpr int kMaxCalendarDays = 7;

struct CalendarView {
  core::LocalDate from;   // clinic-local, inclusive
  core::LocalDate to;     // clinic-local, inclusive
  core::Interval window;  // from's 00:00 to the 00:00 after `to`, as instants
  // Working and free time, one entry per practitioner shown (ordered by id).
  std::vector<core::scheduling::PractitionerTime> practitioners;
  // Appointments of any status overlapping the window (only `only`'s when given).
  std::vector<core::ports::CalendarAppointment> appointments;
};

// The calendar of `days` clinic-local days from `from` (midnights converted with the working
// hours' DST policy). With `only`, that practitioner's column and appointments alone.
// kInvalidArgument ("days") unless 1..kMaxCalendarDays.
core::Result<CalendarView> GetCalendar(core::ports::Storage& storage, const ClinicContext& clinic,
                                       core::LocalDate from, int days,
                                       std::optional<core::PractitionerId> only);

// Whether staff asked to book over the practitioner's own appointments (only where the owner
// allowed overbooking for that practitioner).
enum class Overbook { kNo, kIfAllowed };

struct StaffBookingRequest {
  std::optional<core::PatientId> patient;  // on file; nullopt: new_patient is created
  core::clinic::Patient new_patient;       // may have no email
  core::ServiceId service;
  core::PractitionerId practitioner;
  std::optional<core::RoomId> room;  // nullopt: the lowest free room of the service's kind
  core::Instant start;
  core::scheduling::BookingSource source = core::scheduling::BookingSource::kPhone;
  Overbook overbook = Overbook::kNo;
};

// The time cannot be booked: why, in words, and for kTaken up to 3 free starts of the same
// service and practitioner nearest to it that day.
struct StaffRefused {
  core::scheduling::SlotRefusal reason;
  std::string message;
  std::vector<core::scheduling::OfferedSlot> alternatives;
};

using StaffOutcome = std::variant<core::scheduling::Appointment, StaffRefused>;

// Books for the front desk: the engine's rules but for notice and horizon (a booking may be
// inside the online minimum notice, beyond the horizon, or already begun, for a walk-in). Over
// another appointment of the practitioner, outside their hours (breaks, time off) or off the slot
// grid only with Overbook::kIfAllowed and the practitioner's allow_overbooking (stored
// overbooked; its room still free of other practitioners'). `audit`
// commits with it. Errors: kInvalidArgument naming "service", "practitioner", "room" or
// "patient.<field>"; kNotFound ("patient") for a patient id not on file.
core::Result<StaffOutcome> StaffBook(core::ports::Storage& storage, const core::Clock& clock,
                                     const ClinicContext& clinic,
                                     const StaffBookingRequest& request,
                                     const core::staff::AuditEntry& audit);

struct StaffMoveRequest {
  std::int64_t version = 0;  // the version the client saw
  core::Instant start;
  std::optional<core::PractitionerId> practitioner;  // nullopt: the same
  std::optional<core::RoomId> room;  // nullopt: the same room when free, else the lowest free
  Overbook overbook = Overbook::kNo;
};

// Moves `current` (as just read) with the same checks as StaffBook, its own time not in the way.
// kConflict with field core::ports::kVersionField when `version` is not current's or the stored
// one changed meanwhile; kConflict (no field) when it is not booked or requested.
core::Result<StaffOutcome> StaffMove(core::ports::Storage& storage, const core::Clock& clock,
                                     const ClinicContext& clinic,
                                     const core::scheduling::Appointment& current,
                                     const StaffMoveRequest& request,
                                     const core::staff::AuditEntry& audit);

// Cancels a booked or requested appointment with the staff member's reason. Version conflicts as
// StaffMove; kConflict naming the status otherwise.
core::Result<core::scheduling::Appointment> StaffCancel(
    core::ports::Storage& storage, const core::Clock& clock,
    const core::scheduling::Appointment& current, std::int64_t version, std::string reason,
    const core::staff::AuditEntry& audit);

// The statuses staff set by hand, and from which: arrived from booked; completed from booked or
// arrived, once the appointment has started; no-show from booked, once it has started. Version
// conflicts as StaffMove; kConflict saying why for any other change; kInvalidArgument ("status")
// for a status that is not one of the three.
core::Result<core::scheduling::Appointment> StaffSetStatus(
    core::ports::Storage& storage, const core::Clock& clock,
    const core::scheduling::Appointment& current, std::int64_t version,
    core::scheduling::AppointmentStatus status, const core::staff::AuditEntry& audit);

// True for the kConflict of a version that is not the stored one.
bool IsVersionConflict(const core::Error& error);

}  // namespace unknot::app
