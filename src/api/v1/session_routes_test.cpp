#include "api/v1/session_routes.hpp"

#include <gtest/gtest.h>

#include "api/staff_test_fixture.hpp"

namespace unknot::api::v1 {
namespace {

using http::Method;
using nlohmann::json;
namespace staff = core::staff;

class SessionRoutesTest : public StaffFixture {
 protected:
  std::vector<staff::AuditEntry> Audit() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(clinic_.id, filter).value();
  }
  void Advance(std::chrono::seconds by) { clock_.Set(clock_.Now() + by); }
};

TEST_F(SessionRoutesTest, SignInSetsAStrictCookieAndSaysWhoIsSignedIn) {
  auto r = SignInResponse("Owner@Clinic.test", kPassword);  // email case does not matter
  ASSERT_EQ(r.status, 201u) << r.body;
  auto cookie = HeaderOf(r, "Set-Cookie").value();
  EXPECT_EQ(cookie.rfind("unknot_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain http in this test
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
  json body = Body(r);
  EXPECT_EQ(body["staff"]["email"], "owner@clinic.test");
  EXPECT_EQ(body["staff"]["role"], "owner");
  EXPECT_EQ(body["clinic"]["slug"], clinic_.slug);
  EXPECT_EQ(body["permissions"]["edit_clinic_setup"], "clinic");
  EXPECT_EQ(body["expires_at"], "2026-11-27T06:00:00Z");  // 12 h after sign-in
  EXPECT_EQ(body["idle_expires_at"], "2026-11-26T18:30:00Z");

  Browser desk = SignIn("desk@clinic.test");
  auto me = Get(base_ + "/session", desk);
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(Body(me)["staff"]["role"], "front_desk");
  EXPECT_EQ(Body(me)["csrf_token"], desk.csrf);
  EXPECT_EQ(Body(me)["permissions"]["view_clinical_notes"], "denied");
  EXPECT_EQ(Body(me)["permissions"]["view_schedule"], "clinic");

  // Signed out, or a made-up cookie: 401.
  EXPECT_EQ(Send(Method::kGet, base_ + "/session", std::nullopt, nullptr).status, 401u);
  Browser forged{"unknot_session=" + std::string(43, 'A'), "x"};
  EXPECT_EQ(Get(base_ + "/session", forged).status, 401u);
}

TEST_F(SessionRoutesTest, UnknownEmailDisabledAccountAndWrongPasswordLookAlike) {
  auto disabled = AddAccount(clinic_.id, "gone@clinic.test", staff::StaffRole::kFrontDesk);
  staff::AuditEntry entry;
  entry.clinic = clinic_.id;
  entry.action = "test";
  entry.at = clock_.Now();
  ASSERT_TRUE(storage_->SetStaffDisabled(clinic_.id, disabled.id, true, clock_.Now(), entry));
  const auto dummies_before = hasher_->dummy_verifications();
  auto wrong = SignInResponse("owner@clinic.test", "not the password at all");
  auto unknown = SignInResponse("nobody@clinic.test", kPassword);
  auto gone = SignInResponse("gone@clinic.test", kPassword);
  for (const auto* r : {&wrong, &unknown, &gone}) {
    EXPECT_EQ(r->status, 401u) << r->body;
    EXPECT_EQ(r->body, wrong.body);
    EXPECT_FALSE(HeaderOf(*r, "Set-Cookie").has_value());
  }
  // The unknown and the disabled account were verified against the dummy hash: same work.
  EXPECT_EQ(hasher_->dummy_verifications(), dummies_before + 2);
  // Each failure is in the audit log; an unknown email is recorded without it.
  int failed = 0;
  for (const auto& e : Audit()) {
    if (e.action != "sign_in_failed") continue;
    ++failed;
    if (!e.staff) {
      EXPECT_EQ(e.detail, "unknown email");
      EXPECT_EQ(e.staff_email, "");
    }
  }
  EXPECT_EQ(failed, 3);
}

TEST_F(SessionRoutesTest, RepeatedFailuresAreThrottledWithRetryAfterAndOnlyForAWhile) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(SignInResponse("owner@clinic.test", "wrong password " + std::to_string(i)).status,
              401u);
  }
  // The sixth try waits, even with the right password.
  auto refused = SignInResponse("owner@clinic.test", kPassword);
  ASSERT_EQ(refused.status, 429u) << refused.body;
  EXPECT_EQ(HeaderOf(refused, "Retry-After"), "1");
  // From another address the account is still held back (a minute at most).
  EXPECT_EQ(SignInResponse("owner@clinic.test", kPassword, clinic_.slug, "203.0.113.9").status,
            429u);
  Advance(std::chrono::seconds{1});
  ASSERT_EQ(SignInResponse("owner@clinic.test", "still wrong password").status, 401u);
  auto longer = SignInResponse("owner@clinic.test", kPassword);
  EXPECT_EQ(longer.status, 429u);
  EXPECT_EQ(HeaderOf(longer, "Retry-After"), "2");
  Advance(std::chrono::seconds{2});
  // Success clears the count.
  EXPECT_EQ(SignInResponse("owner@clinic.test", kPassword).status, 201u);
  EXPECT_EQ(SignInResponse("owner@clinic.test", "wrong once more").status, 401u);
  EXPECT_EQ(SignInResponse("owner@clinic.test", kPassword).status, 201u);
}

TEST_F(SessionRoutesTest, TheAccountDelayIsCappedSoARealUserIsNotLockedOutForLong) {
  SignInThrottle throttle;
  const core::Instant t0 = clock_.Now();
  for (int i = 0; i < 40; ++i) throttle.Failed(clinic_.id, "owner@clinic.test", "", t0);
  EXPECT_EQ(throttle.WaitBefore(clinic_.id, "owner@clinic.test", "", t0), std::chrono::seconds{60});
  // The attacker's address waits far longer than the account does.
  for (int i = 0; i < 40; ++i) throttle.Failed(clinic_.id, "x@clinic.test", "192.0.2.1", t0);
  EXPECT_EQ(throttle.WaitBefore(clinic_.id, "y@clinic.test", "192.0.2.1", t0),
            std::chrono::minutes{15});
  // All of it is forgotten 15 minutes after the last failure.
  EXPECT_EQ(throttle.WaitBefore(clinic_.id, "owner@clinic.test", "192.0.2.1",
                                t0 + std::chrono::minutes{15}),
            std::chrono::seconds{0});
}

TEST_F(SessionRoutesTest, ThrottleMemoryIsBounded) {
  SignInThrottleOptions options;
  options.max_entries = 100;
  SignInThrottle throttle(options);
  for (int i = 0; i < 1000; ++i) {
    throttle.Failed(clinic_.id, "a" + std::to_string(i), "10.0.0." + std::to_string(i % 250),
                    clock_.Now() + std::chrono::seconds{i});
  }
  EXPECT_LE(throttle.entries(), 100u);
}

TEST_F(SessionRoutesTest, SessionsExpireWhenIdleAndAfterTheirAbsoluteLifetime) {
  Browser idle = SignIn("desk@clinic.test");
  Advance(std::chrono::minutes{29});
  EXPECT_EQ(Get(base_ + "/session", idle).status, 200u);  // and it moves last_seen forward
  Advance(std::chrono::minutes{29});
  EXPECT_EQ(Get(base_ + "/session", idle).status, 200u);
  Advance(std::chrono::minutes{31});
  EXPECT_EQ(Get(base_ + "/session", idle).status, 401u);

  Browser busy = SignIn("desk@clinic.test");
  for (int i = 0; i < 35; ++i) {  // 35 x 20 min = 11 h 40 min, never idle for long
    Advance(std::chrono::minutes{20});
    ASSERT_EQ(Get(base_ + "/session", busy).status, 200u) << i;
  }
  Advance(std::chrono::minutes{20});  // 12 h since sign-in
  EXPECT_EQ(Get(base_ + "/session", busy).status, 401u);
}

TEST_F(SessionRoutesTest, SignOutNeedsTheCsrfTokenAndEndsTheSession) {
  Browser desk = SignIn("desk@clinic.test");
  auto forged =
      Send(Method::kDelete, base_ + "/session", std::nullopt, &desk, {{"x-csrf-token", ""}});
  EXPECT_EQ(forged.status, 403u);
  EXPECT_EQ(Get(base_ + "/session", desk).status, 200u);
  auto out = Send(Method::kDelete, base_ + "/session", std::nullopt, &desk);
  EXPECT_EQ(out.status, 204u);
  EXPECT_NE(HeaderOf(out, "Set-Cookie").value().find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Get(base_ + "/session", desk).status, 401u);
  bool recorded = false;
  for (const auto& e : Audit())
    recorded = recorded || (e.action == "sign_out" && e.staff == desk_.id);
  EXPECT_TRUE(recorded);
}

TEST_F(SessionRoutesTest, StaffWritesNeedCsrfTokenSameOriginAndJson) {
  Browser owner = SignIn("owner@clinic.test");
  const std::string target = base_ + "/staff/" + std::to_string(desk_.id.value());
  json change = {{"display_name", "Renamed"}};
  EXPECT_EQ(Send(Method::kPatch, target, change, &owner, {{"x-csrf-token", ""}}).status, 403u);
  EXPECT_EQ(Send(Method::kPatch, target, change, &owner, {{"x-csrf-token", "wrong"}}).status, 403u);
  EXPECT_EQ(
      Send(Method::kPatch, target, change, &owner, {{"origin", "https://evil.example"}}).status,
      403u);
  EXPECT_EQ(Send(Method::kPatch, target, change, &owner, {{"origin", ""}}).status, 403u);
  EXPECT_EQ(Send(Method::kPatch, target, change, &owner, {{"content-type", "text/plain"}}).status,
            415u);
  EXPECT_EQ(storage_->FindStaff(clinic_.id, desk_.id)->display_name, desk_.display_name);
  auto done = Send(Method::kPatch, target, change, &owner);
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(storage_->FindStaff(clinic_.id, desk_.id)->display_name, "Renamed");
  EXPECT_EQ(HeaderOf(done, "Cache-Control"), "no-store");
}

TEST_F(SessionRoutesTest, APasswordChangeEndsTheOtherSessionsOnly) {
  Browser here = SignIn("desk@clinic.test");
  Browser elsewhere = SignIn("desk@clinic.test");
  const std::string target = base_ + "/staff/me/password";
  auto weak = Send(Method::kPut, target,
                   json{{"current_password", kPassword}, {"new_password", "short"}}, &here);
  ASSERT_EQ(weak.status, 400u);
  EXPECT_EQ(Body(weak)["errors"][0]["field"], "new_password");
  auto wrong = Send(
      Method::kPut, target,
      json{{"current_password", "not my password"}, {"new_password", "a much better pass phrase"}},
      &here);
  ASSERT_EQ(wrong.status, 403u);
  EXPECT_EQ(Body(wrong)["errors"][0]["field"], "current_password");
  EXPECT_EQ(Get(base_ + "/session", elsewhere).status, 200u);

  auto changed = Send(
      Method::kPut, target,
      json{{"current_password", kPassword}, {"new_password", "a much better pass phrase"}}, &here);
  ASSERT_EQ(changed.status, 204u) << changed.body;
  EXPECT_EQ(Get(base_ + "/session", here).status, 200u);
  EXPECT_EQ(Get(base_ + "/session", elsewhere).status, 401u);
  EXPECT_EQ(SignInResponse("desk@clinic.test", kPassword).status, 401u);
  EXPECT_EQ(SignInResponse("desk@clinic.test", "a much better pass phrase").status, 201u);
}

TEST_F(SessionRoutesTest, SignOutEverywhereEndsEverySessionOfTheAccount) {
  Browser a = SignIn("desk@clinic.test");
  Browser b = SignIn("desk@clinic.test");
  Browser owner = SignIn("owner@clinic.test");
  auto listed = Get(base_ + "/staff/me/sessions", a);
  ASSERT_EQ(listed.status, 200u);
  EXPECT_EQ(Body(listed)["sessions"].size(), 2u);
  EXPECT_EQ(Send(Method::kDelete, base_ + "/staff/me/sessions", std::nullopt, &a).status, 204u);
  EXPECT_EQ(Get(base_ + "/session", a).status, 401u);
  EXPECT_EQ(Get(base_ + "/session", b).status, 401u);
  EXPECT_EQ(Get(base_ + "/session", owner).status, 200u);
}

TEST_F(SessionRoutesTest, TheOwnerManagesAccountsAndSessions) {
  Browser owner = SignIn("owner@clinic.test");
  Browser desk = SignIn("desk@clinic.test");
  // Adding an account: the password rules apply, the email is unique in the clinic.
  json add = {{"email", "new@clinic.test"},
              {"display_name", "New Desk"},
              {"role", "front_desk"},
              {"password", "password1234"}};
  auto common = Send(Method::kPost, base_ + "/staff", add, &owner);
  ASSERT_EQ(common.status, 400u);
  EXPECT_EQ(Body(common)["errors"][0]["field"], "password");
  add["password"] = "a fine first pass phrase";
  auto created = Send(Method::kPost, base_ + "/staff", add, &owner);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(Body(created)["email"], "new@clinic.test");
  EXPECT_EQ(Body(created).count("password_hash"), 0u);
  EXPECT_EQ(Send(Method::kPost, base_ + "/staff", add, &owner).status, 409u);
  json practitioner = {{"email", "p@clinic.test"},
                       {"display_name", "P"},
                       {"role", "practitioner"},
                       {"password", "a fine first pass phrase"}};
  auto unlinked = Send(Method::kPost, base_ + "/staff", practitioner, &owner);
  ASSERT_EQ(unlinked.status, 400u);
  EXPECT_EQ(Body(unlinked)["errors"][0]["field"], "practitioner_id");

  auto sessions = Get(base_ + "/sessions", owner);
  ASSERT_EQ(sessions.status, 200u);
  json desk_session;
  const json listed = Body(sessions);
  for (const auto& s : listed["sessions"]) {
    if (s["staff_email"] == "desk@clinic.test") desk_session = s;
    EXPECT_EQ(s.count("csrf_token"), 0u);
  }
  ASSERT_FALSE(desk_session.is_null());
  EXPECT_EQ(
      Send(Method::kDelete, base_ + "/sessions/" + std::to_string(desk_session["id"].get<int>()),
           std::nullopt, &owner)
          .status,
      204u);
  EXPECT_EQ(Get(base_ + "/session", desk).status, 401u);

  // Disabling ends the account's sessions and its sign-ins; the owner cannot disable themselves.
  Browser again = SignIn("desk@clinic.test");
  const std::string desk_target = base_ + "/staff/" + std::to_string(desk_.id.value());
  EXPECT_EQ(Send(Method::kPatch, desk_target, json{{"disabled", true}}, &owner).status, 200u);
  EXPECT_EQ(Get(base_ + "/session", again).status, 401u);
  EXPECT_EQ(SignInResponse("desk@clinic.test", kPassword).status, 401u);
  auto self = Send(Method::kPatch, base_ + "/staff/" + std::to_string(owner_.id.value()),
                   json{{"disabled", true}}, &owner);
  EXPECT_EQ(self.status, 409u);
  EXPECT_EQ(Get(base_ + "/session", owner).status, 200u);

  // Another clinic's account is not found; the front desk may not manage staff.
  EXPECT_EQ(Send(Method::kPatch, base_ + "/staff/" + std::to_string(other_owner_.id.value()),
                 json{{"disabled", true}}, &owner)
                .status,
            404u);
  Browser maya = SignIn("maya@clinic.test");
  EXPECT_EQ(Get(base_ + "/staff", maya).status, 403u);
}

TEST_F(SessionRoutesTest, AnotherClinicsSessionFindsNothingHere) {
  Browser other = SignIn("owner@other.test", "other-clinic");
  EXPECT_EQ(Get(base_ + "/session", other).status, 404u);
  EXPECT_EQ(Get(base_ + "/staff", other).status, 404u);
  EXPECT_EQ(Get("/api/v1/clinics/other-clinic/staff", other).status, 200u);
  // An account of one clinic cannot sign in to another.
  EXPECT_EQ(SignInResponse("owner@other.test", kPassword).status, 401u);
}

}  // namespace
}  // namespace unknot::api::v1
