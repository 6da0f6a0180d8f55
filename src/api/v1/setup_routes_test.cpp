#include "api/v1/setup_routes.hpp"

#include <gtest/gtest.h>

#include "api/test_fixture.hpp"
#include "security/session_cookie.hpp"
#include "security/session_secrets.hpp"

namespace unknot::api::v1 {
namespace {

using nlohmann::json;
namespace staff = core::staff;

// The demo clinic with the set-up routes behind the staff gate, an owner and a front-desk
// account, each with a live session (plain-HTTP cookie, Origin http://clinic.test).
class SetupRoutesTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    if (HasFatalFailure()) return;
    clinic_ = storage_->FindClinic(app::kDemoClinicSlug).value();
    gate_ = std::make_unique<StaffRoutes>(router_, *storage_, clock_);
    AddSetupRoutes(*gate_, *storage_, clock_);
    owner_ = SignIn("owner@example.org", staff::StaffRole::kOwner);
    desk_ = SignIn("desk@example.org", staff::StaffRole::kFrontDesk);
  }

  struct Signed {
    std::string secret;
    std::string csrf;
  };

  Signed SignIn(const std::string& email, staff::StaffRole role) {
    const std::string secret = security::NewSecret();
    staff::StaffAccount account{.id = {},
                                .clinic = clinic_.id,
                                .email = email,
                                .display_name = email,
                                .role = role,
                                .practitioner = std::nullopt,
                                .disabled = false,
                                .password_hash = "$argon2id$not-used-here",
                                .created_at = clock_.Now(),
                                .password_changed_at = clock_.Now()};
    account = storage_->CreateStaff(account, std::nullopt).value();
    staff::Session session{.id = {},
                           .secret_hash = security::HashSessionId(secret),
                           .clinic = clinic_.id,
                           .staff = account.id,
                           .csrf_token = security::NewSecret(),
                           .created_at = clock_.Now(),
                           .last_seen_at = clock_.Now(),
                           .expires_at = clock_.Now() + std::chrono::hours{12},
                           .client_address = "",
                           .ended_at = std::nullopt};
    staff::AuditEntry audit;
    audit.clinic = clinic_.id;
    audit.staff = account.id;
    audit.action = "sign_in";
    audit.at = clock_.Now();
    EXPECT_TRUE(storage_->CreateSession(session, audit));
    return {secret, session.csrf_token};
  }

  http::Response Send(http::Method method, const std::string& target, const Signed& who,
                      const json* body = nullptr) {
    http::Request request;
    request.method = method;
    auto q = target.find('?');
    request.path =
        "/api/v1/clinics/" + std::string(app::kDemoClinicSlug) + "/setup" + target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    request.headers = {
        {"cookie", std::string(security::SessionCookieName(security::CookieSecurity::kPlainHttp)) +
                       "=" + who.secret},
        {"host", "clinic.test"},
        {"origin", "http://clinic.test"},
        {"x-csrf-token", who.csrf}};
    if (body != nullptr) {
      request.body = body->dump();
      request.headers.emplace_back("content-type", "application/json");
    }
    return router_.Dispatch(request);
  }

  json Shown() {
    auto response = Send(http::Method::kGet, "", owner_);
    EXPECT_EQ(response.status, 200u) << response.body;
    return Body(response);
  }

  // A booked 30-minute ART session with the demo's first practitioner, Tuesday 09:00 PST.
  core::scheduling::Appointment Book() {
    auto setup = storage_->LoadSetup(clinic_.id).value();
    core::Instant start = core::ParseInstant("2026-12-01T17:00:00Z").value();
    auto patient =
        storage_
            ->CreatePatient(
                clinic_.id,
                {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}})
            .value();
    return storage_
        ->InsertAppointment(
            clinic_.id,
            core::scheduling::Appointment{
                .id = {},
                .patient = patient.id,
                .practitioner = setup->practitioners[0].id,
                .service = setup->services[1].id,
                .room = setup->rooms[0].id,
                .time = core::Interval::Create(start, start + std::chrono::minutes{30}).value(),
                .blocked_until = start + std::chrono::minutes{30},
                .status = core::scheduling::AppointmentStatus::kBooked,
                .source = core::scheduling::BookingSource::kPhone,
                .created_at = clock_.Now(),
                .updated_at = clock_.Now(),
                .cancelled_at = std::nullopt,
                .assessment = std::nullopt})
        .value();
  }

  std::unique_ptr<StaffRoutes> gate_;
  core::clinic::Clinic clinic_;
  Signed owner_;
  Signed desk_;
};

TEST_F(SetupRoutesTest, EveryRoleReadsTheWholeSetup) {
  auto response = Send(http::Method::kGet, "", desk_);
  ASSERT_EQ(response.status, 200u) << response.body;
  json setup = Body(response);
  EXPECT_EQ(setup["clinic"]["slug"], app::kDemoClinicSlug);
  EXPECT_EQ(setup["clinic"]["sessions"]["idle_timeout_minutes"], 30);
  EXPECT_EQ(setup["rooms"].size(), 4u);
  EXPECT_EQ(setup["services"].size(), 6u);
  ASSERT_EQ(setup["practitioners"].size(), 4u);
  EXPECT_EQ(setup["practitioners"][1]["time_off"][0]["reason"],
            "Continuing education (ART lower-extremity course)");
}

TEST_F(SetupRoutesTest, OnlyTheOwnerEdits) {
  json room = {{"name", "Rehab Room"}, {"kind", "adjustment"}};
  auto refused = Send(http::Method::kPost, "/rooms", desk_, &room);
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(Shown()["rooms"].size(), 4u);
}

TEST_F(SetupRoutesTest, TheOwnerAddsAndChangesARoom) {
  json room = {{"name", "Rehab Room"}, {"kind", "adjustment"}};
  auto added = Send(http::Method::kPost, "/rooms", owner_, &room);
  ASSERT_EQ(added.status, 201u) << added.body;
  json stored = Body(added);
  EXPECT_EQ(stored["name"], "Rehab Room");
  const std::string id = std::to_string(stored["id"].get<std::int64_t>());
  room["name"] = "Rehab";
  auto changed = Send(http::Method::kPut, "/rooms/" + id, owner_, &room);
  ASSERT_EQ(changed.status, 200u) << changed.body;
  EXPECT_EQ(Body(changed)["name"], "Rehab");
  EXPECT_EQ(Shown()["rooms"][4]["name"], "Rehab");
  EXPECT_EQ(Send(http::Method::kPut, "/rooms/999", owner_, &room).status, 404u);
  EXPECT_EQ(Send(http::Method::kPut, "/rooms/x", owner_, &room).status, 400u);
}

TEST_F(SetupRoutesTest, InvalidFieldsAreNamedAsTheBodyWritesThem) {
  json setup = Shown();
  json practitioner = setup["practitioners"][0];
  practitioner["weekly_hours"][0]["end"] = "07:00";
  const std::string id = std::to_string(practitioner["id"].get<std::int64_t>());
  auto refused = Send(http::Method::kPut, "/practitioners/" + id, owner_, &practitioner);
  ASSERT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(Body(refused)["errors"][0]["field"], "weekly_hours[0].end");

  json clinic = setup["clinic"];
  clinic["booking_policy"]["slot_step_minutes"] = 7;
  refused = Send(http::Method::kPut, "/clinic", owner_, &clinic);
  ASSERT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(Body(refused)["errors"][0]["field"], "booking_policy.slot_step_minutes");

  clinic = setup["clinic"];
  clinic["name"] = "Mission Sports Chiro";
  clinic["sessions"]["idle_timeout_minutes"] = 45;
  auto saved = Send(http::Method::kPut, "/clinic", owner_, &clinic);
  ASSERT_EQ(saved.status, 200u) << saved.body;
  EXPECT_EQ(Body(saved)["name"], "Mission Sports Chiro");
  EXPECT_EQ(Shown()["clinic"]["sessions"]["idle_timeout_minutes"], 45);
}

// A practitioner saved without allow_overbooking keeps the stored permission: a client that does
// not know the field (an older set-up page) must not take the owner's permission away.
TEST_F(SetupRoutesTest, OverbookingIsKeptUnlessTheBodySetsIt) {
  json practitioner = Shown()["practitioners"][0];
  const std::string id = std::to_string(practitioner["id"].get<std::int64_t>());
  ASSERT_EQ(practitioner["allow_overbooking"], false);
  practitioner["allow_overbooking"] = true;
  auto allowed = Send(http::Method::kPut, "/practitioners/" + id, owner_, &practitioner);
  ASSERT_EQ(allowed.status, 200u) << allowed.body;
  EXPECT_EQ(Body(allowed)["allow_overbooking"], true);

  practitioner.erase("allow_overbooking");
  practitioner["bio"] = "ART, Graston";
  auto kept = Send(http::Method::kPut, "/practitioners/" + id, owner_, &practitioner);
  ASSERT_EQ(kept.status, 200u) << kept.body;
  EXPECT_EQ(Body(kept)["allow_overbooking"], true);
  EXPECT_EQ(Shown()["practitioners"][0]["allow_overbooking"], true);

  practitioner["allow_overbooking"] = false;
  auto withdrawn = Send(http::Method::kPut, "/practitioners/" + id, owner_, &practitioner);
  ASSERT_EQ(withdrawn.status, 200u) << withdrawn.body;
  EXPECT_EQ(Shown()["practitioners"][0]["allow_overbooking"], false);

  json added = practitioner;
  added.erase("id");
  added.erase("allow_overbooking");
  added["slug"] = "new-therapist";
  auto created = Send(http::Method::kPost, "/practitioners", owner_, &added);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(Body(created)["allow_overbooking"], false);
}

TEST_F(SetupRoutesTest, TimeOffOverABookingIsRefusedWithTheStrandedUnlessKept) {
  core::scheduling::Appointment booked = Book();
  const std::string who = std::to_string(booked.practitioner.value());
  json off = {
      {"start", "2026-12-01T08:00:00Z"}, {"end", "2026-12-02T08:00:00Z"}, {"reason", "Sick"}};
  auto refused = Send(http::Method::kPost, "/practitioners/" + who + "/time-off", owner_, &off);
  ASSERT_EQ(refused.status, 409u) << refused.body;
  json problem = Body(refused);
  ASSERT_EQ(problem["stranded"].size(), 1u);
  EXPECT_EQ(problem["stranded"][0]["id"], booked.id.value());
  EXPECT_EQ(problem["stranded"][0]["reasons"], json::array({"during_time_off"}));
  EXPECT_TRUE(Shown()["practitioners"][0]["time_off"].empty());

  auto kept = Send(http::Method::kPost,
                   "/practitioners/" + who + "/time-off?keep_appointments=true", owner_, &off);
  ASSERT_EQ(kept.status, 201u) << kept.body;
  json stored = Body(kept);
  EXPECT_EQ(stored["reason"], "Sick");
  EXPECT_EQ(stored["kept_appointments"][0]["id"], booked.id.value());
  EXPECT_EQ(storage_->FindAppointment(clinic_.id, booked.id)->status,
            core::scheduling::AppointmentStatus::kBooked);

  const std::string off_id = std::to_string(stored["id"].get<std::int64_t>());
  auto removed =
      Send(http::Method::kDelete, "/practitioners/" + who + "/time-off/" + off_id, owner_);
  EXPECT_EQ(removed.status, 204u) << removed.body;
  EXPECT_TRUE(Shown()["practitioners"][0]["time_off"].empty());
  EXPECT_EQ(
      Send(http::Method::kDelete, "/practitioners/" + who + "/time-off/" + off_id, owner_).status,
      404u);
}

TEST_F(SetupRoutesTest, AServiceIsAddedWithItsShape) {
  json service = Shown()["services"][5];
  service["slug"] = "assisted-stretch";
  service["name"] = "Assisted stretch";
  service["price"]["amount_minor"] = 5500;
  auto added = Send(http::Method::kPost, "/services", owner_, &service);
  ASSERT_EQ(added.status, 201u) << added.body;
  EXPECT_EQ(Body(added)["price"]["display"], "$55.00");
  EXPECT_EQ(Shown()["services"].size(), 7u);
}

}  // namespace
}  // namespace unknot::api::v1
