#include "core/clinic/patient.hpp"

#include "core/clinic/clinic.hpp"
#include "core/common/enum_names.hpp"
#include "core/common/text.hpp"

namespace unknot::core::clinic {
namespace {

constexpr EnumNames<OnlineBooking, 3> kOnlineBookingRules{{
    {OnlineBooking::kAllowed, "allowed"},
    {OnlineBooking::kRequiresApproval, "requires_approval"},
    {OnlineBooking::kBlocked, "blocked"},
}};

}  // namespace

std::string_view ToString(OnlineBooking rule) { return NameOf(kOnlineBookingRules, rule); }
std::optional<OnlineBooking> ParseOnlineBooking(std::string_view text) {
  return ValueOf(kOnlineBookingRules, text);
}

Result<void> ValidateEmail(std::string_view field, std::string_view email) {
  // Deliberately modest: one '@' with text on both sides, a dot in the domain, no spaces. The
  // real check is the confirmation email.
  auto at = email.find('@');
  bool ok = email.size() <= 254 && at != std::string_view::npos && at > 0 &&
            email.find('@', at + 1) == std::string_view::npos && at + 1 < email.size();
  if (ok) {
    std::string_view domain = email.substr(at + 1);
    auto dot = domain.find('.');
    ok = dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
  }
  ok = ok && email.find(' ') == std::string_view::npos &&
       !FindControlCharacter(email, LineBreaks::kRefused);
  if (!ok) return Error::InvalidField(std::string(field), "must be an email address");
  return Ok();
}

Result<void> Validate(const Patient& patient) { return Validate(patient, EmailRule::kRequired); }

Result<void> Validate(const Patient& patient, EmailRule email) {
  if (patient.given_name.empty() || patient.given_name.size() > 100) {
    return Error::InvalidField("given_name", "must be 1 to 100 characters");
  }
  UNKNOT_TRY(ValidateText("given_name", patient.given_name));
  if (patient.family_name.empty() || patient.family_name.size() > 100) {
    return Error::InvalidField("family_name", "must be 1 to 100 characters");
  }
  UNKNOT_TRY(ValidateText("family_name", patient.family_name));
  if (email == EmailRule::kRequired || !patient.email.empty()) {
    UNKNOT_TRY(ValidateEmail("email", patient.email));
  }
  return ValidatePhone("phone", patient.phone);
}

}  // namespace unknot::core::clinic
