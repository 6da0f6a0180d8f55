#include "api/json/waitlist_json.hpp"

#include "api/json/booking_json.hpp"

namespace unknot::api::json {
namespace {

using core::Error;
using core::Result;
using Json = nlohmann::json;
namespace ports = core::ports;

Result<std::string> Text(const Json& object, const std::string& field, const char* name,
                         bool required = true) {
  if (!object.contains(name) || object[name].is_null()) {
    if (!required) return std::string{};
    return Error::InvalidField(field + name, "is required");
  }
  if (!object[name].is_string()) return Error::InvalidField(field + name, "must be a string");
  return object[name].get<std::string>();
}

Result<std::chrono::minutes> TimeOf(const Json& window, const std::string& field,
                                    const char* name) {
  std::string text = UNKNOT_TRY(Text(window, field, name));
  if (text == "24:00") return std::chrono::minutes{24 * 60};
  auto time = core::TimeOfDay::Parse(text);
  if (!time) return Error::InvalidField(field + name, "must be a time of day, HH:MM");
  return time->since_midnight();
}

std::string FormatMinutes(std::chrono::minutes m) {
  const auto hours = m.count() / 60;
  const auto minutes = m.count() % 60;
  return (hours < 10 ? "0" : "") + std::to_string(hours) + ":" + (minutes < 10 ? "0" : "") +
         std::to_string(minutes);
}

}  // namespace

Result<app::WaitlistRequest> ParseWaitlistRequest(const Json& body, bool staff) {
  app::WaitlistRequest request;
  request.source = staff ? ports::WaitlistSource::kStaff : ports::WaitlistSource::kOnline;
  if (!body.contains("service")) return Error::InvalidField("service", "is required");
  if (!body["service"].is_number_integer() || body["service"].get<std::int64_t>() <= 0) {
    return Error::InvalidField("service", "must be a positive integer id");
  }
  request.service = core::ServiceId{body["service"].get<std::int64_t>()};
  if (body.contains("practitioner") && !body["practitioner"].is_null()) {
    const Json& who = body["practitioner"];
    if (who.is_number_integer() && who.get<std::int64_t>() > 0) {
      request.practitioner = core::PractitionerId{who.get<std::int64_t>()};
    } else if (!(who.is_string() && who.get<std::string>() == "any")) {
      return Error::InvalidField("practitioner", "must be a positive integer id or \"any\"");
    }
  }
  if (!body.contains("windows") || !body["windows"].is_array()) {
    return Error::InvalidField("windows", "is required and must be an array");
  }
  for (std::size_t i = 0; i < body["windows"].size(); ++i) {
    const Json& w = body["windows"][i];
    const std::string field = "windows[" + std::to_string(i) + "].";
    if (!w.is_object())
      return Error::InvalidField("windows[" + std::to_string(i) + "]", "must be an object");
    ports::WaitlistWindow window{.days = 0};
    if (!w.contains("days") || !w["days"].is_array()) {
      return Error::InvalidField(field + "days", "is required and must be an array of days");
    }
    for (const Json& day : w["days"]) {
      auto parsed =
          day.is_string()
              ? core::ParseWeekday(day.get<std::string>())
              : core::Result<date::weekday>(Error::InvalidField(field + "days", "not a day"));
      if (!parsed) {
        return Error::InvalidField(field + "days", "must name days, \"monday\" .. \"sunday\"");
      }
      window.days |= 1U << (parsed->iso_encoding() - 1);
    }
    window.from = UNKNOT_TRY(TimeOf(w, field, "from"));
    window.to = UNKNOT_TRY(TimeOf(w, field, "to"));
    request.windows.push_back(window);
  }
  request.until = UNKNOT_TRY(Text(body, "", "until"));
  if (!body.contains("patient") || !body["patient"].is_object()) {
    return Error::InvalidField("patient", "is required and must be an object");
  }
  const Json& patient = body["patient"];
  request.patient.given_name = UNKNOT_TRY(Text(patient, "patient.", "given_name"));
  request.patient.family_name = UNKNOT_TRY(Text(patient, "patient.", "family_name"));
  request.patient.email = UNKNOT_TRY(Text(patient, "patient.", "email", !staff));
  request.patient.phone = UNKNOT_TRY(Text(patient, "patient.", "phone"));
  if (staff && body.contains("urgent")) {
    if (!body["urgent"].is_boolean()) return Error::InvalidField("urgent", "must be true or false");
    request.urgent = body["urgent"].get<bool>();
  }
  return request;
}

Json WaitlistEntryJson(const app::ClinicContext& clinic, const ports::WaitlistEntry& entry) {
  const auto& setup = clinic.setup();
  const auto* service = setup.FindService(entry.service);
  Json out;
  out["id"] = entry.id.value();
  out["status"] = ports::WaitlistStatusName(entry.status);
  out["service"] = {{"id", entry.service.value()},
                    {"name", service != nullptr ? service->name : ""}};
  if (entry.practitioner) {
    const auto* practitioner = setup.FindPractitioner(*entry.practitioner);
    out["practitioner"] = {
        {"id", entry.practitioner->value()},
        {"display_name", practitioner != nullptr ? practitioner->display_name : ""}};
  } else {
    out["practitioner"] = nullptr;
  }
  Json windows = Json::array();
  for (const ports::WaitlistWindow& w : entry.windows) {
    Json days = Json::array();
    for (unsigned day = 0; day < 7; ++day) {
      if ((w.days >> day) & 1U) days.push_back(core::WeekdayName(date::weekday{(day + 1) % 7}));
    }
    windows.push_back(
        {{"days", days}, {"from", FormatMinutes(w.from)}, {"to", FormatMinutes(w.to)}});
  }
  out["windows"] = windows;
  out["until"] = entry.until;
  out["urgent"] = entry.urgent;
  out["source"] = ports::WaitlistSourceName(entry.source);
  out["created_at"] = core::FormatInstant(entry.created_at);
  out["patient"] = {{"given_name", entry.given_name},
                    {"family_name", entry.family_name},
                    {"email", entry.email},
                    {"phone", entry.phone}};
  if (entry.appointment) out["appointment"] = entry.appointment->value();
  return out;
}

Json OfferJson(const app::ClinicContext& clinic, const ports::WaitlistOffer& offer) {
  const auto& setup = clinic.setup();
  const auto* service = setup.FindService(offer.service);
  const auto* practitioner = setup.FindPractitioner(offer.practitioner);
  Json out = TimeJson(clinic, offer.time);
  out["status"] = ports::OfferStatusName(offer.status);
  out["expires_at"] = core::FormatInstant(offer.expires_at);
  out["service"] = {{"id", offer.service.value()},
                    {"name", service != nullptr ? service->name : ""}};
  out["practitioner"] = {
      {"id", offer.practitioner.value()},
      {"display_name", practitioner != nullptr ? practitioner->display_name : ""}};
  return out;
}

}  // namespace unknot::api::json
