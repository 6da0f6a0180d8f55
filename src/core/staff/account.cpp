#include "core/staff/account.hpp"

#include <algorithm>
#include <chrono>

#include "core/clinic/patient.hpp"
#include "core/common/text.hpp"

namespace unknot::core::staff {

std::string NormalizeEmail(std::string_view email) {
  std::string out(email);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

Result<void> Validate(const StaffAccount& account) {
  UNKNOT_TRY(clinic::ValidateEmail("email", account.email));
  if (account.display_name.empty() || account.display_name.size() > 100) {
    return Error::InvalidField("display_name", "must be 1 to 100 characters");
  }
  UNKNOT_TRY(ValidateText("display_name", account.display_name));
  if (account.role == StaffRole::kPractitioner &&
      (!account.practitioner || !account.practitioner->is_set())) {
    return Error::InvalidField("practitioner_id",
                               "is required for the practitioner role: the account's schedule");
  }
  return Ok();
}

std::string_view ToString(SessionState state) {
  switch (state) {
    case SessionState::kActive:
      return "active";
    case SessionState::kEnded:
      return "ended";
    case SessionState::kIdleExpired:
      return "idle_expired";
    case SessionState::kExpired:
      return "expired";
  }
  return "unknown";
}

Instant IdleExpiry(const Session& session, const clinic::SessionPolicy& policy) {
  return std::min(session.last_seen_at + policy.idle_timeout, session.expires_at);
}

SessionState StateAt(const Session& session, const clinic::SessionPolicy& policy, Instant now) {
  if (session.ended_at) return SessionState::kEnded;
  if (now >= session.expires_at) return SessionState::kExpired;
  if (now >= session.last_seen_at + policy.idle_timeout) return SessionState::kIdleExpired;
  return SessionState::kActive;
}

namespace {

void Field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append("=").append(std::to_string(value.size())).append(":").append(value);
  out.push_back('\n');
}

std::string IdText(const auto& id) { return id ? std::to_string(id->value()) : std::string(); }

}  // namespace

std::string CanonicalText(const AuditEntry& entry) {
  std::string out = "unknot-audit-v1\n";
  Field(out, "sequence", std::to_string(entry.sequence));
  Field(out, "clinic", std::to_string(entry.clinic.value()));
  Field(out, "staff", IdText(entry.staff));
  Field(out, "staff_email", entry.staff_email);
  Field(out, "role", entry.role ? ToString(*entry.role) : std::string_view());
  Field(out, "action", entry.action);
  Field(out, "patient", IdText(entry.patient));
  Field(out, "record", entry.record);
  Field(out, "detail", entry.detail);
  Field(out, "at", std::to_string(entry.at.time_since_epoch().count()));
  Field(out, "client_address", entry.client_address);
  Field(out, "request_id", entry.request_id);
  Field(out, "previous_hash", entry.previous_hash);
  return out;
}

}  // namespace unknot::core::staff
