#include "api/v1/booking_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/http/gzip.hpp"
#include "api/json/booking_json.hpp"
#include "api/json/request_body.hpp"
#include "api/v1/availability_cache.hpp"
#include "api/v1/hold_routes.hpp"
#include "api/v1/query_params.hpp"
#include "api/v1/write_limits.hpp"
#include "app/booking.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;
namespace scheduling = core::scheduling;
using core::Error;
using core::Result;

Result<std::int64_t> ParseId(std::string_view field, std::string_view text) {
  auto value = ParsePositiveId(text);
  if (!value) return Error::InvalidField(std::string(field), "must be a positive integer id");
  return *value;
}

Result<std::string> RequiredQuery(const Request& request, std::string_view name) {
  auto value = request.QueryParam(name);
  if (!value || value->empty()) return Error::InvalidField(std::string(name), "is required");
  return *value;
}

Result<core::LocalDate> DateParam(const Request& request, std::string_view name) {
  std::string text = UNKNOT_TRY(RequiredQuery(request, name));
  auto date = core::ParseLocalDate(text);
  if (!date) return Error::InvalidField(std::string(name), "must be a date as YYYY-MM-DD");
  return *date;
}

// The manage token from ?token=, an `Authorization: Bearer` header, or the JSON body.
std::string TokenOf(const Request& request, const Json* body = nullptr) {
  if (auto token = request.QueryParam("token")) return *token;
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    return std::string(auth->substr(7));
  }
  if (body != nullptr && body->contains("token") && (*body)["token"].is_string()) {
    return (*body)["token"].get<std::string>();
  }
  return "";
}

Result<std::string> StringField(const Json& object, std::string_view prefix, const char* name) {
  std::string field = std::string(prefix) + name;
  if (!object.contains(name)) return Error::InvalidField(field, "is required");
  if (!object[name].is_string()) return Error::InvalidField(field, "must be a string");
  return object[name].get<std::string>();
}

Result<std::int64_t> IdField(const Json& object, const char* name) {
  if (!object.contains(name)) return Error::InvalidField(name, "is required");
  if (!object[name].is_number_integer() || object[name].get<std::int64_t>() <= 0) {
    return Error::InvalidField(name, "must be a positive integer id");
  }
  return object[name].get<std::int64_t>();
}

Result<std::optional<core::PractitionerId>> OptionalPractitioner(const Json& body) {
  if (!body.contains("practitioner") || body["practitioner"].is_null()) {
    return std::optional<core::PractitionerId>{};
  }
  return std::optional<core::PractitionerId>{
      core::PractitionerId{UNKNOT_TRY(IdField(body, "practitioner"))}};
}

Result<core::Instant> StartField(const Json& body) {
  std::string text = UNKNOT_TRY(StringField(body, "", "start"));
  auto start = core::ParseInstant(text);
  if (!start) return Error::InvalidField("start", start.error().message());
  return *start;
}

// A problem response with extra members, e.g. the alternatives of a refused start.
Response ProblemWith(unsigned status, std::string_view title, std::string_view detail,
                     const std::vector<core::FieldError>& errors, Json extra) {
  Response response = http::Problem(status, title, detail, errors);
  Json body = Json::parse(response.body);
  for (auto& [key, value] : extra.items()) body[key] = std::move(value);
  response.body = body.dump();
  return response;
}

}  // namespace

Response RefusedResponse(const app::ClinicContext& clinic, const app::Refused& refused) {
  Json alternatives = Json::array();
  for (const auto& slot : refused.alternatives)
    alternatives.push_back(dto::SlotJson(clinic, slot.time, slot.options));
  bool taken = refused.reason == scheduling::SlotRefusal::kTaken;
  Json extra = {{"reason", scheduling::ToString(refused.reason)},
                {"alternatives", std::move(alternatives)}};
  extra.update(dto::NamesJson(clinic));  // the names the alternatives' ids refer to
  return ProblemWith(taken ? 409 : 422, taken ? "Slot taken" : "Slot not bookable", refused.message,
                     {{"start", refused.message}}, std::move(extra));
}

namespace {

Response ChangeRefusedResponse(const app::ClinicContext& clinic,
                               const app::ChangeRefused& refused) {
  return ProblemWith(
      409, "Change not possible online", refused.message, {},
      {{"reason", scheduling::ToString(refused.reason)}, {"phone", clinic.setup().clinic.phone}});
}

// 403 for a patient blocked from booking online, 422 naming "service" for one who must book a
// new-patient service first; both with the clinic's phone number.
Response RuleRefusedResponse(const app::ClinicContext& clinic, const app::RuleRefused& refused) {
  const bool blocked = refused.rule == app::RuleRefused::Rule::kBlocked;
  return ProblemWith(
      blocked ? 403 : 422, blocked ? "Online booking not available" : "Assessment visit first",
      refused.message,
      // No field error for a blocked patient: nothing the patient typed is wrong.
      blocked ? std::vector<core::FieldError>{}
              : std::vector<core::FieldError>{{"service", "must be a service for new patients"}},
      {{"reason", blocked ? "online_booking_blocked" : "assessment_first"},
       {"phone", clinic.setup().clinic.phone}});
}

Response AppointmentResponse(const app::ClinicContext& clinic,
                             const scheduling::Appointment& appointment) {
  return Response::Json(200,
                        Json{{"appointment", dto::AppointmentJson(clinic, appointment)}}.dump());
}

Response Availability(core::ports::Storage& storage, const core::Clock& clock,
                      AvailabilityCache& cache, Request& request) {
  auto parse = [&]() -> Result<scheduling::AvailabilityRequest> {
    scheduling::AvailabilityRequest query;
    query.service = core::ServiceId{
        UNKNOT_TRY(ParseId("service", UNKNOT_TRY(RequiredQuery(request, "service"))))};
    query.from = UNKNOT_TRY(DateParam(request, "from"));
    query.to = UNKNOT_TRY(DateParam(request, "to"));
    if (auto practitioner = request.QueryParam("practitioner")) {
      query.practitioner = core::PractitionerId{UNKNOT_TRY(ParseId("practitioner", *practitioner))};
    }
    return query;
  };
  auto query = parse();
  if (!query) return http::Problem(query.error());
  // Read the generation before computing: a write that lands meanwhile, in what the answer
  // depends on, makes this entry stale.
  std::uint64_t generation = storage.Generation();
  auto now = AvailabilityCache::Clock::now();
  std::string key = std::string(request.PathParam("clinic")) + "|" +
                    std::to_string(query->service.value()) + "|" +
                    core::FormatLocalDate(query->from) + "|" + core::FormatLocalDate(query->to) +
                    "|" + (query->practitioner ? std::to_string(query->practitioner->value()) : "");
  std::shared_ptr<const AvailabilityCache::Body> body =
      cache.Find(key, generation, now, ChangesIn(storage));
  if (body == nullptr) {
    auto result = app::GetAvailability(storage, clock, request.PathParam("clinic"), *query);
    if (!result) return http::Problem(result.error());
    // What the answer depends on, so that writes elsewhere (another day, another practitioner
    // in another kind of room) leave it current; without one, any write makes it stale.
    auto scope =
        core::scheduling::AvailabilityScope(result->clinic.setup(), *query, result->busy_window);
    body = std::make_shared<const AvailabilityCache::Body>(AvailabilityCache::Body{
        dto::AvailabilityText(*result),
        {},
        scope ? std::optional<core::scheduling::ScheduleScope>{std::move(*scope)} : std::nullopt});
    cache.Store(key, generation, now, body);
  }
  // Two weeks of slots are tens of kilobytes of JSON and compress about tenfold. The gzip is made
  // once per cached answer, when a client first asks for it (not for every recomputed answer: a
  // client that takes plain JSON would pay for it after every write).
  if (http::AcceptsGzip(request)) {
    if (body->gzip.empty()) {
      body = std::make_shared<const AvailabilityCache::Body>(
          AvailabilityCache::Body{body->json, http::Gzip(body->json), body->scope});
      cache.Store(key, generation, now, body);
    }
    Response response = Response::Json(200, body->gzip);
    response.headers = {{"Content-Encoding", "gzip"}, {"Vary", "Accept-Encoding"}};
    return response;
  }
  Response response = Response::Json(200, body->json);
  response.headers = {{"Vary", "Accept-Encoding"}};
  return response;
}

Response Book(core::ports::Storage& storage, const core::Clock& clock,
              core::ports::TokenService& tokens, Request& request) {
  auto parse = [&]() -> Result<app::BookingRequest> {
    Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
    app::BookingRequest booking;
    booking.service = core::ServiceId{UNKNOT_TRY(IdField(body, "service"))};
    booking.practitioner = UNKNOT_TRY(OptionalPractitioner(body));
    booking.start = UNKNOT_TRY(StartField(body));
    if (body.contains("hold") && !body["hold"].is_null()) {
      booking.hold = UNKNOT_TRY(StringField(body, "", "hold"));
    }
    if (body.contains("assessment") && !body["assessment"].is_null()) {
      booking.assessment = core::AssessmentId{UNKNOT_TRY(IdField(body, "assessment"))};
    }
    if (!body.contains("patient") || !body["patient"].is_object()) {
      return Error::InvalidField("patient", "is required and must be an object");
    }
    const Json& patient = body["patient"];
    booking.patient.given_name = UNKNOT_TRY(StringField(patient, "patient.", "given_name"));
    booking.patient.family_name = UNKNOT_TRY(StringField(patient, "patient.", "family_name"));
    booking.patient.email = UNKNOT_TRY(StringField(patient, "patient.", "email"));
    booking.patient.phone = UNKNOT_TRY(StringField(patient, "patient.", "phone"));
    if (auto key = request.Header("idempotency-key")) {
      if (key->empty() || key->size() > 200) {
        return Error::InvalidField("Idempotency-Key", "must be 1 to 200 characters");
      }
      booking.idempotency_key = std::string(*key);
      booking.fingerprint = tokens.Hash(body.dump());  // keys are sorted: a stable form
    }
    return booking;
  };
  auto booking = parse();
  if (!booking) return http::Problem(booking.error());
  std::string slug(request.PathParam("clinic"));
  auto clinic = app::LoadClinic(storage, slug);
  if (!clinic) return http::Problem(clinic.error());
  auto outcome =
      app::BookAppointment(storage, clock, tokens, *clinic, *booking,
                           [](const app::ClinicContext& context, const app::Booked& booked) {
                             return dto::BookedJson(context, booked).dump();
                           });
  if (!outcome) return http::Problem(outcome.error());
  auto location = [&](core::AppointmentId id) {
    return "/api/v1/clinics/" + slug + "/appointments/" + std::to_string(id.value());
  };
  if (auto* booked = std::get_if<app::Booked>(&*outcome)) {
    Response response = Response::Json(201, dto::BookedJson(*clinic, *booked).dump());
    response.headers.emplace_back("Location", location(booked->appointment.id));
    return response;
  }
  if (auto* replayed = std::get_if<app::Replayed>(&*outcome)) {
    Response response = Response::Json(201, replayed->body);
    response.headers.emplace_back("Location", location(replayed->appointment));
    response.headers.emplace_back("Idempotent-Replayed", "true");
    return response;
  }
  if (auto* capped = std::get_if<app::TooManyBookings>(&*outcome)) {
    return TooManyBookingsResponse(*clinic, *capped);
  }
  if (auto* ruled = std::get_if<app::RuleRefused>(&*outcome)) {
    return RuleRefusedResponse(*clinic, *ruled);
  }
  return RefusedResponse(*clinic, std::get<app::Refused>(*outcome));
}

// Runs `act` with the clinic and the appointment id of the path, or answers with the problem.
template <typename Act>
Response WithAppointment(core::ports::Storage& storage, Request& request, Act act) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto id = ParseId("id", request.PathParam("id"));
  if (!id) return http::Problem(Error::NotFound("no such appointment"));
  return act(*clinic, core::AppointmentId{*id});
}

}  // namespace

void AddBookingRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
                      core::ports::TokenService& tokens, std::shared_ptr<AvailabilityCache> cache) {
  // Shared by the handler copies the router keeps; lives as long as the router.
  if (cache == nullptr) cache = std::make_shared<AvailabilityCache>();
  AddHoldRoutes(router, storage, clock, tokens);
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/availability",
             [&storage, &clock, cache](Request& request) {
               return Availability(storage, clock, *cache, request);
             });
  router.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/appointments",
             [&storage, &clock, &tokens](Request& request) {
               return Book(storage, clock, tokens, request);
             });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/appointments/{id}",
             [&storage, &tokens](Request& request) {
               return WithAppointment(
                   storage, request, [&](const app::ClinicContext& clinic, core::AppointmentId id) {
                     auto appointment =
                         app::GetAppointment(storage, tokens, clinic, id, TokenOf(request));
                     if (!appointment) return http::Problem(appointment.error());
                     return AppointmentResponse(clinic, *appointment);
                   });
             });
  router.Add(
      http::Method::kPost, "/api/v1/clinics/{clinic}/appointments/{id}/cancel",
      [&storage, &clock, &tokens](Request& request) {
        return WithAppointment(
            storage, request, [&](const app::ClinicContext& clinic, core::AppointmentId id) {
              // The body is optional (the token may come in a header), but one that is sent
              // must be a valid JSON object.
              Json body;
              if (!request.body.empty()) {
                auto parsed = dto::ParseObjectBody(request.body);
                if (!parsed) return http::Problem(parsed.error());
                body = std::move(*parsed);
              }
              std::string token = TokenOf(request, body.is_object() ? &body : nullptr);
              auto outcome = app::CancelAppointment(storage, clock, tokens, clinic, id, token);
              if (!outcome) return http::Problem(outcome.error());
              if (auto* refused = std::get_if<app::ChangeRefused>(&*outcome)) {
                return ChangeRefusedResponse(clinic, *refused);
              }
              return AppointmentResponse(clinic, std::get<scheduling::Appointment>(*outcome));
            });
      });
  router.Add(
      http::Method::kPost, "/api/v1/clinics/{clinic}/appointments/{id}/reschedule",
      [&storage, &clock, &tokens](Request& request) {
        return WithAppointment(
            storage, request, [&](const app::ClinicContext& clinic, core::AppointmentId id) {
              auto body = dto::ParseObjectBody(request.body);
              if (!body) return http::Problem(body.error());
              auto start = StartField(*body);
              if (!start) return http::Problem(start.error());
              auto practitioner = OptionalPractitioner(*body);
              if (!practitioner) return http::Problem(practitioner.error());
              auto outcome =
                  app::RescheduleAppointment(storage, clock, tokens, clinic, id,
                                             TokenOf(request, &*body), *start, *practitioner);
              if (!outcome) return http::Problem(outcome.error());
              if (auto* refused = std::get_if<app::ChangeRefused>(&*outcome)) {
                return ChangeRefusedResponse(clinic, *refused);
              }
              if (auto* taken = std::get_if<app::Refused>(&*outcome)) {
                return RefusedResponse(clinic, *taken);
              }
              return AppointmentResponse(clinic, std::get<scheduling::Appointment>(*outcome));
            });
      });
}

}  // namespace unknot::api::v1
