// PostgresStorage's set-up of patient messages (core/ports/outbox.hpp, holds.hpp): the clinic's
// own wording of each kind (migration 16), its message settings, hold minutes and waitlist offer
// settings, alone or all at once. Every change carries its audit entry in the same transaction.

#include <algorithm>
#include <string>
#include <vector>

#include "core/ports/holds.hpp"
#include "core/ports/outbox.hpp"
#include "core/ports/waitlist.hpp"
#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace ports = core::ports;

namespace {

Result<void> RequireClinic(pqxx::dbtransaction& tx, core::ClinicId clinic) {
  if (tx.exec_params("SELECT 1 FROM clinics WHERE id = $1", clinic.value()).empty()) {
    return Error::NotFound("no such clinic");
  }
  return core::Ok();
}

// The three parts of the message set-up, each inside the caller's transaction; the values checked.
Result<void> StoreMessageSettings(pqxx::dbtransaction& tx, core::ClinicId clinic,
                                  const ports::MessageSettings& settings) {
  UNKNOT_TRY(RequireClinic(tx, clinic));
  tx.exec_params(
      "INSERT INTO outbox_settings (clinic_id, reminder_hours, sms_webhook_url, "
      "sms_webhook_secret) VALUES ($1, $2, $3, $4) ON CONFLICT (clinic_id) DO UPDATE SET "
      "reminder_hours = excluded.reminder_hours, sms_webhook_url = "
      "excluded.sms_webhook_url, sms_webhook_secret = excluded.sms_webhook_secret",
      clinic.value(), static_cast<std::int64_t>(settings.reminder_lead.count()),
      settings.sms_webhook_url, settings.sms_webhook_secret);
  return core::Ok();
}

Result<void> CheckHoldMinutes(int minutes) {
  if (minutes < ports::kMinHoldMinutes || minutes > ports::kMaxHoldMinutes) {
    return Error::InvalidField(
        "hold_minutes", "must be between " + std::to_string(ports::kMinHoldMinutes) + " and " +
                            std::to_string(ports::kMaxHoldMinutes));
  }
  return core::Ok();
}

Result<void> StoreHoldMinutes(pqxx::dbtransaction& tx, core::ClinicId clinic, int minutes) {
  if (tx.exec_params("UPDATE clinics SET hold_minutes = $2 WHERE id = $1 RETURNING id",
                     clinic.value(), minutes)
          .empty()) {
    return Error::NotFound("no such clinic");
  }
  return core::Ok();
}

Result<void> StoreWaitlistSettings(pqxx::dbtransaction& tx, core::ClinicId clinic,
                                   const ports::WaitlistSettings& settings) {
  if (tx.exec_params("UPDATE clinics SET offer_minutes = $2, offers_at_once = $3 WHERE id = $1 "
                     "RETURNING id",
                     clinic.value(), static_cast<int>(settings.offer_minutes.count()),
                     settings.offers_at_once)
          .empty()) {
    return Error::NotFound("no such clinic");
  }
  return core::Ok();
}

}  // namespace

Result<std::vector<ports::MessageTemplate>> PostgresStorage::ListMessageTemplates(
    core::ClinicId clinic) {
  using Templates = std::vector<ports::MessageTemplate>;
  return ReadOnce<Templates>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Templates> {
    auto rows = tx.exec_params(
        "SELECT kind, subject, body, sms, updated_at FROM message_templates WHERE clinic_id = $1",
        clinic.value());
    Templates out;
    for (const auto& r : rows) {
      auto kind = ports::ParseMessageKind(Text(r[0]));
      if (!kind) return Error(ErrorCode::kInternal, "unknown message kind in message_templates");
      out.push_back({*kind, {Text(r[1]), Text(r[2]), Text(r[3])}, FromSeconds(Int(r[4]))});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
    return out;
  });
}

Result<ports::MessageTemplate> PostgresStorage::SaveMessageTemplate(
    core::ClinicId clinic, ports::MessageKind kind, const ports::MessageWording& wording,
    core::Instant now, const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateMessageWording(wording));
  return WriteOnce<ports::MessageTemplate>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<ports::MessageTemplate> {
        UNKNOT_TRY(RequireClinic(tx, clinic));
        tx.exec_params(
            "INSERT INTO message_templates (clinic_id, kind, subject, body, sms, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (clinic_id, kind) DO UPDATE SET "
            "subject = excluded.subject, body = excluded.body, sms = excluded.sms, "
            "updated_at = excluded.updated_at",
            clinic.value(), std::string(ports::MessageKindName(kind)), wording.subject,
            wording.text, wording.sms, Seconds(now));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return ports::MessageTemplate{kind, wording, FromSeconds(Seconds(now))};
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::ResetMessageTemplate(core::ClinicId clinic, ports::MessageKind kind,
                                                   const core::staff::AuditEntry& audit) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        UNKNOT_TRY(RequireClinic(tx, clinic));
        tx.exec_params("DELETE FROM message_templates WHERE clinic_id = $1 AND kind = $2",
                       clinic.value(), std::string(ports::MessageKindName(kind)));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<int> PostgresStorage::FindHoldMinutes(core::ClinicId clinic) {
  return ReadOnce<int>(*pool_, [&](pqxx::transaction_base& tx) -> Result<int> {
    auto rows = tx.exec_params("SELECT hold_minutes FROM clinics WHERE id = $1", clinic.value());
    if (rows.empty()) return Error::NotFound("no such clinic");
    return static_cast<int>(Int(rows[0][0]));
  });
}

Result<void> PostgresStorage::SaveHoldMinutes(core::ClinicId clinic, int minutes,
                                              const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(CheckHoldMinutes(minutes));
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        UNKNOT_TRY(StoreHoldMinutes(tx, clinic, minutes));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::SaveWaitlistSettings(core::ClinicId clinic,
                                                   const ports::WaitlistSettings& settings,
                                                   const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateWaitlistSettings(settings));
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        UNKNOT_TRY(StoreWaitlistSettings(tx, clinic, settings));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::SaveMessageSettings(core::ClinicId clinic,
                                                  const ports::MessageSettings& settings,
                                                  const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateMessageSettings(settings));
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        UNKNOT_TRY(StoreMessageSettings(tx, clinic, settings));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::SaveMessageSetup(core::ClinicId clinic,
                                               const ports::MessageSetup& setup,
                                               const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(ports::ValidateMessageSettings(setup.messages));
  UNKNOT_TRY(CheckHoldMinutes(setup.hold_minutes));
  UNKNOT_TRY(ports::ValidateWaitlistSettings(setup.waitlist));
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        UNKNOT_TRY(StoreMessageSettings(tx, clinic, setup.messages));
        UNKNOT_TRY(StoreHoldMinutes(tx, clinic, setup.hold_minutes));
        UNKNOT_TRY(StoreWaitlistSettings(tx, clinic, setup.waitlist));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

}  // namespace unknot::storage::postgres
