#pragma once

// API v1 home care (issue 15): the program a practitioner assigns, the days the patient marks,
// and adherence. See docs/api.md, "Home care".
//
// Staff (through the gate, one action each):
//   GET /api/v1/clinics/{clinic}/patients/{id}/home-care   kViewHomeCare: program, cautions,
//       adherence over the last 7 and 14 days, the days marked, and the routines to choose from.
//   PUT /api/v1/clinics/{clinic}/patients/{id}/home-care   kAssignHomeCare: {version, note,
//       routines: [{routine, muscle, seconds, sets, days_per_week}]}; 409 with the program as it
//       is when `version` is not the stored one.
// Patient (the appointment's manage token, as GET …/appointments/{id}; a wrong token is 404):
//   GET /api/v1/clinics/{clinic}/appointments/{id}/home-care
//   PUT /api/v1/clinics/{clinic}/appointments/{id}/home-care/log/{date}   {routines: [...]}

#include "api/http/router.hpp"
#include "api/v1/staff_gate.hpp"
#include "core/clinical/knowledge.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// How many days back the views show marks and adherence.
inline constexpr int kHomeCareDaysShown = 14;

// The staff routes. The arguments must outlive the router.
void AddHomeCareRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                       const core::clinical::Knowledge& knowledge);

// The patient's routes. The arguments must outlive the router.
void AddPatientHomeCareRoutes(http::Router& router, core::ports::Storage& storage,
                              const core::Clock& clock, core::ports::TokenService& tokens,
                              const core::clinical::Knowledge& knowledge);

}  // namespace unknot::api::v1
