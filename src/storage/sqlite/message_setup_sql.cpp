// SqliteStorage's set-up of patient messages (core/ports/outbox.hpp, holds.hpp): the clinic's
// own wording of each kind (migration 17), its message settings, hold minutes and waitlist offer
// settings, alone or all at once. Every change carries its audit entry in the same write.

#include <algorithm>
#include <string>
#include <vector>

#include "core/ports/holds.hpp"
#include "core/ports/outbox.hpp"
#include "core/ports/waitlist.hpp"
#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace ports = core::ports;

namespace {

Result<void> RequireClinic(Connection& db, core::ClinicId clinic) {
  Statement known = UNKNOT_TRY(db.PrepareCached("SELECT count(*) FROM clinics WHERE id = ?1"));
  known.Bind(1, clinic.value());
  UNKNOT_TRY(known.Step());
  if (known.Int(0) == 0) return Error::NotFound("no such clinic");
  return core::Ok();
}

// The three parts of the message set-up, each inside the caller's write; the values checked.
Result<void> StoreMessageSettings(Connection& db, core::ClinicId clinic,
                                  const ports::MessageSettings& settings) {
  UNKNOT_TRY(RequireClinic(db, clinic));
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO outbox_settings (clinic_id, reminder_hours, sms_webhook_url, "
      "sms_webhook_secret) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (clinic_id) DO UPDATE SET "
      "reminder_hours = excluded.reminder_hours, sms_webhook_url = "
      "excluded.sms_webhook_url, sms_webhook_secret = excluded.sms_webhook_secret"));
  stmt.Bind(1, clinic.value())
      .Bind(2, std::int64_t{settings.reminder_lead.count()})
      .Bind(3, settings.sms_webhook_url)
      .Bind(4, settings.sms_webhook_secret);
  return stmt.Run();
}

Result<void> CheckHoldMinutes(int minutes) {
  if (minutes < ports::kMinHoldMinutes || minutes > ports::kMaxHoldMinutes) {
    return Error::InvalidField(
        "hold_minutes", "must be between " + std::to_string(ports::kMinHoldMinutes) + " and " +
                            std::to_string(ports::kMaxHoldMinutes));
  }
  return core::Ok();
}

Result<void> StoreHoldMinutes(Connection& db, core::ClinicId clinic, int minutes) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("UPDATE clinics SET hold_minutes = ?2 WHERE id = ?1"));
  stmt.Bind(1, clinic.value()).Bind(2, std::int64_t{minutes});
  UNKNOT_TRY(stmt.Run());
  if (db.Changes() == 0) return Error::NotFound("no such clinic");
  return core::Ok();
}

Result<void> StoreWaitlistSettings(Connection& db, core::ClinicId clinic,
                                   const ports::WaitlistSettings& settings) {
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("UPDATE clinics SET offer_minutes = ?2, offers_at_once = ?3 WHERE id = ?1"));
  stmt.Bind(1, clinic.value())
      .Bind(2, std::int64_t{settings.offer_minutes.count()})
      .Bind(3, std::int64_t{settings.offers_at_once});
  UNKNOT_TRY(stmt.Run());
  if (db.Changes() == 0) return Error::NotFound("no such clinic");
  return core::Ok();
}

Result<ports::MessageTemplate> ReadTemplate(const Statement& s) {
  auto kind = ports::ParseMessageKind(s.Text(0));
  if (!kind) return Error(ErrorCode::kInternal, "unknown message kind in message_templates");
  return ports::MessageTemplate{*kind, {s.Text(1), s.Text(2), s.Text(3)}, FromSeconds(s.Int(4))};
}

}  // namespace

Result<std::vector<ports::MessageTemplate>> SqliteStorage::ListMessageTemplates(
    core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT kind, subject, body, sms, updated_at FROM message_templates WHERE clinic_id = ?1"));
  stmt.Bind(1, clinic.value());
  std::vector<ports::MessageTemplate> out;
  while (UNKNOT_TRY(stmt.Step())) out.push_back(UNKNOT_TRY(ReadTemplate(stmt)));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
  return out;
}

Result<ports::MessageTemplate> SqliteStorage::SaveMessageTemplate(
    core::ClinicId clinic, ports::MessageKind kind, const ports::MessageWording& wording,
    core::Instant now, const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateMessageWording(wording));
  return writer_->Write<ports::MessageTemplate>(
      [&](Connection& db) -> Result<ports::MessageTemplate> {
        UNKNOT_TRY(RequireClinic(db, clinic));
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO message_templates (clinic_id, kind, subject, body, sms, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (clinic_id, kind) DO UPDATE SET "
            "subject = excluded.subject, body = excluded.body, sms = excluded.sms, "
            "updated_at = excluded.updated_at"));
        stmt.Bind(1, clinic.value())
            .Bind(2, ports::MessageKindName(kind))
            .Bind(3, wording.subject)
            .Bind(4, wording.text)
            .Bind(5, wording.sms)
            .Bind(6, Seconds(now));
        UNKNOT_TRY(stmt.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return ports::MessageTemplate{kind, wording, FromSeconds(Seconds(now))};
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::ResetMessageTemplate(core::ClinicId clinic, ports::MessageKind kind,
                                                 const core::staff::AuditEntry& audit) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        UNKNOT_TRY(RequireClinic(db, clinic));
        Statement stmt = UNKNOT_TRY(
            db.PrepareCached("DELETE FROM message_templates WHERE clinic_id = ?1 AND kind = ?2"));
        stmt.Bind(1, clinic.value()).Bind(2, ports::MessageKindName(kind));
        UNKNOT_TRY(stmt.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<int> SqliteStorage::FindHoldMinutes(core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt =
      UNKNOT_TRY(reader->db().PrepareCached("SELECT hold_minutes FROM clinics WHERE id = ?1"));
  stmt.Bind(1, clinic.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such clinic");
  return static_cast<int>(stmt.Int(0));
}

Result<void> SqliteStorage::SaveHoldMinutes(core::ClinicId clinic, int minutes,
                                            const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(CheckHoldMinutes(minutes));
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        UNKNOT_TRY(StoreHoldMinutes(db, clinic, minutes));
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::SaveWaitlistSettings(core::ClinicId clinic,
                                                 const ports::WaitlistSettings& settings,
                                                 const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateWaitlistSettings(settings));
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        UNKNOT_TRY(StoreWaitlistSettings(db, clinic, settings));
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::SaveMessageSettings(core::ClinicId clinic,
                                                const ports::MessageSettings& settings,
                                                const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateMessageSettings(settings));
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        UNKNOT_TRY(StoreMessageSettings(db, clinic, settings));
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::SaveMessageSetup(core::ClinicId clinic,
                                             const ports::MessageSetup& setup,
                                             const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateMessageSettings(setup.messages));
  UNKNOT_TRY(CheckHoldMinutes(setup.hold_minutes));
  UNKNOT_TRY(ports::ValidateWaitlistSettings(setup.waitlist));
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        UNKNOT_TRY(StoreMessageSettings(db, clinic, setup.messages));
        UNKNOT_TRY(StoreHoldMinutes(db, clinic, setup.hold_minutes));
        UNKNOT_TRY(StoreWaitlistSettings(db, clinic, setup.waitlist));
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return core::Ok();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

}  // namespace unknot::storage::sqlite
