// Per-patient booking rules and approval of online requests (issue 14), through the router: the
// patient's online booking as the rules decide it, and the front desk's routes behind the gate.

#include "api/v1/booking_rules_routes.hpp"

#include <gtest/gtest.h>

#include "api/staff_test_fixture.hpp"
#include "api/v1/booking_routes.hpp"
#include "api/v1/clinic_routes.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using core::scheduling::AppointmentStatus;
using http::Method;

class BookingRulesRoutesTest : public StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    v1::AddBookingRoutes(router_, *storage_, clock_, tokens_);
    v1::AddClinicRoutes(router_, *storage_);
    setup_ = *storage_->LoadSetup(clinic_.id).value();
    for (const auto& s : setup_.services) {
      if (s.slug == "art-session") art_ = s.id.value();
      if (s.slug == "new-patient-assessment") assessment_ = s.id.value();
    }
    desk_browser_ = SignIn("desk@clinic.test");
  }

  Json BookingBody(const char* start, std::int64_t service = 0) {
    return {{"service", service != 0 ? service : art_},
            {"practitioner", setup_.practitioners[0].id.value()},
            {"start", start},
            {"patient",
             {{"given_name", "Ana"},
              {"family_name", "Ruiz"},
              {"email", "ana@example.org"},
              {"phone", "+14155550142"}}}};
  }

  http::Response BookOnline(const char* start, std::int64_t service = 0) {
    return Send(Method::kPost, base_ + "/appointments", BookingBody(start, service), nullptr);
  }

  // Ana, on file with these rules.
  core::clinic::Patient Ana(core::clinic::OnlineBooking rule, bool assessment_first = false) {
    core::clinic::Patient ana{core::PatientId{}, "Ana",          "Ruiz",
                              "ana@example.org", "+14155550142", clock_.Now()};
    ana.online_booking = rule;
    ana.assessment_first = assessment_first;
    return storage_->CreatePatient(clinic_.id, ana).value();
  }

  std::size_t Appointments() {
    auto window = core::Interval::Create(clock_.Now(), clock_.Now() + std::chrono::days{90});
    return storage_->ListAppointments(clinic_.id, *window).value().size();
  }

  std::string RulesPath(core::PatientId id) {
    return base_ + "/patients/" + std::to_string(id.value()) + "/booking-rules";
  }
  std::string DecidePath(std::int64_t id, const char* what) {
    return base_ + "/calendar/appointments/" + std::to_string(id) + "/" + what;
  }

  security::SodiumTokens tokens_;
  core::clinic::ClinicSetup setup_;
  std::int64_t art_ = 0;
  std::int64_t assessment_ = 0;
  Browser desk_browser_;
};

TEST_F(BookingRulesRoutesTest, BlockedPatientIsRefusedKindlyWithThePhoneAndNothingIsWritten) {
  core::clinic::Patient ana = Ana(core::clinic::OnlineBooking::kBlocked);
  http::Response r = BookOnline("2026-12-08T17:00:00Z");
  ASSERT_EQ(r.status, 403u) << r.body;
  Json body = Body(r);
  EXPECT_NE(body["detail"].get<std::string>().find(setup_.clinic.phone), std::string::npos) << body;
  EXPECT_NE(body["detail"].get<std::string>().find("call"), std::string::npos);
  EXPECT_EQ(body["phone"], setup_.clinic.phone);
  EXPECT_EQ(body["reason"], "online_booking_blocked");
  EXPECT_EQ(Appointments(), 0u);
  EXPECT_EQ(storage_->FindPatient(clinic_.id, ana.id).value(), ana);
}

TEST_F(BookingRulesRoutesTest, AssessmentFirstAllowsOnlyNewPatientServicesOnline) {
  Ana(core::clinic::OnlineBooking::kAllowed, /*assessment_first=*/true);
  http::Response refused = BookOnline("2026-12-08T17:00:00Z");
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(Body(refused)["errors"][0]["field"], "service");
  EXPECT_EQ(Appointments(), 0u);
  http::Response booked = BookOnline("2026-12-08T17:00:00Z", assessment_);
  ASSERT_EQ(booked.status, 201u) << booked.body;
  EXPECT_EQ(Body(booked)["appointment"]["status"], "booked");
}

TEST_F(BookingRulesRoutesTest, RequiresApprovalIsStoredAsRequestedAndHoldsItsTime) {
  Ana(core::clinic::OnlineBooking::kRequiresApproval);
  http::Response r = BookOnline("2026-12-08T17:00:00Z");
  ASSERT_EQ(r.status, 201u) << r.body;
  Json booked = Body(r);
  EXPECT_EQ(booked["appointment"]["status"], "requested");
  // The manage page shows the request.
  const std::string id = std::to_string(booked["appointment"]["id"].get<std::int64_t>());
  http::Response manage =
      Send(Method::kGet, base_ + "/appointments/" + id, std::nullopt, nullptr,
           {{"authorization", "Bearer " + booked["manage_token"].get<std::string>()}});
  ASSERT_EQ(manage.status, 200u) << manage.body;
  EXPECT_EQ(Body(manage)["appointment"]["status"], "requested");
  // Someone else cannot take the time.
  Json other = BookingBody("2026-12-08T17:00:00Z");
  other["patient"]["email"] = "bo@example.org";
  EXPECT_EQ(Send(Method::kPost, base_ + "/appointments", other, nullptr).status, 409u);
}

TEST_F(BookingRulesRoutesTest, ClinicNoShowRuleRequiresApprovalAutomatically) {
  core::clinic::ClinicSetup changed = setup_;
  changed.clinic.policy.no_show_approval_threshold = 2;
  ASSERT_TRUE(storage_->SaveSetup(
      clinic_.id,
      [&](const auto&, const auto&) -> core::Result<core::clinic::ClinicSetup> { return changed; },
      clock_.Now()));
  core::clinic::Patient ana = Ana(core::clinic::OnlineBooking::kAllowed);
  auto no_show = [&](const char* start) {
    const core::Instant begin = core::ParseInstant(start).value();
    core::scheduling::Appointment a{
        .id = {},
        .patient = ana.id,
        .practitioner = setup_.practitioners[0].id,
        .service = core::ServiceId{art_},
        .room = setup_.rooms[0].id,
        .time = core::Interval::Create(begin, begin + std::chrono::minutes{30}).value(),
        .blocked_until = begin + std::chrono::minutes{30},
        .status = AppointmentStatus::kNoShow,
        .source = core::scheduling::BookingSource::kPhone,
        .created_at = clock_.Now(),
        .updated_at = clock_.Now(),
        .cancelled_at = std::nullopt,
        .assessment = std::nullopt};
    ASSERT_TRUE(storage_->InsertAppointment(clinic_.id, a));
  };
  no_show("2025-10-01T17:00:00Z");  // more than 12 months ago: does not count
  no_show("2026-10-01T17:00:00Z");
  http::Response first = BookOnline("2026-12-08T17:00:00Z");
  ASSERT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(Body(first)["appointment"]["status"], "booked");
  no_show("2026-11-01T17:00:00Z");
  http::Response second = BookOnline("2026-12-09T17:00:00Z");
  ASSERT_EQ(second.status, 201u) << second.body;
  EXPECT_EQ(Body(second)["appointment"]["status"], "requested");

  // The staff record shows the count and the rules.
  http::Response record = Get(base_ + "/patients/" + std::to_string(ana.id.value()), desk_browser_);
  ASSERT_EQ(record.status, 200u) << record.body;
  EXPECT_EQ(Body(record)["no_shows_12_months"], 2);
  EXPECT_EQ(Body(record)["booking_rules"],
            (Json{{"online_booking", "allowed"}, {"assessment_first", false}}));
}

TEST_F(BookingRulesRoutesTest, FrontDeskSetsRulesAuditedAndValidated) {
  core::clinic::Patient ana = Ana(core::clinic::OnlineBooking::kAllowed);
  http::Response r =
      Send(Method::kPut, RulesPath(ana.id),
           Json{{"online_booking", "blocked"}, {"assessment_first", true}}, &desk_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["booking_rules"],
            (Json{{"online_booking", "blocked"}, {"assessment_first", true}}));
  auto stored = storage_->FindPatient(clinic_.id, ana.id).value();
  EXPECT_EQ(stored.online_booking, core::clinic::OnlineBooking::kBlocked);
  EXPECT_TRUE(stored.assessment_first);
  core::ports::AuditFilter filter;
  filter.patient = ana.id;
  auto entries = storage_->ListAudit(clinic_.id, filter);
  ASSERT_TRUE(entries);
  ASSERT_FALSE(entries->empty());
  EXPECT_EQ((*entries)[0].action, "set_patient_booking_rules");
  EXPECT_EQ((*entries)[0].record, "patient/" + std::to_string(ana.id.value()));

  http::Response bad =
      Send(Method::kPut, RulesPath(ana.id),
           Json{{"online_booking", "maybe"}, {"assessment_first", true}}, &desk_browser_);
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(Body(bad)["errors"][0]["field"], "online_booking");
  EXPECT_EQ(Send(Method::kPut, base_ + "/patients/999999/booking-rules",
                 Json{{"online_booking", "allowed"}, {"assessment_first", false}}, &desk_browser_)
                .status,
            404u);
  // A practitioner may not.
  Browser maya = SignIn("maya@clinic.test");
  EXPECT_EQ(Send(Method::kPut, RulesPath(ana.id),
                 Json{{"online_booking", "allowed"}, {"assessment_first", false}}, &maya)
                .status,
            403u);
}

TEST_F(BookingRulesRoutesTest, RequestsAreListedApprovedAndDeclinedWithVersions) {
  Ana(core::clinic::OnlineBooking::kRequiresApproval);
  Json first = Body(BookOnline("2026-12-08T17:00:00Z"));
  Json second = Body(BookOnline("2026-12-09T17:00:00Z"));
  ASSERT_EQ(first["appointment"]["status"], "requested");
  ASSERT_EQ(second["appointment"]["status"], "requested");
  const std::int64_t a = first["appointment"]["id"];
  const std::int64_t b = second["appointment"]["id"];

  http::Response list = Get(base_ + "/calendar/requests", desk_browser_);
  ASSERT_EQ(list.status, 200u) << list.body;
  Json requests = Body(list)["requests"];
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["appointment"]["id"], a);
  EXPECT_EQ(requests[0]["appointment"]["version"], 1);
  EXPECT_EQ(requests[0]["appointment"]["service"]["slug"], "art-session");
  EXPECT_EQ(requests[0]["patient"]["family_name"], "Ruiz");

  // Approve with a stale version: 409 with the current state, nothing changed.
  http::Response stale =
      Send(Method::kPost, DecidePath(a, "approve"), Json{{"version", 7}}, &desk_browser_);
  ASSERT_EQ(stale.status, 409u) << stale.body;
  EXPECT_EQ(Body(stale)["appointment"]["status"], "requested");
  EXPECT_EQ(Body(stale)["appointment"]["version"], 1);

  http::Response approved =
      Send(Method::kPost, DecidePath(a, "approve"), Json{{"version", 1}}, &desk_browser_);
  ASSERT_EQ(approved.status, 200u) << approved.body;
  EXPECT_EQ(Body(approved)["appointment"]["status"], "booked");
  EXPECT_EQ(Body(approved)["appointment"]["version"], 2);
  // Deciding again: no longer a request.
  http::Response again =
      Send(Method::kPost, DecidePath(a, "decline"), Json{{"version", 2}}, &desk_browser_);
  ASSERT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(Body(again)["appointment"]["status"], "booked");

  http::Response declined =
      Send(Method::kPost, DecidePath(b, "decline"),
           Json{{"version", 1}, {"reason", "practitioner away"}}, &desk_browser_);
  ASSERT_EQ(declined.status, 200u) << declined.body;
  EXPECT_EQ(Body(declined)["appointment"]["status"], "declined");
  EXPECT_EQ(Body(declined)["appointment"]["declined"], true);
  EXPECT_EQ(Body(declined)["appointment"]["cancel_reason"], "practitioner away");
  // The patient's manage page says so.
  http::Response manage =
      Send(Method::kGet, base_ + "/appointments/" + std::to_string(b), std::nullopt, nullptr,
           {{"authorization", "Bearer " + second["manage_token"].get<std::string>()}});
  ASSERT_EQ(manage.status, 200u) << manage.body;
  EXPECT_EQ(Body(manage)["appointment"]["status"], "declined");
  auto stored = storage_->FindAppointment(clinic_.id, core::AppointmentId{b}).value();
  EXPECT_EQ(stored.status, AppointmentStatus::kCancelled);
  EXPECT_TRUE(stored.declined);
  // The time is free at once.
  Json other = BookingBody("2026-12-09T17:00:00Z");
  other["patient"]["email"] = "bo@example.org";
  EXPECT_EQ(Send(Method::kPost, base_ + "/appointments", other, nullptr).status, 201u);
  // Nothing is left to decide; both decisions are audited against the appointments.
  EXPECT_TRUE(Body(Get(base_ + "/calendar/requests", desk_browser_))["requests"].empty());
  core::ports::AuditFilter filter;
  filter.limit = 1000;
  int decisions = 0;
  auto log = storage_->ListAudit(clinic_.id, filter);
  ASSERT_TRUE(log);
  for (const auto& entry : *log) {
    if (entry.action == "decide_booking_request" && entry.detail == "approved") {
      EXPECT_EQ(entry.record, "appointment/" + std::to_string(a));
      ++decisions;
    }
    if (entry.action == "decide_booking_request" && entry.detail == "declined") {
      EXPECT_EQ(entry.record, "appointment/" + std::to_string(b));
      ++decisions;
    }
  }
  EXPECT_EQ(decisions, 2);
  // Version missing: named.
  EXPECT_EQ(Body(Send(Method::kPost, DecidePath(a, "approve"), Json::object(),
                      &desk_browser_))["errors"][0]["field"],
            "version");
}

TEST_F(BookingRulesRoutesTest, OwnerSetsTheClinicsNoShowRuleThroughSetUp) {
  Browser owner = SignIn("owner@clinic.test");
  http::Response setup = Get(base_ + "/setup", owner);
  ASSERT_EQ(setup.status, 200u) << setup.body;
  Json clinic = Body(setup)["clinic"];
  EXPECT_EQ(clinic["booking_policy"]["no_show_approval_threshold"], 0);
  clinic["booking_policy"]["no_show_approval_threshold"] = 51;
  http::Response bad = Send(Method::kPut, base_ + "/setup/clinic", clinic, &owner);
  ASSERT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(Body(bad)["errors"][0]["field"], "booking_policy.no_show_approval_threshold");
  clinic["booking_policy"]["no_show_approval_threshold"] = 3;
  http::Response saved = Send(Method::kPut, base_ + "/setup/clinic", clinic, &owner);
  ASSERT_EQ(saved.status, 200u) << saved.body;
  EXPECT_EQ(Body(saved)["booking_policy"]["no_show_approval_threshold"], 3);
  EXPECT_EQ((*storage_->LoadSetup(clinic_.id))->clinic.policy.no_show_approval_threshold, 3);
  // Patients do not see it.
  http::Response public_clinic = Send(Method::kGet, base_, std::nullopt, nullptr);
  ASSERT_EQ(public_clinic.status, 200u) << public_clinic.body;
  EXPECT_FALSE(Body(public_clinic)["booking_policy"].contains("no_show_approval_threshold"));
}

}  // namespace
}  // namespace unknot::api
