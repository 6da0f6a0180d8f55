#pragma once

// API v1 booking routes: availability, booking, and managing an appointment with its token.
// Handlers translate HTTP to the app use cases and back; the rules live in core and app.

#include <memory>

#include "api/http/router.hpp"
#include "api/v1/availability_cache.hpp"
#include "app/booking.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// GET  /api/v1/clinics/{clinic}/availability?service=&from=&to=[&practitioner=]
// POST /api/v1/clinics/{clinic}/appointments            (Idempotency-Key honoured; "hold")
// GET  /api/v1/clinics/{clinic}/appointments/{id}        (token)
// POST /api/v1/clinics/{clinic}/appointments/{id}/cancel     (token)
// POST /api/v1/clinics/{clinic}/appointments/{id}/reschedule (token, start[, practitioner])
// and the held times of hold_routes.hpp. The arguments must outlive the router. Availability
// answers are kept in `cache` (a new one when null; tests pass theirs to watch it).
void AddBookingRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
                      core::ports::TokenService& tokens,
                      std::shared_ptr<AvailabilityCache> cache = nullptr);

// 422 for a start that cannot be booked (reason: too_soon, beyond_horizon, outside_hours,
// not_on_step), 409 when it is taken; with the nearest free starts as "alternatives" and the
// names they refer to. Shared by bookings, reschedules and holds.
http::Response RefusedResponse(const app::ClinicContext& clinic, const app::Refused& refused);

}  // namespace unknot::api::v1
