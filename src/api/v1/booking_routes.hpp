#pragma once

// API v1 booking routes: availability, booking, and managing an appointment with its token.
// Handlers translate HTTP to the app use cases and back; the rules live in core and app.

#include "api/http/router.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// GET  /api/v1/clinics/{clinic}/availability?service=&from=&to=[&practitioner=]
// POST /api/v1/clinics/{clinic}/appointments            (Idempotency-Key honoured)
// GET  /api/v1/clinics/{clinic}/appointments/{id}        (token)
// POST /api/v1/clinics/{clinic}/appointments/{id}/cancel     (token)
// POST /api/v1/clinics/{clinic}/appointments/{id}/reschedule (token, start[, practitioner])
// The arguments must outlive the router.
void AddBookingRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
                      core::ports::TokenService& tokens);

}  // namespace unknot::api::v1
