#pragma once

// API v1 calendar files: an appointment as iCalendar, for the patient's calendar.

#include "api/http/router.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// GET /api/v1/clinics/{clinic}/appointments/{id}.ics   (manage token: Authorization: Bearer, or
// ?token= as the other manage routes take it) -> text/calendar, written by api/ical. A wrong
// token is 404, exactly like an unknown id. The arguments must outlive the router.
void AddIcsRoutes(http::Router& router, core::ports::Storage& storage,
                  core::ports::TokenService& tokens);

}  // namespace unknot::api::v1
