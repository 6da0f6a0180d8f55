#pragma once

#include <string>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::core::clinic {

struct Patient {
  PatientId id;
  std::string given_name;
  std::string family_name;
  std::string email;
  std::string phone;  // E.164
  Instant created_at;

  friend bool operator==(const Patient&, const Patient&) = default;
};

// Names present and of sane length, a plausible email address, an E.164 phone number.
Result<void> Validate(const Patient& patient);
Result<void> ValidateEmail(std::string_view field, std::string_view email);

}  // namespace unknot::core::clinic
