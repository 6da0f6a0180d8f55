// PostgresStorage's patient side of messages (core/ports/patient_messages.hpp): the manage tokens
// of sent messages and each patient's reminder choice and bounced address (migration 17). None
// of it changes what availability shows.

#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::Result;
namespace ports = core::ports;

namespace {

bool PatientExists(pqxx::transaction_base& tx, core::ClinicId clinic, core::PatientId patient) {
  return tx
      .exec_params1("SELECT EXISTS (SELECT 1 FROM patients WHERE clinic_id = $1 AND id = $2)",
                    clinic.value(), patient.value())[0]
      .as<bool>();
}

}  // namespace

Result<void> PostgresStorage::AddManageToken(core::ClinicId clinic, core::AppointmentId appointment,
                                             std::string_view token_hash, core::Instant now) {
  if (token_hash.empty()) return Error::InvalidField("token_hash", "must not be empty");
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        auto rows = tx.exec_params(
            "INSERT INTO appointment_manage_tokens (clinic_id, appointment_id, token_hash, "
            "created_at) SELECT clinic_id, id, $3::text, $4::bigint FROM appointments "
            "WHERE clinic_id = $1 AND id = $2 RETURNING id",
            clinic.value(), appointment.value(), std::string(token_hash), Seconds(now));
        if (rows.empty()) return Error::NotFound("no such appointment");
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<std::vector<std::string>> PostgresStorage::ManageTokenHashes(
    core::ClinicId clinic, core::AppointmentId appointment) {
  using Hashes = std::vector<std::string>;
  return ReadOnce<Hashes>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Hashes> {
    auto rows = tx.exec_params(
        "SELECT manage_token_hash, 0 AS n FROM appointments WHERE clinic_id = $1 AND id = $2 "
        "UNION ALL SELECT token_hash, id FROM appointment_manage_tokens "
        "WHERE clinic_id = $1 AND appointment_id = $2 ORDER BY n",
        clinic.value(), appointment.value());
    if (rows.empty()) return Error::NotFound("no such appointment");
    Hashes hashes;
    hashes.reserve(rows.size());
    for (const auto& r : rows) hashes.push_back(Text(r[0]));
    return hashes;
  });
}

Result<ports::PatientMessagePrefs> PostgresStorage::FindPatientMessagePrefs(
    core::ClinicId clinic, core::PatientId patient) {
  using Prefs = ports::PatientMessagePrefs;
  return ReadOnce<Prefs>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Prefs> {
    auto rows = tx.exec_params(
        "SELECT reminders, bounced_email, bounced_at, bounce_error "
        "FROM patient_message_prefs WHERE clinic_id = $1 AND patient_id = $2",
        clinic.value(), patient.value());
    if (rows.empty()) {
      if (!PatientExists(tx, clinic, patient)) return Error::NotFound("no such patient");
      return Prefs{};
    }
    const auto& r = rows[0];
    Prefs prefs;
    prefs.reminders = r[0].as<bool>() ? ports::Reminders::kOn : ports::Reminders::kOff;
    prefs.bounced_email = Text(r[1]);
    if (!r[2].is_null()) prefs.bounced_at = FromSeconds(Int(r[2]));
    prefs.bounce_error = Text(r[3]);
    return prefs;
  });
}

Result<void> PostgresStorage::SetReminders(core::ClinicId clinic, core::PatientId patient,
                                           ports::Reminders reminders, core::Instant now) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        auto rows = tx.exec_params(
            "INSERT INTO patient_message_prefs (clinic_id, patient_id, reminders, updated_at) "
            "SELECT clinic_id, id, $3::boolean, $4::bigint FROM patients WHERE clinic_id = $1 AND "
            "id = $2 "
            "ON CONFLICT (clinic_id, patient_id) DO UPDATE SET "
            "reminders = excluded.reminders, updated_at = excluded.updated_at RETURNING patient_id",
            clinic.value(), patient.value(), reminders == ports::Reminders::kOn, Seconds(now));
        if (rows.empty()) return Error::NotFound("no such patient");
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::MarkEmailBounced(core::ClinicId clinic, core::PatientId patient,
                                               std::string_view address, std::string_view error,
                                               core::Instant now) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        auto rows = tx.exec_params(
            "INSERT INTO patient_message_prefs (clinic_id, patient_id, bounced_email, bounced_at, "
            "bounce_error, updated_at) SELECT clinic_id, id, $3::text, $4::bigint, $5::text, "
            "$4::bigint "
            "FROM patients "
            "WHERE clinic_id = $1 AND id = $2 ON CONFLICT (clinic_id, patient_id) DO UPDATE SET "
            "bounced_email = excluded.bounced_email, bounced_at = excluded.bounced_at, "
            "bounce_error = excluded.bounce_error, updated_at = excluded.updated_at "
            "RETURNING patient_id",
            clinic.value(), patient.value(), std::string(address), Seconds(now),
            std::string(error));
        if (rows.empty()) return Error::NotFound("no such patient");
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

}  // namespace unknot::storage::postgres
