#include "api/json/calendar_json.hpp"

#include "api/json/json_writer.hpp"

namespace unknot::api::json {

using Json = nlohmann::json;
namespace scheduling = core::scheduling;

namespace {

// The week view is the biggest answer the staff side sends and is asked for all day, so it is
// written straight into one string (json::Writer) instead of being built as a nlohmann::json tree
// first (about ten times faster for 500 appointments; bench/calendar_bench.cpp).

void WriteAppointment(Writer& w, const app::ClinicContext& clinic,
                      const core::ports::CalendarAppointment& entry) {
  const scheduling::Appointment& a = entry.appointment;
  const core::clinic::Service* service = clinic.setup().FindService(a.service);
  w.Raw("{").Key("id", true).Int(a.id.value());
  w.Key("version").Int(a.version);
  w.Key("status").String(scheduling::ToString(a.status));
  w.Key("source").String(scheduling::ToString(a.source));
  w.Key("start").Instant(a.time.start());
  w.Key("end").Instant(a.time.end());
  w.Key("blocked_until").Instant(a.blocked_until);
  w.Key("practitioner").Int(a.practitioner.value());
  w.Key("room").Int(a.room.value());
  w.Key("service").Raw("{").Key("id", true).Int(a.service.value());
  w.Key("name").String(service != nullptr ? std::string_view(service->name) : "").Raw("}");
  w.Key("patient").Raw("{").Key("id", true).Int(a.patient.value());
  w.Key("given_name").String(entry.given_name);
  w.Key("family_name").String(entry.family_name).Raw("}");
  w.Key("assessment");
  if (a.assessment) {
    w.Int(a.assessment->value());
  } else {
    w.Raw("null");
  }
  w.Key("overbooked").Bool(a.overbooked);
  w.Key("cancel_reason").String(a.cancel_reason);
  w.Key("declined").Bool(a.declined);
  w.Raw("}");
}

}  // namespace

Json CalendarAppointmentJson(const app::ClinicContext& clinic,
                             const core::ports::CalendarAppointment& entry) {
  Writer w(512);
  WriteAppointment(w, clinic, entry);
  return Json::parse(w.Take());
}

std::string CalendarBody(const app::ClinicContext& clinic, const app::CalendarView& view) {
  Writer w(1024 + 450 * view.appointments.size() + 200 * view.practitioners.size());
  w.Raw("{").Key("time_zone", true).String(clinic.setup().clinic.time_zone);
  w.Key("from").String(core::FormatLocalDate(view.from));
  w.Key("to").String(core::FormatLocalDate(view.to));
  w.Key("practitioners").Raw("[");
  bool first = true;
  for (const scheduling::PractitionerTime& time : view.practitioners) {
    const core::clinic::Practitioner* p = clinic.setup().FindPractitioner(time.practitioner);
    if (p == nullptr) continue;
    if (!first) w.Raw(",");
    first = false;
    w.Raw("{").Key("id", true).Int(p->id.value());
    w.Key("slug").String(p->slug);
    w.Key("name").String(p->display_name);
    w.Key("allow_overbooking").Bool(p->allow_overbooking);
    w.Key("working").Spans(time.working);
    w.Key("free").Spans(time.free);
    w.Raw("}");
  }
  w.Raw("]").Key("rooms").Raw("[");
  first = true;
  for (const core::clinic::Room& room : clinic.setup().rooms) {
    if (!first) w.Raw(",");
    first = false;
    w.Raw("{").Key("id", true).Int(room.id.value()).Key("name").String(room.name).Raw("}");
  }
  w.Raw("]").Key("appointments").Raw("[");
  first = true;
  for (const auto& entry : view.appointments) {
    if (!first) w.Raw(",");
    first = false;
    WriteAppointment(w, clinic, entry);
  }
  w.Raw("]}");
  return w.Take();
}

}  // namespace unknot::api::json
