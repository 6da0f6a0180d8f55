#pragma once

// Limits on the public writes, against hostile and careless clients: token buckets per client
// address (per kind of write) and, for bookings, per patient email, with the clinic's rates
// (BookingPolicy::address_writes, email_bookings). One place guards every public write route, so
// handlers stay free of it. A refused request is answered 429 with Retry-After (whole seconds)
// and a problem that says which limit it hit.

#include <functional>

#include "api/http/rate_limit.hpp"
#include "api/http/router.hpp"
#include "app/booking.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

using LimiterClock = std::function<http::RateLimiter::Clock::time_point()>;

// Guards the public write routes already on `router` (AddBookingRoutes, AddAssessmentRoutes):
//   POST /api/v1/clinics/{clinic}/appointments                 per address and per email
//   POST /api/v1/clinics/{clinic}/appointments/{id}/cancel     per address
//   POST /api/v1/clinics/{clinic}/appointments/{id}/reschedule per address
//   POST /api/v1/clinics/{clinic}/assessments                  per address
//   POST /api/v1/clinics/{clinic}/holds                        per address
// Every attempt counts, whatever its answer. A request of an unknown clinic, or without a client
// address (not from a socket), passes unlimited by address; a booking body without a readable
// patient.email passes unlimited by email (the handler refuses it). Throws std::invalid_argument
// when a route is missing. `storage` must outlive the router; `now` is the limiter's clock.
void AddWriteLimits(http::Router& router, core::ports::Storage& storage,
                    LimiterClock now = http::RateLimiter::Clock::now,
                    std::size_t max_buckets = http::RateLimiter::kDefaultMaxBuckets);

// 409 problem for a booking refused by the future bookings cap: type
// https://unknot.dev/problems/too-many-future-bookings, the message (with the clinic's phone),
// the field patient.email, and members `limit` and `phone`.
http::Response TooManyBookingsResponse(const app::ClinicContext& clinic,
                                       const app::TooManyBookings& refused);

}  // namespace unknot::api::v1
