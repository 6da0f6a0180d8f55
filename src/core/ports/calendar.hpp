#pragma once

// The front desk's storage port (issue 14): the calendar's appointments with their patients'
// names, and the staff writes on appointments. Every write takes the audit entry that records it
// and appends it in the same transaction (core/ports/staff.hpp). The no-overlap rule holds inside
// each write as for online bookings, except for an appointment marked overbooked (the owner
// allowed it for the practitioner), which only needs its room free of other practitioners'.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/patient.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

// An appointment as the calendar shows it: with its patient's name (no contact details).
struct CalendarAppointment {
  scheduling::Appointment appointment;
  std::string given_name;
  std::string family_name;
};

// A booking made by staff: for a patient on file, or for a new one (who may have no email).
struct StaffBooking {
  std::optional<PatientId> patient;     // on file; nullopt: `new_patient` is created
  clinic::Patient new_patient;          // checked with clinic::EmailRule::kOptional
  scheduling::Appointment appointment;  // `id` and, for a new patient, `patient` filled in
  // Other rooms that would do, tried in order when the appointment's room was taken meanwhile.
  std::vector<RoomId> other_rooms;
  // Appended in the same transaction; `patient` is set to the booking's patient and `record`,
  // when empty, completed as "appointment/<new id>".
  staff::AuditEntry audit;
};

// The field of the kConflict that UpdateAppointment returns when the stored version differs.
inline constexpr std::string_view kVersionField = "version";

class CalendarRepository {
 public:
  virtual ~CalendarRepository() = default;

  // Appointments of any status whose blocked span [start, blocked_until) overlaps `window`, with
  // their patients' names, ordered by start, then id.
  virtual Result<std::vector<CalendarAppointment>> ListCalendar(ClinicId clinic,
                                                                Interval window) = 0;

  // Stores the booking and its audit entry in one transaction. kNotFound ("patient") when the
  // patient on file is not the clinic's; kInvalidArgument ("patient.<field>") for a new patient
  // that clinic::Validate with kOptional rejects, or a practitioner, service or room that is not
  // the clinic's; kConflict when the span is taken (a non-overbooked appointment: a live
  // appointment of the practitioner or of every room tried overlaps it; an overbooked one: a
  // live appointment of another practitioner in its room). Nothing is written on any error.
  virtual Result<scheduling::Appointment> StaffBook(ClinicId clinic,
                                                    const StaffBooking& booking) = 0;

  // Writes `changed`'s practitioner, room, time, blocked_until, status, cancelled_at,
  // cancel_reason, declined and overbooked (updated_at = `now`) when the stored version is
  // `expected_version`, with `audit`, in one transaction; returns the appointment as stored (its
  // version raised). kNotFound; kConflict whose one field error is kVersionField when the
  // version differs (someone changed it first); kConflict (no field) when the new span is taken,
  // as for StaffBook. Nothing is written on any error.
  virtual Result<scheduling::Appointment> UpdateAppointment(ClinicId clinic,
                                                            const scheduling::Appointment& changed,
                                                            std::int64_t expected_version,
                                                            Instant now,
                                                            const staff::AuditEntry& audit) = 0;
};

}  // namespace unknot::core::ports
