#include "app/clinic_setup_edit.hpp"

#include <algorithm>

namespace unknot::app {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

template <typename T, typename Id>
T* FindById(std::vector<T>& items, Id id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

template <typename T>
std::size_t IndexOf(const std::vector<T>& items, const T* item) {
  return static_cast<std::size_t>(item - items.data());
}

// Where the edited thing sits in the changed set-up: its list ("rooms") and position, or "" for
// the clinic. Fields of the whole set-up's validation under it are the caller's own fields.
struct Edited {
  std::string prefix;  // "clinic.", "rooms[2].", ...
  std::int64_t id = 0;
  std::size_t index = 0;  // in its list
};

std::string Prefix(std::string_view list, std::size_t index) {
  return std::string(list) + "[" + std::to_string(index) + "].";
}

// Applies the edit to a copy of the stored set-up.
Result<Edited> Apply(clinic::ClinicSetup& setup, const SetupEdit& edit) {
  if (const auto* e = std::get_if<UpdateClinic>(&edit)) {
    if (!e->clinic.slug.empty() && e->clinic.slug != setup.clinic.slug) {
      return Error::InvalidField("slug", "cannot change");
    }
    clinic::Clinic c = e->clinic;
    c.id = setup.clinic.id;
    c.slug = setup.clinic.slug;
    setup.clinic = std::move(c);
    return Edited{"clinic.", setup.clinic.id.value()};
  }
  if (const auto* e = std::get_if<SaveRoom>(&edit)) {
    if (!e->room.id.is_set()) {
      setup.rooms.push_back(e->room);
      return Edited{Prefix("rooms", setup.rooms.size() - 1), 0, setup.rooms.size() - 1};
    }
    clinic::Room* room = FindById(setup.rooms, e->room.id);
    if (room == nullptr)
      return Error(ErrorCode::kNotFound, "no such room", {{"id", "no such room"}});
    *room = e->room;
    return Edited{Prefix("rooms", IndexOf(setup.rooms, room)), room->id.value(),
                  IndexOf(setup.rooms, room)};
  }
  if (const auto* e = std::get_if<SavePractitioner>(&edit)) {
    clinic::Practitioner p = e->practitioner;
    if (!p.id.is_set()) {
      p.time_off.clear();
      p.allow_overbooking = e->allow_overbooking.value_or(false);
      setup.practitioners.push_back(std::move(p));
      return Edited{Prefix("practitioners", setup.practitioners.size() - 1), 0,
                    setup.practitioners.size() - 1};
    }
    clinic::Practitioner* stored = FindById(setup.practitioners, p.id);
    if (stored == nullptr) {
      return Error(ErrorCode::kNotFound, "no such practitioner", {{"id", "no such practitioner"}});
    }
    p.time_off = stored->time_off;
    p.allow_overbooking = e->allow_overbooking.value_or(stored->allow_overbooking);
    *stored = std::move(p);
    return Edited{Prefix("practitioners", IndexOf(setup.practitioners, stored)), stored->id.value(),
                  IndexOf(setup.practitioners, stored)};
  }
  if (const auto* e = std::get_if<AddTimeOff>(&edit)) {
    clinic::Practitioner* p = FindById(setup.practitioners, e->practitioner);
    if (p == nullptr) {
      return Error(ErrorCode::kNotFound, "no such practitioner",
                   {{"practitioner", "no such practitioner"}});
    }
    p->time_off.push_back({core::TimeOffId{}, e->period, e->reason});
    return Edited{Prefix("practitioners", IndexOf(setup.practitioners, p)) +
                      Prefix("time_off", p->time_off.size() - 1),
                  0};
  }
  if (const auto* e = std::get_if<RemoveTimeOff>(&edit)) {
    clinic::Practitioner* p = FindById(setup.practitioners, e->practitioner);
    if (p == nullptr) {
      return Error(ErrorCode::kNotFound, "no such practitioner",
                   {{"practitioner", "no such practitioner"}});
    }
    auto it = std::find_if(p->time_off.begin(), p->time_off.end(),
                           [&](const clinic::TimeOff& t) { return t.id == e->time_off; });
    if (it == p->time_off.end()) {
      return Error(ErrorCode::kNotFound, "no such time off", {{"time_off", "no such time off"}});
    }
    p->time_off.erase(it);
    return Edited{Prefix("practitioners", IndexOf(setup.practitioners, p)), p->id.value()};
  }
  const auto& e = std::get<SaveService>(edit);
  if (!e.service.id.is_set()) {
    setup.services.push_back(e.service);
    return Edited{Prefix("services", setup.services.size() - 1), 0, setup.services.size() - 1};
  }
  clinic::Service* service = FindById(setup.services, e.service.id);
  if (service == nullptr) {
    return Error(ErrorCode::kNotFound, "no such service", {{"id", "no such service"}});
  }
  *service = e.service;
  return Edited{Prefix("services", IndexOf(setup.services, service)), service->id.value(),
                IndexOf(setup.services, service)};
}

// The edited room's name or practitioner's or service's slug taken by another one: the whole
// set-up's validation would name whichever of the two comes later.
template <typename T, typename Key>
Result<void> Unique(const std::vector<T>& items, const T& edited, std::string_view field, Key key,
                    std::string_view what) {
  for (const T& other : items) {
    if (&other != &edited && key(other) == key(edited)) {
      return Error::InvalidField(std::string(field), "is taken by another " + std::string(what));
    }
  }
  return core::Ok();
}

Result<void> CheckUnique(const clinic::ClinicSetup& setup, const SetupEdit& edit,
                         const Edited& edited) {
  auto item = [&](const auto& list, std::string_view) { return &list[edited.index]; };
  if (std::holds_alternative<SaveRoom>(edit)) {
    return Unique(
        setup.rooms, *item(setup.rooms, "rooms"), "name",
        [](const clinic::Room& r) { return r.name; }, "room");
  }
  if (std::holds_alternative<SavePractitioner>(edit)) {
    return Unique(
        setup.practitioners, *item(setup.practitioners, "practitioners"), "slug",
        [](const clinic::Practitioner& p) { return p.slug; }, "practitioner");
  }
  if (std::holds_alternative<SaveService>(edit)) {
    return Unique(
        setup.services, *item(setup.services, "services"), "slug",
        [](const clinic::Service& v) { return v.slug; }, "service");
  }
  return core::Ok();
}

// The whole set-up's validation, with fields of the edited thing made relative to it (400) and
// fields elsewhere kept whole as a conflict with the rest of the set-up (409).
Result<void> ValidateEdited(const clinic::ClinicSetup& setup, const Edited& edited) {
  auto valid = clinic::Validate(setup);
  if (valid) return valid;
  const Error& error = valid.error();
  std::vector<core::FieldError> fields = error.fields();
  const bool own = !fields.empty() && std::all_of(fields.begin(), fields.end(), [&](const auto& f) {
    return f.field.starts_with(edited.prefix);
  });
  if (own) {
    for (auto& f : fields) f.field.erase(0, edited.prefix.size());
    return Error(ErrorCode::kInvalidArgument, error.message(), std::move(fields));
  }
  return Error(ErrorCode::kConflict,
               "the change leaves another part of the set-up invalid: " + error.message(),
               std::move(fields));
}

// The id the edit produced: for an added thing, the one id the saved list has that the stored
// list had not.
template <typename T>
std::int64_t NewId(const std::vector<T>& before, const std::vector<T>& after) {
  for (const T& item : after) {
    if (std::none_of(before.begin(), before.end(), [&](const T& b) { return b.id == item.id; })) {
      return item.id.value();
    }
  }
  return 0;
}

std::int64_t AddedId(const clinic::ClinicSetup& before, const clinic::ClinicSetup& after,
                     const SetupEdit& edit) {
  if (std::holds_alternative<SaveRoom>(edit)) return NewId(before.rooms, after.rooms);
  if (std::holds_alternative<SavePractitioner>(edit)) {
    return NewId(before.practitioners, after.practitioners);
  }
  if (std::holds_alternative<SaveService>(edit)) return NewId(before.services, after.services);
  if (const auto* e = std::get_if<AddTimeOff>(&edit)) {
    const auto* b = before.FindPractitioner(e->practitioner);
    const auto* a = after.FindPractitioner(e->practitioner);
    if (b != nullptr && a != nullptr) return NewId(b->time_off, a->time_off);
  }
  return 0;
}

std::string RefusalMessage(std::size_t count) {
  return "the change would leave " + std::to_string(count) +
         (count == 1 ? " booked appointment" : " booked appointments") +
         " without a practitioner, room or time to take place; move or cancel " +
         (count == 1 ? "it" : "them") + " first, or keep " + (count == 1 ? "it" : "them") +
         " booked as they are";
}

}  // namespace

Result<SetupEditOutcome> EditClinicSetup(core::ports::Storage& storage, const core::Clock& clock,
                                         core::ClinicId clinic_id, const SetupEdit& edit,
                                         StrandedPolicy policy) {
  const core::Instant now = clock.Now();
  // Set by the change, which storage runs inside its write transaction on the set-up as stored
  // then: no other edit lands in between, so none is lost. It may run more than once (a retried
  // transaction); each run starts afresh.
  Edited edited;
  clinic::ClinicSetup before;
  std::vector<clinic::StrandedAppointment> stranded;
  bool refused = false;
  auto change =
      [&](const clinic::ClinicSetup& stored,
          const std::vector<scheduling::Appointment>& booked) -> Result<clinic::ClinicSetup> {
    refused = false;
    before = stored;
    clinic::ClinicSetup changed = stored;
    edited = UNKNOT_TRY(Apply(changed, edit));
    UNKNOT_TRY(CheckUnique(changed, edit, edited));
    UNKNOT_TRY(ValidateEdited(changed, edited));
    stranded = clinic::StrandedBy(stored, changed, booked, now);
    if (!stranded.empty() && policy == StrandedPolicy::kRefuse) {
      refused = true;
      return Error(ErrorCode::kConflict, RefusalMessage(stranded.size()));
    }
    return changed;
  };
  auto saved = storage.SaveSetup(clinic_id, change, now);
  if (!saved && refused) {
    return SetupEditOutcome{SetupRefused{std::move(stranded), saved.error().message()}};
  }
  if (!saved) return std::move(saved).error();
  std::int64_t id = edited.id != 0 ? edited.id : AddedId(before, *saved, edit);
  return SetupEditOutcome{SetupEdited{std::move(*saved), id, std::move(stranded)}};
}

}  // namespace unknot::app
