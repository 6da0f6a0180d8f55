#pragma once

// Staff routes for per-patient booking rules and the front desk's approval of online requests
// (issue 14), behind the staff gate (staff_gate.hpp). Writes commit with their audit entry;
// answers holding patient data are recorded before they are sent.

#include "api/v1/staff_gate.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// Longest reason (in bytes) a decline may carry.
inline constexpr std::size_t kMaxDeclineReasonLength = 500;

// PUT  /api/v1/clinics/{clinic}/patients/{id}/booking-rules          set_patient_booking_rules
//   {"online_booking": "allowed" | "requires_approval" | "blocked", "assessment_first": bool}
//   -> 200 {"patient": contact, "booking_rules": {...}}. Audit record "patient/<id>".
// GET  /api/v1/clinics/{clinic}/calendar/requests                    decide_booking_request
//   -> 200 {"requests": [{"appointment": {..., "version"}, "patient": contact}]}: requested
//   appointments that have not ended, by start. Audit record "calendar/requests".
// POST /api/v1/clinics/{clinic}/calendar/appointments/{id}/approve   decide_booking_request
//   {"version": n} -> 200 {"appointment": {... "status": "booked"}}.
// POST /api/v1/clinics/{clinic}/calendar/appointments/{id}/decline   decide_booking_request
//   {"version": n, "reason": "..." (optional)} -> 200 {"appointment": {... "status":
//   "declined"}}: cancelled, its time free at once.
//   Both: 409 {"appointment": current} when the version is another or it is no longer requested.
//   Audit record "appointment/<id>", detail "approved" / "declined".
// `storage` must outlive the router.
void AddBookingRulesRoutes(StaffRoutes& routes, core::ports::Storage& storage);

}  // namespace unknot::api::v1
