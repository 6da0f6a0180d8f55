#include "api/fhir/fhir_resources.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace unknot::api::fhir {
namespace {

namespace clinic = core::clinic;

Json Coding(std::string_view system, std::string_view code, std::string_view display) {
  return Json{{"system", system}, {"code", code}, {"display", display}};
}

std::string RoleDisplay(clinic::Role role) {
  switch (role) {
    case clinic::Role::kChiropractor:
      return "Chiropractor";
    case clinic::Role::kMassageTherapist:
      return "Massage therapist";
  }
  return std::string(ToString(role));
}

std::string SkillDisplay(clinic::Skill skill) {
  switch (skill) {
    case clinic::Skill::kActiveReleaseTechnique:
      return "Active Release Technique (ART) certified";
    case clinic::Skill::kSportsInjury:
      return "Sports injury";
    case clinic::Skill::kDeepTissue:
      return "Deep-tissue massage";
    case clinic::Skill::kFoamRollerCoaching:
      return "Foam-roller coaching";
  }
  return std::string(ToString(skill));
}

Json ServiceConcept(const clinic::Service& service) {
  return Json{{"coding", Json::array({Coding(kServiceSystem, service.slug, service.name)})},
              {"text", service.name}};
}

Json Reference(std::string_view type, std::string_view id, std::string_view display = "") {
  Json ref = {{"reference", std::string(type) + "/" + std::string(id)}};
  if (!display.empty()) ref["display"] = display;
  return ref;
}

std::string Id(std::int64_t value) { return std::to_string(value); }

}  // namespace

std::string Links::FhirBase() const { return origin + "/fhir/" + slug; }

std::string Links::BookingDeepLinkPrefix() const {
  return origin + "/c/" + slug + "/book?service=";
}

std::string Links::BookingDeepLink(core::ServiceId service, core::PractitionerId practitioner,
                                   core::Instant start) const {
  return BookingDeepLinkPrefix() + Id(service.value()) +
         "&practitioner=" + Id(practitioner.value()) + "&start=" + core::FormatInstant(start);
}

Json LocationResource(const clinic::Clinic& c) {
  Json lines = Json::array({c.address.line1});
  if (!c.address.line2.empty()) lines.push_back(c.address.line2);
  return Json{
      {"resourceType", "Location"},
      {"id", c.slug},
      {"extension", Json::array({{{"url", kTimeZoneExtension}, {"valueCode", c.time_zone}}})},
      {"status", "active"},
      {"name", c.name},
      {"telecom", Json::array({{{"system", "phone"}, {"value", c.phone}, {"use", "work"}}})},
      {"address",
       {{"use", "work"},
        {"type", "physical"},
        {"line", std::move(lines)},
        {"city", c.address.city},
        {"state", c.address.region},
        {"postalCode", c.address.postal_code},
        {"country", c.address.country}}}};
}

Json PractitionerResource(const clinic::Practitioner& p) {
  Json out = {{"resourceType", "Practitioner"},
              {"id", Id(p.id.value())},
              {"active", p.status == clinic::PractitionerStatus::kActive},
              {"name", Json::array({{{"text", p.display_name}}})}};
  // Certifications the clinic records (ART) are qualifications.
  Json qualifications = Json::array();
  for (clinic::Skill skill : p.skills) {
    if (skill != clinic::Skill::kActiveReleaseTechnique) continue;
    qualifications.push_back(
        {{"code",
          {{"coding", Json::array({Coding(kSkillSystem, ToString(skill), SkillDisplay(skill))})},
           {"text", SkillDisplay(skill)}}}});
  }
  if (!qualifications.empty()) out["qualification"] = std::move(qualifications);
  return out;
}

Json PractitionerRoleResource(const clinic::ClinicSetup& setup, const clinic::Practitioner& p) {
  Json specialties = Json::array();
  for (clinic::Skill skill : p.skills) {
    specialties.push_back(
        {{"coding", Json::array({Coding(kSkillSystem, ToString(skill), SkillDisplay(skill))})},
         {"text", SkillDisplay(skill)}});
  }
  Json services = Json::array();
  for (const auto& service : setup.services) {
    if (service.CanBeDeliveredBy(p)) {
      services.push_back(Reference("HealthcareService", Id(service.id.value()), service.name));
    }
  }
  Json out = {
      {"resourceType", "PractitionerRole"},
      {"id", Id(p.id.value())},
      {"active", p.status == clinic::PractitionerStatus::kActive},
      {"practitioner", Reference("Practitioner", Id(p.id.value()), p.display_name)},
      {"code",
       Json::array(
           {{{"coding", Json::array({Coding(kRoleSystem, ToString(p.role), RoleDisplay(p.role))})},
             {"text", RoleDisplay(p.role)}}})},
      {"location", Json::array({Reference("Location", setup.clinic.slug, setup.clinic.name)})},
      {"telecom",
       Json::array({{{"system", "phone"}, {"value", setup.clinic.phone}, {"use", "work"}}})}};
  if (!specialties.empty()) out["specialty"] = std::move(specialties);
  if (!services.empty()) out["healthcareService"] = std::move(services);
  return out;
}

Json HealthcareServiceResource(const clinic::ClinicSetup& setup, const clinic::Service& service) {
  std::string comment = std::to_string(service.duration.count()) + " minutes";
  Json out = {
      {"resourceType", "HealthcareService"},
      {"id", Id(service.id.value())},
      {"active", true},
      {"location", Json::array({Reference("Location", setup.clinic.slug)})},
      {"type", Json::array({ServiceConcept(service)})},
      {"name", service.name},
      {"comment", comment},
      {"telecom",
       Json::array({{{"system", "phone"}, {"value", setup.clinic.phone}, {"use", "work"}}})}};
  if (!service.description.empty()) out["extraDetails"] = service.description;
  out["appointmentRequired"] = true;
  return out;
}

Json ScheduleResource(const clinic::ClinicSetup& setup, const clinic::Practitioner& p) {
  Json types = Json::array();
  for (const auto& service : setup.services) {
    if (service.CanBeDeliveredBy(p)) types.push_back(ServiceConcept(service));
  }
  Json out = {{"resourceType", "Schedule"},
              {"id", Id(p.id.value())},
              {"active", p.status == clinic::PractitionerStatus::kActive}};
  if (!types.empty()) out["serviceType"] = std::move(types);
  out["actor"] = Json::array({Reference("Practitioner", Id(p.id.value()), p.display_name),
                              Reference("Location", setup.clinic.slug, setup.clinic.name)});
  return out;
}

std::string SlotId(const FreeSlot& slot) {
  return Id(slot.practitioner.value()) + "-" + Id(slot.service.value()) + "-" +
         std::to_string(slot.time.start().time_since_epoch().count());
}

std::optional<SlotKey> ParseSlotId(std::string_view id) {
  std::int64_t parts[3] = {0, 0, 0};
  std::string_view rest = id;
  for (int i = 0; i < 3; ++i) {
    std::size_t dash = i < 2 ? rest.find('-') : rest.size();
    if (dash == std::string_view::npos) return std::nullopt;
    std::string_view part = rest.substr(0, dash);
    auto [stop, ec] = std::from_chars(part.data(), part.data() + part.size(), parts[i]);
    if (part.empty() || ec != std::errc{} || stop != part.data() + part.size()) {
      return std::nullopt;
    }
    rest.remove_prefix(std::min(rest.size(), dash + 1));
  }
  if (parts[0] <= 0 || parts[1] <= 0) return std::nullopt;
  return SlotKey{.practitioner = core::PractitionerId{parts[0]},
                 .service = core::ServiceId{parts[1]},
                 .start = core::Instant{std::chrono::seconds{parts[2]}}};
}

SlotWriter::SlotWriter(const clinic::ClinicSetup& setup, const Links& links)
    : deep_link_prefix_(links.BookingDeepLinkPrefix()) {
  json::Writer phone;
  phone.Raw("{").Key("url", true).String(kBookingPhoneExtension);
  phone.Key("valueString").String(setup.clinic.phone).Raw("}");
  phone_extension_ = phone.Take();
  for (const auto& service : setup.services) {
    service_types_.emplace_back(service.id,
                                ",\"serviceType\":[" + ServiceConcept(service).dump() + "]");
  }
}

void SlotWriter::Write(json::Writer& w, const FreeSlot& slot) const {
  const std::string start = core::FormatInstant(slot.time.start());
  const std::string practitioner = Id(slot.practitioner.value());
  w.Raw("{").Key("resourceType", true).String("Slot");
  w.Key("id").String(SlotId(slot));
  // Links::BookingDeepLink, its shared prefix made once (BookingDeepLinkPrefix).
  w.Key("extension").Raw("[{").Key("url", true).String(kBookingDeepLinkExtension);
  w.Key("valueUrl")
      .String(deep_link_prefix_ + Id(slot.service.value()) + "&practitioner=" + practitioner +
              "&start=" + start);
  w.Raw("},").Raw(phone_extension_).Raw("]");
  for (const auto& [id, text] : service_types_) {
    if (id == slot.service) {
      w.Raw(text);
      break;
    }
  }
  w.Key("schedule").Raw("{").Key("reference", true).String("Schedule/" + practitioner).Raw("}");
  w.Key("status").String("free");
  w.Key("start").String(start);
  w.Key("end").Instant(slot.time.end()).Raw("}");
}

std::string SlotWriter::Text(const FreeSlot& slot) const {
  json::Writer w(800);
  Write(w, slot);
  return w.Take();
}

Json AppointmentResource(const clinic::ClinicSetup& setup,
                         const core::scheduling::Appointment& appointment) {
  using core::scheduling::AppointmentStatus;
  std::string status = "booked";
  switch (appointment.status) {
    case AppointmentStatus::kBooked:
      break;
    case AppointmentStatus::kCancelled:
      status = "cancelled";
      break;
    case AppointmentStatus::kCompleted:
      status = "fulfilled";
      break;
    case AppointmentStatus::kNoShow:
      status = "noshow";
      break;
    case AppointmentStatus::kRequested:
      status = "pending";
      break;
    case AppointmentStatus::kArrived:
      status = "arrived";
      break;
  }
  const clinic::Service* service = setup.FindService(appointment.service);
  const clinic::Practitioner* practitioner = setup.FindPractitioner(appointment.practitioner);
  Json out = {{"resourceType", "Appointment"},
              {"id", Id(appointment.id.value())},
              {"meta",
               {{"versionId", Id(appointment.version)},
                {"lastUpdated", core::FormatInstant(appointment.updated_at)}}},
              {"status", status}};
  if (service != nullptr) out["serviceType"] = Json::array({ServiceConcept(*service)});
  out["start"] = core::FormatInstant(appointment.time.start());
  out["end"] = core::FormatInstant(appointment.time.end());
  out["created"] = core::FormatInstant(appointment.created_at);
  out["participant"] =
      Json::array({{{"actor", Reference("Practitioner", Id(appointment.practitioner.value()),
                                        practitioner != nullptr ? practitioner->display_name : "")},
                    {"required", "required"},
                    {"status", "accepted"}},
                   {{"actor", Reference("Location", setup.clinic.slug, setup.clinic.name)},
                    {"required", "required"},
                    {"status", "accepted"}}});
  return out;
}

Json CapabilityStatement(const Links& links) {
  auto read_search = [](std::string_view type, Json params) {
    Json resource = {{"type", type},
                     {"interaction", Json::array({{{"code", "read"}}, {{"code", "search-type"}}})}};
    params.push_back({{"name", "_id"}, {"type", "token"}});
    resource["searchParam"] = std::move(params);
    return resource;
  };
  Json slot_params =
      Json::array({{{"name", "schedule"}, {"type", "reference"}},
                   {{"name", "service-type"}, {"type", "token"}},
                   {{"name", "start"},
                    {"type", "date"},
                    {"documentation", "ge and lt only; at most 31 days apart"}},
                   {{"name", "status"}, {"type", "token"}, {"documentation", "free only"}}});
  Json resources =
      Json::array({read_search("Location", Json::array()),
                   read_search("Practitioner", Json::array()),
                   read_search("PractitionerRole", Json::array()),
                   read_search("HealthcareService", Json::array()),
                   read_search("Schedule", Json::array()),
                   read_search("Slot", std::move(slot_params)),
                   {{"type", "Appointment"},
                    {"documentation",
                     "create books (status booked; a slot reference, or start, end and the "
                     "service; a contained Patient as participant; the answer carries the "
                     "manage token in the extension "
                     "https://unknot.dev/fhir/StructureDefinition/manage-token). read, patch and "
                     "update take the manage token as a Bearer token; patch and update only "
                     "cancel (status cancelled, nothing else). Idempotency-Key is honoured on "
                     "create."},
                    {"interaction", Json::array({{{"code", "read"}},
                                                 {{"code", "create"}},
                                                 {{"code", "patch"}},
                                                 {{"code", "update"}}})},
                    {"updateCreate", false}}});
  return Json{
      {"resourceType", "CapabilityStatement"},
      {"status", "active"},
      {"date", "2026-11-30"},
      {"publisher", "Unknot"},
      {"kind", "instance"},
      {"implementation", {{"description", "Unknot scheduling"}, {"url", links.FhirBase()}}},
      {"fhirVersion", "4.0.1"},
      {"format", Json::array({"application/fhir+json"})},
      {"rest",
       Json::array(
           {{{"mode", "server"},
             {"documentation",
              "Read and search of the clinic's scheduling resources, and booking and cancelling "
              "of Appointments; unknown search parameters are refused (strict). Slot search pages "
              "with _count and _offset. SMART Scheduling "
              "Links bulk publish at $bulk-publish."},
             {"resource", std::move(resources)},
             {"operation", Json::array({{{"name", "bulk-publish"},
                                         {"definition",
                                          "http://hl7.org/fhir/uv/smart-scheduling-links/"
                                          "OperationDefinition/bulk-publish"}}})}}})}};
}

Json OperationOutcome(std::string_view code, std::string_view diagnostics,
                      std::string_view expression) {
  Json issue = {{"severity", "error"}, {"code", code}, {"diagnostics", diagnostics}};
  if (!expression.empty()) issue["expression"] = Json::array({expression});
  return Json{{"resourceType", "OperationOutcome"}, {"issue", Json::array({std::move(issue)})}};
}

http::Response FhirResponse(unsigned status, const Json& resource) {
  http::Response response = http::Response::Json(status, resource.dump());
  response.content_type = std::string(kFhirJson);
  return response;
}

http::Response OutcomeResponse(const core::Error& error) {
  unsigned status = http::StatusFor(error.code());
  std::string code = "invalid";
  std::string diagnostics = error.message();
  switch (error.code()) {
    case core::ErrorCode::kNotFound:
      code = "not-found";
      break;
    case core::ErrorCode::kInternal:
    case core::ErrorCode::kUnavailable:
      // Problem logs the message; the answer must not repeat what it may say of internals.
      diagnostics = http::Problem(error).status == 503 ? std::string(http::kUnavailableDetail)
                                                       : std::string(http::kInternalDetail);
      code = error.code() == core::ErrorCode::kInternal ? "exception" : "transient";
      return FhirResponse(status, OperationOutcome(code, diagnostics));
    case core::ErrorCode::kConflict:
      code = "conflict";
      break;
    case core::ErrorCode::kRateLimited:
      code = "throttled";
      break;
    case core::ErrorCode::kUnauthenticated:
    case core::ErrorCode::kForbidden:
      code = "security";
      break;
    case core::ErrorCode::kInvalidArgument:
      break;
  }
  if (error.fields().empty()) return FhirResponse(status, OperationOutcome(code, diagnostics));
  Json issues = Json::array();
  for (const auto& field : error.fields()) {
    issues.push_back({{"severity", "error"},
                      {"code", code},
                      {"diagnostics", field.field + ": " + field.reason},
                      {"expression", Json::array({field.field})}});
  }
  return FhirResponse(status, Json{{"resourceType", "OperationOutcome"}, {"issue", issues}});
}

}  // namespace unknot::api::fhir
