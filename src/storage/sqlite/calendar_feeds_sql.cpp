// SqliteStorage's practitioners' calendar feeds (core/ports/calendar_feeds.hpp). Writes go
// through the writer, each with its audit entry; none changes what the scheduling engine sees.

#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::Result;
namespace ports = core::ports;

namespace {

Result<std::optional<ports::CalendarFeed>> FindFeedRow(Connection& db, core::ClinicId clinic,
                                                       core::PractitionerId practitioner) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("SELECT secret_hash, created_at FROM calendar_feeds "
                                  "WHERE clinic_id = ?1 AND practitioner_id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, practitioner.value());
  if (!UNKNOT_TRY(stmt.Step())) return std::optional<ports::CalendarFeed>{};
  return std::optional<ports::CalendarFeed>{
      ports::CalendarFeed{practitioner, stmt.Text(0), FromSeconds(stmt.Int(1))}};
}

}  // namespace

Result<std::optional<ports::CalendarFeed>> SqliteStorage::FindCalendarFeed(
    core::ClinicId clinic, core::PractitionerId practitioner) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return FindFeedRow(reader->db(), clinic, practitioner);
}

Result<ports::CalendarFeed> SqliteStorage::SaveCalendarFeed(core::ClinicId clinic,
                                                            core::PractitionerId practitioner,
                                                            std::string_view secret_hash,
                                                            core::Instant now,
                                                            const core::staff::AuditEntry& audit) {
  return writer_->Write<ports::CalendarFeed>(
      [&](Connection& db) -> Result<ports::CalendarFeed> {
        Statement known = UNKNOT_TRY(db.PrepareCached(
            "SELECT count(*) FROM practitioners WHERE clinic_id = ?1 AND id = ?2"));
        known.Bind(1, clinic.value()).Bind(2, practitioner.value());
        UNKNOT_TRY(known.Step());
        if (known.Int(0) == 0) return Error::NotFound("no such practitioner");
        // One row per practitioner: a rotation overwrites the hash, so the old secret matches
        // nothing from this commit on.
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO calendar_feeds (clinic_id, practitioner_id, secret_hash, created_at) "
            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (clinic_id, practitioner_id) DO UPDATE SET "
            "secret_hash = excluded.secret_hash, created_at = excluded.created_at"));
        stmt.Bind(1, clinic.value()).Bind(2, practitioner.value()).Bind(3, secret_hash);
        stmt.Bind(4, Seconds(now));
        UNKNOT_TRY(stmt.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return ports::CalendarFeed{practitioner, std::string(secret_hash),
                                   FromSeconds(Seconds(now))};
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::DeleteCalendarFeed(core::ClinicId clinic,
                                               core::PractitionerId practitioner,
                                               const core::staff::AuditEntry& audit) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "DELETE FROM calendar_feeds WHERE clinic_id = ?1 AND practitioner_id = ?2"));
        stmt.Bind(1, clinic.value()).Bind(2, practitioner.value());
        UNKNOT_TRY(stmt.Run());
        if (db.Changes() == 0) return Error::NotFound("no calendar feed");
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<bool> SqliteStorage::CalendarFeedPatientNames(core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT patient_names FROM calendar_feed_settings WHERE clinic_id = ?1"));
  stmt.Bind(1, clinic.value());
  if (!UNKNOT_TRY(stmt.Step())) return false;
  return stmt.Int(0) != 0;
}

Result<void> SqliteStorage::SetCalendarFeedPatientNames(core::ClinicId clinic, bool names,
                                                        const core::staff::AuditEntry& audit) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement known =
            UNKNOT_TRY(db.PrepareCached("SELECT count(*) FROM clinics WHERE id = ?1"));
        known.Bind(1, clinic.value());
        UNKNOT_TRY(known.Step());
        if (known.Int(0) == 0) return Error::NotFound("no such clinic");
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO calendar_feed_settings (clinic_id, patient_names) VALUES (?1, ?2) "
            "ON CONFLICT (clinic_id) DO UPDATE SET patient_names = excluded.patient_names"));
        stmt.Bind(1, clinic.value()).Bind(2, std::int64_t{names ? 1 : 0});
        UNKNOT_TRY(stmt.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

}  // namespace unknot::storage::sqlite
