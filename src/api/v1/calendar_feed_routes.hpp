#pragma once

// API v1 practitioners' calendar feeds (issue 17): a secret, webcal://-friendly URL per
// practitioner that their calendar app subscribes to, with their coming appointments written by
// the product's one iCalendar writer (api/ical). Storage keeps only the hash of the secret.

#include <chrono>

#include "api/http/router.hpp"
#include "api/v1/staff_gate.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// How far ahead a feed reaches.
inline constexpr std::chrono::days kCalendarFeedDays{90};

// GET /api/v1/clinics/{clinic}/practitioners/{id}/calendar.ics?key=SECRET   (public)
//   -> 200 text/calendar: the practitioner's appointments with status booked, requested or
//   arrived that have not ended by now and start within kCalendarFeedDays; cancelled and declined
//   ones are absent. SUMMARY is the service and the patient's initials ("A. R."), or the name when
//   the clinic allows names in feeds. ETag; If-None-Match -> 304. A missing, wrong or rotated key,
//   an unknown practitioner or clinic: 404, all alike.
// The secret rides in the query string (calendar apps subscribe to a bare URL, without headers)
// because the access log writes http::LoggablePath, which drops the query: it is never logged.
// The arguments must outlive the router.
void AddCalendarFeedRoutes(http::Router& router, core::ports::Storage& storage,
                           const core::Clock& clock, core::ports::TokenService& tokens);

// Behind the staff gate:
// POST   /api/v1/clinics/{clinic}/practitioners/{id}/calendar-feed     manage_calendar_feed
//   -> 200 {"url": "http(s)://…/calendar.ics?key=…", "webcal": "webcal://…", "created_at"}:
//   a new secret, shown only in this answer; a feed the practitioner had stops working at once.
//   Audit record "practitioner/<id>/calendar-feed", detail "created" or "rotated".
// GET    same path                                                     manage_calendar_feed
//   -> 200 {"exists": bool, "created_at": RFC 3339 | null} (never the secret).
// DELETE same path                                                     manage_calendar_feed
//   -> 204, the feed turned off; 404 when there is none. Audit detail "turned off".
//   Owner: any practitioner of the clinic; practitioner: their own only (403 otherwise); front
//   desk: 403. An unknown practitioner: 404.
// GET    /api/v1/clinics/{clinic}/calendar-feed-settings                view_clinic_setup
//   -> 200 {"patient_names": bool}
// PUT    same path {"patient_names": bool}                              edit_clinic_setup
//   -> 200 {"patient_names": bool}. Audit record "clinic/calendar-feeds".
void AddCalendarFeedStaffRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                                core::ports::TokenService& tokens);

// The process's token service for the staff routes above (libsodium; the same hash as the
// server's public routes use), for registering them where no token service is passed around.
core::ports::TokenService& CalendarFeedTokens();

// "A. R." from a patient's given and family names: the first character (UTF-8) of each, with a
// period; a name part that is empty is left out.
std::string PatientInitials(std::string_view given_name, std::string_view family_name);

}  // namespace unknot::api::v1
