#pragma once

// API v1 knot self-assessment routes. No account is needed: an assessment is read back with the
// secret token returned when it was submitted.

#include <string>

#include "api/http/router.hpp"
#include "core/clinical/knowledge.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::v1 {

// GET  /api/v1/clinics/{clinic}/assessment-form   the vocabulary to build the form from
// GET  /api/v1/clinics/{clinic}/body-map.svg      the back body map (shapes carry region ids)
// POST /api/v1/clinics/{clinic}/assessments       201 with id, manage_token and the result
// GET  /api/v1/clinics/{clinic}/assessments/{id}  (token) the stored result
// The arguments must outlive the router.
void AddAssessmentRoutes(http::Router& router, core::ports::Storage& storage,
                         const core::Clock& clock, core::ports::TokenService& tokens,
                         const core::clinical::Knowledge& knowledge,
                         const std::string& body_map_svg);

}  // namespace unknot::api::v1
