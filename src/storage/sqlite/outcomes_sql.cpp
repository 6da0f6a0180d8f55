// SqliteStorage's outcome measures per visit (core/ports/outcomes.hpp). Writes go through the
// writer, each with its audit entry; the table's checks and version trigger are migration 12.

#include "storage/outcome_columns.hpp"
#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinical = core::clinical;
namespace ports = core::ports;

namespace {

// The measures from column `at` on: pain, sleep, movements, then the three PSFS pairs.
Result<clinical::VisitOutcome> ReadMeasures(const Statement& stmt, int at) {
  clinical::VisitOutcome o;
  o.pain = static_cast<int>(stmt.Int(at));
  o.sleep = UNKNOT_TRY(ParseStoredName<clinical::SleepEffect>(stmt.Text(at + 1),
                                                              clinical::ParseSleepEffect, "sleep"));
  o.movements = SplitMovements(stmt.Text(at + 2));
  for (int i = 0; i < 3; ++i) {
    o.psfs.push_back({stmt.Text(at + 3 + 2 * i), static_cast<int>(stmt.Int(at + 4 + 2 * i))});
  }
  return o;
}

Result<ports::OutcomeRecord> ReadOutcome(const Statement& stmt) {
  ports::OutcomeRecord r;
  r.appointment = core::AppointmentId{stmt.Int(0)};
  r.patient = core::PatientId{stmt.Int(1)};
  r.practitioner = core::PractitionerId{stmt.Int(2)};
  r.service = core::ServiceId{stmt.Int(3)};
  r.visit_start = FromSeconds(stmt.Int(4));
  r.outcome = UNKNOT_TRY(ReadMeasures(stmt, 5));
  r.version = stmt.Int(14);
  r.recorded_at = FromSeconds(stmt.Int(15));
  if (auto by = stmt.OptionalInt(16)) r.recorded_by = core::StaffId{*by};
  return r;
}

Result<std::optional<ports::OutcomeRecord>> FindOutcomeRow(Connection& db, core::ClinicId clinic,
                                                           core::AppointmentId appointment) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached("SELECT " + kOutcomeColumns + kOutcomeFrom +
                                               "WHERE o.clinic_id = ?1 AND o.appointment_id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, appointment.value());
  if (!UNKNOT_TRY(stmt.Step())) return std::optional<ports::OutcomeRecord>{};
  return std::optional<ports::OutcomeRecord>{UNKNOT_TRY(ReadOutcome(stmt))};
}

void BindOutcome(Statement& stmt, const clinical::VisitOutcome& outcome) {
  stmt.Bind(3, std::int64_t{outcome.pain});
  stmt.Bind(4, clinical::ToString(outcome.sleep));
  stmt.Bind(5, JoinMovements(outcome.movements));
  for (int i = 0; i < 3; ++i) {
    const std::size_t at = static_cast<std::size_t>(i);
    // A record with fewer items breaks the table's checks; ValidateOutcome refuses it first.
    stmt.Bind(6 + 2 * i, at < outcome.psfs.size() ? outcome.psfs[at].activity : std::string());
    stmt.Bind(7 + 2 * i, std::int64_t{at < outcome.psfs.size() ? outcome.psfs[at].score : -1});
  }
}

}  // namespace

Result<ports::OutcomeRecord> SqliteStorage::SaveVisitOutcome(
    core::ClinicId clinic, core::AppointmentId appointment, const clinical::VisitOutcome& outcome,
    std::int64_t expected_version, std::optional<core::StaffId> recorded_by, core::Instant now,
    const core::staff::AuditEntry& audit) {
  return writer_->Write<ports::OutcomeRecord>(
      [&](Connection& db) -> Result<ports::OutcomeRecord> {
        UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));  // kNotFound
        std::optional<ports::OutcomeRecord> stored =
            UNKNOT_TRY(FindOutcomeRow(db, clinic, appointment));
        const std::int64_t current = stored ? stored->version : 0;
        if (current != expected_version) {
          return Error(ErrorCode::kConflict,
                       stored ? "the outcomes were changed by someone else since you saw them "
                                "(version " +
                                    std::to_string(current) + ", not " +
                                    std::to_string(expected_version) + ")"
                              : "no outcomes are recorded for this visit yet (version 0)");
        }
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            stored ? "UPDATE visit_outcomes SET pain = ?3, sleep = ?4, movements = ?5, "
                     "psfs1_activity = ?6, psfs1_score = ?7, psfs2_activity = ?8, "
                     "psfs2_score = ?9, psfs3_activity = ?10, psfs3_score = ?11, "
                     "version = version + 1, recorded_at = ?12, recorded_by = ?13 "
                     "WHERE clinic_id = ?1 AND appointment_id = ?2 AND version = ?14"
                   : "INSERT INTO visit_outcomes (clinic_id, appointment_id, pain, sleep, "
                     "movements, psfs1_activity, psfs1_score, psfs2_activity, psfs2_score, "
                     "psfs3_activity, psfs3_score, recorded_at, recorded_by) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
        stmt.Bind(1, clinic.value()).Bind(2, appointment.value());
        BindOutcome(stmt, outcome);
        stmt.Bind(12, Seconds(now));
        stmt.Bind(13, recorded_by ? std::optional<std::int64_t>{recorded_by->value()}
                                  : std::optional<std::int64_t>{});
        if (stored) stmt.Bind(14, expected_version);
        UNKNOT_TRY(stmt.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        std::optional<ports::OutcomeRecord> saved =
            UNKNOT_TRY(FindOutcomeRow(db, clinic, appointment));
        if (!saved) return Error(ErrorCode::kInternal, "the outcome record just written is gone");
        return std::move(*saved);
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<std::optional<ports::OutcomeRecord>> SqliteStorage::FindVisitOutcome(
    core::ClinicId clinic, core::AppointmentId appointment) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return FindOutcomeRow(reader->db(), clinic, appointment);
}

Result<std::vector<ports::OutcomeRecord>> SqliteStorage::ListPatientOutcomes(
    core::ClinicId clinic, core::PatientId patient) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kOutcomeColumns + kOutcomeFrom +
      "WHERE o.clinic_id = ?1 AND a.patient_id = ?2 ORDER BY a.start_at, a.id"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value());
  std::vector<ports::OutcomeRecord> out;
  while (UNKNOT_TRY(stmt.Step())) out.push_back(UNKNOT_TRY(ReadOutcome(stmt)));
  return out;
}

Result<std::vector<ports::PlanOutcomeRecord>> SqliteStorage::ListClinicPlanOutcomes(
    core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(
      reader->db().PrepareCached(kPlanOutcomeQuery + "WHERE o.clinic_id = ?1" + kPlanOutcomeOrder));
  stmt.Bind(1, clinic.value());
  std::vector<ports::PlanOutcomeRecord> out;
  while (UNKNOT_TRY(stmt.Step())) {
    ports::PlanOutcomeRecord r;
    if (auto plan = stmt.OptionalInt(0)) {
      r.plan = core::TreatmentPlanId{*plan};
      r.item = static_cast<int>(stmt.Int(1));
    }
    r.service = core::ServiceId{stmt.Int(2)};
    r.practitioner = core::PractitionerId{stmt.Int(3)};
    r.appointment = core::AppointmentId{stmt.Int(4)};
    r.visit_start = FromSeconds(stmt.Int(5));
    r.outcome = UNKNOT_TRY(ReadMeasures(stmt, 6));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace unknot::storage::sqlite
