// SqliteStorage's outbox of patient messages (core/ports/outbox.hpp). The rows are written by the
// triggers of migrations 15 and 20 inside the appointment writes (a new booking's as one pending
// row, made into its outbox rows here, before a claim); this file claims and settles them. One
// writer serialises the claims, so two claimers can never take the same row.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "core/ports/outbox.hpp"
#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::Result;
namespace ports = core::ports;

namespace {

constexpr std::string_view kMessageColumns =
    "id, clinic_id, coalesce(appointment_id, 0), kind, channel, message_key, sequence, due_at, "
    "status, "
    "attempts, next_attempt_at, last_error, created_at, sent_at, coalesce(waitlist_offer_id, 0)";

Result<ports::OutboxMessage> ReadMessage(const Statement& s) {
  ports::OutboxMessage m;
  m.id = ports::MessageId{s.Int(0)};
  m.clinic = core::ClinicId{s.Int(1)};
  m.appointment = core::AppointmentId{s.Int(2)};
  auto kind = ports::ParseMessageKind(s.Text(3));
  auto channel = ports::ParseMessageChannel(s.Text(4));
  auto status = ports::ParseMessageStatus(s.Text(8));
  if (!kind || !channel || !status)
    return Error(core::ErrorCode::kInternal, "unknown outbox kind, channel or status");
  m.kind = *kind;
  m.channel = *channel;
  m.key = s.Text(5);
  m.sequence = s.Int(6);
  m.due_at = FromSeconds(s.Int(7));
  m.status = *status;
  m.attempts = static_cast<int>(s.Int(9));
  m.next_attempt_at = FromSeconds(s.Int(10));
  m.last_error = s.Text(11);
  m.created_at = FromSeconds(s.Int(12));
  if (auto sent = s.OptionalInt(13)) m.sent_at = FromSeconds(*sent);
  if (s.Int(14) != 0) m.waitlist_offer = ports::WaitlistOfferId{s.Int(14)};
  return m;
}

Result<std::optional<ports::OutboxMessage>> FindMessageRow(Connection& db, ports::MessageId id) {
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT " + std::string(kMessageColumns) + " FROM outbox WHERE id = ?1"));
  stmt.Bind(1, id.value());
  if (!UNKNOT_TRY(stmt.Step())) return std::optional<ports::OutboxMessage>{};
  return std::optional<ports::OutboxMessage>{UNKNOT_TRY(ReadMessage(stmt))};
}

Result<std::vector<ports::OutboxMessage>> ReadMessages(Statement& stmt) {
  std::vector<ports::OutboxMessage> out;
  while (UNKNOT_TRY(stmt.Step())) out.push_back(UNKNOT_TRY(ReadMessage(stmt)));
  return out;
}

// Makes the outbox rows of bookings still pending (migration 20): of every one, or of one
// appointment. Inside the caller's write transaction.
Result<void> QueuePendingMessages(Connection& db, std::optional<core::AppointmentId> only) {
  constexpr std::string_view kInsert =
      "INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, "
      "sequence, due_at, next_attempt_at, created_at) "
      "SELECT clinic_id, appointment_id, kind, channel, message_key, sequence, due_at, "
      "next_attempt_at, created_at FROM outbox_pending_messages ";
  if (only) {
    Statement insert = UNKNOT_TRY(db.PrepareCached(
        std::string(kInsert) + "WHERE appointment_id = ?1 ORDER BY position, channel"));
    insert.Bind(1, only->value());
    UNKNOT_TRY(insert.Run());
    Statement done =
        UNKNOT_TRY(db.PrepareCached("DELETE FROM outbox_pending WHERE appointment_id = ?1"));
    done.Bind(1, only->value());
    return done.Run();
  }
  // Nothing to do in the common case: a look at the pending table's first row, no write.
  Statement any = UNKNOT_TRY(db.PrepareCached("SELECT 1 FROM outbox_pending LIMIT 1"));
  if (!UNKNOT_TRY(any.Step())) return core::Ok();
  any.Reset();
  Statement insert = UNKNOT_TRY(
      db.PrepareCached(std::string(kInsert) + "ORDER BY appointment_id, position, channel"));
  UNKNOT_TRY(insert.Run());
  Statement done = UNKNOT_TRY(db.PrepareCached("DELETE FROM outbox_pending"));
  return done.Run();
}

}  // namespace

Result<std::vector<ports::OutboxMessage>> SqliteStorage::ClaimMessages(core::Instant now, int limit,
                                                                       std::chrono::seconds lease) {
  if (limit <= 0) return std::vector<ports::OutboxMessage>{};
  return writer_->Write<std::vector<ports::OutboxMessage>>(
      [&](Connection& db) -> Result<std::vector<ports::OutboxMessage>> {
        UNKNOT_TRY(QueuePendingMessages(db, std::nullopt));
        Statement claim = UNKNOT_TRY(db.PrepareCached(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2 "
            "WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ?1 "
            "ORDER BY next_attempt_at, id LIMIT ?3) RETURNING " +
            std::string(kMessageColumns)));
        claim.Bind(1, Seconds(now)).Bind(2, Seconds(now + lease)).Bind(3, std::int64_t{limit});
        auto claimed = UNKNOT_TRY(ReadMessages(claim));
        // RETURNING gives no order; the claimers' callers send the earliest first.
        std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
          return std::pair(a.due_at, a.id.value()) < std::pair(b.due_at, b.id.value());
        });
        return claimed;
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::MarkMessageSent(ports::MessageId message, core::Instant now) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "UPDATE outbox SET status = 'sent', sent_at = ?2 WHERE id = ?1 AND status = 'queued'"));
        stmt.Bind(1, message.value()).Bind(2, Seconds(now));
        UNKNOT_TRY(stmt.Run());
        if (db.Changes() == 0 && !UNKNOT_TRY(FindMessageRow(db, message))) {
          return Error::NotFound("no such message");
        }
        return core::Ok();
      },
      Durability::kRelaxed, Touches::kNotTheSchedule);
}

Result<ports::OutboxMessage> SqliteStorage::MarkMessageFailed(ports::MessageId message,
                                                              std::string_view error,
                                                              core::Instant now,
                                                              const ports::RetryPolicy& policy) {
  return writer_->Write<ports::OutboxMessage>(
      [&](Connection& db) -> Result<ports::OutboxMessage> {
        auto found = UNKNOT_TRY(FindMessageRow(db, message));
        if (!found) return Error::NotFound("no such message");
        if (found->status != ports::MessageStatus::kQueued) return *found;
        const bool dead = found->attempts >= policy.max_attempts;
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "UPDATE outbox SET status = ?2, last_error = ?3, next_attempt_at = ?4 WHERE id = ?1"));
        stmt.Bind(1, message.value())
            .Bind(2, dead ? std::string_view("dead") : std::string_view("queued"))
            .Bind(3, error)
            .Bind(4, Seconds(now + policy.DelayAfter(found->attempts)));
        UNKNOT_TRY(stmt.Run());
        return *UNKNOT_TRY(FindMessageRow(db, message));
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::MarkMessageSkipped(ports::MessageId message, std::string_view reason,
                                               core::Instant now) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement stmt = UNKNOT_TRY(
            db.PrepareCached("UPDATE outbox SET status = 'skipped', last_error = ?2, sent_at = ?3 "
                             "WHERE id = ?1 AND status = 'queued'"));
        stmt.Bind(1, message.value()).Bind(2, reason).Bind(3, Seconds(now));
        UNKNOT_TRY(stmt.Run());
        if (db.Changes() == 0 && !UNKNOT_TRY(FindMessageRow(db, message))) {
          return Error::NotFound("no such message");
        }
        return core::Ok();
      },
      Durability::kRelaxed, Touches::kNotTheSchedule);
}

Result<ports::OutboxMessage> SqliteStorage::RetryMessage(core::ClinicId clinic,
                                                         ports::MessageId message,
                                                         core::Instant now,
                                                         const core::staff::AuditEntry& audit) {
  return writer_->Write<ports::OutboxMessage>(
      [&](Connection& db) -> Result<ports::OutboxMessage> {
        auto found = UNKNOT_TRY(FindMessageRow(db, message));
        if (!found || found->clinic != clinic) return Error::NotFound("no such message");
        if (found->status != ports::MessageStatus::kDead) {
          return Error(core::ErrorCode::kConflict,
                       "only a dead message can be retried; this one is " +
                           std::string(ports::MessageStatusName(found->status)));
        }
        Statement retry =
            UNKNOT_TRY(db.PrepareCached("UPDATE outbox SET status = 'queued', attempts = 0, "
                                        "next_attempt_at = ?2 WHERE id = ?1"));
        retry.Bind(1, message.value()).Bind(2, Seconds(now));
        UNKNOT_TRY(retry.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return *UNKNOT_TRY(FindMessageRow(db, message));
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<std::vector<ports::OutboxMessage>> SqliteStorage::ListAppointmentMessages(
    core::ClinicId clinic, core::AppointmentId appointment) {
  // A write: a booking's own messages may still be pending (migration 20).
  return writer_->Write<std::vector<ports::OutboxMessage>>(
      [&](Connection& db) -> Result<std::vector<ports::OutboxMessage>> {
        UNKNOT_TRY(QueuePendingMessages(db, appointment));
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "SELECT " + std::string(kMessageColumns) +
            " FROM outbox WHERE clinic_id = ?1 AND appointment_id = ?2 ORDER BY id"));
        stmt.Bind(1, clinic.value()).Bind(2, appointment.value());
        return ReadMessages(stmt);
      },
      Durability::kRelaxed, Touches::kNotTheSchedule);
}

Result<std::vector<ports::OutboxMessage>> SqliteStorage::ListDeadMessages(core::ClinicId clinic,
                                                                          int limit) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + std::string(kMessageColumns) +
      " FROM outbox WHERE clinic_id = ?1 AND status = 'dead' ORDER BY id DESC LIMIT ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, std::int64_t{limit});
  return ReadMessages(stmt);
}

Result<ports::MessageSettings> SqliteStorage::FindMessageSettings(core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT reminder_hours, sms_webhook_url, sms_webhook_secret FROM outbox_settings "
      "WHERE clinic_id = ?1"));
  stmt.Bind(1, clinic.value());
  ports::MessageSettings settings;
  if (!UNKNOT_TRY(stmt.Step())) return settings;
  settings.reminder_lead = std::chrono::hours{stmt.Int(0)};
  settings.sms_webhook_url = stmt.Text(1);
  settings.sms_webhook_secret = stmt.Text(2);
  return settings;
}

}  // namespace unknot::storage::sqlite
