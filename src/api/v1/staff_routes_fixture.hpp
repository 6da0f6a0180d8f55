#pragma once

// The demo clinic with the staff gate and a signed-in account of each role, made directly in
// storage (no password hashing, no sign-in route), for tests of staff route handlers. Requests
// go through the router with the account's session cookie, as a browser sends them.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/test_fixture.hpp"
#include "api/v1/staff_gate.hpp"
#include "security/session_secrets.hpp"

namespace unknot::api {

class StaffRoutesFixture : public DemoClinicFixture {
 protected:
  // A staff account with a live session.
  struct SignedIn {
    core::staff::StaffAccount account;
    core::staff::Session session;
    std::string cookie;  // the Cookie header value: "unknot_session=<secret>"
  };

  void SetUp() override {
    DemoClinicFixture::SetUp();
    clinic_ = storage_->FindClinic(app::kDemoClinicSlug).value();
    setup_ = *storage_->LoadSetup(clinic_.id).value();
    ASSERT_GE(setup_.practitioners.size(), 2u);
    staff_routes_ = std::make_unique<v1::StaffRoutes>(router_, *storage_, clock_);
    owner_ = SignIn(AddStaff("owner@example.org", core::staff::StaffRole::kOwner));
    desk_ = SignIn(AddStaff("desk@example.org", core::staff::StaffRole::kFrontDesk));
    okafor_ = SignIn(AddStaff("okafor@example.org", core::staff::StaffRole::kPractitioner,
                              setup_.practitioners[0].id));
    other_practitioner_ = SignIn(AddStaff(
        "second@example.org", core::staff::StaffRole::kPractitioner, setup_.practitioners[1].id));
  }

  core::staff::StaffAccount AddStaff(std::string email, core::staff::StaffRole role,
                                     std::optional<core::PractitionerId> practitioner = {},
                                     core::ClinicId clinic = {}) {
    core::staff::StaffAccount account;
    account.clinic = clinic.is_set() ? clinic : clinic_.id;
    account.email = std::move(email);
    account.display_name = "Staff " + std::string(core::staff::ToString(role));
    account.role = role;
    account.practitioner = practitioner;
    account.password_hash = "not-a-real-hash";  // nobody signs in with a password here
    account.created_at = clock_.Now();
    account.password_changed_at = clock_.Now();
    auto created = storage_->CreateStaff(account, std::nullopt);
    EXPECT_TRUE(created) << created.error().message();
    return created.value_or(account);
  }

  SignedIn SignIn(const core::staff::StaffAccount& account) {
    security::NewSessionSecrets secrets = security::NewSessionSecretsNow();
    core::staff::Session session;
    session.secret_hash = secrets.session_id_hash;
    session.clinic = account.clinic;
    session.staff = account.id;
    session.csrf_token = secrets.csrf_token;
    session.created_at = clock_.Now();
    session.last_seen_at = clock_.Now();
    session.expires_at = clock_.Now() + std::chrono::hours{12};
    session.client_address = "203.0.113.7";
    core::staff::AuditEntry entry;
    entry.clinic = account.clinic;
    entry.staff = account.id;
    entry.staff_email = account.email;
    entry.role = account.role;
    entry.action = "sign_in";
    entry.at = clock_.Now();
    entry.client_address = session.client_address;
    auto stored = storage_->CreateSession(session, entry);
    EXPECT_TRUE(stored) << stored.error().message();
    return {account, stored.value_or(session), "unknot_session=" + secrets.session_id};
  }

  // A GET of `target` (path and query) by `who` (nullptr: no cookie), from 203.0.113.7.
  http::Response StaffGet(const SignedIn* who, const std::string& target,
                          std::string request_id = "req-test") {
    http::Request request;
    request.method = http::Method::kGet;
    auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    if (who != nullptr) request.headers.emplace_back("cookie", who->cookie);
    request.client_address = "203.0.113.7";
    request.request_id = std::move(request_id);
    return router_.Dispatch(request);
  }

  core::clinic::Patient AddPatient(std::string given, std::string family, std::string email,
                                   std::string phone, core::ClinicId clinic = {}) {
    core::clinic::Patient patient;
    patient.given_name = std::move(given);
    patient.family_name = std::move(family);
    patient.email = std::move(email);
    patient.phone = std::move(phone);
    patient.created_at = clock_.Now();
    auto created = storage_->CreatePatient(clinic.is_set() ? clinic : clinic_.id, patient);
    EXPECT_TRUE(created) << created.error().message();
    return created.value_or(patient);
  }

  // A 30-minute appointment in the demo clinic starting at `start` (RFC 3339) with the
  // practitioner setup_.practitioners[practitioner], in room setup_.rooms[room].
  core::scheduling::Appointment AddAppointment(
      const core::clinic::Patient& patient, std::size_t practitioner, const char* start,
      std::optional<core::AssessmentId> assessment = {}, std::size_t room = 0,
      core::scheduling::AppointmentStatus status = core::scheduling::AppointmentStatus::kBooked) {
    const core::Instant begin = core::ParseInstant(start).value();
    const core::Interval time =
        core::Interval::Create(begin, begin + std::chrono::minutes{30}).value();
    const bool cancelled = status == core::scheduling::AppointmentStatus::kCancelled;
    core::scheduling::Appointment appointment{
        .id = {},
        .patient = patient.id,
        .practitioner = setup_.practitioners.at(practitioner).id,
        .service = setup_.services.at(0).id,
        .room = setup_.rooms.at(room).id,
        .time = time,
        .blocked_until = time.end(),
        .status = status,
        .source = core::scheduling::BookingSource::kOnline,
        .created_at = clock_.Now(),
        .updated_at = clock_.Now(),
        .cancelled_at = cancelled ? std::optional<core::Instant>{clock_.Now()} : std::nullopt,
        .assessment = assessment};
    auto stored = storage_->InsertAppointment(clinic_.id, appointment);
    EXPECT_TRUE(stored) << stored.error().message();
    return stored.value_or(appointment);
  }

  // The clinic's audit log, newest first.
  std::vector<core::staff::AuditEntry> AuditLog(core::ports::AuditFilter filter = {}) {
    filter.limit = 1000;
    auto entries = storage_->ListAudit(clinic_.id, filter);
    EXPECT_TRUE(entries) << entries.error().message();
    return entries.value_or(std::vector<core::staff::AuditEntry>{});
  }

  // The first header called `name`, or "(none)".
  static std::string HeaderOf(const http::Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "(none)";
  }

  // The first field error's name, or "" when there is none.
  static std::string FirstField(const http::Response& response) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("errors")) return "";
    return body["errors"][0]["field"].get<std::string>();
  }

  core::clinic::Clinic clinic_;
  core::clinic::ClinicSetup setup_;
  std::unique_ptr<v1::StaffRoutes> staff_routes_;
  SignedIn owner_;
  SignedIn desk_;
  SignedIn okafor_;              // practitioner of setup_.practitioners[0]
  SignedIn other_practitioner_;  // practitioner of setup_.practitioners[1]
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

}  // namespace unknot::api
