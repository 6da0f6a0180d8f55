#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::core::clinic {

// Whether the patient may book online (set by the front desk on the patient's record).
enum class OnlineBooking { kAllowed, kRequiresApproval, kBlocked };
std::string_view ToString(OnlineBooking rule);
std::optional<OnlineBooking> ParseOnlineBooking(std::string_view text);

struct Patient {
  PatientId id;
  std::string given_name;
  std::string family_name;
  std::string email;
  std::string phone;  // E.164
  Instant created_at;
  OnlineBooking online_booking = OnlineBooking::kAllowed;
  // Online, only services for new patients (an assessment visit) may be booked.
  bool assessment_first = false;

  friend bool operator==(const Patient&, const Patient&) = default;
};

// Names present and of sane length, a plausible email address, an E.164 phone number.
Result<void> Validate(const Patient& patient);

// Whether a patient record must carry an email address: online, always (it is how the patient
// hears from us); a caller the front desk books by phone may have none.
enum class EmailRule { kRequired, kOptional };

// Validate(patient), except that with EmailRule::kOptional an empty email passes (a given one
// must still be an email address).
Result<void> Validate(const Patient& patient, EmailRule email);
Result<void> ValidateEmail(std::string_view field, std::string_view email);

}  // namespace unknot::core::clinic
