#pragma once

// Staff sign-in and sessions, the signed-in member's own account, and the owner's management of
// staff accounts and sessions (docs/api.md, "Staff API"):
//
//   POST   /api/v1/clinics/{clinic}/session            sign in (email, password)
//   GET    /api/v1/clinics/{clinic}/session            who is signed in, CSRF token, permissions
//   DELETE /api/v1/clinics/{clinic}/session            sign out
//   PUT    /api/v1/clinics/{clinic}/staff/me/password  change own password; ends other sessions
//   GET    /api/v1/clinics/{clinic}/staff/me/sessions  own live sessions
//   DELETE /api/v1/clinics/{clinic}/staff/me/sessions  sign out everywhere
//   GET    /api/v1/clinics/{clinic}/staff              accounts (owner)
//   POST   /api/v1/clinics/{clinic}/staff              add an account with a first password
//   PATCH  /api/v1/clinics/{clinic}/staff/{id}         disable/enable, role, practitioner, name
//   GET    /api/v1/clinics/{clinic}/sessions           every live session of the clinic
//   DELETE /api/v1/clinics/{clinic}/sessions/{id}      end one
//
// Password hashing runs on the hasher's pool: those routes answer from it, never blocking an I/O
// thread. Sign-in is throttled (SignInThrottle); an unknown email, a disabled account and a wrong
// password get the same 401 after the same work (a verification against a dummy hash).

#include "api/http/router.hpp"
#include "api/v1/sign_in_throttle.hpp"
#include "api/v1/staff_gate.hpp"
#include "core/clinical/knowledge.hpp"
#include "core/staff/password_policy.hpp"
#include "security/password_hasher.hpp"

namespace unknot::api::v1 {

class MessageWordings;  // api/v1/message_routes.hpp

struct SessionRouteDeps {
  security::PasswordHasher& hasher;
  const core::staff::CommonPasswords& common_passwords;
  SignInThrottle& throttle;
  // The clinical knowledge the visit-note routes check findings against; without it (nullptr)
  // they are not served.
  const core::clinical::Knowledge* knowledge = nullptr;
  // The wording of patient messages (src/messaging); without it (nullptr) the message routes
  // are not served.
  const MessageWordings* message_wordings = nullptr;
};

// Registers the routes above: sign-in, GET and DELETE of the session on `router` (their own door:
// no session yet, or the session itself), the rest through `staff`. Everything passed must
// outlive the router.
void AddSessionRoutes(http::Router& router, StaffRoutes& staff, SessionRouteDeps deps);

}  // namespace unknot::api::v1
