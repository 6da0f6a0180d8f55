#pragma once

// The patient's reminder choice from the manage page (issue 16):
// GET /api/v1/clinics/{clinic}/appointments/{id}/reminders  -> 200 {"reminders": true|false}
// PUT the same with {"reminders": true|false}               -> 200 the stored choice
// Both take the manage token like the other manage routes (Authorization: Bearer, or ?token=); a
// wrong token is 404, exactly like an unknown id. The choice is the patient's, for all their
// appointments. The arguments must outlive the router.

#include "api/http/router.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

void AddReminderRoutes(http::Router& router, core::ports::Storage& storage,
                       const core::Clock& clock, core::ports::TokenService& tokens);

}  // namespace unknot::api::v1
