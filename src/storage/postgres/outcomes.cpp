// PostgresStorage's outcome measures per visit (core/ports/outcomes.hpp). Writes append their
// audit entry in their own transaction; the table's checks and version trigger are migration 11.

#include "storage/outcome_columns.hpp"
#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinical = core::clinical;
namespace ports = core::ports;

namespace {

// The measures from column `at` on: pain, sleep, movements, then the three PSFS pairs.
Result<clinical::VisitOutcome> ReadMeasures(const pqxx::row& r, int at) {
  clinical::VisitOutcome o;
  o.pain = static_cast<int>(Int(r[at]));
  o.sleep =
      UNKNOT_TRY(ParseField<clinical::SleepEffect>(r[at + 1], clinical::ParseSleepEffect, "sleep"));
  o.movements = SplitMovements(Text(r[at + 2]));
  for (int i = 0; i < 3; ++i) {
    o.psfs.push_back({Text(r[at + 3 + 2 * i]), static_cast<int>(Int(r[at + 4 + 2 * i]))});
  }
  return o;
}

Result<ports::OutcomeRecord> ReadOutcome(const pqxx::row& r) {
  ports::OutcomeRecord out;
  out.appointment = core::AppointmentId{Int(r[0])};
  out.patient = core::PatientId{Int(r[1])};
  out.practitioner = core::PractitionerId{Int(r[2])};
  out.service = core::ServiceId{Int(r[3])};
  out.visit_start = FromSeconds(Int(r[4]));
  out.outcome = UNKNOT_TRY(ReadMeasures(r, 5));
  out.version = Int(r[14]);
  out.recorded_at = FromSeconds(Int(r[15]));
  if (!r[16].is_null()) out.recorded_by = core::StaffId{Int(r[16])};
  return out;
}

Result<std::optional<ports::OutcomeRecord>> FindOutcomeRow(pqxx::transaction_base& tx,
                                                           core::ClinicId clinic,
                                                           core::AppointmentId appointment) {
  auto rows = tx.exec_params("SELECT " + kOutcomeColumns + kOutcomeFrom +
                                 "WHERE o.clinic_id = $1 AND o.appointment_id = $2",
                             clinic.value(), appointment.value());
  if (rows.empty()) return std::optional<ports::OutcomeRecord>{};
  return std::optional<ports::OutcomeRecord>{UNKNOT_TRY(ReadOutcome(rows[0]))};
}

Result<std::vector<ports::OutcomeRecord>> ReadAll(const pqxx::result& rows) {
  std::vector<ports::OutcomeRecord> out;
  for (const pqxx::row& r : rows) out.push_back(UNKNOT_TRY(ReadOutcome(r)));
  return out;
}

// The PSFS item at `i`, or what the table's checks refuse (ValidateOutcome refuses it first).
std::string Activity(const clinical::VisitOutcome& o, std::size_t i) {
  return i < o.psfs.size() ? o.psfs[i].activity : std::string();
}
int Score(const clinical::VisitOutcome& o, std::size_t i) {
  return i < o.psfs.size() ? o.psfs[i].score : -1;
}

}  // namespace

Result<ports::OutcomeRecord> PostgresStorage::SaveVisitOutcome(
    core::ClinicId clinic, core::AppointmentId appointment, const clinical::VisitOutcome& outcome,
    std::int64_t expected_version, std::optional<core::StaffId> recorded_by, core::Instant now,
    const core::staff::AuditEntry& audit) {
  return WriteOnce<ports::OutcomeRecord>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<ports::OutcomeRecord> {
        auto found = tx.exec_params("SELECT 1 FROM appointments WHERE clinic_id = $1 AND id = $2",
                                    clinic.value(), appointment.value());
        if (found.empty()) return Error::NotFound("no such appointment");
        const std::optional<std::int64_t> by =
            recorded_by ? std::optional<std::int64_t>{recorded_by->value()} : std::nullopt;
        const std::string sleep(clinical::ToString(outcome.sleep));
        const std::string movements = JoinMovements(outcome.movements);
        pqxx::result rows;
        if (expected_version == 0) {
          // A concurrent first record of the same visit: the loser writes nothing.
          rows = tx.exec_params(
              "INSERT INTO visit_outcomes (clinic_id, appointment_id, pain, sleep, movements, "
              "psfs1_activity, psfs1_score, psfs2_activity, psfs2_score, psfs3_activity, "
              "psfs3_score, recorded_at, recorded_by) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
              "ON CONFLICT (appointment_id) DO NOTHING RETURNING appointment_id",
              clinic.value(), appointment.value(), outcome.pain, sleep, movements,
              Activity(outcome, 0), Score(outcome, 0), Activity(outcome, 1), Score(outcome, 1),
              Activity(outcome, 2), Score(outcome, 2), Seconds(now), by);
        } else {
          rows = tx.exec_params(
              "UPDATE visit_outcomes SET pain = $3, sleep = $4, movements = $5, "
              "psfs1_activity = $6, psfs1_score = $7, psfs2_activity = $8, psfs2_score = $9, "
              "psfs3_activity = $10, psfs3_score = $11, version = version + 1, "
              "recorded_at = $12, recorded_by = $13 "
              "WHERE clinic_id = $1 AND appointment_id = $2 AND version = $14 "
              "RETURNING appointment_id",
              clinic.value(), appointment.value(), outcome.pain, sleep, movements,
              Activity(outcome, 0), Score(outcome, 0), Activity(outcome, 1), Score(outcome, 1),
              Activity(outcome, 2), Score(outcome, 2), Seconds(now), by, expected_version);
        }
        if (rows.empty()) {
          std::optional<ports::OutcomeRecord> current =
              UNKNOT_TRY(FindOutcomeRow(tx, clinic, appointment));
          return Error(ErrorCode::kConflict,
                       current ? "the outcomes were changed by someone else since you saw them "
                                 "(version " +
                                     std::to_string(current->version) + ", not " +
                                     std::to_string(expected_version) + ")"
                               : "no outcomes are recorded for this visit yet (version 0)");
        }
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        std::optional<ports::OutcomeRecord> saved =
            UNKNOT_TRY(FindOutcomeRow(tx, clinic, appointment));
        if (!saved) return Error(ErrorCode::kInternal, "the outcome record just written is gone");
        return std::move(*saved);
      });
}

Result<std::optional<ports::OutcomeRecord>> PostgresStorage::FindVisitOutcome(
    core::ClinicId clinic, core::AppointmentId appointment) {
  return ReadOnce<std::optional<ports::OutcomeRecord>>(
      *pool_, [&](pqxx::transaction_base& tx) { return FindOutcomeRow(tx, clinic, appointment); });
}

Result<std::vector<ports::OutcomeRecord>> PostgresStorage::ListPatientOutcomes(
    core::ClinicId clinic, core::PatientId patient) {
  return ReadOnce<std::vector<ports::OutcomeRecord>>(*pool_, [&](pqxx::transaction_base& tx) {
    return ReadAll(
        tx.exec_params("SELECT " + kOutcomeColumns + kOutcomeFrom +
                           "WHERE o.clinic_id = $1 AND a.patient_id = $2 ORDER BY a.start_at, a.id",
                       clinic.value(), patient.value()));
  });
}

Result<std::vector<ports::PlanOutcomeRecord>> PostgresStorage::ListClinicPlanOutcomes(
    core::ClinicId clinic) {
  return ReadOnce<std::vector<ports::PlanOutcomeRecord>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<ports::PlanOutcomeRecord>> {
        auto rows = tx.exec_params(kPlanOutcomeQuery + "WHERE o.clinic_id = $1" + kPlanOutcomeOrder,
                                   clinic.value());
        std::vector<ports::PlanOutcomeRecord> out;
        for (const pqxx::row& row : rows) {
          ports::PlanOutcomeRecord r;
          if (!row[0].is_null()) {
            r.plan = core::TreatmentPlanId{Int(row[0])};
            r.item = static_cast<int>(Int(row[1]));
          }
          r.service = core::ServiceId{Int(row[2])};
          r.practitioner = core::PractitionerId{Int(row[3])};
          r.appointment = core::AppointmentId{Int(row[4])};
          r.visit_start = FromSeconds(Int(row[5]));
          r.outcome = UNKNOT_TRY(ReadMeasures(row, 6));
          out.push_back(std::move(r));
        }
        return out;
      });
}

}  // namespace unknot::storage::postgres
