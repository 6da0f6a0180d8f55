#include "api/fhir/appointment_write.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "api/fhir/fhir_resources.hpp"
#include "api/http/client_address.hpp"
#include "api/json/request_body.hpp"
#include "api/public_url.hpp"
#include "app/booking.hpp"

namespace unknot::api::fhir {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using http::Request;
using http::Response;
// Requests are read, and fingerprinted, with sorted keys; answers keep FHIR's order (Json).
using Body = nlohmann::json;
namespace scheduling = core::scheduling;

constexpr std::string_view kOnlyCancel =
    "only cancellation is supported: change status to \"cancelled\" and nothing else";

// A wrong element of the request, named by its FHIRPath.
Error Bad(std::string path, std::string reason) {
  return Error::InvalidField(std::move(path), std::move(reason));
}

std::optional<std::int64_t> PositiveId(std::string_view text) {
  std::int64_t value = 0;
  auto [stop, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || stop != text.data() + text.size() || value <= 0) {
    return std::nullopt;
  }
  return value;
}

// An OperationOutcome whose one issue carries the JSON API's reason as a coded detail.
Json RefusalOutcome(std::string_view code, std::string_view reason, std::string_view message,
                    std::string_view expression) {
  Json issue = {{"severity", "error"},
                {"code", code},
                {"details",
                 {{"coding", Json::array({{{"system", kRefusalSystem}, {"code", reason}}})},
                  {"text", message}}},
                {"diagnostics", message}};
  if (!expression.empty()) issue["expression"] = Json::array({expression});
  return Json{{"resourceType", "OperationOutcome"}, {"issue", Json::array({std::move(issue)})}};
}

// The nearest free times of a refused start, as the JSON API's `alternatives`: each free
// (start, practitioner) as a contained Slot (with its booking deep link and phone, like a searched
// one; its id books it by `slot` reference once un-contained: "Slot/{id}"), each referenced from
// the issue by a kAlternativeExtension extension, as contained resources must be (dom-3).
void AddAlternatives(Json& outcome, const core::clinic::ClinicSetup& setup, const Links& links,
                     core::ServiceId service,
                     const std::vector<scheduling::OfferedSlot>& alternatives) {
  if (alternatives.empty()) return;
  const SlotWriter writer(setup, links);
  Json contained = Json::array();
  Json references = Json::array();
  for (const auto& offered : alternatives) {
    for (const auto& option : offered.options) {
      FreeSlot slot{.time = offered.time, .practitioner = option.practitioner, .service = service};
      contained.push_back(Json::parse(writer.Text(slot)));
      references.push_back({{"url", kAlternativeExtension},
                            {"valueReference", {{"reference", "#" + SlotId(slot)}}}});
    }
  }
  Json issue = std::move(outcome["issue"][0]);
  issue["extension"] = std::move(references);
  outcome = Json{{"resourceType", "OperationOutcome"},
                 {"contained", std::move(contained)},
                 {"issue", Json::array({std::move(issue)})}};
}

Response Refusal(unsigned status, std::string_view code, std::string_view reason,
                 std::string_view message, std::string_view expression = "") {
  return FhirResponse(status, RefusalOutcome(code, reason, message, expression));
}

// An expected failure as an OperationOutcome, its fields renamed by `path` (the API's names to
// FHIRPaths); a name "http.<header>" becomes the issue's location, as R4 says for headers.
template <typename Path>
Response Outcome(const Error& error, Path path) {
  if (error.fields().empty() || error.code() == ErrorCode::kInternal ||
      error.code() == ErrorCode::kUnavailable) {
    return OutcomeResponse(error);
  }
  std::vector<core::FieldError> fields;
  for (const auto& field : error.fields()) fields.push_back({path(field.field), field.reason});
  Response response = OutcomeResponse(Error(error.code(), error.message(), std::move(fields)));
  Json outcome = Json::parse(response.body);
  // A refusal's message says what to do (e.g. call the clinic, with its number); keep it.
  if (error.code() != ErrorCode::kInvalidArgument) {
    outcome["issue"][0]["details"] = {{"text", error.message()}};
  }
  for (auto& issue : outcome["issue"]) {
    if (!issue.contains("expression")) continue;
    std::string where = issue["expression"][0];
    if (where.empty()) {
      issue.erase("expression");
    } else if (where.starts_with("http.")) {
      issue.erase("expression");
      issue["location"] = Json::array({where});
    }
  }
  response.body = outcome.dump();
  return response;
}

Response Outcome(const Error& error) {
  return Outcome(error, [](const std::string& field) { return field; });
}

// ---- rate limits -------------------------------------------------------------------------------

struct Limits {
  explicit Limits(LimiterClock n) : now(std::move(n)) {}

  LimiterClock now;
  http::RateLimiter limiter;
};

http::RateLimiter::Rate RateOf(const core::clinic::RateLimit& limit) {
  return {static_cast<double>(limit.count) / static_cast<double>(limit.period.count()),
          static_cast<double>(limit.burst)};
}

std::string Lower(std::string text) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), space));
  text.erase(std::find_if_not(text.rbegin(), text.rend(), space).base(), text.end());
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// 429 with Retry-After when this client address (kind "booking" or "cancel") or, for a booking,
// this email has used up the clinic's rate; nullopt when the request may go on. Every attempt
// counts. A request without a client address (not from a socket) is not limited by address.
std::optional<Response> Limit(Limits& limits, const app::ClinicContext& clinic,
                              std::string_view kind, const Request& request,
                              const std::string* email = nullptr) {
  const core::clinic::Clinic& c = clinic.setup().clinic;
  const std::string prefix = "fhir|" + std::to_string(c.id.value()) + "|";
  auto refuse = [&](std::chrono::seconds retry, std::string_view which, const std::string& text) {
    Response response = Refusal(429, "throttled", which, text);
    response.headers.emplace_back("Retry-After", std::to_string(retry.count()));
    return response;
  };
  const auto now = limits.now();
  if (email == nullptr) {
    if (request.client_address.empty()) return std::nullopt;
    auto taken = limits.limiter.Take(
        prefix + std::string(kind) + "|" + http::AddressKey(request.client_address),
        RateOf(c.policy.address_writes), now);
    if (taken.allowed) return std::nullopt;
    return refuse(taken.retry_after, "per_address",
                  "too many requests from this address; try again in " +
                      std::to_string(taken.retry_after.count()) + " seconds");
  }
  std::string key = Lower(*email);
  if (key.empty() || key.size() > 254) return std::nullopt;  // the booking refuses it
  auto taken = limits.limiter.Take(prefix + "email|" + key, RateOf(c.policy.email_bookings), now);
  if (taken.allowed) return std::nullopt;
  return refuse(taken.retry_after, "per_email",
                "too many bookings for this email address; try again in " +
                    std::to_string(taken.retry_after.count()) + " seconds or call the clinic at " +
                    c.phone);
}

// ---- create ------------------------------------------------------------------------------------

// A create, read: the booking, and where in the resource each part came from.
struct Create {
  app::BookingRequest booking;
  std::string time_path = "Appointment.start";
  std::string service_path = "Appointment.serviceType";
  std::string practitioner_path = "Appointment.participant";
  std::string patient_path = "Appointment.contained";
  std::string email_path;
  std::string phone_path;
  std::string assessment_path = "Appointment.supportingInformation";
};

Result<const Body*> Member(const Body& object, const std::string& path, const char* name,
                           Body::value_t type, const char* what) {
  auto it = object.find(name);
  if (it == object.end()) return static_cast<const Body*>(nullptr);
  bool ok =
      it->type() == type || (type == Body::value_t::number_integer && it->is_number_integer());
  if (!ok) return Bad(path + "." + name, std::string("must be ") + what);
  return &*it;
}

Result<std::string> StringMember(const Body& object, const std::string& path, const char* name) {
  const Body* value = UNKNOT_TRY(Member(object, path, name, Body::value_t::string, "a string"));
  if (value == nullptr) return Bad(path + "." + name, "is required");
  return value->get<std::string>();
}

Result<void> OnlyMembers(const Body& object, const std::string& path,
                         const std::set<std::string>& known, std::string_view what) {
  for (const auto& [name, value] : object.items()) {
    if (known.count(name) == 0) {
      return Bad(path + "." + name, "is not supported " + std::string(what));
    }
  }
  return core::Ok();
}

Result<core::ServiceId> ServiceOfCode(const Body& codeable, const std::string& path,
                                      const core::clinic::ClinicSetup& setup) {
  if (!codeable.is_object() || !codeable.contains("coding") || !codeable["coding"].is_array()) {
    return Bad(path, "must be a CodeableConcept with a coding of " + std::string(kServiceSystem));
  }
  for (const auto& coding : codeable["coding"]) {
    if (!coding.is_object() || coding.value("system", "") != kServiceSystem) continue;
    std::string code = coding.value("code", "");
    for (const auto& service : setup.services) {
      if (service.slug == code) return service.id;
    }
    return Bad(path, "names no service of this clinic");
  }
  return Bad(path, "must have a coding of " + std::string(kServiceSystem));
}

// The contained Patient: names, email and phone, and where they are.
Result<void> ReadPatient(const Body& patient, const std::string& path, Create& out) {
  UNKNOT_TRY(OnlyMembers(patient, path, {"resourceType", "id", "meta", "text", "name", "telecom"},
                         "in the contained Patient: send name and telecom (email, phone)"));
  const Body* names = UNKNOT_TRY(Member(patient, path, "name", Body::value_t::array, "an array"));
  if (names == nullptr || names->empty() || !(*names)[0].is_object()) {
    return Bad(path + ".name", "is required: given and family name");
  }
  const Body& name = (*names)[0];
  const std::string name_path = path + ".name[0]";
  const Body* given =
      UNKNOT_TRY(Member(name, name_path, "given", Body::value_t::array, "an array of strings"));
  if (given == nullptr || given->empty()) return Bad(name_path + ".given", "is required");
  std::string given_name;
  for (std::size_t i = 0; i < given->size(); ++i) {
    if (!(*given)[i].is_string()) {
      return Bad(name_path + ".given[" + std::to_string(i) + "]", "must be a string");
    }
    given_name += (given_name.empty() ? "" : " ") + (*given)[i].get<std::string>();
  }
  out.booking.patient.given_name = std::move(given_name);
  out.booking.patient.family_name = UNKNOT_TRY(StringMember(name, name_path, "family"));
  const Body* telecom =
      UNKNOT_TRY(Member(patient, path, "telecom", Body::value_t::array, "an array"));
  if (telecom == nullptr) return Bad(path + ".telecom", "is required: an email and a phone");
  for (std::size_t i = 0; i < telecom->size(); ++i) {
    const std::string entry_path = path + ".telecom[" + std::to_string(i) + "]";
    const Body& entry = (*telecom)[i];
    if (!entry.is_object()) return Bad(entry_path, "must be a ContactPoint");
    std::string system = UNKNOT_TRY(StringMember(entry, entry_path, "system"));
    std::string value = UNKNOT_TRY(StringMember(entry, entry_path, "value"));
    std::string& path_of = system == "email" ? out.email_path : out.phone_path;
    if (system != "email" && system != "phone") {
      return Bad(entry_path + ".system", "must be email or phone");
    }
    if (!path_of.empty()) return Bad(entry_path, "repeats the patient's " + system);
    path_of = entry_path;
    (system == "email" ? out.booking.patient.email : out.booking.patient.phone) = std::move(value);
  }
  if (out.email_path.empty()) return Bad(path + ".telecom", "must hold the patient's email");
  if (out.phone_path.empty()) return Bad(path + ".telecom", "must hold the patient's phone");
  return core::Ok();
}

Result<Create> ReadCreate(const Body& body, const app::ClinicContext& clinic) {
  const auto& setup = clinic.setup();
  const std::string root = "Appointment";
  UNKNOT_TRY(OnlyMembers(
      body, root,
      {"resourceType", "id", "meta", "text", "status", "slot", "start", "end", "minutesDuration",
       "serviceType", "participant", "contained", "supportingInformation"},
      "when booking"));
  if (body.value("resourceType", "") != "Appointment") {
    return Bad("Appointment.resourceType", "must be Appointment");
  }
  if (UNKNOT_TRY(StringMember(body, root, "status")) != "booked") {
    return Bad("Appointment.status", "must be booked");
  }
  Create out;

  // The patient: one contained Patient.
  std::string patient_id;
  const Body* contained =
      UNKNOT_TRY(Member(body, root, "contained", Body::value_t::array, "an array"));
  for (std::size_t i = 0; contained != nullptr && i < contained->size(); ++i) {
    const std::string path = "Appointment.contained[" + std::to_string(i) + "]";
    const Body& resource = (*contained)[i];
    if (!resource.is_object() || resource.value("resourceType", "") != "Patient") {
      return Bad(path, "must be the patient, as a Patient: nothing else may be contained");
    }
    if (!patient_id.empty()) return Bad(path, "is a second Patient: one patient per booking");
    patient_id = UNKNOT_TRY(StringMember(resource, path, "id"));
    out.patient_path = path;
    UNKNOT_TRY(ReadPatient(resource, path, out));
  }
  if (patient_id.empty()) {
    return Bad("Appointment.contained", "must hold the patient as a contained Patient");
  }

  // The participants: the patient, and optionally the practitioner, service and location.
  std::optional<core::ServiceId> service;
  const Body* participants =
      UNKNOT_TRY(Member(body, root, "participant", Body::value_t::array, "an array"));
  bool has_patient = false;
  for (std::size_t i = 0; participants != nullptr && i < participants->size(); ++i) {
    const std::string path = "Appointment.participant[" + std::to_string(i) + "]";
    const Body& participant = (*participants)[i];
    if (!participant.is_object() || !participant.contains("actor") ||
        !participant["actor"].is_object()) {
      return Bad(path + ".actor", "is required: a reference");
    }
    std::string ref = UNKNOT_TRY(StringMember(participant["actor"], path + ".actor", "reference"));
    std::string_view reference = ref;
    if (reference == "#" + patient_id) {
      has_patient = true;
    } else if (reference.starts_with("Practitioner/")) {
      auto id = PositiveId(reference.substr(13));
      if (!id || setup.FindPractitioner(core::PractitionerId{*id}) == nullptr) {
        return Bad(path + ".actor", "names no Practitioner of this clinic");
      }
      if (out.booking.practitioner) return Bad(path, "is a second Practitioner");
      out.booking.practitioner = core::PractitionerId{*id};
      out.practitioner_path = path;
    } else if (reference.starts_with("HealthcareService/")) {
      auto id = PositiveId(reference.substr(18));
      if (!id || setup.FindService(core::ServiceId{*id}) == nullptr) {
        return Bad(path + ".actor", "names no HealthcareService of this clinic");
      }
      if (service) return Bad(path, "is a second HealthcareService");
      service = core::ServiceId{*id};
      out.service_path = path;
    } else if (reference.starts_with("Location/")) {
      if (reference.substr(9) != setup.clinic.slug) {
        return Bad(path + ".actor", "names another Location than this clinic's");
      }
    } else {
      return Bad(path + ".actor", "must reference the contained Patient (#" + patient_id +
                                      "), a Practitioner, a HealthcareService or the Location");
    }
  }
  if (!has_patient) {
    return Bad("Appointment.participant",
               "must include the contained Patient (actor.reference \"#" + patient_id + "\")");
  }

  // The service by code, agreeing with a HealthcareService participant.
  const Body* types =
      UNKNOT_TRY(Member(body, root, "serviceType", Body::value_t::array, "an array"));
  if (types != nullptr && !types->empty()) {
    if (types->size() > 1) return Bad("Appointment.serviceType[1]", "one service per booking");
    core::ServiceId coded =
        UNKNOT_TRY(ServiceOfCode((*types)[0], "Appointment.serviceType[0]", setup));
    if (service && *service != coded) {
      return Bad("Appointment.serviceType[0]", "names another service than " + out.service_path);
    }
    service = coded;
    out.service_path = "Appointment.serviceType[0]";
  }

  // The time: a Slot, or a start.
  std::optional<core::Instant> start;
  const Body* slots = UNKNOT_TRY(Member(body, root, "slot", Body::value_t::array, "an array"));
  if (slots != nullptr && !slots->empty()) {
    if (slots->size() > 1) return Bad("Appointment.slot[1]", "one slot per booking");
    const std::string path = "Appointment.slot[0]";
    if (!(*slots)[0].is_object()) return Bad(path, "must be a reference");
    std::string ref = UNKNOT_TRY(StringMember((*slots)[0], path, "reference"));
    std::optional<SlotKey> key;
    if (ref.starts_with("Slot/")) key = ParseSlotId(std::string_view(ref).substr(5));
    if (!key) return Bad(path, "must reference a Slot as Slot search returns it (Slot/{id})");
    if (service && *service != key->service) {
      return Bad(out.service_path, "names another service than the slot");
    }
    if (out.booking.practitioner && *out.booking.practitioner != key->practitioner) {
      return Bad(out.practitioner_path, "names another practitioner than the slot");
    }
    if (setup.FindService(key->service) == nullptr ||
        setup.FindPractitioner(key->practitioner) == nullptr) {
      return Bad(path, "names no Slot of this clinic");
    }
    service = key->service;
    out.booking.practitioner = key->practitioner;
    start = key->start;
    out.time_path = out.service_path = out.practitioner_path = path;
  }
  if (body.contains("start")) {
    auto parsed = core::ParseInstant(UNKNOT_TRY(StringMember(body, root, "start")));
    if (!parsed) return Bad("Appointment.start", parsed.error().message());
    if (start && *start != *parsed) return Bad("Appointment.start", "is not the slot's start");
    if (!start) out.time_path = "Appointment.start";
    start = *parsed;
  }
  if (!start) return Bad("Appointment.start", "is required, or a slot reference");
  if (!service) {
    return Bad("Appointment.serviceType",
               "is required: the service's code as HealthcareService.type gives it, a "
               "HealthcareService participant or a slot reference");
  }
  const core::clinic::Service& chosen = *setup.FindService(*service);
  if (body.contains("end")) {
    auto end = core::ParseInstant(UNKNOT_TRY(StringMember(body, root, "end")));
    if (!end) return Bad("Appointment.end", end.error().message());
    if (*end != *start + chosen.duration) {
      return Bad("Appointment.end", "must be the start plus the service's " +
                                        std::to_string(chosen.duration.count()) + " minutes");
    }
  }
  if (const Body* minutes = UNKNOT_TRY(
          Member(body, root, "minutesDuration", Body::value_t::number_integer, "an integer"));
      minutes != nullptr && minutes->get<std::int64_t>() != chosen.duration.count()) {
    return Bad("Appointment.minutesDuration",
               "must be the service's " + std::to_string(chosen.duration.count()) + " minutes");
  }
  out.booking.service = *service;
  out.booking.start = *start;

  // A self-assessment, by identifier.
  const Body* support =
      UNKNOT_TRY(Member(body, root, "supportingInformation", Body::value_t::array, "an array"));
  for (std::size_t i = 0; support != nullptr && i < support->size(); ++i) {
    const std::string path = "Appointment.supportingInformation[" + std::to_string(i) + "]";
    const Body& ref = (*support)[i];
    std::optional<std::int64_t> id;
    if (ref.is_object() && ref.contains("identifier") && ref["identifier"].is_object() &&
        ref["identifier"].value("system", "") == kAssessmentSystem &&
        ref["identifier"].contains("value") && ref["identifier"]["value"].is_string()) {
      id = PositiveId(ref["identifier"]["value"].get<std::string>());
    }
    if (!id) {
      return Bad(path, "must be a self-assessment by identifier (system " +
                           std::string(kAssessmentSystem) + ", value its id)");
    }
    if (out.booking.assessment) return Bad(path, "is a second self-assessment");
    out.booking.assessment = core::AssessmentId{*id};
    out.assessment_path = path;
  }
  return out;
}

// The API's field names, as the use case reports them, as FHIRPaths in the resource.
std::string PathOf(const Create& create, const std::string& field) {
  if (field == "service") return create.service_path;
  if (field == "practitioner") return create.practitioner_path;
  if (field == "start") return create.time_path;
  if (field == "assessment") return create.assessment_path;
  if (field == "patient.given_name") return create.patient_path + ".name[0].given";
  if (field == "patient.family_name") return create.patient_path + ".name[0].family";
  if (field == "patient.email" || field == "email") return create.email_path + ".value";
  if (field == "patient.phone" || field == "phone") return create.phone_path + ".value";
  if (field.starts_with("patient.")) return create.patient_path;
  if (field == "Idempotency-Key") return "http.Idempotency-Key";
  return "Appointment";
}

// The 201 body, stored under an Idempotency-Key: the Appointment as read returns it, with the
// manage token.
Json CreatedResource(const app::ClinicContext& clinic, const app::Booked& booked) {
  Json resource = AppointmentResource(clinic.setup(), booked.appointment);
  resource["extension"] =
      Json::array({{{"url", kManageTokenExtension}, {"valueString", booked.manage_token}}});
  return resource;
}

std::string AppointmentUrl(const Request& request, const app::ClinicContext& clinic,
                           core::AppointmentId id) {
  Links links{.origin = PublicOrigin(request), .slug = clinic.setup().clinic.slug};
  return links.FhirBase() + "/Appointment/" + std::to_string(id.value());
}

Response Created(const Request& request, const app::ClinicContext& clinic, std::string body,
                 core::AppointmentId id, bool replayed) {
  Response response = Response::Json(201, std::move(body));
  response.content_type = std::string(kFhirJson);
  response.headers.emplace_back("Location", AppointmentUrl(request, clinic, id));
  response.headers.emplace_back("Cache-Control", "no-store");  // it holds the manage token
  if (replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

Response Book(core::ports::Storage& storage, const core::Clock& clock,
              core::ports::TokenService& tokens, Limits& limits, Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return OutcomeResponse(clinic.error());
  if (auto refused = Limit(limits, *clinic, "booking", request)) return std::move(*refused);
  auto body = json::ParseObjectBody(request.body);
  if (!body) {
    return Outcome(body.error(), [](const std::string& field) {
      return field == "body" ? std::string() : "Appointment." + field;
    });
  }
  auto create = ReadCreate(*body, *clinic);
  if (!create) return Outcome(create.error());
  if (auto refused = Limit(limits, *clinic, "booking", request, &create->booking.patient.email)) {
    return std::move(*refused);
  }
  if (auto key = request.Header("idempotency-key")) {
    if (key->empty() || key->size() > 200) {
      return Outcome(Bad("http.Idempotency-Key", "must be 1 to 200 characters"));
    }
    create->booking.idempotency_key = std::string(*key);
    // Keyed by API too: a key the JSON API used is not a retry of this request.
    create->booking.fingerprint = tokens.Hash("fhir|" + body->dump());
  }
  auto paths = [&](const std::string& field) { return PathOf(*create, field); };
  auto outcome =
      app::BookAppointment(storage, clock, tokens, *clinic, create->booking,
                           [](const app::ClinicContext& context, const app::Booked& booked) {
                             return CreatedResource(context, booked).dump();
                           });
  if (!outcome) {
    // The triage limits of a referenced self-assessment are conflicts with a reason, as there.
    return Outcome(outcome.error(), paths);
  }
  if (auto* booked = std::get_if<app::Booked>(&*outcome)) {
    return Created(request, *clinic, CreatedResource(*clinic, *booked).dump(),
                   booked->appointment.id, false);
  }
  if (auto* replayed = std::get_if<app::Replayed>(&*outcome)) {
    return Created(request, *clinic, replayed->body, replayed->appointment, true);
  }
  if (auto* capped = std::get_if<app::TooManyBookings>(&*outcome)) {
    return Refusal(409, "business-rule", "too_many_future_bookings", capped->message,
                   create->email_path + ".value");
  }
  if (auto* ruled = std::get_if<app::RuleRefused>(&*outcome)) {
    if (ruled->rule == app::RuleRefused::Rule::kBlocked) {
      return Refusal(403, "forbidden", "online_booking_blocked", ruled->message);
    }
    return Refusal(422, "business-rule", "assessment_first", ruled->message, create->service_path);
  }
  const auto& refused = std::get<app::Refused>(*outcome);
  bool taken = refused.reason == scheduling::SlotRefusal::kTaken;
  Json outcome_resource =
      RefusalOutcome(taken ? "conflict" : "business-rule", scheduling::ToString(refused.reason),
                     refused.message, create->time_path);
  Links links{.origin = PublicOrigin(request), .slug = clinic->setup().clinic.slug};
  AddAlternatives(outcome_resource, clinic->setup(), links, create->booking.service,
                  refused.alternatives);
  return FhirResponse(taken ? 409 : 422, outcome_resource);
}

// ---- cancel ------------------------------------------------------------------------------------

std::string BearerOf(const Request& request) {
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    return std::string(auth->substr(7));
  }
  return "";
}

Response OnlyCancel(std::string_view expression = "") {
  return FhirResponse(422, OperationOutcome("not-supported", kOnlyCancel, expression));
}

// A JSON Patch that cancels: exactly [{"op":"replace","path":"/status","value":"cancelled"}].
std::optional<Response> CheckPatch(const Request& request) {
  Body patch = Body::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (patch.is_discarded() || !patch.is_array()) {
    return FhirResponse(400, OperationOutcome("invalid",
                                              "the body must be a JSON Patch: an array "
                                              "of operations"));
  }
  if (patch.size() != 1 || !patch[0].is_object() || patch[0].size() != 3 ||
      patch[0].value("op", "") != "replace" || patch[0].value("path", "") != "/status" ||
      !patch[0].contains("value") || patch[0]["value"] != "cancelled") {
    return OnlyCancel();
  }
  return std::nullopt;
}

// The resource as `appointment` reads, and as a client sends it back, in one comparable form:
// without meta, narrative, status and our manage-token extension, instants normalised.
Body Comparable(Body resource) {
  for (const char* name : {"meta", "text", "status"}) resource.erase(name);
  if (resource.contains("extension") && resource["extension"].is_array()) {
    Body kept = Body::array();
    for (const auto& e : resource["extension"]) {
      if (!e.is_object() || e.value("url", "") != kManageTokenExtension) kept.push_back(e);
    }
    if (kept.empty()) {
      resource.erase("extension");
    } else {
      resource["extension"] = std::move(kept);
    }
  }
  for (const char* name : {"start", "end", "created"}) {
    if (resource.contains(name) && resource[name].is_string()) {
      if (auto instant = core::ParseInstant(resource[name].get<std::string>())) {
        resource[name] = core::FormatInstant(*instant);
      }
    }
  }
  return resource;
}

// A PUT that cancels: the resource as read, with status "cancelled" and no other change.
std::optional<Response> CheckPut(const Body& sent, const Json& current) {
  if (sent.value("status", "") != "cancelled") return OnlyCancel("Appointment.status");
  Body was = Comparable(Body::parse(current.dump()));
  Body now = Comparable(sent);
  std::set<std::string> names;
  for (const auto& [name, value] : was.items()) names.insert(name);
  for (const auto& [name, value] : now.items()) names.insert(name);
  for (const auto& name : names) {
    if (!was.contains(name) || !now.contains(name) || was[name] != now[name]) {
      return OnlyCancel("Appointment." + name);
    }
  }
  return std::nullopt;
}

enum class CancelBy { kPatch, kPut };

Response Cancel(core::ports::Storage& storage, const core::Clock& clock,
                core::ports::TokenService& tokens, Limits& limits, Request& request, CancelBy by) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return OutcomeResponse(clinic.error());
  if (auto refused = Limit(limits, *clinic, "cancel", request)) return std::move(*refused);
  std::string_view id_text = request.PathParam("id");
  auto id = PositiveId(id_text);
  if (!id) return FhirResponse(404, OperationOutcome("not-found", "no such Appointment"));
  const std::string token = BearerOf(request);
  if (by == CancelBy::kPatch) {
    if (auto refused = CheckPatch(request)) return std::move(*refused);
  } else {
    auto sent = json::ParseObjectBody(request.body);
    if (!sent) {
      return Outcome(sent.error(), [](const std::string& field) {
        return field == "body" ? std::string() : "Appointment." + field;
      });
    }
    if (sent->value("resourceType", "") != "Appointment") {
      return Outcome(Bad("Appointment.resourceType", "must be Appointment"));
    }
    if (sent->value("id", "") != id_text) {
      return Outcome(Bad("Appointment.id", "must be the id in the URL"));
    }
    auto appointment =
        app::GetAppointment(storage, tokens, *clinic, core::AppointmentId{*id}, token);
    if (!appointment) return OutcomeResponse(appointment.error());
    if (auto refused = CheckPut(*sent, AppointmentResource(clinic->setup(), *appointment))) {
      return std::move(*refused);
    }
  }
  auto outcome =
      app::CancelAppointment(storage, clock, tokens, *clinic, core::AppointmentId{*id}, token);
  if (!outcome) return OutcomeResponse(outcome.error());
  if (auto* refused = std::get_if<app::ChangeRefused>(&*outcome)) {
    return Refusal(409, "business-rule", scheduling::ToString(refused->reason), refused->message,
                   "Appointment.status");
  }
  Response response = FhirResponse(
      200, AppointmentResource(clinic->setup(), std::get<scheduling::Appointment>(*outcome)));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void AddAppointmentWriteRoutes(http::Router& router, core::ports::Storage& storage,
                               const core::Clock& clock, core::ports::TokenService& tokens,
                               LimiterClock now) {
  // Shared by the handler copies the router keeps; lives as long as they do.
  auto limits = std::make_shared<Limits>(std::move(now));
  router.Add(http::Method::kPost, "/fhir/{clinic}/Appointment",
             [&storage, &clock, &tokens, limits](Request& request) {
               return Book(storage, clock, tokens, *limits, request);
             });
  router.Add(http::Method::kPatch, "/fhir/{clinic}/Appointment/{id}",
             [&storage, &clock, &tokens, limits](Request& request) {
               return Cancel(storage, clock, tokens, *limits, request, CancelBy::kPatch);
             });
  router.Add(http::Method::kPut, "/fhir/{clinic}/Appointment/{id}",
             [&storage, &clock, &tokens, limits](Request& request) {
               return Cancel(storage, clock, tokens, *limits, request, CancelBy::kPut);
             });
}

}  // namespace unknot::api::fhir
