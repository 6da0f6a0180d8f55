#pragma once

// The knot self-assessment use cases: submit one (checked against the knowledge, assessed,
// stored with a secret manage token) and read it back with that token; and what an assessment
// allows a booking to be.

#include <functional>
#include <string>

#include "app/booking.hpp"
#include "core/clinical/assessment.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::app {

struct AssessmentSubmitted {
  core::AssessmentId id;
  std::string manage_token;  // shown once; only its hash is stored
  core::clinical::AssessmentResult result;
  std::string result_json;  // the document stored and returned
};

// Validates (kInvalidArgument naming the field), assesses and stores. `render` turns the result
// into the JSON document kept with it; `input_json` is the request as received.
core::Result<AssessmentSubmitted> SubmitAssessment(
    core::ports::Storage& storage, const core::Clock& clock, core::ports::TokenService& tokens,
    const core::clinical::Knowledge& knowledge, const ClinicContext& clinic,
    const core::clinical::AssessmentInput& input, std::string input_json,
    const std::function<std::string(const core::clinical::AssessmentResult&)>& render);

// The stored assessment; a wrong or missing token is kNotFound, like a missing assessment, so
// ids cannot be probed.
core::Result<core::ports::StoredAssessment> GetAssessment(core::ports::Storage& storage,
                                                          core::ports::TokenService& tokens,
                                                          const ClinicContext& clinic,
                                                          core::AssessmentId id,
                                                          std::string_view token);

// Whether an assessment lets this service be booked online: emergency and medical_care_soon
// never (kConflict, with the guidance and the clinic's phone number); see_chiropractor_first only
// a new-patient service (kConflict naming `service`).
core::Result<void> CheckBookingAllowed(const ClinicContext& clinic,
                                       const core::ports::StoredAssessment& assessment,
                                       core::ServiceId service);

// The plain note every result carries: decision support, not a diagnosis, and the phone number.
std::string DecisionSupportNote(const ClinicContext& clinic);

}  // namespace unknot::app
