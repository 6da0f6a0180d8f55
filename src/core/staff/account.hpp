#pragma once

// Staff accounts, their sessions and the audit log's entries, as the domain sees them. Storage
// keeps them (core/ports/staff.hpp); the API signs people in and out with them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clinic/clinic.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/staff/authorization.hpp"

namespace unknot::core::staff {

// Someone who works at one clinic and signs in to its staff pages.
struct StaffAccount {
  StaffId id;
  ClinicId clinic;
  std::string email;  // stored lower-case; unique within the clinic
  std::string display_name;
  StaffRole role = StaffRole::kFrontDesk;
  // The clinic's practitioner record this account belongs to: required for kPractitioner,
  // optional for the others (an owner who also treats).
  std::optional<PractitionerId> practitioner;
  bool disabled = false;
  std::string password_hash;  // libsodium's argon2id string; never the password
  Instant created_at;
  Instant password_changed_at;

  friend bool operator==(const StaffAccount&, const StaffAccount&) = default;
};

// The email as stored and compared: trimmed of nothing, lower-cased (ASCII).
std::string NormalizeEmail(std::string_view email);

// Email (a plausible address, at most 254 bytes), display name (1 to 100 characters, no
// control characters), and a practitioner record for the practitioner role. Field names as the
// API spells them: "email", "display_name", "practitioner_id".
Result<void> Validate(const StaffAccount& account);

// A signed-in browser. The secret sent as the cookie is never stored, only its SHA-256
// (security/session_secrets.hpp); `id` is the row, which staff pages may show and end.
struct Session {
  SessionId id;
  std::string secret_hash;  // lower-case hex SHA-256 of the cookie's secret; unique
  ClinicId clinic;
  StaffId staff;
  std::string csrf_token;  // sent back by GET .../session, required on staff writes
  Instant created_at;
  Instant last_seen_at;        // moved forward at most once a minute (a write per request is waste)
  Instant expires_at;          // created_at + the clinic's absolute timeout at sign-in
  std::string client_address;  // where it signed in from; shown to the owner
  std::optional<Instant> ended_at;  // signed out, ended by the owner, or by a password change

  friend bool operator==(const Session&, const Session&) = default;
};

enum class SessionState { kActive, kEnded, kIdleExpired, kExpired };

std::string_view ToString(SessionState state);

// Whether `session` may still be used at `now` under the clinic's policy: ended, past its
// absolute expiry, past last_seen_at + idle_timeout, else active.
SessionState StateAt(const Session& session, const clinic::SessionPolicy& policy, Instant now);

// How long after the last request a session stays usable (for the answer of GET .../session).
Instant IdleExpiry(const Session& session, const clinic::SessionPolicy& policy);

// One line of the audit log: a staff member read or changed something. Entries are appended,
// never changed: storage chains each to the one before it in the same clinic by a hash (`hash`
// covers `previous_hash` and CanonicalText()), so an edited or removed row breaks the chain.
struct AuditEntry {
  std::int64_t sequence = 0;  // 1, 2, 3 ... within the clinic; assigned by storage
  ClinicId clinic;
  std::optional<StaffId> staff;  // none for a failed sign-in of an unknown email
  std::string staff_email;       // as it was at the time
  std::optional<StaffRole> role;
  std::string action;  // an Action's name (ToString(Action)) or "sign_in", "sign_out", ...
  std::optional<PatientId> patient;
  std::string record;  // what was touched, e.g. "patient/12", "practitioner/3", "" for a list
  std::string detail;  // short, no personal data: e.g. "q=3 results", "kept 2 appointments"
  Instant at;
  std::string client_address;
  std::string request_id;
  std::string previous_hash;  // of the clinic's entry before this one; "" for the first
  std::string hash;           // lower-case hex SHA-256; assigned by storage

  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// The fields an entry's hash covers, in one fixed text form (every field but `hash`, each
// length-prefixed so no two entries share a text). Stable: changing it breaks every stored chain.
std::string CanonicalText(const AuditEntry& entry);

}  // namespace unknot::core::staff
