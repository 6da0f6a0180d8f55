#pragma once

// API v1 waitlist, the patient's side (issue 16): join from the booking page, see or leave the
// entry with its link, see and confirm an offered time with the offer's link. Public like
// booking: a link's token is its only key, sent as `Authorization: Bearer <token>` (never in the
// path or query, so no log line carries it). Handlers translate HTTP to app/waitlist.hpp.

#include "api/http/router.hpp"
#include "api/v1/staff_gate.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// POST /api/v1/clinics/{clinic}/waitlist
//   {"service", "practitioner": id | "any", "windows": [{"days": ["monday", ...], "from": "HH:MM",
//    "to": "HH:MM"}], "until": "YYYY-MM-DD", "patient": {"given_name", "family_name", "email",
//    "phone"}} -> 201 {"entry": {...}, "token"}
// GET  /api/v1/clinics/{clinic}/waitlist/entry         (Bearer entry token) -> 200 {...}
// POST /api/v1/clinics/{clinic}/waitlist/entry/leave   (Bearer entry token) -> 200 {...}
// GET  /api/v1/clinics/{clinic}/waitlist/offer         (Bearer offer token) -> 200 the offer;
//   409 when it is gone (taken, expired, ended)
// POST /api/v1/clinics/{clinic}/waitlist/offer/confirm (Bearer offer token) -> 201 as a booking;
//   409 when it is gone (the entry stays on the list)
// The arguments must outlive the router.
void AddWaitlistRoutes(http::Router& router, core::ports::Storage& storage,
                       const core::Clock& clock, core::ports::TokenService& tokens);

// The front desk's side, behind the staff gate (kViewWaitlist, kManageWaitlist):
// GET  /api/v1/clinics/{clinic}/waitlist/entries[?all=true]  -> 200 {"entries": [...]}: waiting
//   ones (all: also booked, left, ended), urgent first, then longest waiting
// POST /api/v1/clinics/{clinic}/waitlist/entries   a caller, as a join plus "urgent"; the email
//   may be "" -> 201 the entry (no link)
// POST /api/v1/clinics/{clinic}/waitlist/entries/{id}/urgent  {"urgent": bool} -> 200 the entry
// POST /api/v1/clinics/{clinic}/waitlist/entries/{id}/remove  -> 200 the entry (status "left")
// Each leaves an audit entry (reads with RecordRead, writes in their own transaction).
void AddStaffWaitlistRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                            core::ports::TokenService& tokens);

}  // namespace unknot::api::v1
