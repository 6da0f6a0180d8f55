#pragma once

// API v1 held times (issue 16): a patient's browser holds the chosen time while the patient fills
// in their details, then books it with the hold's token. Public like booking: the hold's token is
// its only key. Handlers translate HTTP to app/holds.hpp and back.

#include "api/http/router.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// POST   /api/v1/clinics/{clinic}/holds  {"service", "start", "practitioner": id | "any"}
//   -> 201 {"hold": token, "expires_at", "practitioner", "service", "start", "end", "local_start",
//      "local_end"}; refused like a booking (422 with a reason, 409 taken, with alternatives).
// DELETE /api/v1/clinics/{clinic}/holds/{token}  -> 204; 404 when the token names no hold.
// Called by AddBookingRoutes. The arguments must outlive the router.
void AddHoldRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
                   core::ports::TokenService& tokens);

}  // namespace unknot::api::v1
