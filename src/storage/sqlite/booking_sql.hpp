#pragma once

// The SQL behind booking: each function runs on a connection inside the caller's transaction
// (the writer's, for writes). The no-overlap rule itself is enforced by triggers (migration 2);
// these functions translate their verdict into domain errors.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/storage.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

core::Result<core::PatientId> InsertPatient(Connection& db, core::ClinicId clinic,
                                            const core::clinic::Patient& patient);

// kConflict when the trigger finds an overlapping appointment; kInvalidArgument when a reference
// is not the clinic's.
core::Result<core::scheduling::Appointment> InsertAppointmentRow(
    Connection& db, core::ClinicId clinic, const core::scheduling::Appointment& appointment,
    std::string_view manage_token_hash);

core::Result<core::scheduling::Appointment> FindAppointmentRow(Connection& db,
                                                               core::ClinicId clinic,
                                                               core::AppointmentId appointment);

core::Result<std::vector<core::scheduling::Booking>> ListBookingRows(Connection& db,
                                                                     core::ClinicId clinic,
                                                                     core::Interval window);

core::Result<std::vector<core::scheduling::Booking>> ListPractitionerBookingRows(
    Connection& db, core::ClinicId clinic, core::PractitionerId practitioner,
    core::Interval window);

// How many of the patient's appointments are no_show and start in [since, until).
core::Result<int> CountNoShowRows(Connection& db, core::ClinicId clinic, core::PatientId patient,
                                  core::Instant since, core::Instant until);

// The writes below say in `changes` what they changed in the schedule (the appointment as it was
// and is; a hold a booking used up).
// Deletes the clinic's hold with this token hash (used up by a booking, or released) and adds
// the time it kept to `changes`; whether there was one.
core::Result<bool> DeleteHoldRow(Connection& db, core::ClinicId clinic, std::string_view token_hash,
                                 core::scheduling::ScheduleChanges& changes);

core::Result<core::scheduling::Appointment> BookRows(Connection& db, core::ClinicId clinic,
                                                     const core::ports::NewBooking& booking,
                                                     core::Instant now,
                                                     core::scheduling::ScheduleChanges& changes);

core::Result<std::optional<core::ports::StoredResponse>> FindResponseRow(Connection& db,
                                                                         core::ClinicId clinic,
                                                                         std::string_view key);

core::Result<core::scheduling::Appointment> CancelRow(Connection& db, core::ClinicId clinic,
                                                      core::AppointmentId appointment,
                                                      core::Instant now,
                                                      core::scheduling::ScheduleChanges& changes);

core::Result<core::scheduling::Appointment> RescheduleRow(
    Connection& db, core::ClinicId clinic, const core::scheduling::Appointment& moved,
    core::Instant now, core::scheduling::ScheduleChanges& changes);

// StaffBook's write (staff_booking_sql.cpp), inside the caller's transaction: a series of visits
// books each one through it.
core::Result<core::scheduling::Appointment> StaffBookRow(Connection& db, core::ClinicId clinic,
                                                         const core::ports::StaffBooking& booking,
                                                         core::Instant now);

}  // namespace unknot::storage::sqlite
