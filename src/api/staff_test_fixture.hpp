#pragma once

// The demo clinic with every staff route (AddStaffApi), one signed-up account per role, and a
// second clinic with an owner of its own, for tests of the staff API through the router (no
// sockets). Passwords are hashed at the smallest argon2id cost.

#include <optional>
#include <string>

#include "api/test_fixture.hpp"
#include "api/v1/calendar_stream.hpp"
#include "api/v1/staff_api.hpp"
#include "app/demo_clinic.hpp"
#include "app/live_changes.hpp"
#include "messaging/wordings.hpp"
#include "security/password_hasher.hpp"

namespace unknot::api {

class StaffFixture : public DemoClinicFixture {
 protected:
  static constexpr const char* kPassword = "correct horse battery staple";
  static constexpr const char* kHost = "clinic.test";
  static constexpr const char* kOrigin = "http://clinic.test";

  void SetUp() override {
    DemoClinicFixture::SetUp();
    clinic_ = storage_->FindClinic(app::kDemoClinicSlug).value();
    auto setup = storage_->LoadSetup(clinic_.id).value();
    maya_ = setup->practitioners.at(0).id;
    sam_ = setup->practitioners.at(2).id;
    // Another clinic, with the demo's set-up under another name.
    core::clinic::ClinicSetup other = *setup;
    other.clinic.slug = "other-clinic";
    other.clinic.name = "Other Clinic";
    other_clinic_ = storage_->CreateClinic(other).value().clinic;

    common_ = core::staff::CommonPasswords::FromText("password1234\nletmeinletmein\n");
    security::PasswordHasherOptions options;
    options.cost = security::HashCost::Minimum();
    hasher_ = std::make_unique<security::PasswordHasher>(options);
    staff_ = std::make_unique<v1::StaffRoutes>(router_, *storage_, clock_);
    auto knowledge = knowledge::LoadKnowledge(std::filesystem::path(testing::SourceDir()) / "data");
    ASSERT_TRUE(knowledge) << knowledge.error().message();
    staff_knowledge_ = std::move(*knowledge);
    v1::AddStaffApi(router_, *staff_,
                    {*hasher_, common_, throttle_, &staff_knowledge_.knowledge, &wordings_});
    live_ = std::make_unique<app::LiveChanges>(*storage_);
    v1::AddCalendarStreamRoutes(*staff_, *live_, *storage_);

    owner_ = AddAccount(clinic_.id, "owner@clinic.test", core::staff::StaffRole::kOwner);
    desk_ = AddAccount(clinic_.id, "desk@clinic.test", core::staff::StaffRole::kFrontDesk);
    maya_account_ =
        AddAccount(clinic_.id, "maya@clinic.test", core::staff::StaffRole::kPractitioner, maya_);
    other_owner_ = AddAccount(other_clinic_.id, "owner@other.test", core::staff::StaffRole::kOwner);
  }

  core::staff::StaffAccount AddAccount(core::ClinicId clinic, std::string email,
                                       core::staff::StaffRole role,
                                       std::optional<core::PractitionerId> practitioner = {}) {
    core::staff::StaffAccount account;
    account.clinic = clinic;
    account.email = std::move(email);
    account.display_name = "Test " + std::string(core::staff::ToString(role));
    account.role = role;
    account.practitioner = practitioner;
    account.password_hash = hasher_->Hash(kPassword).get().value();
    account.created_at = clock_.Now();
    account.password_changed_at = clock_.Now();
    return storage_->CreateStaff(account, std::nullopt).value();
  }

  // A browser signed in: its cookie and CSRF token.
  struct Browser {
    std::string cookie;  // "unknot_session=..."
    std::string csrf;
  };

  http::Response SignInResponse(const std::string& email, const std::string& password,
                                const std::string& slug = std::string(app::kDemoClinicSlug),
                                const std::string& address = "198.51.100.7") {
    return Send(http::Method::kPost, "/api/v1/clinics/" + slug + "/session",
                nlohmann::json{{"email", email}, {"password", password}}, nullptr, {}, address);
  }

  Browser SignIn(const std::string& email,
                 const std::string& slug = std::string(app::kDemoClinicSlug)) {
    http::Response r = SignInResponse(email, kPassword, slug);
    EXPECT_EQ(r.status, 201u) << r.body;
    Browser browser;
    for (const auto& [name, value] : r.headers) {
      if (name == "Set-Cookie") browser.cookie = value.substr(0, value.find(';'));
    }
    if (r.status == 201) browser.csrf = Body(r)["csrf_token"];
    return browser;
  }

  // A request as a browser on the clinic's own origin sends it: JSON body, session cookie, CSRF
  // token and Origin (each may be overridden or removed through `headers`: a value of "" drops
  // that header).
  http::Response Send(http::Method method, const std::string& target,
                      std::optional<nlohmann::json> body, const Browser* browser,
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      std::string address = "198.51.100.7") {
    http::Request request;
    request.method = method;
    auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    if (body) request.body = body->dump();
    request.client_address = std::move(address);
    request.request_id = "test-" + std::to_string(++requests_);
    std::vector<std::pair<std::string, std::string>> all = {
        {"host", kHost}, {"origin", kOrigin}, {"content-type", "application/json"}};
    if (browser != nullptr) {
      all.emplace_back("cookie", browser->cookie);
      all.emplace_back("x-csrf-token", browser->csrf);
    }
    for (auto& [name, value] : headers) {
      std::erase_if(all, [&](const auto& h) { return h.first == name; });
      if (!value.empty()) all.emplace_back(name, value);
    }
    request.headers = std::move(all);
    return router_.Dispatch(request);
  }

  http::Response Get(const std::string& target, const Browser& browser) {
    return Send(http::Method::kGet, target, std::nullopt, &browser);
  }

  static std::optional<std::string> HeaderOf(const http::Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::nullopt;
  }

  std::string base_ = "/api/v1/clinics/" + std::string(app::kDemoClinicSlug);
  core::clinic::Clinic clinic_;
  core::clinic::Clinic other_clinic_;
  core::PractitionerId maya_;
  core::PractitionerId sam_;
  core::staff::CommonPasswords common_;
  knowledge::LoadedKnowledge staff_knowledge_;  // visit notes' muscles, home care's routines
  std::unique_ptr<security::PasswordHasher> hasher_;
  v1::SignInThrottle throttle_;
  messaging::Wordings wordings_;
  std::unique_ptr<v1::StaffRoutes> staff_;
  std::unique_ptr<app::LiveChanges> live_;
  core::staff::StaffAccount owner_, desk_, maya_account_, other_owner_;
  int requests_ = 0;
};

}  // namespace unknot::api
