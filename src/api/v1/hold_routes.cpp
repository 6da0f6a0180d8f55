#include "api/v1/hold_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/json/booking_json.hpp"
#include "api/json/request_body.hpp"
#include "api/v1/booking_routes.hpp"
#include "app/holds.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
using core::Error;
using core::Result;

Result<app::HoldRequest> ParseHold(const Json& body) {
  app::HoldRequest hold;
  if (!body.contains("service")) return Error::InvalidField("service", "is required");
  if (!body["service"].is_number_integer() || body["service"].get<std::int64_t>() <= 0) {
    return Error::InvalidField("service", "must be a positive integer id");
  }
  hold.service = core::ServiceId{body["service"].get<std::int64_t>()};
  if (!body.contains("start")) return Error::InvalidField("start", "is required");
  if (!body["start"].is_string()) return Error::InvalidField("start", "must be a string");
  auto start = core::ParseInstant(body["start"].get<std::string>());
  if (!start) return Error::InvalidField("start", start.error().message());
  hold.start = *start;
  if (body.contains("practitioner") && !body["practitioner"].is_null()) {
    const Json& who = body["practitioner"];
    if (who.is_string() && who.get<std::string>() == "any") {
      hold.practitioner = std::nullopt;
    } else if (who.is_number_integer() && who.get<std::int64_t>() > 0) {
      hold.practitioner = core::PractitionerId{who.get<std::int64_t>()};
    } else {
      return Error::InvalidField("practitioner", "must be a positive integer id or \"any\"");
    }
  }
  return hold;
}

Response Hold(core::ports::Storage& storage, const core::Clock& clock,
              core::ports::TokenService& tokens, Request& request) {
  auto body = json::ParseObjectBody(request.body);
  if (!body) return http::Problem(body.error());
  auto hold = ParseHold(*body);
  if (!hold) return http::Problem(hold.error());
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto outcome = app::HoldTime(storage, clock, tokens, *clinic, *hold);
  if (!outcome) return http::Problem(outcome.error());
  if (auto* refused = std::get_if<app::Refused>(&*outcome)) {
    return RefusedResponse(*clinic, *refused);
  }
  const app::Held& held = std::get<app::Held>(*outcome);
  Json out = json::TimeJson(*clinic, held.hold.time);
  out["hold"] = held.token;
  out["expires_at"] = core::FormatInstant(held.hold.expires_at);
  out["practitioner"] = held.hold.practitioner.value();
  out["service"] = held.hold.service.value();
  return Response::Json(201, out.dump());
}

Response Release(core::ports::Storage& storage, core::ports::TokenService& tokens,
                 Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto released = app::ReleaseHeldTime(storage, tokens, *clinic, request.PathParam("token"));
  if (!released) return http::Problem(released.error());
  return Response::Text(204, "");
}

}  // namespace

void AddHoldRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
                   core::ports::TokenService& tokens) {
  router.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/holds",
             [&storage, &clock, &tokens](Request& request) {
               return Hold(storage, clock, tokens, request);
             });
  router.Add(http::Method::kDelete, "/api/v1/clinics/{clinic}/holds/{token}",
             [&storage, &tokens](Request& request) { return Release(storage, tokens, request); });
}

}  // namespace unknot::api::v1
