#include "api/v1/assessment_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/json/assessment_json.hpp"
#include "api/json/request_body.hpp"
#include "api/v1/query_params.hpp"
#include "app/assessment.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;

std::string TokenOf(const Request& request) {
  if (auto token = request.QueryParam("token")) return *token;
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    return std::string(auth->substr(7));
  }
  return "";
}

}  // namespace

void AddAssessmentRoutes(http::Router& router, core::ports::Storage& storage,
                         const core::Clock& clock, core::ports::TokenService& tokens,
                         const core::clinical::Knowledge& knowledge,
                         const std::string& body_map_svg) {
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/assessment-form",
             [&storage, &knowledge](Request& request) {
               auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
               if (!clinic) return http::Problem(clinic.error());
               return Response::Json(200, dto::AssessmentFormJson(knowledge, *clinic).dump());
             });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/body-map.svg",
             [&storage, &body_map_svg](Request& request) {
               auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
               if (!clinic) return http::Problem(clinic.error());
               Response response = Response::Text(200, body_map_svg, "image/svg+xml");
               response.headers = {{"Cache-Control", "public, max-age=3600"}};
               return response;
             });
  router.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/assessments",
             [&storage, &clock, &tokens, &knowledge](Request& request) {
               auto parsed = dto::ParseObjectBody(request.body);
               if (!parsed) return http::Problem(parsed.error());
               const Json& body = *parsed;
               auto input = dto::ParseAssessmentInput(body);
               if (!input) return http::Problem(input.error());
               const std::string slug(request.PathParam("clinic"));
               auto clinic = app::LoadClinic(storage, slug);
               if (!clinic) return http::Problem(clinic.error());
               auto submitted = app::SubmitAssessment(
                   storage, clock, tokens, knowledge, *clinic, *input,
                   dto::AssessmentInputJson(*input).dump(),
                   [&](const core::clinical::AssessmentResult& result) {
                     return dto::AssessmentResultJson(knowledge, *clinic, result).dump();
                   });
               if (!submitted) {
                 // Field errors of the input are 422: the request is well-formed JSON that names
                 // something the assessment does not know.
                 if (submitted.error().code() == core::ErrorCode::kInvalidArgument) {
                   return http::Problem(422, "Invalid assessment", submitted.error().message(),
                                        submitted.error().fields());
                 }
                 return http::Problem(submitted.error());
               }
               const std::string location = "/api/v1/clinics/" + slug + "/assessments/" +
                                            std::to_string(submitted->id.value());
               Json out = {{"id", submitted->id.value()},
                           {"manage_token", submitted->manage_token},
                           {"url", location + "?token=" + submitted->manage_token},
                           {"result", Json::parse(submitted->result_json)}};
               Response response = Response::Json(201, out.dump());
               response.headers.emplace_back("Location", location);
               return response;
             });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/assessments/{id}",
             [&storage, &tokens](Request& request) {
               auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
               if (!clinic) return http::Problem(clinic.error());
               const auto parsed = ParsePositiveId(request.PathParam("id"));
               if (!parsed) return http::Problem(core::Error::NotFound("no such assessment"));
               const std::int64_t id = *parsed;
               auto stored = app::GetAssessment(storage, tokens, *clinic, core::AssessmentId{id},
                                                TokenOf(request));
               if (!stored) return http::Problem(stored.error());
               Json out = {{"id", id},
                           {"created_at", core::FormatInstant(stored->created_at)},
                           {"result", Json::parse(stored->result_json)}};
               return Response::Json(200, out.dump());
             });
}

}  // namespace unknot::api::v1
