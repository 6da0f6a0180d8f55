#pragma once

// JSON shapes of visit notes (API v1, issue 15); see docs/api.md "Visit notes".

#include <map>

#include <nlohmann/json.hpp>

#include "core/clinical/visit_note.hpp"
#include "core/ports/visit_notes.hpp"

namespace unknot::api::json {

// {"subjective": {"words", "pain", "sleep", "limits_movement", "movements"},
//  "objective": {"findings", "knots": [{"region", "side", "size", "tenderness", "taut_band",
//                "twitch_response", "reproduces_referral"}]},
//  "treatment": {"technique", "muscles", "minutes", "pressure", "pain_before", "pain_after"},
//  "assessment_plan"}. Values not given yet are null.
nlohmann::json VisitNoteContentJson(const core::clinical::VisitNoteContent& content);

// The content of a draft from a body of that shape (other members, e.g. "version", are ignored).
// A member left out takes its empty value; a member of the wrong type is named
// ("objective.knots[1].tenderness" "must be a whole number").
core::Result<core::clinical::VisitNoteContent> ParseVisitNoteContent(const nlohmann::json& body);

// A stored note: {"id", "appointment_id", "patient_id", "practitioner_id", "status", "version",
// "content", "author": {"id", "name"}, "created_at", "updated_at", "signed_by": {"id", "name"} |
// null, "signed_at" | null, "addenda": [{"sequence", "text", "author": {...}, "signed_at"}]}.
// `names` maps staff ids to display names (an id not in it shows its id only). kInternal when the
// stored content is not JSON.
core::Result<nlohmann::json> StoredVisitNoteJson(const core::ports::StoredVisitNote& note,
                                                 const std::map<std::int64_t, std::string>& names);

}  // namespace unknot::api::json
