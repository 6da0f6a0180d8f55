// The staff routes of patient messages (issue 16), through the router: the dead-message list and
// retry, the message settings with the hold minutes, and the clinic's own wording with preview.
// Who may call which is the authorization matrix test's; here, what each does.

#include "api/v1/message_routes.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "api/staff_test_fixture.hpp"

namespace unknot::api {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using core::ports::MessageStatus;
using http::Method;

class MessageRoutesTest : public StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    setup_ = *storage_->LoadSetup(clinic_.id).value();
    owner_browser_ = SignIn("owner@clinic.test");
    desk_browser_ = SignIn("desk@clinic.test");
  }

  // A booking whose confirmation could not be delivered: dead after one failed attempt.
  core::ports::OutboxMessage DeadConfirmation(const char* start_text) {
    const core::Instant start = core::ParseInstant(start_text).value();
    core::ports::NewBooking booking{
        .patient = {core::PatientId{}, "Ana <Ruiz>", "Ruiz", "ana@example.org", "+14155550142", {}},
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
    storage_->Book(clinic_.id, booking).value();
    auto claimed = storage_->ClaimMessages(clock_.Now(), 1, 60s).value();
    EXPECT_EQ(claimed.size(), 1u);
    core::ports::RetryPolicy once{.first_delay = 1s, .max_delay = 1s, .max_attempts = 1};
    return storage_
        ->MarkMessageFailed(claimed[0].id, "550 5.1.1 mailbox unavailable", clock_.Now(), once)
        .value();
  }

  std::size_t AuditEntries() { return storage_->ListAudit(clinic_.id, {}).value().size(); }

  core::clinic::ClinicSetup setup_;
  Browser owner_browser_, desk_browser_;
};

TEST_F(MessageRoutesTest, TheFrontDeskSeesDeadMessagesWithWhomToCallAndPutsOneBack) {
  core::ports::OutboxMessage dead = DeadConfirmation("2026-12-01T17:00:00Z");
  ASSERT_EQ(dead.status, MessageStatus::kDead);
  const std::size_t audit_before = AuditEntries();

  http::Response r = Get(base_ + "/messages?status=dead", desk_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json list = Body(r)["messages"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], dead.id.value());
  EXPECT_EQ(list[0]["kind"], "booked");
  EXPECT_EQ(list[0]["channel"], "email");
  EXPECT_EQ(list[0]["status"], "dead");
  EXPECT_EQ(list[0]["last_error"], "550 5.1.1 mailbox unavailable");
  EXPECT_EQ(list[0]["patient"]["given_name"], "Ana <Ruiz>");
  EXPECT_EQ(list[0]["patient"]["phone"], "+14155550142");
  EXPECT_EQ(list[0]["appointment"]["start"], "2026-12-01T17:00:00Z");
  EXPECT_EQ(AuditEntries(), audit_before + 1);  // the read is recorded

  r = Send(Method::kPost, base_ + "/messages/" + std::to_string(dead.id.value()) + "/retry",
           Json::object(), &desk_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["message"]["status"], "queued");
  EXPECT_EQ(Body(r)["message"]["attempts"], 0);
  EXPECT_EQ(AuditEntries(), audit_before + 2);
  auto stored = storage_->ListAppointmentMessages(clinic_.id, dead.appointment).value();
  EXPECT_EQ(stored[0].status, MessageStatus::kQueued);
  EXPECT_EQ(Body(Get(base_ + "/messages?status=dead", desk_browser_))["messages"].size(), 0u);

  // Not dead any more: 409; an unknown one: 404; a bad filter: 400 naming it.
  r = Send(Method::kPost, base_ + "/messages/" + std::to_string(dead.id.value()) + "/retry",
           Json::object(), &desk_browser_);
  EXPECT_EQ(r.status, 409u) << r.body;
  r = Send(Method::kPost, base_ + "/messages/987654/retry", Json::object(), &desk_browser_);
  EXPECT_EQ(r.status, 404u) << r.body;
  r = Get(base_ + "/messages?status=sent", desk_browser_);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(Body(r)["errors"][0]["field"], "status") << r.body;
  r = Get(base_ + "/messages?status=dead&limit=0", desk_browser_);
  EXPECT_EQ(Body(r)["errors"][0]["field"], "limit") << r.body;
}

TEST_F(MessageRoutesTest, AnotherClinicsOwnerCannotRetryThisClinicsMessage) {
  core::ports::OutboxMessage dead = DeadConfirmation("2026-12-01T17:00:00Z");
  Browser other = SignIn("owner@other.test", "other-clinic");
  http::Response r =
      Send(Method::kPost,
           "/api/v1/clinics/other-clinic/messages/" + std::to_string(dead.id.value()) + "/retry",
           Json::object(), &other);
  EXPECT_EQ(r.status, 404u) << r.body;
  EXPECT_EQ(storage_->ListDeadMessages(clinic_.id, 10).value().size(), 1u);
}

TEST_F(MessageRoutesTest, SettingsAreReadAndSavedTogetherAndTheSecretIsNeverShown) {
  http::Response r = Get(base_ + "/setup/messages", owner_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r), (Json{{"reminder_hours", 24},
                           {"sms_webhook_url", ""},
                           {"sms_webhook_secret_set", false},
                           {"hold_minutes", 7},
                           {"waitlist_offer_minutes", 15},
                           {"waitlist_offers_at_once", 1}}));

  r = Send(Method::kPut, base_ + "/setup/messages",
           Json{{"reminder_hours", 48},
                {"sms_webhook_url", "https://sms.example/hook"},
                {"sms_webhook_secret", "a-long-shared-secret"},
                {"hold_minutes", 10},
                {"waitlist_offer_minutes", 30},
                {"waitlist_offers_at_once", 3}},
           &owner_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["reminder_hours"], 48);
  EXPECT_EQ(Body(r)["sms_webhook_secret_set"], true);
  EXPECT_EQ(r.body.find("a-long-shared-secret"), std::string::npos);
  EXPECT_EQ(storage_->FindMessageSettings(clinic_.id).value().sms_webhook_secret,
            "a-long-shared-secret");
  EXPECT_EQ(storage_->FindHoldMinutes(clinic_.id).value(), 10);
  EXPECT_EQ(storage_->FindWaitlistSettings(clinic_.id).value(),
            (core::ports::WaitlistSettings{30min, 3}));
  EXPECT_EQ(Body(r)["waitlist_offers_at_once"], 3);

  // Leaving the secret out keeps it; a bad field changes nothing at all.
  r = Send(Method::kPut, base_ + "/setup/messages", Json{{"reminder_hours", 12}}, &owner_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(storage_->FindMessageSettings(clinic_.id).value().sms_webhook_secret,
            "a-long-shared-secret");
  for (const Json& bad :
       {Json{{"reminder_hours", 3}, {"hold_minutes", 90}}, Json{{"reminder_hours", -1}},
        Json{{"sms_webhook_url", "ftp://x"}}, Json{{"sms_webhook_secret", "short"}},
        Json{{"hold_minutes", "ten"}}, Json{{"waitlist_offer_minutes", 0}},
        Json{{"reminder_hours", 5}, {"waitlist_offers_at_once", 21}}}) {
    r = Send(Method::kPut, base_ + "/setup/messages", bad, &owner_browser_);
    EXPECT_EQ(r.status, 400u) << bad.dump();
    EXPECT_TRUE(Body(r)["errors"][0].contains("field")) << r.body;
  }
  EXPECT_EQ(storage_->FindMessageSettings(clinic_.id).value().reminder_lead, 12h);
  EXPECT_EQ(storage_->FindHoldMinutes(clinic_.id).value(), 10);
  EXPECT_EQ(storage_->FindWaitlistSettings(clinic_.id).value().offers_at_once, 3);

  // No webhook: its secret goes too.
  r = Send(Method::kPut, base_ + "/setup/messages", Json{{"sms_webhook_url", ""}}, &owner_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["sms_webhook_secret_set"], false);
  // The front desk reads but does not edit set-up.
  EXPECT_EQ(Get(base_ + "/setup/messages", desk_browser_).status, 200u);
  EXPECT_EQ(
      Send(Method::kPut, base_ + "/setup/messages", Json{{"reminder_hours", 1}}, &desk_browser_)
          .status,
      403u);
}

TEST_F(MessageRoutesTest, TheClinicWritesItsOwnWordingPreviewsItAndGoesBackToTheBuiltInOne) {
  http::Response r = Get(base_ + "/setup/messages/templates", owner_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json list = Body(r);
  ASSERT_EQ(list["templates"].size(), 8u);
  EXPECT_EQ(list["templates"][0]["kind"], "booked");
  EXPECT_TRUE(list["templates"][0]["own"].is_null());
  EXPECT_NE(list["templates"][0]["default"]["text"].get<std::string>().find("{{manage_url}}"),
            std::string::npos);
  EXPECT_NE(std::find(list["placeholders"].begin(), list["placeholders"].end(), "given_name"),
            list["placeholders"].end());

  const Json wording{{"subject", "See you {{short_date}}, {{given_name}}"},
                     {"text", "Hi {{given_name}},\r\n\r\nBring comfy clothes. {{manage_url}}"},
                     {"sms", "{{clinic}} {{short_date}} {{time}}"}};
  r = Send(Method::kPost, base_ + "/setup/messages/templates/reminder/preview", wording,
           &owner_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["subject"], "See you Fri 27 Nov, Alex");  // tomorrow at the demo clinic
  EXPECT_NE(Body(r)["html"].get<std::string>().find("<p>Hi Alex,</p>"), std::string::npos)
      << r.body;
  EXPECT_LE(Body(r)["sms_length"].get<int>(), 160);
  EXPECT_TRUE(
      storage_->ListMessageTemplates(clinic_.id).value().empty());  // a preview saves nothing

  const std::size_t audit_before = AuditEntries();
  r = Send(Method::kPut, base_ + "/setup/messages/templates/reminder", wording, &owner_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["text"], "Hi {{given_name}},\n\nBring comfy clothes. {{manage_url}}");
  EXPECT_EQ(AuditEntries(), audit_before + 1);
  list = Body(Get(base_ + "/setup/messages/templates", owner_browser_));
  EXPECT_EQ(list["templates"][4]["kind"], "reminder");
  EXPECT_EQ(list["templates"][4]["own"]["subject"], "See you {{short_date}}, {{given_name}}");

  // Refused, naming the field: an unknown placeholder, a header injection, a missing part.
  Json bad = wording;
  bad["sms"] = "{{clinic}} {{token}}";
  r = Send(Method::kPut, base_ + "/setup/messages/templates/reminder", bad, &owner_browser_);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(Body(r)["errors"][0]["field"], "sms") << r.body;
  bad = wording;
  bad["subject"] = "Hi\nBcc: everyone@example.org";
  r = Send(Method::kPut, base_ + "/setup/messages/templates/reminder", bad, &owner_browser_);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(Body(r)["errors"][0]["field"], "subject") << r.body;
  bad = wording;
  bad.erase("text");
  r = Send(Method::kPut, base_ + "/setup/messages/templates/reminder", bad, &owner_browser_);
  EXPECT_EQ(Body(r)["errors"][0]["field"], "text") << r.body;
  EXPECT_EQ(
      Send(Method::kPut, base_ + "/setup/messages/templates/nonsense", wording, &owner_browser_)
          .status,
      404u);
  // The front desk may not change the wording.
  EXPECT_EQ(
      Send(Method::kPut, base_ + "/setup/messages/templates/reminder", wording, &desk_browser_)
          .status,
      403u);

  r = Send(Method::kDelete, base_ + "/setup/messages/templates/reminder", std::nullopt,
           &owner_browser_);
  EXPECT_EQ(r.status, 204u) << r.body;
  EXPECT_TRUE(storage_->ListMessageTemplates(clinic_.id).value().empty());
}

}  // namespace
}  // namespace unknot::api
