#include "api/json/calendar_json.hpp"

namespace unknot::api::json {

using Json = nlohmann::json;
namespace scheduling = core::scheduling;

namespace {

Json Spans(const std::vector<core::Interval>& spans) {
  Json out = Json::array();
  for (const core::Interval& span : spans) {
    out.push_back(
        {{"start", core::FormatInstant(span.start())}, {"end", core::FormatInstant(span.end())}});
  }
  return out;
}

}  // namespace

Json CalendarAppointmentJson(const app::ClinicContext& clinic,
                             const core::ports::CalendarAppointment& entry) {
  const scheduling::Appointment& a = entry.appointment;
  const core::clinic::Service* service = clinic.setup().FindService(a.service);
  return Json{
      {"id", a.id.value()},
      {"version", a.version},
      {"status", scheduling::ToString(a.status)},
      {"source", scheduling::ToString(a.source)},
      {"start", core::FormatInstant(a.time.start())},
      {"end", core::FormatInstant(a.time.end())},
      {"blocked_until", core::FormatInstant(a.blocked_until)},
      {"practitioner", a.practitioner.value()},
      {"room", a.room.value()},
      {"service", {{"id", a.service.value()}, {"name", service ? service->name : std::string()}}},
      {"patient",
       {{"id", a.patient.value()},
        {"given_name", entry.given_name},
        {"family_name", entry.family_name}}},
      {"assessment", a.assessment ? Json(a.assessment->value()) : Json(nullptr)},
      {"overbooked", a.overbooked},
      {"cancel_reason", a.cancel_reason},
      {"declined", a.declined},
  };
}

Json CalendarJson(const app::ClinicContext& clinic, const app::CalendarView& view) {
  Json practitioners = Json::array();
  for (const scheduling::PractitionerTime& time : view.practitioners) {
    const core::clinic::Practitioner* p = clinic.setup().FindPractitioner(time.practitioner);
    if (p == nullptr) continue;
    practitioners.push_back({{"id", p->id.value()},
                             {"slug", p->slug},
                             {"name", p->display_name},
                             {"allow_overbooking", p->allow_overbooking},
                             {"working", Spans(time.working)},
                             {"free", Spans(time.free)}});
  }
  Json rooms = Json::array();
  for (const core::clinic::Room& room : clinic.setup().rooms) {
    rooms.push_back({{"id", room.id.value()}, {"name", room.name}});
  }
  Json appointments = Json::array();
  for (const auto& entry : view.appointments) {
    appointments.push_back(CalendarAppointmentJson(clinic, entry));
  }
  return Json{{"time_zone", clinic.setup().clinic.time_zone},
              {"from", core::FormatLocalDate(view.from)},
              {"to", core::FormatLocalDate(view.to)},
              {"practitioners", std::move(practitioners)},
              {"rooms", std::move(rooms)},
              {"appointments", std::move(appointments)}};
}

}  // namespace unknot::api::json
