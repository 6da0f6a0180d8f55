// PostgresStorage's home-care programs and the patient's daily marks (core/ports/home_care.hpp).
// The practitioner's writes append their audit entry in their own transaction. Dates are `date`
// columns, exchanged as 'YYYY-MM-DD' text.

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinical = core::clinical;

namespace {

Result<core::LocalDate> DateField(const pqxx::field& f) {
  auto parsed = core::ParseLocalDate(f.as<std::string>());
  if (!parsed) return Error(ErrorCode::kInternal, "a stored home-care date is not a date");
  return *parsed;
}

// The patient's program in one statement (one snapshot). kNotFound for no such patient.
Result<std::optional<clinical::HomeCareProgram>> ReadProgram(pqxx::transaction_base& tx,
                                                             core::ClinicId clinic,
                                                             core::PatientId patient) {
  auto rows = tx.exec_params(
      "SELECT h.starts_on::text, h.note, h.version, h.updated_at, r.routine, r.muscle, "
      "r.seconds, r.sets, r.days_per_week, r.since::text "
      "FROM patients p "
      "LEFT JOIN home_care_programs h ON h.clinic_id = p.clinic_id AND h.patient_id = p.id "
      "LEFT JOIN home_care_routines r ON r.clinic_id = p.clinic_id AND r.patient_id = p.id "
      "WHERE p.clinic_id = $1 AND p.id = $2 ORDER BY r.position",
      clinic.value(), patient.value());
  if (rows.empty()) return Error::NotFound("no such patient");
  if (rows[0][0].is_null()) return std::optional<clinical::HomeCareProgram>();
  clinical::HomeCareProgram program;
  program.starts_on = UNKNOT_TRY(DateField(rows[0][0]));
  program.note = rows[0][1].as<std::string>();
  program.version = Int(rows[0][2]);
  program.updated_at = FromSeconds(Int(rows[0][3]));
  for (const pqxx::row& r : rows) {
    if (r[4].is_null()) continue;  // a program without routines
    clinical::Prescription p;
    p.routine = r[4].as<std::string>();
    p.muscle = r[5].as<std::string>();
    p.seconds = r[6].as<int>();
    p.sets = r[7].as<int>();
    p.days_per_week = r[8].as<int>();
    p.since = UNKNOT_TRY(DateField(r[9]));
    program.routines.push_back(std::move(p));
  }
  return std::optional<clinical::HomeCareProgram>(std::move(program));
}

}  // namespace

Result<std::optional<clinical::HomeCareProgram>> PostgresStorage::FindHomeCare(
    core::ClinicId clinic, core::PatientId patient) {
  return ReadOnce<std::optional<clinical::HomeCareProgram>>(
      *pool_, [&](pqxx::transaction_base& tx) { return ReadProgram(tx, clinic, patient); });
}

Result<clinical::HomeCareProgram> PostgresStorage::SaveHomeCare(
    core::ClinicId clinic, core::PatientId patient, const clinical::HomeCareProgram& program,
    std::int64_t expected_version, core::Instant now, const core::staff::AuditEntry& audit) {
  return WriteOnce<clinical::HomeCareProgram>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<clinical::HomeCareProgram> {
        // The patient row is locked so two first assignments queue; the version test is in the
        // write itself, so a concurrent save that committed first makes this one change nothing.
        auto found =
            tx.exec_params("SELECT 1 FROM patients WHERE clinic_id = $1 AND id = $2 FOR SHARE",
                           clinic.value(), patient.value());
        if (found.empty()) return Error::NotFound("no such patient");
        const std::string starts_on = core::FormatLocalDate(program.starts_on);
        auto written =
            expected_version == 0
                ? tx.exec_params(
                      "INSERT INTO home_care_programs (clinic_id, patient_id, starts_on, note, "
                      "version, updated_at) VALUES ($1, $2, $3::date, $4, 1, $5) "
                      "ON CONFLICT DO NOTHING RETURNING 1",
                      clinic.value(), patient.value(), starts_on, program.note, Seconds(now))
                : tx.exec_params(
                      "UPDATE home_care_programs SET starts_on = $3::date, note = $4, "
                      "version = version + 1, updated_at = $5 "
                      "WHERE clinic_id = $1 AND patient_id = $2 AND version = $6 RETURNING 1",
                      clinic.value(), patient.value(), starts_on, program.note, Seconds(now),
                      expected_version);
        if (written.empty()) {
          auto current = tx.exec_params(
              "SELECT version FROM home_care_programs WHERE clinic_id = $1 AND patient_id = $2",
              clinic.value(), patient.value());
          const std::int64_t stored = current.empty() ? 0 : Int(current[0][0]);
          return Error(ErrorCode::kConflict,
                       "the home-care program was changed by someone else since you saw it "
                       "(version " +
                           std::to_string(stored) + ", not " + std::to_string(expected_version) +
                           ")");
        }
        tx.exec_params("DELETE FROM home_care_routines WHERE clinic_id = $1 AND patient_id = $2",
                       clinic.value(), patient.value());
        for (std::size_t i = 0; i < program.routines.size(); ++i) {
          const clinical::Prescription& p = program.routines[i];
          tx.exec_params(
              "INSERT INTO home_care_routines (clinic_id, patient_id, position, routine, muscle, "
              "seconds, sets, days_per_week, since) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date)",
              clinic.value(), patient.value(), static_cast<int>(i), p.routine, p.muscle, p.seconds,
              p.sets, p.days_per_week, core::FormatLocalDate(p.since));
        }
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        std::optional<clinical::HomeCareProgram> saved =
            UNKNOT_TRY(ReadProgram(tx, clinic, patient));
        return std::move(*saved);
      });
}

Result<std::vector<clinical::HomeCareMark>> PostgresStorage::ListHomeCareMarks(
    core::ClinicId clinic, core::PatientId patient, core::LocalDate from, core::LocalDate to) {
  return ReadOnce<std::vector<clinical::HomeCareMark>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<clinical::HomeCareMark>> {
        auto rows = tx.exec_params(
            "SELECT day::text, routine FROM home_care_marks WHERE clinic_id = $1 AND "
            "patient_id = $2 AND day BETWEEN $3::date AND $4::date ORDER BY day, routine",
            clinic.value(), patient.value(), core::FormatLocalDate(from),
            core::FormatLocalDate(to));
        std::vector<clinical::HomeCareMark> out;
        for (const pqxx::row& r : rows) {
          out.push_back({UNKNOT_TRY(DateField(r[0])), r[1].as<std::string>()});
        }
        return out;
      });
}

Result<void> PostgresStorage::SetHomeCareDay(core::ClinicId clinic, core::PatientId patient,
                                             core::LocalDate day,
                                             const std::vector<std::string>& routines,
                                             core::Instant now) {
  return WriteOnce<void>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<void> {
    // Locks the program against a concurrent save until this commits, so the routines checked
    // here are the program's when the marks are stored.
    auto program = tx.exec_params(
        "SELECT 1 FROM home_care_programs WHERE clinic_id = $1 AND patient_id = $2 FOR SHARE",
        clinic.value(), patient.value());
    if (program.empty()) return Error::NotFound("no home-care program");
    for (const std::string& routine : routines) {
      auto listed = tx.exec_params(
          "SELECT 1 FROM home_care_routines WHERE clinic_id = $1 AND patient_id = $2 AND "
          "routine = $3",
          clinic.value(), patient.value(), routine);
      if (listed.empty()) {
        return Error(ErrorCode::kConflict,
                     "the routine " + routine + " is no longer in the home-care program");
      }
    }
    const std::string text_day = core::FormatLocalDate(day);
    tx.exec_params(
        "DELETE FROM home_care_marks WHERE clinic_id = $1 AND patient_id = $2 AND day = $3::date",
        clinic.value(), patient.value(), text_day);
    for (const std::string& routine : routines) {
      tx.exec_params(
          "INSERT INTO home_care_marks (clinic_id, patient_id, day, routine, marked_at) "
          "VALUES ($1, $2, $3::date, $4, $5)",
          clinic.value(), patient.value(), text_day, routine, Seconds(now));
    }
    return core::Ok();
  });
}

}  // namespace unknot::storage::postgres
