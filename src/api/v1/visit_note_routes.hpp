#pragma once

// Staff routes for visit notes (SOAP) and their addenda (issue 15), behind the staff gate
// (staff_gate.hpp). Staff visit routes live under /visits/{appointment}/, since /appointments/{id}
// is the patient's manage-token namespace. Writes commit with their audit entry; answers holding
// patient data are recorded before they are sent. Front desk never sees a note (kPolicy).

#include "api/v1/staff_gate.hpp"
#include "core/clinical/knowledge.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// GET  /api/v1/clinics/{clinic}/visits/{appointment}/note            view_clinical_notes
//   -> 200 {"note": {... "version": 0, "status": "draft", "content"} when none is saved yet: a
//   draft whose subjective part is prefilled from the self-assessment the appointment followed,
//   "saved": bool, "visit": appointment, "patient": contact, "self_assessment": {"id",
//   "created_at", "knots": [...]} | null (the patient's own marks, for the map beside the
//   findings; null also when the role may not see self-assessments), "muscles": [{"id", "name"}]}.
//   Audit record "visit/<id>/note".
// PUT  /api/v1/clinics/{clinic}/visits/{appointment}/note            write_clinical_notes
//   {"version": n (0 for the first save), "subjective", "objective", "treatment",
//   "assessment_plan"} -> 200 {"note"}: the draft saved (autosave). 400 naming the field
//   ("objective.knots[1].tenderness"); 409 {"note": current} when it is signed or `version` is
//   stale.
// POST /api/v1/clinics/{clinic}/visits/{appointment}/note/sign       write_clinical_notes
//   {"version": n} -> 200 {"note"} signed (signed_by, signed_at): never changed again. 400 naming
//   what signing still needs ("treatment.technique"); 404 without a note; 409 {"note"} as above.
// POST /api/v1/clinics/{clinic}/visits/{appointment}/note/addenda    write_clinical_notes
//   {"text"} -> 201 {"note"} with the new signed addendum last. 409 {"note"} on a draft.
// GET  /api/v1/clinics/{clinic}/patients/{id}/notes                  view_clinical_notes
//   -> 200 {"notes": [{"note", "visit"}]}: the patient's notes with addenda, newest visit first.
//   Audit record "patient/<id>/notes".
// `storage` and `knowledge` must outlive the router.
void AddVisitNoteRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                        const core::clinical::Knowledge& knowledge);

}  // namespace unknot::api::v1
