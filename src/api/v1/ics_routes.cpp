#include "api/v1/ics_routes.hpp"

#include "api/ical/ics_writer.hpp"
#include "api/public_url.hpp"
#include "api/v1/query_params.hpp"
#include "app/booking.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;

std::string TokenOf(const Request& request) {
  if (auto token = request.QueryParam("token")) return *token;
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    return std::string(auth->substr(7));
  }
  return "";
}

Response AppointmentCalendar(core::ports::Storage& storage, core::ports::TokenService& tokens,
                             const Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return http::Problem(core::Error::NotFound("no such appointment"));
  std::string token = TokenOf(request);
  auto appointment = app::GetAppointment(storage, tokens, *clinic, core::AppointmentId{*id}, token);
  if (!appointment) return http::Problem(appointment.error());
  // The same link the booking answer gives (manage_url), made absolute: a calendar has no origin.
  std::string manage_url = PublicOrigin(request) + "/c/" + clinic->setup().clinic.slug +
                           "/manage/" + std::to_string(*id) + "#token=" + token;
  Response response = Response::Text(
      200, ical::AppointmentIcs(clinic->setup(), clinic->zone, *appointment, manage_url),
      "text/calendar; charset=utf-8");
  response.headers = {
      {"Content-Disposition",
       "attachment; filename=\"appointment-" + std::to_string(*id) + ".ics\""},
      // It holds the manage link: no shared cache may keep it.
      {"Cache-Control", "no-store"},
  };
  return response;
}

}  // namespace

void AddIcsRoutes(http::Router& router, core::ports::Storage& storage,
                  core::ports::TokenService& tokens) {
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/appointments/{id}.ics",
             [&storage, &tokens](Request& request) {
               return AppointmentCalendar(storage, tokens, request);
             });
}

}  // namespace unknot::api::v1
