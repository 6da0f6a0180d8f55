#pragma once

// JSON shapes of the waitlist (API v1, issue 16); see docs/api.md.

#include <nlohmann/json.hpp>

#include "app/waitlist.hpp"

namespace unknot::api::json {

// A join request: {"service", "practitioner": id | "any" | null, "windows": [{"days": ["monday",
// ...], "from": "HH:MM", "to": "HH:MM"}], "until": "YYYY-MM-DD", "patient": {"given_name",
// "family_name", "email", "phone"}}; with `staff`, also "urgent" (bool) and an optional email.
// kInvalidArgument naming the field.
core::Result<app::WaitlistRequest> ParseWaitlistRequest(const nlohmann::json& body, bool staff);

// {"id", "status", "service": {id, name}, "practitioner": {id, display_name} | null, "windows",
//  "until", "urgent", "source", "created_at", "patient": {given_name, family_name, email, phone}}
nlohmann::json WaitlistEntryJson(const app::ClinicContext& clinic,
                                 const core::ports::WaitlistEntry& entry);

// An offer: the time (TimeJson), "service", "practitioner", "status", "expires_at".
nlohmann::json OfferJson(const app::ClinicContext& clinic, const core::ports::WaitlistOffer& offer);

}  // namespace unknot::api::json
