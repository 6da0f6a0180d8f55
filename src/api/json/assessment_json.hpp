#pragma once

// JSON shapes of the knot self-assessment (API v1); see docs/api.md.

#include <nlohmann/json.hpp>

#include "app/assessment.hpp"
#include "core/clinical/assessment.hpp"

namespace unknot::api::json {

// GET …/assessment-form: the vocabulary a client builds the form from.
nlohmann::json AssessmentFormJson(const core::clinical::Knowledge& knowledge,
                                  const app::ClinicContext& clinic);

// The body of POST …/assessments; every malformed field is named (knots[0].pain, answers.x, …).
core::Result<core::clinical::AssessmentInput> ParseAssessmentInput(const nlohmann::json& body);

// The input as it is stored: only what ParseAssessmentInput reads, in the same shape (the age
// band among the answers), so that parsing it again gives the same input. A submitted body is
// never stored as sent: members nobody reads would take the database's room.
nlohmann::json AssessmentInputJson(const core::clinical::AssessmentInput& input);

// The result as returned (and stored): outcome, reasons, muscles, treatments with the clinic's
// services to book, home care, prevention, cautions, and the decision-support note.
nlohmann::json AssessmentResultJson(const core::clinical::Knowledge& knowledge,
                                    const app::ClinicContext& clinic,
                                    const core::clinical::AssessmentResult& result);

}  // namespace unknot::api::json
