#pragma once

// Staff patient routes (issue 13): search and one patient's record, behind the staff gate
// (staff_gate.hpp). Every answer that holds patient data is recorded in the audit log first.

#include "api/v1/staff_gate.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// Longest search text (in characters) GET …/patients accepts.
inline constexpr std::size_t kMaxPatientQueryLength = 200;

// GET /api/v1/clinics/{clinic}/patients?q=&page=&per_page=   search_patients
//   A practitioner (own_patients) sees only patients they have an appointment with. One audit
//   entry per search, record "patients", detail "search: N results (page P)" (never the text).
// GET /api/v1/clinics/{clinic}/patients/{id}                 view_patient_contact
//   Contact, appointments, and (when the role may view_self_assessment for this patient) the
//   self-assessments the appointments followed. One audit entry, record "patient/<id>", detail
//   "N appointments, M self-assessments" (or "..., self-assessments withheld").
// `storage` must outlive the router.
void AddPatientRoutes(StaffRoutes& routes, core::ports::Storage& storage);

}  // namespace unknot::api::v1
