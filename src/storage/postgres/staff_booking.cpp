// The front desk's storage on PostgreSQL (core/ports/calendar.hpp): the calendar read and the
// staff writes on appointments, each write one transaction with its audit entry. The exclusion
// constraints decide overlaps: migration 6's leave overbooked rows out, and migration 12's keeps
// any two practitioners' live appointments, overbooked or not, out of one room at one time. The
// room of an overbooked appointment is also checked here, to choose a free one and say why.

#include "storage/postgres/staff_booking.hpp"

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

constexpr std::int64_t kLongestSpanSeconds = 10 * 3600;

Error Overlap() {
  return Error(ErrorCode::kConflict,
               "the time is no longer free: another appointment of the practitioner or the room "
               "overlaps it");
}

Error RoomOverbooked() {
  return Error(ErrorCode::kConflict,
               "the room is taken by another practitioner's appointment at that time");
}

// Runs one statement; a refusal by the database's rules becomes the port's error.
template <typename Run>
std::optional<Error> Refusal(Run run) {
  try {
    run();
    return std::nullopt;
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "23P01") return Overlap();  // exclusion_violation
    if (e.sqlstate() == "23503") {                  // foreign_key_violation
      return Error(ErrorCode::kInvalidArgument,
                   "the patient, practitioner, service or room does not belong to this clinic");
    }
    throw;
  }
}

// Whether a live appointment in `room` other than `a` overlaps its blocked span; with
// `others_of`, only those of other practitioners count. Takes a transaction-scoped lock of the
// room first, so two overbookings of one room cannot both pass. A regular booking does not take
// that lock; one committing at the same moment as an overbooking of its room is refused by
// migration 12's exclusion constraint instead.
bool RoomTaken(pqxx::transaction_base& tx, core::ClinicId clinic, core::RoomId room,
               const scheduling::Appointment& a, std::optional<core::PractitionerId> others_of) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':room:' || $2, 0))",
                 std::to_string(clinic.value()), std::to_string(room.value()));
  const std::string practitioner = others_of ? std::to_string(others_of->value()) : "";
  return tx
      .exec_params1(
          "SELECT EXISTS (SELECT 1 FROM appointments WHERE clinic_id = $1 AND room_id = $2 "
          "AND start_at < $4 AND blocked_until > $3 AND status <> 'cancelled' AND id <> $5 "
          "AND ($6::bigint IS NULL OR practitioner_id <> $6::bigint))",
          clinic.value(), room.value(), Seconds(a.time.start()), Seconds(a.blocked_until),
          a.id.value(), others_of ? practitioner.c_str() : nullptr)[0]
      .as<bool>();
}

Result<core::RoomId> FreeRoom(pqxx::transaction_base& tx, core::ClinicId clinic,
                              const scheduling::Appointment& a,
                              const std::vector<core::RoomId>& others) {
  std::optional<core::PractitionerId> others_of;
  if (a.overbooked) others_of = a.practitioner;
  if (!RoomTaken(tx, clinic, a.room, a, others_of)) return a.room;
  for (core::RoomId room : others) {
    if (!RoomTaken(tx, clinic, room, a, others_of)) return room;
  }
  if (a.overbooked) return RoomOverbooked();
  return a.room;  // the exclusion constraint refuses it and says why
}

}  // namespace

Result<scheduling::Appointment> StaffBookRow(pqxx::dbtransaction& tx, core::ClinicId clinic_id,
                                             const core::ports::StaffBooking& booking,
                                             core::Instant now) {
  scheduling::Appointment a = booking.appointment;
  if (booking.patient) {
    auto found = tx.exec_params("SELECT id FROM patients WHERE clinic_id = $1 AND id = $2",
                                clinic_id.value(), booking.patient->value());
    if (found.empty()) {
      return Error(ErrorCode::kNotFound, "no such patient", {{"patient", "no such patient"}});
    }
    a.patient = *booking.patient;
  } else {
    const clinic::Patient& p = booking.new_patient;
    auto rows = tx.exec_params(
        "INSERT INTO patients (clinic_id, given_name, family_name, email, phone, "
        "created_at, online_booking, assessment_first) "
        "SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM clinics WHERE id = $1 RETURNING id",
        clinic_id.value(), p.given_name, p.family_name, p.email, p.phone, Seconds(now),
        std::string(clinic::ToString(p.online_booking)), p.assessment_first);
    if (rows.empty()) return Error::NotFound("no such clinic");
    a.patient = core::PatientId{Int(rows[0][0])};
  }
  a.id = core::AppointmentId{};
  a.created_at = now;
  a.updated_at = now;
  a.room = UNKNOT_TRY(FreeRoom(tx, clinic_id, a, booking.other_rooms));
  std::int64_t id = 0;
  const std::string assessment = a.assessment ? std::to_string(a.assessment->value()) : "";
  auto refused = Refusal([&] {
    id = Int(tx.exec_params1(
        "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, "
        "room_id, start_at, end_at, blocked_until, status, source, created_at, updated_at, "
        "manage_token_hash, assessment_id, cancel_reason, declined, overbooked) VALUES "
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', $13, $14, $15, $16) "
        "RETURNING id",
        clinic_id.value(), a.patient.value(), a.practitioner.value(), a.service.value(),
        a.room.value(), Seconds(a.time.start()), Seconds(a.time.end()), Seconds(a.blocked_until),
        std::string(scheduling::ToString(a.status)), std::string(scheduling::ToString(a.source)),
        Seconds(now), Seconds(now), a.assessment ? assessment.c_str() : nullptr, a.cancel_reason,
        a.declined, a.overbooked)[0]);
  });
  if (refused) return *refused;
  a.id = core::AppointmentId{id};
  a.version = 1;
  core::staff::AuditEntry entry = booking.audit;
  entry.patient = a.patient;
  if (entry.record.empty()) entry.record = "appointment/" + std::to_string(id);
  UNKNOT_TRY(AppendAuditRow(tx, clinic_id, entry));
  return a;
}

Result<std::vector<core::ports::CalendarAppointment>> PostgresStorage::ListCalendar(
    core::ClinicId clinic_id, core::Interval window) {
  return ReadOnce<std::vector<core::ports::CalendarAppointment>>(
      *pool_,
      [&](pqxx::transaction_base& tx) -> Result<std::vector<core::ports::CalendarAppointment>> {
        auto rows = tx.exec_params(
            "SELECT " + kAppointmentColumns +
                ", (SELECT given_name FROM patients p WHERE p.id = appointments.patient_id), "
                "(SELECT family_name FROM patients p WHERE p.id = appointments.patient_id) "
                "FROM appointments WHERE clinic_id = $1 AND start_at < $3 AND blocked_until > $2 "
                "ORDER BY start_at, id",
            clinic_id.value(), Seconds(window.start()), Seconds(window.end()));
        std::vector<core::ports::CalendarAppointment> out;
        out.reserve(rows.size());
        for (const auto& r : rows) {
          out.push_back({UNKNOT_TRY(ReadAppointment(r)), Text(r[18]), Text(r[19])});
        }
        return out;
      });
}

Result<scheduling::Appointment> PostgresStorage::StaffBook(
    core::ClinicId clinic_id, const core::ports::StaffBooking& booking) {
  if (!booking.patient) {
    if (auto valid = clinic::Validate(booking.new_patient, clinic::EmailRule::kOptional); !valid) {
      const core::FieldError& f = valid.error().fields().front();
      return Error::InvalidField("patient." + f.field, f.reason);
    }
  }
  if (Seconds(booking.appointment.blocked_until) - Seconds(booking.appointment.time.start()) >
      kLongestSpanSeconds) {
    return Error::InvalidField("blocked_until", "an appointment may not block more than 10 hours");
  }
  const core::Instant now = clock_.Now();
  return WriteOnce<scheduling::Appointment>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        scheduling::Appointment booked = UNKNOT_TRY(StaffBookRow(tx, clinic_id, booking, now));
        changes.Add(scheduling::ChangeOf(clinic_id, booked));
        return booked;
      });
}

Result<scheduling::Appointment> PostgresStorage::UpdateAppointment(
    core::ClinicId clinic_id, const scheduling::Appointment& changed, std::int64_t expected_version,
    core::Instant now, const core::staff::AuditEntry& audit) {
  if (Seconds(changed.blocked_until) - Seconds(changed.time.start()) > kLongestSpanSeconds) {
    return Error::InvalidField("blocked_until", "an appointment may not block more than 10 hours");
  }
  return WriteOnce<scheduling::Appointment>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        // Where it was, and below where it is: both may free or take time.
        if (auto before = UNKNOT_TRY(LockAppointmentChange(tx, clinic_id, changed.id))) {
          changes.Add(*before);
        }
        if (changed.overbooked && changed.status != scheduling::AppointmentStatus::kCancelled &&
            RoomTaken(tx, clinic_id, changed.room, changed, changed.practitioner)) {
          return RoomOverbooked();
        }
        const std::string cancelled =
            changed.cancelled_at ? std::to_string(Seconds(*changed.cancelled_at)) : "";
        pqxx::result rows;
        auto refused = Refusal([&] {
          rows = tx.exec_params(
              "UPDATE appointments SET practitioner_id = $4, room_id = $5, start_at = $6, "
              "end_at = $7, blocked_until = $8, status = $9, cancelled_at = $10, "
              "cancel_reason = $11, declined = $12, overbooked = $13, updated_at = $14 "
              "WHERE clinic_id = $1 AND id = $2 AND version = $3 RETURNING " +
                  kAppointmentColumns,
              clinic_id.value(), changed.id.value(), expected_version, changed.practitioner.value(),
              changed.room.value(), Seconds(changed.time.start()), Seconds(changed.time.end()),
              Seconds(changed.blocked_until), std::string(scheduling::ToString(changed.status)),
              changed.cancelled_at ? cancelled.c_str() : nullptr, changed.cancel_reason,
              changed.declined, changed.overbooked, Seconds(now));
        });
        if (refused) return *refused;
        if (rows.empty()) {
          auto exists =
              tx.exec_params("SELECT 1 FROM appointments WHERE clinic_id = $1 AND id = $2",
                             clinic_id.value(), changed.id.value());
          if (exists.empty()) return Error::NotFound("no such appointment");
          return Error(ErrorCode::kConflict, "the appointment was changed by someone else first",
                       {{std::string(core::ports::kVersionField), "is not the current version"}});
        }
        scheduling::Appointment stored = UNKNOT_TRY(ReadAppointment(rows[0]));
        changes.Add(scheduling::ChangeOf(clinic_id, stored));
        UNKNOT_TRY(AppendAuditRow(tx, clinic_id, audit));
        return stored;
      });
}

}  // namespace unknot::storage::postgres
