#include "core/clinic/clinic_setup.hpp"

#include <algorithm>
#include <set>

namespace unknot::core::clinic {
namespace {

template <typename T, typename Id>
const T* FindById(const std::vector<T>& items, Id id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

std::string At(std::string_view list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

Result<void> InContext(Result<void> result, std::string_view prefix) {
  if (result) return result;
  std::vector<FieldError> fields;
  for (const FieldError& f : result.error().fields()) {
    fields.push_back({std::string(prefix) + "." + f.field, f.reason});
  }
  return Error(result.error().code(), std::string(prefix) + "." + result.error().message(),
               std::move(fields));
}

}  // namespace

const Practitioner* ClinicSetup::FindPractitioner(PractitionerId id) const {
  return FindById(practitioners, id);
}
const Service* ClinicSetup::FindService(ServiceId id) const { return FindById(services, id); }
const Room* ClinicSetup::FindRoom(RoomId id) const { return FindById(rooms, id); }

std::vector<WorkingHours> OpeningHours(const ClinicSetup& setup) {
  std::vector<WorkingHours> all;
  for (const Practitioner& p : setup.practitioners) {
    if (p.status != PractitionerStatus::kActive) continue;
    all.insert(all.end(), p.hours.begin(), p.hours.end());
  }
  // Monday first: iso_encoding is 1 (Monday) .. 7 (Sunday).
  std::sort(all.begin(), all.end(), [](const WorkingHours& a, const WorkingHours& b) {
    if (a.day != b.day) return a.day.iso_encoding() < b.day.iso_encoding();
    return a.start < b.start;
  });
  std::vector<WorkingHours> merged;
  for (const WorkingHours& h : all) {
    if (!merged.empty() && merged.back().day == h.day && h.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, h.end);
    } else {
      merged.push_back(h);
    }
  }
  return merged;
}

Result<void> Validate(const ClinicSetup& setup) {
  UNKNOT_TRY(InContext(Validate(setup.clinic), "clinic"));
  std::set<std::string> room_names;
  for (std::size_t i = 0; i < setup.rooms.size(); ++i) {
    const Room& room = setup.rooms[i];
    if (room.name.empty())
      return Error::InvalidField(At("rooms", i) + ".name", "must not be empty");
    if (!room_names.insert(room.name).second) {
      return Error::InvalidField(At("rooms", i) + ".name", "duplicates another room's name");
    }
  }
  std::set<std::string> slugs;
  for (std::size_t i = 0; i < setup.practitioners.size(); ++i) {
    UNKNOT_TRY(InContext(Validate(setup.practitioners[i]), At("practitioners", i)));
    if (!slugs.insert(setup.practitioners[i].slug).second) {
      return Error::InvalidField(At("practitioners", i) + ".slug", "duplicates another slug");
    }
  }
  slugs.clear();
  for (std::size_t i = 0; i < setup.services.size(); ++i) {
    const Service& service = setup.services[i];
    std::string at = At("services", i);
    UNKNOT_TRY(InContext(Validate(service), at));
    if (!slugs.insert(service.slug).second) {
      return Error::InvalidField(at + ".slug", "duplicates another slug");
    }
    bool has_room = std::any_of(setup.rooms.begin(), setup.rooms.end(),
                                [&](const Room& r) { return r.kind == service.room_kind; });
    if (!has_room) {
      return Error::InvalidField(
          at + ".room_kind",
          "the clinic has no room of kind '" + std::string(ToString(service.room_kind)) + "'");
    }
    bool deliverable =
        std::any_of(setup.practitioners.begin(), setup.practitioners.end(),
                    [&](const Practitioner& p) { return service.CanBeDeliveredBy(p); });
    if (!deliverable) {
      return Error::InvalidField(at + ".allowed_roles",
                                 "no active practitioner has the role and skills it needs");
    }
  }
  return Ok();
}

}  // namespace unknot::core::clinic
