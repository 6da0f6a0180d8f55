#include "api/v1/clinic_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/json/clinic_json.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;

core::Result<std::shared_ptr<const core::clinic::ClinicSetup>> LoadClinic(
    core::ports::Storage& storage, const Request& request) {
  core::clinic::Clinic clinic = UNKNOT_TRY(storage.FindClinic(request.PathParam("clinic")));
  return storage.LoadSetup(clinic.id);
}

// Runs `render` on the clinic named in the path, or answers with the problem.
template <typename Render>
Response WithClinic(core::ports::Storage& storage, const Request& request, Render render) {
  auto setup = LoadClinic(storage, request);
  if (!setup) return http::Problem(setup.error());
  return Response::Json(200, render(**setup).dump());
}

template <typename T, typename F>
Json ListOf(const char* key, const std::vector<T>& items, F to_json) {
  Json list = Json::array();
  for (const T& item : items) list.push_back(to_json(item));
  return Json{{key, std::move(list)}};
}

}  // namespace

void AddClinicRoutes(http::Router& router, core::ports::Storage& storage) {
  router.Add(http::Method::kGet, "/api/v1/clinics", [&storage](Request&) {
    auto clinics = storage.ListClinics();
    if (!clinics) return http::Problem(clinics.error());
    return Response::Json(
        200, ListOf("clinics", *clinics, [](const auto& c) { return dto::ClinicJson(c); }).dump());
  });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}", [&storage](Request& request) {
    return WithClinic(storage, request, [](const auto& setup) { return dto::ClinicJson(setup); });
  });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/practitioners",
             [&storage](Request& request) {
               return WithClinic(storage, request, [](const auto& setup) {
                 return ListOf("practitioners", setup.practitioners,
                               [](const auto& p) { return dto::PractitionerJson(p); });
               });
             });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/services", [&storage](Request& request) {
    return WithClinic(storage, request, [](const auto& setup) {
      return ListOf("services", setup.services, [](const auto& s) { return dto::ServiceJson(s); });
    });
  });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/rooms", [&storage](Request& request) {
    return WithClinic(storage, request, [](const auto& setup) {
      return ListOf("rooms", setup.rooms, [](const auto& r) { return dto::RoomJson(r); });
    });
  });
}

}  // namespace unknot::api::v1
