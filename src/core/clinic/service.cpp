#include "core/clinic/service.hpp"

#include <algorithm>

#include "core/common/enum_names.hpp"

namespace unknot::core::clinic {
namespace {

constexpr EnumNames<PatientEligibility, 2> kEligibility{{
    {PatientEligibility::kAnyPatient, "any_patient"},
    {PatientEligibility::kNewPatientsOnly, "new_patients_only"},
}};

}  // namespace

std::string_view ToString(PatientEligibility eligibility) {
  return NameOf(kEligibility, eligibility);
}

bool Service::CanBeDeliveredBy(const Practitioner& practitioner) const {
  if (practitioner.status != PractitionerStatus::kActive) return false;
  if (std::find(allowed_roles.begin(), allowed_roles.end(), practitioner.role) ==
      allowed_roles.end()) {
    return false;
  }
  return std::all_of(required_skills.begin(), required_skills.end(),
                     [&](Skill skill) { return practitioner.HasSkill(skill); });
}

Result<void> Validate(const Service& service) {
  using std::chrono::minutes;
  UNKNOT_TRY(ValidateSlug("slug", service.slug));
  if (service.name.empty() || service.name.size() > 200) {
    return Error::InvalidField("name", "must be 1 to 200 characters");
  }
  if (service.duration < minutes{5} || service.duration > std::chrono::hours{8}) {
    return Error::InvalidField("duration", "must be between 5 minutes and 8 hours");
  }
  if (service.buffer_after < minutes{0} || service.buffer_after > std::chrono::hours{2}) {
    return Error::InvalidField("buffer_after", "must be between 0 and 120 minutes");
  }
  if (service.allowed_roles.empty()) {
    return Error::InvalidField("allowed_roles", "must name at least one role");
  }
  if (service.price.minor_units < 0) {
    return Error::InvalidField("price", "must not be negative");
  }
  if (service.price.currency.size() != 3) {
    return Error::InvalidField("price.currency", "must be a three-letter ISO 4217 code");
  }
  return Ok();
}

}  // namespace unknot::core::clinic
