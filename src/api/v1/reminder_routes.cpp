#include "api/v1/reminder_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/json/request_body.hpp"
#include "api/v1/query_params.hpp"
#include "app/patient_messages.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
using core::Error;
using core::ports::Reminders;

std::string TokenOf(const Request& request) {
  if (auto token = request.QueryParam("token")) return *token;
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    return std::string(auth->substr(7));
  }
  return "";
}

Response Answer(core::Result<Reminders> reminders) {
  if (!reminders) return http::Problem(reminders.error());
  Response response = Response::Json(200, Json{{"reminders", *reminders == Reminders::kOn}}.dump());
  // Reached by a secret link: no shared cache may keep it.
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

template <typename Act>
Response WithAppointment(core::ports::Storage& storage, const Request& request, Act act) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return http::Problem(Error::NotFound("no such appointment"));
  return act(*clinic, core::AppointmentId{*id});
}

}  // namespace

void AddReminderRoutes(http::Router& router, core::ports::Storage& storage,
                       const core::Clock& clock, core::ports::TokenService& tokens) {
  router.Add(
      http::Method::kGet, "/api/v1/clinics/{clinic}/appointments/{id}/reminders",
      [&storage, &tokens](Request& request) {
        return WithAppointment(
            storage, request, [&](const app::ClinicContext& clinic, core::AppointmentId id) {
              return Answer(app::GetReminders(storage, tokens, clinic, id, TokenOf(request)));
            });
      });
  router.Add(
      http::Method::kPut, "/api/v1/clinics/{clinic}/appointments/{id}/reminders",
      [&storage, &clock, &tokens](Request& request) {
        return WithAppointment(
            storage, request, [&](const app::ClinicContext& clinic, core::AppointmentId id) {
              auto body = json::ParseObjectBody(request.body);
              if (!body) return http::Problem(body.error());
              if (!body->contains("reminders") || !(*body)["reminders"].is_boolean()) {
                return http::Problem(Error::InvalidField("reminders", "must be true or false"));
              }
              const Reminders wanted =
                  (*body)["reminders"].get<bool>() ? Reminders::kOn : Reminders::kOff;
              return Answer(
                  app::SetReminders(storage, clock, tokens, clinic, id, TokenOf(request), wanted));
            });
      });
}

}  // namespace unknot::api::v1
