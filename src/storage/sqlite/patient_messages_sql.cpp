// SqliteStorage's patient side of messages (core/ports/patient_messages.hpp): the manage tokens
// of sent messages and each patient's reminder choice and bounced address (migration 18). None
// of it changes what availability shows.

#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::Result;
namespace ports = core::ports;

namespace {

Result<bool> PatientExists(Connection& db, core::ClinicId clinic, core::PatientId patient) {
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT EXISTS (SELECT 1 FROM patients WHERE clinic_id = ?1 AND id = ?2)"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value());
  UNKNOT_TRY(stmt.Step());
  return stmt.Int(0) != 0;
}

}  // namespace

Result<void> SqliteStorage::AddManageToken(core::ClinicId clinic, core::AppointmentId appointment,
                                           std::string_view token_hash, core::Instant now) {
  if (token_hash.empty()) return Error::InvalidField("token_hash", "must not be empty");
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement exists = UNKNOT_TRY(db.PrepareCached(
            "SELECT EXISTS (SELECT 1 FROM appointments WHERE clinic_id = ?1 AND id = ?2)"));
        exists.Bind(1, clinic.value()).Bind(2, appointment.value());
        UNKNOT_TRY(exists.Step());
        if (exists.Int(0) == 0) return Error::NotFound("no such appointment");
        Statement insert = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO appointment_manage_tokens (clinic_id, appointment_id, token_hash, "
            "created_at) VALUES (?1, ?2, ?3, ?4)"));
        insert.Bind(1, clinic.value()).Bind(2, appointment.value());
        insert.Bind(3, token_hash).Bind(4, Seconds(now));
        return insert.Run();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<std::vector<std::string>> SqliteStorage::ManageTokenHashes(core::ClinicId clinic,
                                                                  core::AppointmentId appointment) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT manage_token_hash, 0 AS n FROM appointments WHERE clinic_id = ?1 AND id = ?2 "
      "UNION ALL SELECT token_hash, id FROM appointment_manage_tokens "
      "WHERE clinic_id = ?1 AND appointment_id = ?2 ORDER BY n"));
  stmt.Bind(1, clinic.value()).Bind(2, appointment.value());
  std::vector<std::string> hashes;
  while (UNKNOT_TRY(stmt.Step())) hashes.push_back(stmt.Text(0));
  if (hashes.empty()) return Error::NotFound("no such appointment");
  return hashes;
}

Result<ports::PatientMessagePrefs> SqliteStorage::FindPatientMessagePrefs(core::ClinicId clinic,
                                                                          core::PatientId patient) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT reminders, bounced_email, bounced_at, bounce_error "
                       "FROM patient_message_prefs WHERE clinic_id = ?1 AND patient_id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value());
  if (!UNKNOT_TRY(stmt.Step())) {
    if (!UNKNOT_TRY(PatientExists(db, clinic, patient))) return Error::NotFound("no such patient");
    return ports::PatientMessagePrefs{};
  }
  ports::PatientMessagePrefs prefs;
  prefs.reminders = stmt.Int(0) != 0 ? ports::Reminders::kOn : ports::Reminders::kOff;
  prefs.bounced_email = stmt.Text(1);
  if (auto at = stmt.OptionalInt(2)) prefs.bounced_at = FromSeconds(*at);
  prefs.bounce_error = stmt.Text(3);
  return prefs;
}

Result<void> SqliteStorage::SetReminders(core::ClinicId clinic, core::PatientId patient,
                                         ports::Reminders reminders, core::Instant now) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        if (!UNKNOT_TRY(PatientExists(db, clinic, patient))) {
          return Error::NotFound("no such patient");
        }
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO patient_message_prefs (clinic_id, patient_id, reminders, updated_at) "
            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (clinic_id, patient_id) DO UPDATE SET "
            "reminders = excluded.reminders, updated_at = excluded.updated_at"));
        stmt.Bind(1, clinic.value()).Bind(2, patient.value());
        stmt.Bind(3, std::int64_t{reminders == ports::Reminders::kOn ? 1 : 0});
        stmt.Bind(4, Seconds(now));
        return stmt.Run();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::MarkEmailBounced(core::ClinicId clinic, core::PatientId patient,
                                             std::string_view address, std::string_view error,
                                             core::Instant now) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        if (!UNKNOT_TRY(PatientExists(db, clinic, patient))) {
          return Error::NotFound("no such patient");
        }
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO patient_message_prefs (clinic_id, patient_id, bounced_email, bounced_at, "
            "bounce_error, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4) "
            "ON CONFLICT (clinic_id, patient_id) DO UPDATE SET "
            "bounced_email = excluded.bounced_email, bounced_at = excluded.bounced_at, "
            "bounce_error = excluded.bounce_error, updated_at = excluded.updated_at"));
        stmt.Bind(1, clinic.value()).Bind(2, patient.value()).Bind(3, address);
        stmt.Bind(4, Seconds(now)).Bind(5, error);
        return stmt.Run();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

}  // namespace unknot::storage::sqlite
