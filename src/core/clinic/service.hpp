#pragma once

// A bookable service: what it takes (duration, turnover buffer, a room of some kind) and who may
// deliver it.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clinic/clinic.hpp"
#include "core/clinic/practitioner.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"

namespace unknot::core::clinic {

// An amount in the currency's minor unit (cents), never a floating-point number.
struct Money {
  std::int64_t minor_units = 0;
  std::string currency = "USD";  // ISO 4217

  friend bool operator==(const Money&, const Money&) = default;
};

enum class PatientEligibility { kAnyPatient, kNewPatientsOnly };

struct Service {
  ServiceId id;
  std::string slug;  // unique within the clinic
  std::string name;
  std::string description;
  std::chrono::minutes duration{30};
  std::chrono::minutes buffer_after{0};  // turnover time the practitioner and room stay blocked
  std::vector<Role> allowed_roles;       // at least one
  std::vector<Skill> required_skills;    // all of them
  RoomKind room_kind = RoomKind::kAdjustment;
  PatientEligibility eligibility = PatientEligibility::kAnyPatient;
  Money price;

  // True when the practitioner is active, has an allowed role and every required skill.
  bool CanBeDeliveredBy(const Practitioner& practitioner) const;

  friend bool operator==(const Service&, const Service&) = default;
};

std::string_view ToString(PatientEligibility eligibility);

Result<void> Validate(const Service& service);

}  // namespace unknot::core::clinic
