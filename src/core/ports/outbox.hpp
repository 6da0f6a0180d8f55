#pragma once

// The outbox of patient messages (issue 16): confirmations, reminders, cancellation and
// reschedule notices. The database writes a message row in the same transaction as the
// appointment change it announces, by triggers on `appointments` (SQLite migration 15,
// PostgreSQL migration 14), so no write path (online, staff, FHIR, plan series) can forget one
// and a crash can never lose one: a message exists exactly when its change committed.
//
// What the triggers write, one row per channel (email when the patient has an address; sms too
// when the clinic set an SMS webhook and the patient has a phone):
// - insert with status booked or requested: kBooked or kRequested, due at once;
// - requested -> booked: kApproved; -> cancelled: kDeclined (declined) or kCancelled;
// - booked -> cancelled: kCancelled; start or practitioner changed while booked or requested:
//   kMoved;
// - a booked appointment also gets a kReminder due reminder_hours before its start (only when
//   that is still after the change), replaced on a move and dropped on a cancel or decline.
// Each row carries a stable key, `<appointment-{id}-{kind}-{sequence}@{clinic slug}.unknot>`
// (with `-sms` before the `@` for the sms channel), used as the e-mail's Message-ID and the
// webhook's idempotency key: a message sent twice (a crash after sending, before marking it
// sent) is sent with the same key, so the receiver can drop the copy.
//
// Delivery: a deliverer claims due messages (ClaimMessages), sends them and marks each sent or
// failed. A claim is a lease: the claimed rows are not due again until it ends, so several
// deliverers (`unknot deliver` processes, PostgreSQL) never hold the same row at once, and the
// rows of a deliverer that died come back when its lease ends.
//
// Failure codes as in ports/storage.hpp unless said.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/strong_id.hpp"
#include "core/common/time.hpp"
#include "core/ports/waitlist.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

using MessageId = StrongId<struct MessageIdTag>;

// kWaitlistOffer: a freed time offered to a waitlist entry (core/ports/waitlist.hpp); its row
// names the offer, not an appointment (`appointment` is 0).
enum class MessageKind {
  kBooked,
  kRequested,
  kApproved,
  kDeclined,
  kCancelled,
  kMoved,
  kReminder,
  kWaitlistOffer
};
enum class MessageChannel { kEmail, kSms };
// kSkipped: not sent because it no longer applied when its turn came (e.g. a confirmation of an
// appointment cancelled meanwhile); last_error says why.
enum class MessageStatus { kQueued, kSent, kDead, kSkipped };

// The stored names ("booked", "email", "queued", ...), and back (nullopt: unknown).
std::string_view MessageKindName(MessageKind kind);
std::optional<MessageKind> ParseMessageKind(std::string_view name);
std::string_view MessageChannelName(MessageChannel channel);
std::optional<MessageChannel> ParseMessageChannel(std::string_view name);
std::string_view MessageStatusName(MessageStatus status);
std::optional<MessageStatus> ParseMessageStatus(std::string_view name);

struct OutboxMessage {
  MessageId id;
  ClinicId clinic;
  AppointmentId appointment;
  MessageKind kind = MessageKind::kBooked;
  MessageChannel channel = MessageChannel::kEmail;
  std::string key;            // the Message-ID / idempotency key, with its angle brackets
  std::int64_t sequence = 0;  // the appointment's version after the change (RFC 5545 SEQUENCE + 1)
  Instant due_at;
  MessageStatus status = MessageStatus::kQueued;
  int attempts = 0;  // claims so far: a deliverer that died mid-send counts too
  Instant next_attempt_at;
  std::string last_error;  // "" until a failure
  Instant created_at;
  std::optional<Instant> sent_at = std::nullopt;
  // The offer a kWaitlistOffer message announces; nullopt for the others.
  std::optional<StrongId<struct WaitlistOfferIdTag>> waitlist_offer = std::nullopt;

  friend bool operator==(const OutboxMessage&, const OutboxMessage&) = default;
};

// A clinic's message settings; a clinic that never saved any has these defaults.
struct MessageSettings {
  std::chrono::hours reminder_lead{24};  // 0: no reminders; at most 14 days
  std::string sms_webhook_url;           // "": no SMS
  std::string sms_webhook_secret;        // signs the webhook's body (HMAC-SHA256)

  friend bool operator==(const MessageSettings&, const MessageSettings&) = default;
};

// kInvalidArgument on "reminder_lead" outside 0..336 hours, "sms_webhook_url" that is neither ""
// nor http(s)://..., or "sms_webhook_secret" empty while a URL is set.
Result<void> ValidateMessageSettings(const MessageSettings& settings);

// The wording of one kind of message: a subject (one line), a text (the plain-text part; the
// HTML part is made from it) and the SMS, each with {{placeholders}} (kMessagePlaceholders).
// The built-in wording lives in messaging/render (DefaultTemplate); a clinic may store its own.
struct MessageWording {
  std::string subject;
  std::string text;
  std::string sms;

  friend bool operator==(const MessageWording&, const MessageWording&) = default;
};

// A clinic's own wording of one kind, as stored.
struct MessageTemplate {
  MessageKind kind = MessageKind::kBooked;
  MessageWording wording;
  Instant updated_at;

  friend bool operator==(const MessageTemplate&, const MessageTemplate&) = default;
};

// The placeholders a wording may use; messaging/render fills each of them.
inline constexpr std::string_view kMessagePlaceholders[] = {
    "given_name", "family_name", "clinic",  "service", "practitioner", "date",         "short_date",
    "time",       "zone",        "address", "phone",   "manage_url",   "what_to_bring"};

// kInvalidArgument naming the field ("subject", "text", "sms") when: the subject is empty, longer
// than 200 bytes or holds a line break or other control character; the text is empty or longer
// than 10000 bytes; the SMS is empty or longer than 480 bytes; any of them has an unknown
// {{placeholder}} or an unclosed "{{"; or the text or SMS has a control character other than a
// line break (text) or tab. Text is UTF-8 (invalid bytes are refused).
Result<void> ValidateMessageWording(const MessageWording& wording);

// How failed deliveries are retried: after the n-th failed attempt the next one waits
// first_delay * 2^(n-1), at most max_delay; the max_attempts-th failure makes the message dead.
struct RetryPolicy {
  std::chrono::seconds first_delay{30};
  std::chrono::seconds max_delay{std::chrono::hours{6}};
  int max_attempts = 8;

  std::chrono::seconds DelayAfter(int failed_attempts) const;
};

struct MessageSetup {
  MessageSettings messages;
  int hold_minutes = 7;
  WaitlistSettings waitlist;
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;

  // Claims at most `limit` (> 0) queued messages of any clinic whose next attempt is due
  // (next_attempt_at <= now), the earliest first (then by id): each gets attempts + 1 and
  // next_attempt_at = now + lease, committed before this returns, and is returned as stored.
  // Concurrent claimers (other processes on one PostgreSQL) never get the same row while its lease
  // runs; they skip rows another one is claiming (FOR UPDATE SKIP LOCKED). Empty when none is due.
  virtual Result<std::vector<OutboxMessage>> ClaimMessages(Instant now, int limit,
                                                           std::chrono::seconds lease) = 0;

  // Marks a claimed message sent at `now`. kNotFound when there is no such message; a message no
  // longer queued (sent by another deliverer after a lease ran out) is left as it is.
  virtual Result<void> MarkMessageSent(MessageId message, Instant now) = 0;

  // Records a failed attempt: last_error = `error`; dead when attempts >= policy.max_attempts,
  // else due again at now + policy.DelayAfter(attempts). Returns the message as stored.
  // kNotFound when there is no such message.
  virtual Result<OutboxMessage> MarkMessageFailed(MessageId message, std::string_view error,
                                                  Instant now, const RetryPolicy& policy) = 0;

  // Marks a message skipped (not sent: it no longer applies) with `reason` in last_error.
  // kNotFound when there is no such message.
  virtual Result<void> MarkMessageSkipped(MessageId message, std::string_view reason,
                                          Instant now) = 0;

  // The messages of one appointment, by id; empty when none (or no such appointment).
  virtual Result<std::vector<OutboxMessage>> ListAppointmentMessages(ClinicId clinic,
                                                                     AppointmentId appointment) = 0;

  // The clinic's dead messages, newest first, at most `limit`: what staff should look at.
  virtual Result<std::vector<OutboxMessage>> ListDeadMessages(ClinicId clinic, int limit) = 0;

  // Puts a dead message of the clinic back in the queue: queued, attempts 0, due at `now`
  // (last_error kept until the next attempt), with `audit` in one write. kNotFound when the clinic
  // has no such message; kConflict when it is not dead (sent, skipped or still queued).
  virtual Result<OutboxMessage> RetryMessage(ClinicId clinic, MessageId message, Instant now,
                                             const staff::AuditEntry& audit) = 0;

  // The clinic's own wordings, by kind (in MessageKind order); empty when it uses the built-in
  // ones everywhere.
  virtual Result<std::vector<MessageTemplate>> ListMessageTemplates(ClinicId clinic) = 0;

  // Stores the clinic's wording of `kind` (replacing any), updated_at = `now`, with `audit` in one
  // write; returns it as stored. kInvalidArgument as ValidateMessageWording; kNotFound when the
  // clinic does not exist. Nothing is written on any error.
  virtual Result<MessageTemplate> SaveMessageTemplate(ClinicId clinic, MessageKind kind,
                                                      const MessageWording& wording, Instant now,
                                                      const staff::AuditEntry& audit) = 0;

  // Drops the clinic's wording of `kind` (the built-in one applies again), with `audit`.
  // kNotFound when the clinic does not exist; dropping one never stored is not an error.
  virtual Result<void> ResetMessageTemplate(ClinicId clinic, MessageKind kind,
                                            const staff::AuditEntry& audit) = 0;

  // The clinic's settings (the defaults when never saved, also for a clinic that does not exist).
  virtual Result<MessageSettings> FindMessageSettings(ClinicId clinic) = 0;

  // Stores them, with `audit` in one write. kNotFound when the clinic does not exist;
  // kInvalidArgument on "reminder_lead" outside 0..336 hours, or "sms_webhook_url" that is not
  // http(s). Nothing is written on any error.
  virtual Result<void> SaveMessageSettings(ClinicId clinic, const MessageSettings& settings,
                                           const staff::AuditEntry& audit) = 0;

  // The staff page's whole message set-up: the settings above, the hold minutes (holds.hpp) and
  // the waitlist's offer settings (waitlist.hpp), each checked as by its own Save…, then stored
  // with `audit` in one transaction: a crash or an error stores all of it or none.
  virtual Result<void> SaveMessageSetup(ClinicId clinic, const MessageSetup& setup,
                                        const staff::AuditEntry& audit) = 0;
};

}  // namespace unknot::core::ports
