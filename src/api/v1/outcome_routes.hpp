#pragma once

// Outcome measures per visit (issue 15): the staff routes behind the staff gate, and the
// patient's own series by the appointment's manage token. The measures, the minimal clinically
// important differences and the words of the callouts are core/clinical/outcomes.hpp's. Staff
// writes commit with their audit entry; staff reads are recorded before they are answered.
//
// The series (staff and patient):
//   {"visits": [{"appointment", "start", "pain", "sleep", "movements": [...],
//                "psfs": [{"activity", "score"}], "psfs_score"}],   in visit order
//    "changes": [{"measure", "item", "activity", "first", "latest", "direction", "meaningful",
//                 "text"}],   first visit to latest; empty with fewer than two visits
//    "meaningful": ["pain down 3 points since the first visit: a meaningful change", ...]}
// Staff visits also carry "practitioner", "service" and "version".

#include "api/http/router.hpp"
#include "api/v1/staff_gate.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// GET /api/v1/clinics/{clinic}/visits/{appointment}/outcomes                     view_outcomes
//   -> 200 {"appointment": {...}, "outcome": {... "version"} | null, "prefill": {...}
//   (when none is recorded yet: the self-assessment the appointment followed, and the PSFS
//   activities of the patient's last recorded visit), "movements": [vocabulary],
//   "mcid": {...}}. Audit record "appointment/<id>/outcomes".
// PUT  /api/v1/clinics/{clinic}/visits/{appointment}/outcomes                  record_outcomes
//   {"version": 0 (first record) | n, "pain": 0-10, "sleep": "none"|"some"|"severe",
//    "movements": [...], "psfs": [{"activity": "...", "score": 0-10} x3]}
//   -> 200 {"outcome": {... "version"}}; 400 naming the field (e.g. "psfs[2].score"); 409
//   {"outcome": current} when the version is another; 409 for a cancelled appointment.
// GET  /api/v1/clinics/{clinic}/patients/{id}/outcomes                            view_outcomes
//   -> 200 the series. Audit record "patient/<id>/outcomes".
// GET  /api/v1/clinics/{clinic}/outcome-report                              view_outcome_report
//   -> 200 {"by_service": [{"service", "name", summary}], "by_practitioner": [{"practitioner",
//   "name", summary}], "overall": summary, "counting": "..."}; summary = {"plans", "evaluable",
//   "reached", "median_visits", "visits_to_change": [{"visits", "plans"}], "unplanned_visits"}.
//   Counts only: no patient name or id. It counts treatment plans by their visits with outcomes
//   (clinical::BuildOutcomeReport says how); visits outside any plan only as unplanned_visits.
// `storage` must outlive the router.
void AddOutcomeRoutes(StaffRoutes& routes, core::ports::Storage& storage);

// GET /api/v1/clinics/{clinic}/appointments/{id}/outcomes   (manage token: Authorization: Bearer,
// or ?token=) -> 200 the series of the appointment's patient, without staff fields. A wrong token
// is 404, exactly like an unknown id. The arguments must outlive the router.
void AddPatientOutcomeRoutes(http::Router& router, core::ports::Storage& storage,
                             core::ports::TokenService& tokens);

}  // namespace unknot::api::v1
