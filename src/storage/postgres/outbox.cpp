// PostgresStorage's outbox of patient messages (core/ports/outbox.hpp). The rows are written by
// the trigger of migration 14 inside the appointment writes; this file claims and settles them.
// A claim locks its rows with FOR UPDATE SKIP LOCKED and moves their next attempt past the lease
// before it commits, so concurrent deliverers (other `unknot deliver` processes) neither wait on
// each other nor get the same row.

#include "core/ports/outbox.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::Result;
namespace ports = core::ports;

namespace {

constexpr std::string_view kMessageColumns =
    "id, clinic_id, coalesce(appointment_id, 0), kind, channel, message_key, sequence, due_at, "
    "status, "
    "attempts, next_attempt_at, last_error, created_at, sent_at, coalesce(waitlist_offer_id, 0)";

Result<ports::OutboxMessage> ReadMessage(const pqxx::row& r) {
  ports::OutboxMessage m;
  m.id = ports::MessageId{Int(r[0])};
  m.clinic = core::ClinicId{Int(r[1])};
  m.appointment = core::AppointmentId{Int(r[2])};
  auto kind = ports::ParseMessageKind(Text(r[3]));
  auto channel = ports::ParseMessageChannel(Text(r[4]));
  auto status = ports::ParseMessageStatus(Text(r[8]));
  if (!kind || !channel || !status) {
    return Error(core::ErrorCode::kInternal, "unknown outbox kind, channel or status");
  }
  m.kind = *kind;
  m.channel = *channel;
  m.key = Text(r[5]);
  m.sequence = Int(r[6]);
  m.due_at = FromSeconds(Int(r[7]));
  m.status = *status;
  m.attempts = static_cast<int>(Int(r[9]));
  m.next_attempt_at = FromSeconds(Int(r[10]));
  m.last_error = Text(r[11]);
  m.created_at = FromSeconds(Int(r[12]));
  if (!r[13].is_null()) m.sent_at = FromSeconds(Int(r[13]));
  if (Int(r[14]) != 0) m.waitlist_offer = ports::WaitlistOfferId{Int(r[14])};
  return m;
}

Result<std::vector<ports::OutboxMessage>> ReadMessages(const pqxx::result& rows) {
  std::vector<ports::OutboxMessage> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(UNKNOT_TRY(ReadMessage(row)));
  return out;
}

}  // namespace

Result<std::vector<ports::OutboxMessage>> PostgresStorage::ClaimMessages(
    core::Instant now, int limit, std::chrono::seconds lease) {
  using Messages = std::vector<ports::OutboxMessage>;
  if (limit <= 0) return Messages{};
  return WriteOnce<Messages>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<Messages> {
        auto rows = tx.exec_params(
            "UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = $2 "
            "FROM (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 "
            "      ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due "
            "WHERE o.id = due.id RETURNING o.id, o.clinic_id, coalesce(o.appointment_id, 0), "
            "o.kind, o.channel, o.message_key, o.sequence, o.due_at, o.status, o.attempts, "
            "o.next_attempt_at, o.last_error, o.created_at, o.sent_at, "
            "coalesce(o.waitlist_offer_id, 0)",
            Seconds(now), Seconds(now + lease), limit);
        auto claimed = UNKNOT_TRY(ReadMessages(rows));
        std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
          return std::pair(a.due_at, a.id.value()) < std::pair(b.due_at, b.id.value());
        });
        return claimed;
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::MarkMessageSent(ports::MessageId message, core::Instant now) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        auto rows = tx.exec_params(
            "UPDATE outbox SET status = CASE WHEN status = 'queued' THEN 'sent' ELSE status END, "
            "sent_at = CASE WHEN status = 'queued' THEN $2 ELSE sent_at END "
            "WHERE id = $1 RETURNING id",
            message.value(), Seconds(now));
        if (rows.empty()) return Error::NotFound("no such message");
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<ports::OutboxMessage> PostgresStorage::MarkMessageFailed(ports::MessageId message,
                                                                std::string_view error,
                                                                core::Instant now,
                                                                const ports::RetryPolicy& policy) {
  return WriteOnce<ports::OutboxMessage>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<ports::OutboxMessage> {
        auto rows = tx.exec_params(
            "SELECT " + std::string(kMessageColumns) + " FROM outbox WHERE id = $1 FOR UPDATE",
            message.value());
        if (rows.empty()) return Error::NotFound("no such message");
        auto found = UNKNOT_TRY(ReadMessage(rows[0]));
        if (found.status != ports::MessageStatus::kQueued) return found;
        const bool dead = found.attempts >= policy.max_attempts;
        auto updated = tx.exec_params(
            "UPDATE outbox SET status = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1 "
            "RETURNING " +
                std::string(kMessageColumns),
            message.value(), std::string(dead ? "dead" : "queued"), std::string(error),
            Seconds(now + policy.DelayAfter(found.attempts)));
        return ReadMessage(updated[0]);
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::MarkMessageSkipped(ports::MessageId message, std::string_view reason,
                                                 core::Instant now) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        auto known = tx.exec_params("SELECT 1 FROM outbox WHERE id = $1", message.value());
        if (known.empty()) return Error::NotFound("no such message");
        tx.exec_params(
            "UPDATE outbox SET status = 'skipped', last_error = $2, sent_at = $3 "
            "WHERE id = $1 AND status = 'queued'",
            message.value(), std::string(reason), Seconds(now));
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<ports::OutboxMessage> PostgresStorage::RetryMessage(core::ClinicId clinic,
                                                           ports::MessageId message,
                                                           core::Instant now,
                                                           const core::staff::AuditEntry& audit) {
  return WriteOnce<ports::OutboxMessage>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<ports::OutboxMessage> {
        auto rows = tx.exec_params(
            "SELECT status FROM outbox WHERE id = $1 AND clinic_id = $2 "
            "FOR UPDATE",
            message.value(), clinic.value());
        if (rows.empty()) return Error::NotFound("no such message");
        const std::string status = Text(rows[0][0]);
        if (status != "dead") {
          return Error(core::ErrorCode::kConflict,
                       "only a dead message can be retried; this one is " + status);
        }
        auto updated = tx.exec_params(
            "UPDATE outbox SET status = 'queued', attempts = 0, "
            "next_attempt_at = $2 WHERE id = $1 RETURNING " +
                std::string(kMessageColumns),
            message.value(), Seconds(now));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return ReadMessage(updated[0]);
      },
      Touches::kNotTheSchedule);
}

Result<std::vector<ports::OutboxMessage>> PostgresStorage::ListAppointmentMessages(
    core::ClinicId clinic, core::AppointmentId appointment) {
  using Messages = std::vector<ports::OutboxMessage>;
  return ReadOnce<Messages>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Messages> {
    return ReadMessages(
        tx.exec_params("SELECT " + std::string(kMessageColumns) +
                           " FROM outbox WHERE clinic_id = $1 AND appointment_id = $2 ORDER BY id",
                       clinic.value(), appointment.value()));
  });
}

Result<std::vector<ports::OutboxMessage>> PostgresStorage::ListDeadMessages(core::ClinicId clinic,
                                                                            int limit) {
  using Messages = std::vector<ports::OutboxMessage>;
  return ReadOnce<Messages>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Messages> {
    return ReadMessages(tx.exec_params(
        "SELECT " + std::string(kMessageColumns) +
            " FROM outbox WHERE clinic_id = $1 AND status = 'dead' ORDER BY id DESC LIMIT $2",
        clinic.value(), limit));
  });
}

Result<ports::MessageSettings> PostgresStorage::FindMessageSettings(core::ClinicId clinic) {
  return ReadOnce<ports::MessageSettings>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<ports::MessageSettings> {
        auto rows = tx.exec_params(
            "SELECT reminder_hours, sms_webhook_url, sms_webhook_secret FROM outbox_settings "
            "WHERE clinic_id = $1",
            clinic.value());
        ports::MessageSettings settings;
        if (rows.empty()) return settings;
        settings.reminder_lead = std::chrono::hours{Int(rows[0][0])};
        settings.sms_webhook_url = Text(rows[0][1]);
        settings.sms_webhook_secret = Text(rows[0][2]);
        return settings;
      });
}

}  // namespace unknot::storage::postgres
