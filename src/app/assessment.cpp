#include "app/assessment.hpp"

namespace unknot::app {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinical = core::clinical;

Result<AssessmentSubmitted> SubmitAssessment(
    core::ports::Storage& storage, const core::Clock& clock, core::ports::TokenService& tokens,
    const clinical::Knowledge& knowledge, const ClinicContext& clinic,
    const clinical::AssessmentInput& input, std::string input_json,
    const std::function<std::string(const clinical::AssessmentResult&)>& render) {
  UNKNOT_TRY(clinical::Validate(knowledge, input));
  AssessmentSubmitted submitted;
  submitted.result = clinical::Assess(knowledge, input);
  submitted.result_json = render(submitted.result);
  submitted.manage_token = tokens.NewToken();
  core::ports::StoredAssessment stored;
  stored.outcome = submitted.result.outcome;
  stored.manage_token_hash = tokens.Hash(submitted.manage_token);
  stored.input_json = std::move(input_json);
  stored.result_json = submitted.result_json;
  stored.created_at = clock.Now();
  submitted.id = UNKNOT_TRY(storage.CreateAssessment(clinic.setup().clinic.id, stored));
  return submitted;
}

Result<core::ports::StoredAssessment> GetAssessment(core::ports::Storage& storage,
                                                    core::ports::TokenService& tokens,
                                                    const ClinicContext& clinic,
                                                    core::AssessmentId id, std::string_view token) {
  auto stored = storage.FindAssessment(clinic.setup().clinic.id, id);
  if (!stored) return stored.error();
  if (token.empty() || !tokens.Matches(token, stored->manage_token_hash)) {
    return Error::NotFound("no such assessment");
  }
  return stored;
}

Result<void> CheckBookingAllowed(const ClinicContext& clinic,
                                 const core::ports::StoredAssessment& assessment,
                                 core::ServiceId service) {
  const std::string& phone = clinic.setup().clinic.phone;
  switch (assessment.outcome) {
    case clinical::Outcome::kEmergency:
      return Error(ErrorCode::kConflict,
                   "Your answers need urgent medical care, not an online booking: go to an "
                   "emergency department or call 911 now. The clinic can be reached at " +
                       phone + ".",
                   {{"assessment", "needs emergency care; cannot be booked online"}});
    case clinical::Outcome::kMedicalCareSoon:
      return Error(ErrorCode::kConflict,
                   "Your answers mean a doctor should see you first, within a day or two, before "
                   "hands-on treatment. Call the clinic at " +
                       phone + " once a doctor has seen you.",
                   {{"assessment", "needs a doctor first; cannot be booked online"}});
    case clinical::Outcome::kSeeChiropractorFirst: {
      const core::clinic::Service* s = clinic.setup().FindService(service);
      if (s != nullptr && s->eligibility == core::clinic::PatientEligibility::kNewPatientsOnly) {
        return core::Ok();
      }
      return Error(ErrorCode::kConflict,
                   "Your answers call for a new-patient assessment with the chiropractor before "
                   "any other treatment: please book that first, or call " +
                       phone + ".",
                   {{"service",
                     "only the new-patient assessment can be booked with this "
                     "assessment"}});
    }
    case clinical::Outcome::kBookOnline:
      return core::Ok();
  }
  return core::Ok();
}

std::string DecisionSupportNote(const ClinicContext& clinic) {
  return "This is decision support to help you choose a visit, not a diagnosis. If you are "
         "unsure or your symptoms change, call the clinic at " +
         clinic.setup().clinic.phone + "; in an emergency call 911.";
}

}  // namespace unknot::app
