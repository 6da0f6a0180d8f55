// The delivery worker against a real SQLite outbox and a recording sender.

#include "messaging/deliverer.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::messaging {
namespace {

using namespace std::chrono_literals;
using core::ports::MessageKind;
using core::ports::MessageStatus;
using core::ports::OutboxMessage;

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }

struct Sent {
  std::string from;
  std::string to;
  std::string mime;
};

class RecordingSender final : public EmailSender {
 public:
  explicit RecordingSender(std::vector<Sent>& sent, bool& fail) : sent_(sent), fail_(fail) {}
  core::Result<void> Send(std::string_view from, std::string_view to,
                          std::string_view mime) override {
    if (fail_) return core::Error(core::ErrorCode::kUnavailable, "SMTP 451: try again later");
    sent_.push_back({std::string(from), std::string(to), std::string(mime)});
    return core::Ok();
  }

 private:
  std::vector<Sent>& sent_;
  bool& fail_;
};

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
    deliverer_ = std::make_unique<Deliverer>(
        *storage_, std::make_unique<RecordingSender>(sent_, fail_), nullptr, clock_, options);
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
  bool fail_ = false;
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
  fail_ = true;
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
  fail_ = true;
  deliverer_->RunOnce().value();
  clock_.Set(clock_.Now() + 60s);
  deliverer_->RunOnce().value();
  const OutboxMessage dead = Messages(booked.id)[0];
  ASSERT_EQ(dead.status, MessageStatus::kDead);

  // Staff put it back; the next run sends it with the clinic's wording and the same key.
  fail_ = false;
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
