#pragma once

// What ClinicRepository::SaveSetup must write to turn the stored set-up into the changed one, the
// same for every backend: which rows to insert, update in place by id, or delete, and which of
// the changed set-up's ids are not the stored one's. Header-only, since each backend library
// compiles it into its own SaveSetup.

#include <algorithm>
#include <string>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/result.hpp"

namespace unknot::storage {

struct PractitionerDiff {
  const core::clinic::Practitioner* changed = nullptr;
  bool row = false;     // slug, display name, role, bio, status or allow_overbooking
  bool skills = false;  // replace every skill
  bool hours = false;   // replace every working-hours span
  bool breaks = false;  // replace every break
  std::vector<const core::clinic::TimeOff*> insert_time_off;
  std::vector<const core::clinic::TimeOff*> update_time_off;
  std::vector<core::TimeOffId> delete_time_off;
};

struct ServiceDiff {
  const core::clinic::Service* changed = nullptr;
  bool row = false;     // every column of the services row
  bool roles = false;   // replace the allowed roles
  bool skills = false;  // replace the required skills
};

struct SetupDiff {
  bool clinic = false;
  std::vector<const core::clinic::Room*> insert_rooms;
  std::vector<const core::clinic::Room*> update_rooms;
  std::vector<core::RoomId> delete_rooms;  // the caller checks that no appointment refers to one
  std::vector<const core::clinic::Practitioner*> insert_practitioners;
  std::vector<PractitionerDiff> update_practitioners;
  std::vector<const core::clinic::Service*> insert_services;
  std::vector<ServiceDiff> update_services;
  std::vector<core::ServiceId> delete_services;  // likewise
};

namespace setup_diff_detail {

inline std::string At(std::string_view list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

// Pairs each changed item with the stored one of its id. Unset ids are new; a set id must be a
// stored one and appear once. Calls on_new(item), on_kept(stored, changed), and returns the
// stored ids left over.
template <typename T, typename OnNew, typename OnKept>
core::Result<std::vector<decltype(T::id)>> Match(const std::vector<T>& stored,
                                                 const std::vector<T>& changed,
                                                 std::string_view list, OnNew on_new,
                                                 OnKept on_kept) {
  std::vector<decltype(T::id)> seen;
  for (std::size_t i = 0; i < changed.size(); ++i) {
    const T& item = changed[i];
    if (!item.id.is_set()) {
      on_new(item);
      continue;
    }
    auto it =
        std::find_if(stored.begin(), stored.end(), [&](const T& s) { return s.id == item.id; });
    if (it == stored.end()) return core::Error::InvalidField(At(list, i) + ".id", "no such id");
    if (std::find(seen.begin(), seen.end(), item.id) != seen.end()) {
      return core::Error::InvalidField(At(list, i) + ".id", "appears twice");
    }
    seen.push_back(item.id);
    UNKNOT_TRY(on_kept(*it, item, i));
  }
  std::vector<decltype(T::id)> gone;
  for (const T& s : stored) {
    if (std::find(seen.begin(), seen.end(), s.id) == seen.end()) gone.push_back(s.id);
  }
  return gone;
}

}  // namespace setup_diff_detail

// kInvalidArgument naming the field: another clinic slug ("clinic.slug"), an id that is not the
// stored one's ("rooms[1].id", "practitioners[0].time_off[2].id"), an id given twice, a stored
// practitioner left out ("practitioners").
inline core::Result<SetupDiff> DiffSetup(const core::clinic::ClinicSetup& stored,
                                         const core::clinic::ClinicSetup& changed) {
  namespace clinic = core::clinic;
  using setup_diff_detail::At;
  using setup_diff_detail::Match;
  if (changed.clinic.slug != stored.clinic.slug) {
    return core::Error::InvalidField("clinic.slug", "cannot change");
  }
  SetupDiff diff;
  clinic::Clinic same = changed.clinic;
  same.id = stored.clinic.id;
  diff.clinic = !(same == stored.clinic);

  diff.delete_rooms = UNKNOT_TRY(Match(
      stored.rooms, changed.rooms, "rooms",
      [&](const clinic::Room& r) { diff.insert_rooms.push_back(&r); },
      [&](const clinic::Room& s, const clinic::Room& c, std::size_t) -> core::Result<void> {
        if (!(s == c)) diff.update_rooms.push_back(&c);
        return core::Ok();
      }));

  auto gone_practitioners = UNKNOT_TRY(Match(
      stored.practitioners, changed.practitioners, "practitioners",
      [&](const clinic::Practitioner& p) { diff.insert_practitioners.push_back(&p); },
      [&](const clinic::Practitioner& s, const clinic::Practitioner& c,
          std::size_t i) -> core::Result<void> {
        PractitionerDiff d;
        d.changed = &c;
        d.row = s.slug != c.slug || s.display_name != c.display_name || s.role != c.role ||
                s.bio != c.bio || s.status != c.status ||
                s.allow_overbooking != c.allow_overbooking;
        d.skills = s.skills != c.skills;
        d.hours = s.hours != c.hours;
        d.breaks = s.breaks != c.breaks;
        d.delete_time_off = UNKNOT_TRY(Match(
            s.time_off, c.time_off, At("practitioners", i) + ".time_off",
            [&](const clinic::TimeOff& t) { d.insert_time_off.push_back(&t); },
            [&](const clinic::TimeOff& st, const clinic::TimeOff& ct,
                std::size_t) -> core::Result<void> {
              if (!(st == ct)) d.update_time_off.push_back(&ct);
              return core::Ok();
            }));
        if (d.row || d.skills || d.hours || d.breaks || !d.insert_time_off.empty() ||
            !d.update_time_off.empty() || !d.delete_time_off.empty()) {
          diff.update_practitioners.push_back(std::move(d));
        }
        return core::Ok();
      }));
  if (!gone_practitioners.empty()) {
    return core::Error::InvalidField("practitioners",
                                     "practitioner " + to_string(gone_practitioners.front()) +
                                         " cannot be removed; make them inactive instead");
  }

  diff.delete_services = UNKNOT_TRY(Match(
      stored.services, changed.services, "services",
      [&](const clinic::Service& s) { diff.insert_services.push_back(&s); },
      [&](const clinic::Service& s, const clinic::Service& c, std::size_t) -> core::Result<void> {
        ServiceDiff d;
        d.changed = &c;
        d.roles = s.allowed_roles != c.allowed_roles;
        d.skills = s.required_skills != c.required_skills;
        clinic::Service row = c;
        row.allowed_roles = s.allowed_roles;
        row.required_skills = s.required_skills;
        d.row = !(row == s);
        if (d.row || d.roles || d.skills) diff.update_services.push_back(d);
        return core::Ok();
      }));
  return diff;
}

}  // namespace unknot::storage
