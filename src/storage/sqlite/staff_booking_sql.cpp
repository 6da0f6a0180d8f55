// The front desk's storage on SQLite (core/ports/calendar.hpp): the calendar read and the staff
// writes on appointments, each write with its audit entry in the writer's transaction.

#include <sqlite3.h>

#include <algorithm>

#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

// Whether a live appointment in `room` other than `self` overlaps [start, end); with `others_of`,
// only those of practitioners other than that one count (an overbooked appointment shares its
// room with its own practitioner's appointments, never with another's).
Result<bool> RoomTaken(Connection& db, core::ClinicId clinic, core::RoomId room,
                       const scheduling::Appointment& a,
                       std::optional<core::PractitionerId> others_of) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "SELECT EXISTS (SELECT 1 FROM appointments WHERE clinic_id = ?1 AND room_id = ?2 "
      "AND start_at < ?4 AND blocked_until > ?3 AND status <> 'cancelled' AND id <> ?5 "
      "AND (?6 IS NULL OR practitioner_id <> ?6))"));
  stmt.Bind(1, clinic.value()).Bind(2, room.value());
  stmt.Bind(3, Seconds(a.time.start())).Bind(4, Seconds(a.blocked_until));
  stmt.Bind(5, a.id.value());
  stmt.Bind(6, others_of ? std::optional<std::int64_t>{others_of->value()} : std::nullopt);
  UNKNOT_TRY(stmt.Step());
  return stmt.Int(0) != 0;
}

Error RoomOverbooked() {
  return Error(ErrorCode::kConflict,
               "the room is taken by another practitioner's appointment at that time");
}

// The first of `first` and `others` that is free for `a` (as RoomTaken), or kConflict.
Result<core::RoomId> FreeRoom(Connection& db, core::ClinicId clinic,
                              const scheduling::Appointment& a,
                              const std::vector<core::RoomId>& others) {
  std::optional<core::PractitionerId> others_of;
  if (a.overbooked) others_of = a.practitioner;
  if (!UNKNOT_TRY(RoomTaken(db, clinic, a.room, a, others_of))) return a.room;
  for (core::RoomId room : others) {
    if (!UNKNOT_TRY(RoomTaken(db, clinic, room, a, others_of))) return room;
  }
  // The triggers decide for a regular appointment (and say why); an overbooked one is ours.
  if (a.overbooked) return RoomOverbooked();
  return a.room;
}

}  // namespace

Result<scheduling::Appointment> StaffBookRow(Connection& db, core::ClinicId clinic_id,
                                             const core::ports::StaffBooking& booking,
                                             core::Instant now) {
  scheduling::Appointment a = booking.appointment;
  if (booking.patient) {
    Statement find =
        UNKNOT_TRY(db.PrepareCached("SELECT id FROM patients WHERE clinic_id = ?1 AND id = ?2"));
    find.Bind(1, clinic_id.value()).Bind(2, booking.patient->value());
    if (!UNKNOT_TRY(find.Step())) {
      return Error(ErrorCode::kNotFound, "no such patient", {{"patient", "no such patient"}});
    }
    a.patient = *booking.patient;
  } else {
    clinic::Patient fresh = booking.new_patient;
    fresh.created_at = now;
    a.patient = UNKNOT_TRY(InsertPatient(db, clinic_id, fresh));
  }
  a.id = core::AppointmentId{};
  a.created_at = now;
  a.updated_at = now;
  a.room = UNKNOT_TRY(FreeRoom(db, clinic_id, a, booking.other_rooms));
  a = UNKNOT_TRY(InsertAppointmentRow(db, clinic_id, a, ""));
  core::staff::AuditEntry entry = booking.audit;
  entry.patient = a.patient;
  if (entry.record.empty()) entry.record = "appointment/" + std::to_string(a.id.value());
  UNKNOT_TRY(AppendAuditRow(db, clinic_id, entry));
  return a;
}

Result<std::vector<core::ports::CalendarAppointment>> SqliteStorage::ListCalendar(
    core::ClinicId clinic_id, core::Interval window) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kAppointmentColumns +
      ", (SELECT given_name FROM patients p WHERE p.id = appointments.patient_id), "
      "(SELECT family_name FROM patients p WHERE p.id = appointments.patient_id) "
      "FROM appointments WHERE clinic_id = ?1 AND start_at < ?3 AND blocked_until > ?2 "
      "ORDER BY start_at, id"));
  stmt.Bind(1, clinic_id.value()).Bind(2, Seconds(window.start())).Bind(3, Seconds(window.end()));
  std::vector<core::ports::CalendarAppointment> out;
  while (UNKNOT_TRY(stmt.Step())) {
    out.push_back({UNKNOT_TRY(ReadAppointment(stmt)), stmt.Text(18), stmt.Text(19)});
  }
  return out;
}

Result<scheduling::Appointment> SqliteStorage::StaffBook(core::ClinicId clinic_id,
                                                         const core::ports::StaffBooking& booking) {
  if (!booking.patient) {
    if (auto valid = clinic::Validate(booking.new_patient, clinic::EmailRule::kOptional); !valid) {
      const core::FieldError& f = valid.error().fields().front();
      return Error::InvalidField("patient." + f.field, f.reason);
    }
  }
  const core::Instant now = clock_.Now();
  return writer_->Write<scheduling::Appointment>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        scheduling::Appointment booked = UNKNOT_TRY(StaffBookRow(db, clinic_id, booking, now));
        changes.Add(scheduling::ChangeTo(clinic_id, booked));
        return booked;
      });
}

Result<scheduling::Appointment> SqliteStorage::UpdateAppointment(
    core::ClinicId clinic_id, const scheduling::Appointment& changed, std::int64_t expected_version,
    core::Instant now, const core::staff::AuditEntry& audit) {
  if (changed.blocked_until - changed.time.start() > std::chrono::hours{10}) {
    return Error::InvalidField("blocked_until", "an appointment may not block more than 10 hours");
  }
  return writer_->Write<scheduling::Appointment>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        // Where it was, and below where it is: both may free or take time.
        if (auto before = FindAppointmentRow(db, clinic_id, changed.id)) {
          changes.Add(scheduling::ChangeFrom(clinic_id, *before));
        }
        if (changed.overbooked && changed.status != scheduling::AppointmentStatus::kCancelled &&
            UNKNOT_TRY(RoomTaken(db, clinic_id, changed.room, changed, changed.practitioner))) {
          return RoomOverbooked();
        }
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "UPDATE appointments SET practitioner_id = ?4, room_id = ?5, start_at = ?6, "
            "end_at = ?7, blocked_until = ?8, status = ?9, cancelled_at = ?10, "
            "cancel_reason = ?11, declined = ?12, overbooked = ?13, updated_at = ?14 "
            "WHERE clinic_id = ?1 AND id = ?2 AND version = ?3"));
        stmt.Bind(1, clinic_id.value()).Bind(2, changed.id.value()).Bind(3, expected_version);
        stmt.Bind(4, changed.practitioner.value()).Bind(5, changed.room.value());
        stmt.Bind(6, Seconds(changed.time.start())).Bind(7, Seconds(changed.time.end()));
        stmt.Bind(8, Seconds(changed.blocked_until));
        stmt.Bind(9, scheduling::ToString(changed.status));
        stmt.Bind(10, changed.cancelled_at
                          ? std::optional<std::int64_t>{Seconds(*changed.cancelled_at)}
                          : std::nullopt);
        stmt.Bind(11, changed.cancel_reason).Bind(12, std::int64_t{changed.declined ? 1 : 0});
        stmt.Bind(13, std::int64_t{changed.overbooked ? 1 : 0}).Bind(14, Seconds(now));
        if (auto run = stmt.Run(); !run) {
          if (run.error().code() == ErrorCode::kConflict &&
              sqlite3_extended_errcode(db.raw()) == SQLITE_CONSTRAINT_TRIGGER) {
            return Error(ErrorCode::kConflict,
                         "the time is no longer free: another appointment of the practitioner or "
                         "the room overlaps it");
          }
          return std::move(run).error();
        }
        if (db.Changes() == 0) {
          UNKNOT_TRY(FindAppointmentRow(db, clinic_id, changed.id));  // kNotFound
          return Error(ErrorCode::kConflict, "the appointment was changed by someone else first",
                       {{std::string(core::ports::kVersionField), "is not the current version"}});
        }
        UNKNOT_TRY(AppendAuditRow(db, clinic_id, audit));
        scheduling::Appointment after = UNKNOT_TRY(FindAppointmentRow(db, clinic_id, changed.id));
        changes.Add(scheduling::ChangeTo(clinic_id, after));
        return after;
      });
}

}  // namespace unknot::storage::sqlite
