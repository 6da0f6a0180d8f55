// SqliteStorage's home-care programs and the patient's daily marks (core/ports/home_care.hpp).
// Writes go through the writer; the practitioner's with their audit entry. Neither changes what
// the scheduling engine sees (Touches::kNotTheSchedule).

#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinical = core::clinical;

namespace {

Result<core::LocalDate> DateColumn(const Statement& stmt, int column) {
  auto parsed = core::ParseLocalDate(stmt.Text(column));
  if (!parsed) return Error(ErrorCode::kInternal, "a stored home-care date is not a date");
  return *parsed;
}

Result<bool> PatientExists(Connection& db, core::ClinicId clinic, core::PatientId patient) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("SELECT 1 FROM patients WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value());
  return stmt.Step();
}

Result<std::optional<clinical::HomeCareProgram>> ReadProgram(Connection& db, core::ClinicId clinic,
                                                             core::PatientId patient) {
  Statement head = UNKNOT_TRY(
      db.PrepareCached("SELECT starts_on, note, version, updated_at FROM home_care_programs "
                       "WHERE clinic_id = ?1 AND patient_id = ?2"));
  head.Bind(1, clinic.value()).Bind(2, patient.value());
  if (!UNKNOT_TRY(head.Step())) return std::optional<clinical::HomeCareProgram>();
  clinical::HomeCareProgram program;
  program.starts_on = UNKNOT_TRY(DateColumn(head, 0));
  program.note = head.Text(1);
  program.version = head.Int(2);
  program.updated_at = FromSeconds(head.Int(3));
  Statement rows = UNKNOT_TRY(db.PrepareCached(
      "SELECT routine, muscle, seconds, sets, days_per_week, since FROM home_care_routines "
      "WHERE clinic_id = ?1 AND patient_id = ?2 ORDER BY position"));
  rows.Bind(1, clinic.value()).Bind(2, patient.value());
  while (UNKNOT_TRY(rows.Step())) {
    clinical::Prescription p;
    p.routine = rows.Text(0);
    p.muscle = rows.Text(1);
    p.seconds = static_cast<int>(rows.Int(2));
    p.sets = static_cast<int>(rows.Int(3));
    p.days_per_week = static_cast<int>(rows.Int(4));
    p.since = UNKNOT_TRY(DateColumn(rows, 5));
    program.routines.push_back(std::move(p));
  }
  return std::optional<clinical::HomeCareProgram>(std::move(program));
}

}  // namespace

Result<std::optional<clinical::HomeCareProgram>> SqliteStorage::FindHomeCare(
    core::ClinicId clinic, core::PatientId patient) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  // The program and its routines, of one moment.
  return InReadTransaction(db, [&]() -> Result<std::optional<clinical::HomeCareProgram>> {
    if (!UNKNOT_TRY(PatientExists(db, clinic, patient))) return Error::NotFound("no such patient");
    return ReadProgram(db, clinic, patient);
  });
}

Result<clinical::HomeCareProgram> SqliteStorage::SaveHomeCare(
    core::ClinicId clinic, core::PatientId patient, const clinical::HomeCareProgram& program,
    std::int64_t expected_version, core::Instant now, const core::staff::AuditEntry& audit) {
  return writer_->Write<clinical::HomeCareProgram>(
      [&](Connection& db) -> Result<clinical::HomeCareProgram> {
        if (!UNKNOT_TRY(PatientExists(db, clinic, patient))) {
          return Error::NotFound("no such patient");
        }
        std::optional<clinical::HomeCareProgram> stored =
            UNKNOT_TRY(ReadProgram(db, clinic, patient));
        const std::int64_t stored_version = stored ? stored->version : 0;
        if (stored_version != expected_version) {
          return Error(ErrorCode::kConflict,
                       "the home-care program was changed by someone else since you saw it "
                       "(version " +
                           std::to_string(stored_version) + ", not " +
                           std::to_string(expected_version) + ")");
        }
        Statement head = UNKNOT_TRY(db.PrepareCached(
            stored ? "UPDATE home_care_programs SET starts_on = ?3, note = ?4, version = ?5, "
                     "updated_at = ?6 WHERE clinic_id = ?1 AND patient_id = ?2"
                   : "INSERT INTO home_care_programs (clinic_id, patient_id, starts_on, note, "
                     "version, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        head.Bind(1, clinic.value()).Bind(2, patient.value());
        head.Bind(3, core::FormatLocalDate(program.starts_on)).Bind(4, program.note);
        head.Bind(5, stored_version + 1).Bind(6, Seconds(now));
        UNKNOT_TRY(head.Run());
        Statement clear = UNKNOT_TRY(db.PrepareCached(
            "DELETE FROM home_care_routines WHERE clinic_id = ?1 AND patient_id = ?2"));
        clear.Bind(1, clinic.value()).Bind(2, patient.value());
        UNKNOT_TRY(clear.Run());
        for (std::size_t i = 0; i < program.routines.size(); ++i) {
          const clinical::Prescription& p = program.routines[i];
          Statement row = UNKNOT_TRY(db.PrepareCached(
              "INSERT INTO home_care_routines (clinic_id, patient_id, position, routine, muscle, "
              "seconds, sets, days_per_week, since) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
          row.Bind(1, clinic.value()).Bind(2, patient.value());
          row.Bind(3, static_cast<std::int64_t>(i)).Bind(4, p.routine).Bind(5, p.muscle);
          row.Bind(6, std::int64_t{p.seconds}).Bind(7, std::int64_t{p.sets});
          row.Bind(8, std::int64_t{p.days_per_week}).Bind(9, core::FormatLocalDate(p.since));
          UNKNOT_TRY(row.Run());
        }
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        std::optional<clinical::HomeCareProgram> saved =
            UNKNOT_TRY(ReadProgram(db, clinic, patient));
        return std::move(*saved);
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<std::vector<clinical::HomeCareMark>> SqliteStorage::ListHomeCareMarks(
    core::ClinicId clinic, core::PatientId patient, core::LocalDate from, core::LocalDate to) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT day, routine FROM home_care_marks WHERE clinic_id = ?1 AND patient_id = ?2 "
      "AND day >= ?3 AND day <= ?4 ORDER BY day, routine"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value());
  stmt.Bind(3, core::FormatLocalDate(from)).Bind(4, core::FormatLocalDate(to));
  std::vector<clinical::HomeCareMark> out;
  while (UNKNOT_TRY(stmt.Step())) out.push_back({UNKNOT_TRY(DateColumn(stmt, 0)), stmt.Text(1)});
  return out;
}

Result<void> SqliteStorage::SetHomeCareDay(core::ClinicId clinic, core::PatientId patient,
                                           core::LocalDate day,
                                           const std::vector<std::string>& routines,
                                           core::Instant now) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        std::optional<clinical::HomeCareProgram> program =
            UNKNOT_TRY(ReadProgram(db, clinic, patient));
        if (!program) return Error::NotFound("no home-care program");
        for (const std::string& routine : routines) {
          if (program->Find(routine) == nullptr) {
            return Error(ErrorCode::kConflict,
                         "the routine " + routine + " is no longer in the home-care program");
          }
        }
        const std::string text_day = core::FormatLocalDate(day);
        Statement clear = UNKNOT_TRY(
            db.PrepareCached("DELETE FROM home_care_marks WHERE clinic_id = ?1 AND patient_id = ?2 "
                             "AND day = ?3"));
        clear.Bind(1, clinic.value()).Bind(2, patient.value()).Bind(3, text_day);
        UNKNOT_TRY(clear.Run());
        for (const std::string& routine : routines) {
          Statement mark = UNKNOT_TRY(
              db.PrepareCached("INSERT INTO home_care_marks (clinic_id, patient_id, day, routine, "
                               "marked_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
          mark.Bind(1, clinic.value()).Bind(2, patient.value()).Bind(3, text_day);
          mark.Bind(4, routine).Bind(5, Seconds(now));
          UNKNOT_TRY(mark.Run());
        }
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

}  // namespace unknot::storage::sqlite
