// SqliteStorage's per-patient booking rules and the front desk's decisions on online requests
// (core/ports/booking_rules.hpp). Writes go through the writer, each with its audit entry.

#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace ports = core::ports;
namespace scheduling = core::scheduling;

namespace {

Result<clinic::Patient> FindPatientRow(Connection& db, core::ClinicId clinic,
                                       core::PatientId patient) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached("SELECT " + kPatientColumns +
                                               " FROM patients WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such patient");
  return ReadPatient(stmt, 0);
}

}  // namespace

Result<clinic::Patient> SqliteStorage::SetBookingRules(core::ClinicId clinic,
                                                       core::PatientId patient,
                                                       const ports::BookingRules& rules,
                                                       const core::staff::AuditEntry& audit) {
  return writer_->Write<clinic::Patient>([&](Connection& db) -> Result<clinic::Patient> {
    Statement stmt = UNKNOT_TRY(
        db.PrepareCached("UPDATE patients SET online_booking = ?3, assessment_first = ?4 "
                         "WHERE clinic_id = ?1 AND id = ?2"));
    stmt.Bind(1, clinic.value()).Bind(2, patient.value());
    stmt.Bind(3, clinic::ToString(rules.online_booking));
    stmt.Bind(4, std::int64_t{rules.assessment_first ? 1 : 0});
    UNKNOT_TRY(stmt.Run());
    if (db.Changes() == 0) return Error::NotFound("no such patient");
    UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
    return FindPatientRow(db, clinic, patient);
  });
}

Result<int> SqliteStorage::CountNoShows(core::ClinicId clinic, core::PatientId patient,
                                        core::Instant since, core::Instant until) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return CountNoShowRows(reader->db(), clinic, patient, since, until);
}

Result<std::vector<ports::PendingRequest>> SqliteStorage::ListRequests(core::ClinicId clinic,
                                                                       core::Instant now) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  // The requests and their patients, of one moment.
  return InReadTransaction(db, [&]() -> Result<std::vector<ports::PendingRequest>> {
    Statement stmt = UNKNOT_TRY(db.PrepareCached(
        "SELECT " + kAppointmentColumns +
        " FROM appointments WHERE clinic_id = ?1 AND status = 'requested' AND end_at > ?2 "
        "ORDER BY start_at, id"));
    stmt.Bind(1, clinic.value()).Bind(2, Seconds(now));
    std::vector<ports::PendingRequest> out;
    while (UNKNOT_TRY(stmt.Step())) {
      out.push_back({UNKNOT_TRY(ReadAppointment(stmt)), {}});
    }
    for (ports::PendingRequest& request : out) {
      request.patient = UNKNOT_TRY(FindPatientRow(db, clinic, request.appointment.patient));
    }
    return out;
  });
}

Result<scheduling::Appointment> SqliteStorage::DecideRequest(
    core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
    ports::RequestDecision decision, std::string_view reason, core::Instant now,
    const core::staff::AuditEntry& audit) {
  return writer_->Write<scheduling::Appointment>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            decision == ports::RequestDecision::kApprove
                ? "UPDATE appointments SET status = 'booked', updated_at = ?4 "
                  "WHERE clinic_id = ?1 AND id = ?2 AND version = ?3 AND status = 'requested'"
                : "UPDATE appointments SET status = 'cancelled', declined = 1, cancelled_at = ?4, "
                  "updated_at = ?4, cancel_reason = ?5 "
                  "WHERE clinic_id = ?1 AND id = ?2 AND version = ?3 AND status = 'requested'"));
        stmt.Bind(1, clinic.value()).Bind(2, appointment.value()).Bind(3, version);
        stmt.Bind(4, Seconds(now));
        if (decision == ports::RequestDecision::kDecline) stmt.Bind(5, reason);
        UNKNOT_TRY(stmt.Run());
        if (db.Changes() == 0) {
          scheduling::Appointment current = UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));
          if (current.status != scheduling::AppointmentStatus::kRequested) {
            return Error(ErrorCode::kConflict,
                         "the appointment is " + std::string(scheduling::ToString(current.status)) +
                             ", no longer a request");
          }
          return Error(ErrorCode::kConflict,
                       "the request was changed by someone else since you saw it (version " +
                           std::to_string(current.version) + ", not " + std::to_string(version) +
                           ")");
        }
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        scheduling::Appointment decided = UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));
        changes.Add(scheduling::ChangeOf(clinic, decided));  // same time, now booked or not
        return decided;
      });
}

}  // namespace unknot::storage::sqlite
