// The delivery worker against a real SQLite outbox and a recording sender.

#include "messaging/deliverer.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::messaging {
namespace {

using namespace std::chrono_literals;
using core::ports::MessageKind;
using core::ports::MessageStatus;
using core::ports::OutboxMessage;

using unknot::testing::At;

struct Sent {
  std::string from;
  std::string to;
  std::string mime;
};

enum class Failure { kNone, kTemporary, kBounce };

class RecordingSender final : public EmailSender {
 public:
  explicit RecordingSender(std::vector<Sent>& sent, Failure& fail) : sent_(sent), fail_(fail) {}
  core::Result<void> Send(std::string_view from, std::string_view to,
                          std::string_view mime) override {
    if (fail_ == Failure::kTemporary) {
      return core::Error(core::ErrorCode::kUnavailable, "SMTP 451: try again later");
    }
    if (fail_ == Failure::kBounce) {
      return core::Error(core::ErrorCode::kInvalidArgument, "SMTP 550: RCPT failed: 550");
    }
    sent_.push_back({std::string(from), std::string(to), std::string(mime)});
    return core::Ok();
  }

 private:
  std::vector<Sent>& sent_;
  Failure& fail_;
};

// Tokens "token-1", "token-2", ... hashed as "hash:" + token.
class CountingTokens final : public core::ports::TokenService {
 public:
  std::string NewToken() override { return "token-" + std::to_string(++made_); }
  std::string Hash(std::string_view text) override { return "hash:" + std::string(text); }
  bool Matches(std::string_view token, std::string_view hash) override {
    return Hash(token) == hash;
  }

 private:
  int made_ = 0;
};

// The plain-text part of a MIME message built by BuildMime: the first base64 part, decoded.
std::string PlainText(const std::string& mime) {
  const std::string marker =
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n";
  std::size_t begin = mime.find(marker);
  if (begin == std::string::npos) return "";
  begin += marker.size();
  const std::size_t end = mime.find("--", begin);  // the next boundary; base64 has no "-"
  const std::string encoded = mime.substr(begin, end - begin);
  std::string decoded(encoded.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), "\r\n", &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return "";
  }
  decoded.resize(length);
  return decoded;
}

class DelivererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(storage::sqlite::MigrateDatabase(path_, clock_));
    storage_ = storage::sqlite::SqliteStorage::Open(path_, clock_).value();
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
    DeliveryOptions options;
    options.from_address = "bookings@clinic.example";
    options.public_url = "https://clinic.example";
    options.retry =
        core::ports::RetryPolicy{.first_delay = 60s, .max_delay = 1h, .max_attempts = 2};
    deliverer_ =
        std::make_unique<Deliverer>(*storage_, std::make_unique<RecordingSender>(sent_, fail_),
                                    nullptr, std::make_unique<CountingTokens>(), clock_, options);
  }

  core::scheduling::Appointment Book(core::Instant start) {
    core::ports::NewBooking booking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}},
        .appointment = {.id = {},
                        .patient = {},
                        .practitioner = setup_.practitioners[0].id,
                        .service = setup_.services[1].id,
                        .room = setup_.rooms[0].id,
                        .time = core::Interval::Create(start, start + 30min).value(),
                        .blocked_until = start + 30min,
                        .status = core::scheduling::AppointmentStatus::kBooked,
                        .source = core::scheduling::BookingSource::kOnline,
                        .created_at = {},
                        .updated_at = {},
                        .cancelled_at = std::nullopt,
                        .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash",
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
    return storage_->Book(setup_.clinic.id, booking).value();
  }

  std::vector<OutboxMessage> Messages(core::AppointmentId id) {
    return storage_->ListAppointmentMessages(setup_.clinic.id, id).value();
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<storage::sqlite::SqliteStorage> storage_;
  core::clinic::ClinicSetup setup_;
  std::vector<Sent> sent_;
  Failure fail_ = Failure::kNone;
  std::unique_ptr<Deliverer> deliverer_;
};

TEST_F(DelivererTest, SendsTheConfirmationWithItsKeyAsMessageIdAndMarksItSent) {
  auto booked = Book(At("2026-12-01T17:00:00Z"));
  DeliveryCounts counts = deliverer_->RunOnce().value();
  EXPECT_EQ(counts.claimed, 1);
  EXPECT_EQ(counts.sent, 1);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].from, "bookings@clinic.example");
  EXPECT_EQ(sent_[0].to, "ana@example.org");
  const std::string key = Messages(booked.id)[0].key;
  EXPECT_NE(sent_[0].mime.find("\r\nMessage-ID: " + key + "\r\n"), std::string::npos);
  EXPECT_EQ(Messages(booked.id)[0].status, MessageStatus::kSent);
  // Nothing more is due until the reminder's time.
  EXPECT_EQ(deliverer_->RunOnce().value().claimed, 0);
  clock_.Set(At("2026-11-30T17:00:00Z"));
  EXPECT_EQ(deliverer_->RunOnce().value().sent, 1);
  EXPECT_NE(sent_.back().mime.find("\r\nMessage-ID: " + Messages(booked.id)[1].key + "\r\n"),
            std::string::npos);
  EXPECT_EQ(Messages(booked.id)[1].kind, MessageKind::kReminder);
}

TEST_F(DelivererTest, AConfirmationOfACancelledAppointmentIsSkippedAndTheCancellationSent) {
  auto booked = Book(At("2026-12-01T17:00:00Z"));
  ASSERT_TRUE(storage_->Cancel(setup_.clinic.id, booked.id, clock_.Now()));
  DeliveryCounts counts = deliverer_->RunOnce().value();
  EXPECT_EQ(counts.skipped, 1);
  EXPECT_EQ(counts.sent, 1);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_NE(sent_[0].mime.find("method=CANCEL"), std::string::npos);
  std::vector<OutboxMessage> messages = Messages(booked.id);
  ASSERT_EQ(messages.size(), 2u);  // the reminder was dropped by the cancel
  EXPECT_EQ(messages[0].status, MessageStatus::kSkipped);
  EXPECT_EQ(messages[1].kind, MessageKind::kCancelled);
  EXPECT_EQ(messages[1].status, MessageStatus::kSent);
}

TEST_F(DelivererTest, FailuresAreRetriedWithBackoffThenDeadWithTheLastError) {
  auto booked = Book(At("2026-12-01T17:00:00Z"));
  fail_ = Failure::kTemporary;
  EXPECT_EQ(deliverer_->RunOnce().value().failed, 1);
  OutboxMessage message = Messages(booked.id)[0];
  EXPECT_EQ(message.status, MessageStatus::kQueued);
  EXPECT_EQ(message.last_error, "SMTP 451: try again later");
  EXPECT_EQ(message.next_attempt_at, clock_.Now() + 60s);
  EXPECT_EQ(deliverer_->RunOnce().value().claimed, 0);
  clock_.Set(clock_.Now() + 60s);
  EXPECT_EQ(deliverer_->RunOnce().value().failed, 1);
  EXPECT_EQ(Messages(booked.id)[0].status, MessageStatus::kDead);
  EXPECT_EQ(storage_->ListDeadMessages(setup_.clinic.id, 10).value().size(), 1u);
  EXPECT_TRUE(sent_.empty());
}

TEST_F(DelivererTest, EachMessageLinksWithAFreshManageTokenStoredBeforeItIsSent) {
  auto booked = Book(At("2026-12-01T17:00:00Z"));
  ASSERT_EQ(deliverer_->RunOnce().value().sent, 1);
  ASSERT_EQ(sent_.size(), 1u);
  const std::string link = "https://clinic.example/c/" + setup_.clinic.slug + "/manage/" +
                           std::to_string(booked.id.value()) + "#token=token-1";
  EXPECT_NE(PlainText(sent_[0].mime).find(link), std::string::npos) << PlainText(sent_[0].mime);
  EXPECT_EQ(storage_->ManageTokenHashes(setup_.clinic.id, booked.id).value(),
            (std::vector<std::string>{"hash", "hash:token-1"}));
  // The reminder gets a token of its own; the first stays valid.
  clock_.Set(At("2026-11-30T17:00:00Z"));
  ASSERT_EQ(deliverer_->RunOnce().value().sent, 1);
  EXPECT_NE(PlainText(sent_.back().mime).find("#token=token-2"), std::string::npos);
  EXPECT_EQ(storage_->ManageTokenHashes(setup_.clinic.id, booked.id).value(),
            (std::vector<std::string>{"hash", "hash:token-1", "hash:token-2"}));
}

TEST_F(DelivererTest, AReminderOfAPatientWhoTurnedThemOffIsSkipped) {
  auto booked = Book(At("2026-12-01T17:00:00Z"));
  ASSERT_TRUE(storage_->SetReminders(setup_.clinic.id, booked.patient, core::ports::Reminders::kOff,
                                     clock_.Now()));
  // The confirmation still goes.
  ASSERT_EQ(deliverer_->RunOnce().value().sent, 1);
  clock_.Set(At("2026-11-30T17:00:00Z"));
  DeliveryCounts counts = deliverer_->RunOnce().value();
  EXPECT_EQ(counts.skipped, 1);
  EXPECT_EQ(counts.sent, 0);
  OutboxMessage reminder = Messages(booked.id)[1];
  EXPECT_EQ(reminder.kind, MessageKind::kReminder);
  EXPECT_EQ(reminder.status, MessageStatus::kSkipped);
  EXPECT_EQ(reminder.last_error, "reminders off");
  EXPECT_EQ(sent_.size(), 1u);
}

TEST_F(DelivererTest, ABounceIsDeadAtOnceAndTheAddressIsNotMailedAgainUntilItChanges) {
  auto booked = Book(At("2026-12-01T17:00:00Z"));
  fail_ = Failure::kBounce;
  DeliveryCounts counts = deliverer_->RunOnce().value();
  EXPECT_EQ(counts.bounced, 1);
  OutboxMessage confirmation = Messages(booked.id)[0];
  EXPECT_EQ(confirmation.status, MessageStatus::kDead);
  EXPECT_EQ(confirmation.last_error, "SMTP 550: RCPT failed: 550");
  auto prefs = storage_->FindPatientMessagePrefs(setup_.clinic.id, booked.patient).value();
  EXPECT_EQ(prefs.bounced_email, "ana@example.org");
  EXPECT_EQ(prefs.bounced_at, clock_.Now());
  EXPECT_EQ(prefs.bounce_error, "SMTP 550: RCPT failed: 550");

  // The reminder to the same address is skipped, even though the server would take it now.
  fail_ = Failure::kNone;
  clock_.Set(At("2026-11-30T17:00:00Z"));
  counts = deliverer_->RunOnce().value();
  EXPECT_EQ(counts.skipped, 1);
  EXPECT_EQ(Messages(booked.id)[1].last_error, "address bounced");
  EXPECT_TRUE(sent_.empty());

  // A changed address is mailed again: the cancellation goes to it.
  {
    auto db =
        storage::sqlite::Connection::Open(path_, storage::sqlite::Connection::OpenMode::kReadWrite)
            .value();
    ASSERT_TRUE(db.Exec("UPDATE patients SET email = 'ana.ruiz@example.org'"));
  }
  ASSERT_TRUE(storage_->Cancel(setup_.clinic.id, booked.id, clock_.Now()));
  EXPECT_EQ(deliverer_->RunOnce().value().sent, 1);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to, "ana.ruiz@example.org");
}

TEST_F(DelivererTest, TheClinicsOwnWordingIsSentAndADeadMessageRetriedByStaffGoesOut) {
  core::staff::AuditEntry audit;
  audit.clinic = setup_.clinic.id;
  audit.action = "edit_clinic_setup";
  audit.record = "setup/messages/templates/booked";
  audit.at = clock_.Now();
  ASSERT_TRUE(
      storage_->SaveMessageTemplate(setup_.clinic.id, MessageKind::kBooked,
                                    {"See you {{short_date}} {{given_name}}!",
                                     "Dear {{given_name}},\n\nAt {{time}}.", "sms {{time}}"},
                                    clock_.Now(), audit));
  auto booked = Book(At("2026-12-01T17:00:00Z"));
  fail_ = Failure::kTemporary;
  deliverer_->RunOnce().value();
  clock_.Set(clock_.Now() + 60s);
  deliverer_->RunOnce().value();
  const OutboxMessage dead = Messages(booked.id)[0];
  ASSERT_EQ(dead.status, MessageStatus::kDead);

  // Staff put it back; the next run sends it with the clinic's wording and the same key.
  fail_ = Failure::kNone;
  ASSERT_TRUE(storage_->RetryMessage(setup_.clinic.id, dead.id, clock_.Now(), audit));
  EXPECT_EQ(deliverer_->RunOnce().value().sent, 1);
  ASSERT_EQ(sent_.size(), 1u);
  const std::string& mime = sent_[0].mime;
  EXPECT_NE(mime.find("Subject: See you Tue 1 Dec Ana!"), std::string::npos) << mime;
  EXPECT_NE(mime.find("\r\nMessage-ID: " + dead.key + "\r\n"), std::string::npos);
  EXPECT_EQ(Messages(booked.id)[0].status, MessageStatus::kSent);
}

}  // namespace
}  // namespace unknot::messaging
