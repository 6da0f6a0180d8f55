#include "core/clinic/practitioner.hpp"

#include <algorithm>

#include "core/clinic/clinic.hpp"
#include "core/common/enum_names.hpp"

namespace unknot::core::clinic {
namespace {

constexpr EnumNames<Role, 2> kRoles{{
    {Role::kChiropractor, "chiropractor"},
    {Role::kMassageTherapist, "massage_therapist"},
}};

constexpr EnumNames<Skill, 4> kSkills{{
    {Skill::kActiveReleaseTechnique, "active_release_technique"},
    {Skill::kSportsInjury, "sports_injury"},
    {Skill::kDeepTissue, "deep_tissue"},
    {Skill::kFoamRollerCoaching, "foam_roller_coaching"},
}};

std::string Indexed(std::string_view list, std::size_t i, std::string_view member) {
  return std::string(list) + "[" + std::to_string(i) + "]." + std::string(member);
}

}  // namespace

std::string_view ToString(Role role) { return NameOf(kRoles, role); }
std::optional<Role> ParseRole(std::string_view text) { return ValueOf(kRoles, text); }
std::string_view ToString(Skill skill) { return NameOf(kSkills, skill); }
std::optional<Skill> ParseSkill(std::string_view text) { return ValueOf(kSkills, text); }

bool Practitioner::HasSkill(Skill skill) const {
  return std::find(skills.begin(), skills.end(), skill) != skills.end();
}

Result<void> Validate(const Practitioner& practitioner) {
  UNKNOT_TRY(ValidateSlug("slug", practitioner.slug));
  if (practitioner.display_name.empty() || practitioner.display_name.size() > 200) {
    return Error::InvalidField("display_name", "must be 1 to 200 characters");
  }
  if (!std::is_sorted(practitioner.skills.begin(), practitioner.skills.end()) ||
      std::adjacent_find(practitioner.skills.begin(), practitioner.skills.end()) !=
          practitioner.skills.end()) {
    return Error::InvalidField("skills", "must be sorted and hold no duplicates");
  }
  const auto& hours = practitioner.hours;
  for (std::size_t i = 0; i < hours.size(); ++i) {
    if (!(hours[i].start < hours[i].end)) {
      return Error::InvalidField(Indexed("hours", i, "end"), "must be after start");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (hours[j].day == hours[i].day && hours[j].start < hours[i].end &&
          hours[i].start < hours[j].end) {
        return Error::InvalidField(Indexed("hours", i, "start"),
                                   "overlaps hours[" + std::to_string(j) + "] on " +
                                       std::string(WeekdayName(hours[i].day)));
      }
    }
  }
  for (std::size_t i = 0; i < practitioner.breaks.size(); ++i) {
    const Break& b = practitioner.breaks[i];
    if (!(b.start < b.end)) {
      return Error::InvalidField(Indexed("breaks", i, "end"), "must be after start");
    }
    bool inside = std::any_of(hours.begin(), hours.end(), [&](const WorkingHours& h) {
      return h.day == b.day && h.start <= b.start && b.end <= h.end;
    });
    if (!inside) {
      return Error::InvalidField(
          Indexed("breaks", i, "start"),
          "must lie inside working hours on " + std::string(WeekdayName(b.day)));
    }
  }
  return Ok();
}

}  // namespace unknot::core::clinic
