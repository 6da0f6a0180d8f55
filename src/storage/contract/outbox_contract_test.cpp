// The outbox of patient messages (core/ports/outbox.hpp) on every backend: the database writes a
// message with every appointment change, in the same transaction (a refused write leaves none),
// keeps the reminder in step with moves and cancels, and hands each due message to one claimer
// at a time, with retries and a dead end.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/demo_clinic.hpp"
#include "core/ports/outbox.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ports::MessageChannel;
using core::ports::MessageKind;
using core::ports::MessageSettings;
using core::ports::MessageStatus;
using core::ports::NewBooking;
using core::ports::OutboxMessage;
using core::ports::RequestDecision;
using core::ports::RetryPolicy;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;

using unknot::testing::At;

class OutboxContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  core::ClinicId Clinic() const { return setup_.clinic.id; }

  NewBooking Request(core::Instant begin, std::size_t practitioner = 0, std::size_t room = 0) {
    return NewBooking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[practitioner].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[room].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token",
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
  }

  core::staff::AuditEntry Audit() {
    core::staff::AuditEntry entry;
    entry.clinic = Clinic();
    entry.action = "manage_messages";
    entry.record = "clinic";
    entry.at = clock_.Now();
    return entry;
  }

  std::vector<OutboxMessage> Messages(core::AppointmentId appointment) {
    return storage_->ListAppointmentMessages(Clinic(), appointment).value();
  }

  // Every queued message of the database, claimed far in the future (so all are due).
  std::vector<OutboxMessage> ClaimAll() {
    return storage_->ClaimMessages(At("2030-01-01T00:00:00Z"), 1000, 60s).value();
  }

  std::string Key(core::AppointmentId id, std::string_view kind, int sequence,
                  std::string_view suffix = "") {
    return "<appointment-" + std::to_string(id.value()) + "-" + std::string(kind) + "-" +
           std::to_string(sequence) + std::string(suffix) + "@" + setup_.clinic.slug + ".unknot>";
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
};

TEST_P(OutboxContract, ABookingWritesItsConfirmationAndReminderAndARefusedOneNone) {
  const core::Instant start = At("2026-12-01T17:00:00Z");
  Appointment booked = storage_->Book(Clinic(), Request(start)).value();
  std::vector<OutboxMessage> messages = Messages(booked.id);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].kind, MessageKind::kBooked);
  EXPECT_EQ(messages[0].channel, MessageChannel::kEmail);  // no SMS webhook set
  EXPECT_EQ(messages[0].key, Key(booked.id, "booked", 1));
  EXPECT_EQ(messages[0].sequence, 1);
  EXPECT_EQ(messages[0].due_at, clock_.Now());
  EXPECT_EQ(messages[0].next_attempt_at, clock_.Now());
  EXPECT_EQ(messages[0].status, MessageStatus::kQueued);
  EXPECT_EQ(messages[0].attempts, 0);
  EXPECT_EQ(messages[1].kind, MessageKind::kReminder);
  EXPECT_EQ(messages[1].key, Key(booked.id, "reminder", 1));
  EXPECT_EQ(messages[1].due_at, start - 24h);

  // The same time again: refused by the no-overlap rule, and no message written with it.
  auto refused = storage_->Book(Clinic(), Request(start));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kConflict);
  EXPECT_EQ(ClaimAll().size(), 2u);
}

TEST_P(OutboxContract, ACancelWritesACancellationAndDropsTheReminder) {
  Appointment booked = storage_->Book(Clinic(), Request(At("2026-12-01T17:00:00Z"))).value();
  Appointment cancelled = storage_->Cancel(Clinic(), booked.id, clock_.Now()).value();
  std::vector<OutboxMessage> messages = Messages(booked.id);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].kind, MessageKind::kBooked);
  EXPECT_EQ(messages[1].kind, MessageKind::kCancelled);
  // The cancellation carries the version the cancel gave the appointment: its .ics SEQUENCE is
  // higher than the confirmation's.
  EXPECT_EQ(messages[1].sequence, cancelled.version);
  EXPECT_GT(messages[1].sequence, messages[0].sequence);
  EXPECT_EQ(messages[1].key, Key(booked.id, "cancelled", static_cast<int>(cancelled.version)));
  // A refused second cancel writes nothing.
  EXPECT_FALSE(storage_->Cancel(Clinic(), booked.id, clock_.Now()));
  EXPECT_EQ(Messages(booked.id).size(), 2u);
}

TEST_P(OutboxContract, AMoveWritesANoticeAndReplacesTheReminder) {
  Appointment booked = storage_->Book(Clinic(), Request(At("2026-12-01T17:00:00Z"))).value();
  Appointment moved = booked;
  moved.time =
      core::Interval::Create(At("2026-12-02T18:00:00Z"), At("2026-12-02T18:30:00Z")).value();
  moved.blocked_until = moved.time.end();
  moved = storage_->Reschedule(Clinic(), moved).value();
  std::vector<OutboxMessage> messages = Messages(booked.id);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].kind, MessageKind::kBooked);
  EXPECT_EQ(messages[1].kind, MessageKind::kMoved);
  EXPECT_EQ(messages[1].sequence, moved.version);
  EXPECT_EQ(messages[2].kind, MessageKind::kReminder);
  EXPECT_EQ(messages[2].due_at, At("2026-12-01T18:00:00Z"));
  EXPECT_EQ(messages[2].sequence, moved.version);
}

TEST_P(OutboxContract, ApprovalAndDeclineOfRequests) {
  auto patient = storage_->CreatePatient(
      Clinic(), {core::PatientId{}, "Bo", "Li", "bo@example.org", "+14155550143", clock_.Now()});
  ASSERT_TRUE(patient) << patient.error().message();
  Appointment request = Request(At("2026-12-01T17:00:00Z")).appointment;
  request.patient = patient->id;
  request.status = AppointmentStatus::kRequested;
  request.created_at = request.updated_at = clock_.Now();
  Appointment first = storage_->InsertAppointment(Clinic(), request).value();
  request.time =
      core::Interval::Create(At("2026-12-01T19:00:00Z"), At("2026-12-01T19:30:00Z")).value();
  request.blocked_until = request.time.end();
  Appointment second = storage_->InsertAppointment(Clinic(), request).value();
  // A request gets its "requested" notice and no reminder yet.
  ASSERT_EQ(Messages(first.id).size(), 1u);
  EXPECT_EQ(Messages(first.id)[0].kind, MessageKind::kRequested);

  core::staff::AuditEntry audit = Audit();
  audit.action = "decide_request";
  ASSERT_TRUE(storage_->DecideRequest(Clinic(), first.id, first.version, RequestDecision::kApprove,
                                      "", clock_.Now(), audit));
  ASSERT_TRUE(storage_->DecideRequest(Clinic(), second.id, second.version,
                                      RequestDecision::kDecline, "full", clock_.Now(), audit));
  std::vector<OutboxMessage> approved = Messages(first.id);
  ASSERT_EQ(approved.size(), 3u);
  EXPECT_EQ(approved[1].kind, MessageKind::kApproved);
  EXPECT_EQ(approved[2].kind, MessageKind::kReminder);
  std::vector<OutboxMessage> declined = Messages(second.id);
  ASSERT_EQ(declined.size(), 2u);
  EXPECT_EQ(declined[1].kind, MessageKind::kDeclined);
}

TEST_P(OutboxContract, SmsWhenTheClinicSetAWebhookAndNoReminderWhenTurnedOff) {
  EXPECT_EQ(storage_->FindMessageSettings(Clinic()).value(), MessageSettings{});
  MessageSettings settings{.reminder_lead = 0h,
                           .sms_webhook_url = "http://127.0.0.1:9/sms",
                           .sms_webhook_secret = "s3cret"};
  ASSERT_TRUE(storage_->SaveMessageSettings(Clinic(), settings, Audit()));
  EXPECT_EQ(storage_->FindMessageSettings(Clinic()).value(), settings);
  MessageSettings bad = settings;
  bad.sms_webhook_url = "ftp://x";
  auto refused = storage_->SaveMessageSettings(Clinic(), bad, Audit());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_FALSE(storage_->SaveMessageSettings(core::ClinicId{999999}, settings, Audit()));

  Appointment booked = storage_->Book(Clinic(), Request(At("2026-12-01T17:00:00Z"))).value();
  std::vector<OutboxMessage> messages = Messages(booked.id);
  ASSERT_EQ(messages.size(), 2u);
  std::set<MessageChannel> channels{messages[0].channel, messages[1].channel};
  EXPECT_EQ(channels, (std::set{MessageChannel::kEmail, MessageChannel::kSms}));
  for (const OutboxMessage& m : messages) {
    EXPECT_EQ(m.kind, MessageKind::kBooked);
    EXPECT_EQ(m.key, Key(booked.id, "booked", 1,
                         m.channel == MessageChannel::kSms ? "-sms" : std::string_view{}));
  }
}

TEST_P(OutboxContract, ClaimsAreLeasesFailuresBackOffAndEndDead) {
  Appointment booked = storage_->Book(Clinic(), Request(At("2026-12-01T17:00:00Z"))).value();
  const core::Instant now = clock_.Now();
  // Only the confirmation is due now; the reminder is due a day before the visit.
  std::vector<OutboxMessage> claimed = storage_->ClaimMessages(now, 10, 60s).value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].kind, MessageKind::kBooked);
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].next_attempt_at, now + 60s);
  // Held by its lease...
  EXPECT_TRUE(storage_->ClaimMessages(now + 59s, 10, 60s).value().empty());
  // ... and back when it ran out (the claimer died).
  claimed = storage_->ClaimMessages(now + 60s, 10, 60s).value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempts, 2);

  RetryPolicy policy{.first_delay = 10s, .max_delay = 25s, .max_attempts = 3};
  EXPECT_EQ(policy.DelayAfter(1), 10s);
  EXPECT_EQ(policy.DelayAfter(2), 20s);
  EXPECT_EQ(policy.DelayAfter(3), 25s);
  OutboxMessage failed =
      storage_->MarkMessageFailed(claimed[0].id, "421 try later", now + 61s, policy).value();
  EXPECT_EQ(failed.status, MessageStatus::kQueued);
  EXPECT_EQ(failed.last_error, "421 try later");
  EXPECT_EQ(failed.next_attempt_at, now + 61s + 20s);
  EXPECT_TRUE(storage_->ClaimMessages(now + 80s, 10, 60s).value().empty());
  claimed = storage_->ClaimMessages(now + 81s, 10, 60s).value();
  ASSERT_EQ(claimed.size(), 1u);
  failed =
      storage_->MarkMessageFailed(claimed[0].id, "550 no such user", now + 82s, policy).value();
  EXPECT_EQ(failed.status, MessageStatus::kDead);
  std::vector<OutboxMessage> dead = storage_->ListDeadMessages(Clinic(), 10).value();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].last_error, "550 no such user");
  EXPECT_TRUE(storage_->ClaimMessages(now + 1h, 10, 60s).value().empty());

  // The reminder, when due, is sent once.
  claimed = storage_->ClaimMessages(At("2026-11-30T17:00:00Z"), 10, 60s).value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].kind, MessageKind::kReminder);
  ASSERT_TRUE(storage_->MarkMessageSent(claimed[0].id, At("2026-11-30T17:00:01Z")));
  OutboxMessage sent = Messages(booked.id)[1];
  EXPECT_EQ(sent.status, MessageStatus::kSent);
  EXPECT_EQ(sent.sent_at, At("2026-11-30T17:00:01Z"));
  EXPECT_TRUE(ClaimAll().empty());
  EXPECT_EQ(storage_->MarkMessageSent(core::ports::MessageId{999999}, now).error().code(),
            core::ErrorCode::kNotFound);
}

// Whenever the backend turns a booking into its message rows (SQLite: a pending row made into
// them by the next claim or by the booking's first change, migration 20), the claims see what a
// booking, a cancel and a move wrote, each message once, an appointment's in the order written
// (messages of different appointments may come in any order).
TEST_P(OutboxContract, ClaimsSeeEveryBookingsMessagesWhetherOrNotItChangedSince) {
  const core::Instant first = At("2026-12-01T17:00:00Z");
  Appointment a = storage_->Book(Clinic(), Request(first)).value();
  Appointment b = storage_->Book(Clinic(), Request(first + 1h)).value();
  Appointment c = storage_->Book(Clinic(), Request(first + 2h)).value();
  // b is cancelled before any claim; c is claimed first, then moved.
  Appointment cancelled = storage_->Cancel(Clinic(), b.id, clock_.Now()).value();
  std::vector<OutboxMessage> now = storage_->ClaimMessages(clock_.Now(), 10, 60s).value();
  std::vector<std::string> keys;
  for (const OutboxMessage& m : now) keys.push_back(m.key);
  // Three confirmations and b's cancellation; the reminders are not due yet.
  const std::string b_cancelled = Key(b.id, "cancelled", static_cast<int>(cancelled.version));
  std::vector<std::string> expected = {Key(a.id, "booked", 1), Key(b.id, "booked", 1), b_cancelled,
                                       Key(c.id, "booked", 1)};
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(sorted, expected);
  EXPECT_LT(std::find(keys.begin(), keys.end(), Key(b.id, "booked", 1)),
            std::find(keys.begin(), keys.end(), b_cancelled));
  for (const OutboxMessage& m : now) ASSERT_TRUE(storage_->MarkMessageSent(m.id, clock_.Now()));

  Appointment moved = c;
  moved.time = core::Interval::Create(first + 26h, first + 26h + 30min).value();
  moved.blocked_until = moved.time.end();
  moved = storage_->Reschedule(Clinic(), moved).value();
  Appointment d = storage_->Book(Clinic(), Request(first + 3h)).value();
  std::vector<OutboxMessage> later = ClaimAll();  // everything left, due or not
  keys.clear();
  for (const OutboxMessage& m : later) keys.push_back(m.key);
  // a's reminder; none for b (cancelled); c's first reminder dropped by the move, which wrote a
  // notice and a reminder of its own; d's confirmation and reminder.
  expected = {Key(a.id, "reminder", 1), Key(c.id, "moved", static_cast<int>(moved.version)),
              Key(c.id, "reminder", static_cast<int>(moved.version)), Key(d.id, "booked", 1),
              Key(d.id, "reminder", 1)};
  std::sort(keys.begin(), keys.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(keys, expected);
  EXPECT_TRUE(ClaimAll().empty());
}

TEST_P(OutboxContract, ConcurrentClaimersNeverGetTheSameMessage) {
  constexpr int kBookings = 60;
  for (int i = 0; i < kBookings; ++i) {
    ASSERT_TRUE(storage_->Book(Clinic(), Request(At("2026-12-01T17:00:00Z") + i * 1h)));
  }
  // Four claimers on their own connections (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the one
  // writer), small batches, until nothing is due.
  std::mutex mutex;
  std::vector<std::int64_t> seen;
  std::atomic<int> errors = 0;
  std::vector<std::thread> claimers;
  for (int t = 0; t < 4; ++t) {
    claimers.emplace_back([&] {
      for (;;) {
        auto claimed = storage_->ClaimMessages(clock_.Now(), 3, 600s);
        if (!claimed) {
          ++errors;
          return;
        }
        if (claimed->empty()) return;
        std::lock_guard lock(mutex);
        for (const OutboxMessage& m : *claimed) seen.push_back(m.id.value());
      }
    });
  }
  for (std::thread& t : claimers) t.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kBookings));  // every confirmation, once
  std::set<std::int64_t> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size());
}

TEST_P(OutboxContract, StaffPutADeadMessageBackInTheQueueWithItsAuditEntry) {
  Appointment booked = storage_->Book(Clinic(), Request(At("2026-12-01T17:00:00Z"))).value();
  const core::Instant now = clock_.Now();
  RetryPolicy once{.first_delay = 10s, .max_delay = 10s, .max_attempts = 1};
  std::vector<OutboxMessage> claimed = storage_->ClaimMessages(now, 10, 60s).value();
  ASSERT_EQ(claimed.size(), 1u);
  // Not dead yet: queued (claimed) messages are not retried by hand.
  EXPECT_EQ(storage_->RetryMessage(Clinic(), claimed[0].id, now, Audit()).error().code(),
            core::ErrorCode::kConflict);
  ASSERT_EQ(storage_->MarkMessageFailed(claimed[0].id, "550 mailbox unavailable", now, once)
                .value()
                .status,
            MessageStatus::kDead);
  const std::size_t audit_before = storage_->ListAudit(Clinic(), {}).value().size();

  // Another clinic cannot see it.
  core::clinic::ClinicSetup other_setup = app::DemoClinicSetup(clock_.Now()).value();
  other_setup.clinic.slug = "other-clinic";
  core::ClinicId other = storage_->CreateClinic(other_setup).value().clinic.id;
  EXPECT_EQ(storage_->RetryMessage(other, claimed[0].id, now, Audit()).error().code(),
            core::ErrorCode::kNotFound);

  OutboxMessage retried =
      storage_->RetryMessage(Clinic(), claimed[0].id, now + 5min, Audit()).value();
  EXPECT_EQ(retried.status, MessageStatus::kQueued);
  EXPECT_EQ(retried.attempts, 0);
  EXPECT_EQ(retried.next_attempt_at, now + 5min);
  EXPECT_EQ(retried.last_error, "550 mailbox unavailable");  // until the next attempt
  EXPECT_EQ(retried.key, claimed[0].key);                    // the same Message-ID
  EXPECT_EQ(storage_->ListAudit(Clinic(), {}).value().size(), audit_before + 1);
  EXPECT_TRUE(storage_->ListDeadMessages(Clinic(), 10).value().empty());
  // Due again, and claimed like any other.
  EXPECT_TRUE(storage_->ClaimMessages(now + 4min, 10, 60s).value().empty());
  claimed = storage_->ClaimMessages(now + 5min, 10, 60s).value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].appointment, booked.id);
  // A sent message is not retried; an unknown one is not found.
  ASSERT_TRUE(storage_->MarkMessageSent(claimed[0].id, now + 5min));
  EXPECT_EQ(storage_->RetryMessage(Clinic(), claimed[0].id, now, Audit()).error().code(),
            core::ErrorCode::kConflict);
  EXPECT_EQ(
      storage_->RetryMessage(Clinic(), core::ports::MessageId{999999}, now, Audit()).error().code(),
      core::ErrorCode::kNotFound);
}

TEST_P(OutboxContract, AClinicsOwnWordingIsStoredReplacedAndDropped) {
  EXPECT_TRUE(storage_->ListMessageTemplates(Clinic()).value().empty());
  const std::size_t audit_before = storage_->ListAudit(Clinic(), {}).value().size();
  core::ports::MessageWording wording{"Reminder for {{given_name}} – {{short_date}}",
                                      "Hi {{given_name}},\n\nSee you at {{time}}.\n\n{{clinic}}",
                                      "{{clinic}}: {{short_date}} {{time}} {{manage_url}}"};
  core::ports::MessageTemplate stored =
      storage_
          ->SaveMessageTemplate(Clinic(), MessageKind::kReminder, wording, clock_.Now(), Audit())
          .value();
  EXPECT_EQ(stored.wording, wording);
  EXPECT_EQ(stored.kind, MessageKind::kReminder);
  core::ports::MessageWording booked{"Booked", "Booked: {{date}}", "Booked {{time}}"};
  ASSERT_TRUE(
      storage_->SaveMessageTemplate(Clinic(), MessageKind::kBooked, booked, clock_.Now(), Audit()));
  std::vector<core::ports::MessageTemplate> listed =
      storage_->ListMessageTemplates(Clinic()).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].kind, MessageKind::kBooked);  // in kind order
  EXPECT_EQ(listed[1], stored);

  // Replaced, not added.
  wording.sms = "{{clinic}}: see you {{short_date}} {{time}}";
  ASSERT_TRUE(storage_->SaveMessageTemplate(Clinic(), MessageKind::kReminder, wording,
                                            clock_.Now() + 1h, Audit()));
  listed = storage_->ListMessageTemplates(Clinic()).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].wording.sms, wording.sms);
  EXPECT_EQ(listed[1].updated_at, clock_.Now() + 1h);

  // A bad wording is refused with the field named, and nothing changes.
  core::ports::MessageWording bad = wording;
  bad.subject = "Hello {{given_nam}}";
  auto refused =
      storage_->SaveMessageTemplate(Clinic(), MessageKind::kReminder, bad, clock_.Now(), Audit());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().fields().at(0).field, "subject");
  bad = wording;
  bad.subject = "Two\nlines";
  EXPECT_EQ(
      storage_->SaveMessageTemplate(Clinic(), MessageKind::kReminder, bad, clock_.Now(), Audit())
          .error()
          .fields()
          .at(0)
          .field,
      "subject");
  EXPECT_EQ(storage_->ListMessageTemplates(Clinic()).value()[1].wording, wording);

  // Dropped: the built-in wording applies again; dropping it twice is fine.
  ASSERT_TRUE(storage_->ResetMessageTemplate(Clinic(), MessageKind::kReminder, Audit()));
  ASSERT_TRUE(storage_->ResetMessageTemplate(Clinic(), MessageKind::kReminder, Audit()));
  listed = storage_->ListMessageTemplates(Clinic()).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].kind, MessageKind::kBooked);
  // Five writes, five audit entries.
  EXPECT_EQ(storage_->ListAudit(Clinic(), {}).value().size(), audit_before + 5);
  EXPECT_EQ(storage_
                ->SaveMessageTemplate(core::ClinicId{999999}, MessageKind::kBooked, booked,
                                      clock_.Now(), Audit())
                .error()
                .code(),
            core::ErrorCode::kNotFound);
}

TEST_P(OutboxContract, TheClinicsHoldMinutesAreReadAndChangedWithinTheirRange) {
  EXPECT_EQ(storage_->FindHoldMinutes(Clinic()).value(), 7);
  ASSERT_TRUE(storage_->SaveHoldMinutes(Clinic(), 12, Audit()));
  EXPECT_EQ(storage_->FindHoldMinutes(Clinic()).value(), 12);
  for (int minutes : {0, 1, 31, 600}) {
    auto refused = storage_->SaveHoldMinutes(Clinic(), minutes, Audit());
    ASSERT_FALSE(refused) << minutes;
    EXPECT_EQ(refused.error().fields().at(0).field, "hold_minutes");
  }
  EXPECT_EQ(storage_->FindHoldMinutes(Clinic()).value(), 12);
  EXPECT_EQ(storage_->FindHoldMinutes(core::ClinicId{999999}).error().code(),
            core::ErrorCode::kNotFound);
  EXPECT_EQ(storage_->SaveHoldMinutes(core::ClinicId{999999}, 10, Audit()).error().code(),
            core::ErrorCode::kNotFound);
  // A new hold lasts the new minutes.
  core::ports::NewHold hold{
      setup_.practitioners[0].id, setup_.services[1].id,
      core::Interval::Create(At("2026-12-01T17:00:00Z"), At("2026-12-01T17:30:00Z")).value(),
      At("2026-12-01T17:30:00Z"), "hold-hash"};
  EXPECT_EQ(storage_->CreateHold(Clinic(), hold, clock_.Now()).value().expires_at,
            clock_.Now() + 12min);
}

TEST_P(OutboxContract, TheClinicsWaitlistOfferSettingsAreSavedWithinTheirRange) {
  using core::ports::WaitlistSettings;
  EXPECT_EQ(storage_->FindWaitlistSettings(Clinic()).value(), (WaitlistSettings{15min, 1}));
  const std::size_t audit_before = storage_->ListAudit(Clinic(), {}).value().size();
  ASSERT_TRUE(storage_->SaveWaitlistSettings(Clinic(), {30min, 3}, Audit()));
  EXPECT_EQ(storage_->FindWaitlistSettings(Clinic()).value(), (WaitlistSettings{30min, 3}));
  EXPECT_EQ(storage_->ListAudit(Clinic(), {}).value().size(), audit_before + 1);
  for (const WaitlistSettings& bad : {WaitlistSettings{0min, 1}, WaitlistSettings{241min, 1},
                                      WaitlistSettings{15min, 0}, WaitlistSettings{15min, 21}}) {
    auto refused = storage_->SaveWaitlistSettings(Clinic(), bad, Audit());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(storage_->FindWaitlistSettings(Clinic()).value(), (WaitlistSettings{30min, 3}));
  EXPECT_EQ(storage_->ListAudit(Clinic(), {}).value().size(), audit_before + 1);
  EXPECT_EQ(
      storage_->SaveWaitlistSettings(core::ClinicId{999999}, {15min, 1}, Audit()).error().code(),
      core::ErrorCode::kNotFound);
}

// The staff page's save: message settings, hold minutes and waitlist settings in one write with
// one audit entry; a bad part or an unknown clinic stores none of them.
TEST_P(OutboxContract, TheWholeMessageSetupIsStoredAtOnceOrNotAtAll) {
  using core::ports::MessageSetup;
  using core::ports::WaitlistSettings;
  const std::size_t audit_before = storage_->ListAudit(Clinic(), {}).value().size();
  MessageSetup setup{.messages = {.reminder_lead = 12h,
                                  .sms_webhook_url = "https://sms.example/hook",
                                  .sms_webhook_secret = "a-secret-of-sixteen+"},
                     .hold_minutes = 9,
                     .waitlist = {20min, 2}};
  ASSERT_TRUE(storage_->SaveMessageSetup(Clinic(), setup, Audit()));
  EXPECT_EQ(storage_->FindMessageSettings(Clinic()).value(), setup.messages);
  EXPECT_EQ(storage_->FindHoldMinutes(Clinic()).value(), 9);
  EXPECT_EQ(storage_->FindWaitlistSettings(Clinic()).value(), (WaitlistSettings{20min, 2}));
  EXPECT_EQ(storage_->ListAudit(Clinic(), {}).value().size(), audit_before + 1);

  MessageSetup bad = setup;
  bad.messages.reminder_lead = 1h;
  bad.waitlist.offers_at_once = 21;  // the last part is refused: the first is not stored either
  auto refused = storage_->SaveMessageSetup(Clinic(), bad, Audit());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  bad = setup;
  bad.messages.reminder_lead = 2h;
  bad.hold_minutes = 61;
  EXPECT_FALSE(storage_->SaveMessageSetup(Clinic(), bad, Audit()));
  EXPECT_EQ(storage_->SaveMessageSetup(core::ClinicId{999999}, setup, Audit()).error().code(),
            core::ErrorCode::kNotFound);
  EXPECT_EQ(storage_->FindMessageSettings(Clinic()).value(), setup.messages);
  EXPECT_EQ(storage_->FindHoldMinutes(Clinic()).value(), 9);
  EXPECT_EQ(storage_->FindWaitlistSettings(Clinic()).value(), (WaitlistSettings{20min, 2}));
  EXPECT_EQ(storage_->ListAudit(Clinic(), {}).value().size(), audit_before + 1);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, OutboxContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, OutboxContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
