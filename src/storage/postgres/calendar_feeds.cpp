// PostgresStorage's practitioners' calendar feeds (core/ports/calendar_feeds.hpp). Writes append
// their audit entry in their own transaction.

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::Result;
namespace ports = core::ports;

Result<std::optional<ports::CalendarFeed>> PostgresStorage::FindCalendarFeed(
    core::ClinicId clinic, core::PractitionerId practitioner) {
  using Found = std::optional<ports::CalendarFeed>;
  return ReadOnce<Found>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Found> {
    auto rows = tx.exec_params(
        "SELECT secret_hash, created_at FROM calendar_feeds "
        "WHERE clinic_id = $1 AND practitioner_id = $2",
        clinic.value(), practitioner.value());
    if (rows.empty()) return Found{};
    return Found{ports::CalendarFeed{practitioner, Text(rows[0][0]), FromSeconds(Int(rows[0][1]))}};
  });
}

Result<ports::CalendarFeed> PostgresStorage::SaveCalendarFeed(
    core::ClinicId clinic, core::PractitionerId practitioner, std::string_view secret_hash,
    core::Instant now, const core::staff::AuditEntry& audit) {
  return WriteOnce<
      ports::CalendarFeed>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<ports::CalendarFeed> {
    auto known = tx.exec_params("SELECT 1 FROM practitioners WHERE clinic_id = $1 AND id = $2",
                                clinic.value(), practitioner.value());
    if (known.empty()) return Error::NotFound("no such practitioner");
    // One row per practitioner: a rotation overwrites the hash, so the old secret matches
    // nothing from this commit on.
    tx.exec_params(
        "INSERT INTO calendar_feeds (clinic_id, practitioner_id, secret_hash, created_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (clinic_id, practitioner_id) DO UPDATE SET "
        "secret_hash = excluded.secret_hash, created_at = excluded.created_at",
        clinic.value(), practitioner.value(), std::string(secret_hash), Seconds(now));
    UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
    return ports::CalendarFeed{practitioner, std::string(secret_hash), FromSeconds(Seconds(now))};
  });
}

Result<void> PostgresStorage::DeleteCalendarFeed(core::ClinicId clinic,
                                                 core::PractitionerId practitioner,
                                                 const core::staff::AuditEntry& audit) {
  return WriteOnce<void>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<void> {
    auto rows = tx.exec_params(
        "DELETE FROM calendar_feeds WHERE clinic_id = $1 AND practitioner_id = $2 "
        "RETURNING practitioner_id",
        clinic.value(), practitioner.value());
    if (rows.empty()) return Error::NotFound("no calendar feed");
    UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
    return core::Ok();
  });
}

Result<bool> PostgresStorage::CalendarFeedPatientNames(core::ClinicId clinic) {
  return ReadOnce<bool>(*pool_, [&](pqxx::transaction_base& tx) -> Result<bool> {
    auto rows = tx.exec_params(
        "SELECT patient_names FROM calendar_feed_settings WHERE clinic_id = $1", clinic.value());
    if (rows.empty()) return false;
    return rows[0][0].as<bool>();
  });
}

Result<void> PostgresStorage::SetCalendarFeedPatientNames(core::ClinicId clinic, bool names,
                                                          const core::staff::AuditEntry& audit) {
  return WriteOnce<void>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<void> {
    auto known = tx.exec_params("SELECT 1 FROM clinics WHERE id = $1", clinic.value());
    if (known.empty()) return Error::NotFound("no such clinic");
    tx.exec_params(
        "INSERT INTO calendar_feed_settings (clinic_id, patient_names) VALUES ($1, $2) "
        "ON CONFLICT (clinic_id) DO UPDATE SET patient_names = excluded.patient_names",
        clinic.value(), names);
    UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
    return core::Ok();
  });
}

}  // namespace unknot::storage::postgres
