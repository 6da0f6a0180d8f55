#pragma once

#include "api/v1/staff_gate.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// Staff routes for treatment plans (issue 15), behind the staff gate (staff_gate.hpp). The logic is
// app/treatment_plans.hpp's; these translate. Writes commit with their audit entries; answers
// holding patient data are recorded before they are sent.
//
// POST /api/v1/clinics/{clinic}/patients/{id}/treatment-plans              edit_treatment_plan
//   {"title": "...", "items": [{"service": id, "practitioner": id, "interval_days": 7,
//    "count": 4, "first_date": "YYYY-MM-DD", "time": "HH:MM"}]}
//   -> 201 plan (below); 400 naming the field (e.g. "items[1].practitioner"). No appointments.
// GET  /api/v1/clinics/{clinic}/patients/{id}/treatment-plans              view_treatment_plan
//   -> 200 {"plans": [plan, ...]} newest first.
// GET  /api/v1/clinics/{clinic}/treatment-plans/{plan}                     view_treatment_plan
//   -> 200 plan: {"id", "patient", "title", "created_at", "items": [{..., "service_name",
//      "practitioner_name"}], "progress": {"planned", "booked", "done", "left", "missed"},
//      "visits": [{"item", "appointment", "start", "end", "local_start", "status", ...}]}.
// POST /api/v1/clinics/{clinic}/treatment-plans/{plan}/preview             book_appointment
//   -> 200 {"visits": [visit preview], "free": n, "total": n}. Writes nothing (but the read's
//      audit entry). A visit preview: {"index", "item", "number", "local_start", "start" (or
//      null), "end", "service", "practitioner", "free", "room", "problem", "message",
//      "alternatives": [{"start", "end", "local_start", "options"}]}.
// POST /api/v1/clinics/{clinic}/treatment-plans/{plan}/book                book_appointment
//   {"source": "staff" | "phone", "visits": [{"item": 0, "number": 1, "start": "...Z"}]}
//   -> 201 {"appointments": [...], "plan": plan}: all booked in one transaction; or 409
//      {"errors": [{"field": "visits[i]", ...}], "visit": visit preview} naming the first visit
//      that cannot take its time, with the nearest alternatives; nothing written.
//
// Authorization: creating and reading a plan are about its patient (a practitioner: their own
// patients); preview and book are bookings on each visit's practitioner's schedule (a
// practitioner: every visit must be on their own). `storage` and `clock` must outlive the router.
void AddTreatmentPlanRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                            const core::Clock& clock);

}  // namespace unknot::api::v1
