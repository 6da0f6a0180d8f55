#pragma once

// A practitioner and their weekly schedule. Working hours and breaks are wall-clock times in the
// clinic's zone (they follow the clinic through DST changes); time off is a span of UTC instants.

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::core::clinic {

enum class Role { kChiropractor, kMassageTherapist };

enum class Skill {
  kActiveReleaseTechnique,  // ART certified
  kSportsInjury,            // sports-injury certification (e.g. CCSP)
  kDeepTissue,
  kFoamRollerCoaching,
};

std::string_view ToString(Role role);
std::optional<Role> ParseRole(std::string_view text);
std::string_view ToString(Skill skill);
std::optional<Skill> ParseSkill(std::string_view text);

// One recurring span of work on a weekday, e.g. Monday 08:00-12:30. A day may have several.
struct WorkingHours {
  date::weekday day;
  TimeOfDay start;
  TimeOfDay end;

  friend bool operator==(const WorkingHours&, const WorkingHours&) = default;
};

// A recurring pause inside working hours, e.g. lunch on Mondays 12:30-13:15.
struct Break {
  date::weekday day;
  TimeOfDay start;
  TimeOfDay end;
  std::string label;

  friend bool operator==(const Break&, const Break&) = default;
};

struct TimeOff {
  TimeOffId id;
  Interval period;
  std::string reason;

  friend bool operator==(const TimeOff&, const TimeOff&) = default;
};

enum class PractitionerStatus { kActive, kInactive };

struct Practitioner {
  PractitionerId id;
  std::string slug;  // unique within the clinic, used in URLs and by the demo loader
  std::string display_name;
  Role role = Role::kChiropractor;
  std::vector<Skill> skills;  // sorted, no duplicates
  std::string bio;
  PractitionerStatus status = PractitionerStatus::kActive;
  std::vector<WorkingHours> hours;
  std::vector<Break> breaks;
  std::vector<TimeOff> time_off;
  // The front desk may book this practitioner over their own appointments (the owner's choice).
  bool allow_overbooking = false;

  bool HasSkill(Skill skill) const;

  friend bool operator==(const Practitioner&, const Practitioner&) = default;
};

// Checks names, the schedule's shape (start < end, no overlapping hours on one day, every break
// inside that day's hours) and skills. Errors name the field, e.g. "hours[2].end".
Result<void> Validate(const Practitioner& practitioner);

}  // namespace unknot::core::clinic
