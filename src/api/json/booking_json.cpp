#include "api/json/booking_json.hpp"

namespace unknot::api::json {

using nlohmann::json;
namespace scheduling = core::scheduling;

namespace {

json PractitionerRef(const app::ClinicContext& clinic, core::PractitionerId id) {
  const auto* p = clinic.setup().FindPractitioner(id);
  return {{"id", id.value()}, {"display_name", p != nullptr ? p->display_name : ""}};
}

json RoomRef(const app::ClinicContext& clinic, core::RoomId id) {
  const auto* r = clinic.setup().FindRoom(id);
  return {{"id", id.value()}, {"name", r != nullptr ? r->name : ""}};
}

}  // namespace

json TimeJson(const app::ClinicContext& clinic, const core::Interval& time) {
  return {{"start", core::FormatInstant(time.start())},
          {"end", core::FormatInstant(time.end())},
          {"local_start", core::FormatLocalDateTime(core::UtcToLocal(clinic.zone, time.start()))},
          {"local_end", core::FormatLocalDateTime(core::UtcToLocal(clinic.zone, time.end()))}};
}

json SlotJson(const app::ClinicContext& clinic, const core::Interval& time,
              std::span<const scheduling::SlotOption> slot_options) {
  // Compact: a 14-day answer holds hundreds of slots, so options name practitioners and rooms by
  // id; the answer lists their names once.
  json options = json::array();
  for (const auto& option : slot_options) {
    options.push_back(
        {{"practitioner", option.practitioner.value()}, {"room", option.room.value()}});
  }
  return {{"start", core::FormatInstant(time.start())},
          {"end", core::FormatInstant(time.end())},
          {"local_start", core::FormatLocalDateTime(core::UtcToLocal(clinic.zone, time.start()))},
          {"options", std::move(options)}};
}

json NamesJson(const app::ClinicContext& clinic) {
  json practitioners = json::array();
  for (const auto& p : clinic.setup().practitioners) {
    practitioners.push_back({{"id", p.id.value()}, {"display_name", p.display_name}});
  }
  json rooms = json::array();
  for (const auto& r : clinic.setup().rooms)
    rooms.push_back({{"id", r.id.value()}, {"name", r.name}});
  return {{"practitioners", std::move(practitioners)}, {"rooms", std::move(rooms)}};
}

json AvailabilityJson(const app::AvailabilityResult& result) {
  json days = json::array();
  for (const auto& day : result.days) {
    json slots = json::array();
    for (const auto& slot : day.slots) {
      slots.push_back(SlotJson(result.clinic, slot.time, day.OptionsOf(slot)));
    }
    days.push_back({{"date", core::FormatLocalDate(day.date)}, {"slots", std::move(slots)}});
  }
  json out = {{"clinic", result.clinic.setup().clinic.slug},
              {"time_zone", result.clinic.setup().clinic.time_zone},
              {"service",
               {{"id", result.service.id.value()},
                {"slug", result.service.slug},
                {"name", result.service.name},
                {"duration_minutes", result.service.duration.count()}}},
              {"days", std::move(days)}};
  out.update(NamesJson(result.clinic));
  return out;
}

json AppointmentJson(const app::ClinicContext& clinic, const scheduling::Appointment& a) {
  const auto* service = clinic.setup().FindService(a.service);
  json out = TimeJson(clinic, a.time);
  out["id"] = a.id.value();
  // A request the front desk declined is cancelled; the patient is told which.
  out["status"] = a.declined ? std::string_view("declined") : scheduling::ToString(a.status);
  out["source"] = scheduling::ToString(a.source);
  out["service"] = {{"id", a.service.value()},
                    {"slug", service != nullptr ? service->slug : ""},
                    {"name", service != nullptr ? service->name : ""}};
  out["practitioner"] = PractitionerRef(clinic, a.practitioner);
  out["room"] = RoomRef(clinic, a.room);
  out["time_zone"] = clinic.setup().clinic.time_zone;
  out["created_at"] = core::FormatInstant(a.created_at);
  out["cancelled_at"] = a.cancelled_at ? json(core::FormatInstant(*a.cancelled_at)) : json(nullptr);
  return out;
}

json BookedJson(const app::ClinicContext& clinic, const app::Booked& booked) {
  const std::string id = std::to_string(booked.appointment.id.value());
  return {{"appointment", AppointmentJson(clinic, booked.appointment)},
          {"manage_token", booked.manage_token},
          // The token in the fragment: a browser never sends it to a server (so it is in no
          // access log) nor on in a Referer. The app reads it there and sends it as a Bearer token.
          {"manage_url",
           "/c/" + clinic.setup().clinic.slug + "/manage/" + id + "#token=" + booked.manage_token}};
}

}  // namespace unknot::api::json
