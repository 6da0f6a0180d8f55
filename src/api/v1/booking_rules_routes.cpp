#include "api/v1/booking_rules_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/json/request_body.hpp"
#include "api/json/staff_json.hpp"
#include "api/v1/query_params.hpp"
#include "core/common/text.hpp"

namespace unknot::api::v1 {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;
namespace ports = core::ports;
namespace staff = core::staff;
namespace scheduling = core::scheduling;

Result<ports::BookingRules> ParseRules(const Request& request) {
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  ports::BookingRules rules;
  auto rule = body.find("online_booking");
  if (rule == body.end() || !rule->is_string()) {
    return Error::InvalidField("online_booking",
                               "is required: \"allowed\", \"requires_approval\" or \"blocked\"");
  }
  auto parsed = core::clinic::ParseOnlineBooking(rule->get<std::string>());
  if (!parsed) {
    return Error::InvalidField("online_booking",
                               "must be \"allowed\", \"requires_approval\" or \"blocked\"");
  }
  rules.online_booking = *parsed;
  auto first = body.find("assessment_first");
  if (first == body.end() || !first->is_boolean()) {
    return Error::InvalidField("assessment_first", "is required: true or false");
  }
  rules.assessment_first = first->get<bool>();
  return rules;
}

Result<Response> SetRules(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such patient");
  const core::PatientId patient_id{*id};
  UNKNOT_TRY(storage.FindPatient(clinic, patient_id));  // another clinic's: not found
  UNKNOT_TRY(
      staff.Authorize({clinic, staff::Reach::kOneThing, std::nullopt, staff::PatientLink::kNone}));
  const ports::BookingRules rules = UNKNOT_TRY(ParseRules(request));
  const std::string detail = "booking rules: online " +
                             std::string(core::clinic::ToString(rules.online_booking)) +
                             ", assessment first " + (rules.assessment_first ? "yes" : "no");
  core::clinic::Patient stored = UNKNOT_TRY(
      storage.SetBookingRules(clinic, patient_id, rules,
                              staff.Audit(patient_id, "patient/" + std::to_string(*id), detail)));
  staff.Recorded();
  return Response::Json(200, Json{{"patient", dto::PatientContactJson(stored)},
                                  {"booking_rules", dto::BookingRulesJson(stored)}}
                                 .dump());
}

Result<Response> ListRequests(ports::Storage& storage, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  // The policy gives this action to roles over the whole clinic only; anything narrower is
  // refused rather than guessed at.
  if (staff.ListScope() != staff::Access::kClinic) {
    return Error(ErrorCode::kForbidden, "your role may not do this");
  }
  std::vector<ports::PendingRequest> requests =
      UNKNOT_TRY(storage.ListRequests(clinic, staff.now()));
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  Json out = Json::array();
  for (const ports::PendingRequest& r : requests) {
    out.push_back({{"appointment", dto::StaffAppointmentJson(context, r.appointment)},
                   {"patient", dto::PatientContactJson(r.patient)}});
  }
  UNKNOT_TRY(staff.RecordRead(std::nullopt, "calendar/requests",
                              std::to_string(requests.size()) + " requests"));
  return Response::Json(200, Json{{"requests", std::move(out)}}.dump());
}

struct Decision {
  std::int64_t version = 0;
  std::string reason;
};

Result<Decision> ParseDecision(const Request& request, ports::RequestDecision decision) {
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  Decision out;
  auto version = body.find("version");
  if (version == body.end() || !version->is_number_integer() || version->get<std::int64_t>() <= 0) {
    return Error::InvalidField("version",
                               "is required: the appointment's version as you saw it (1 or more)");
  }
  out.version = version->get<std::int64_t>();
  auto reason = body.find("reason");
  if (decision == ports::RequestDecision::kDecline && reason != body.end() && !reason->is_null()) {
    if (!reason->is_string()) return Error::InvalidField("reason", "must be text");
    out.reason = reason->get<std::string>();
    if (out.reason.size() > kMaxDeclineReasonLength) {
      return Error::InvalidField(
          "reason", "must be at most " + std::to_string(kMaxDeclineReasonLength) + " bytes");
    }
  }
  return out;
}

Result<Response> Decide(ports::Storage& storage, Request& request, StaffRequest& staff,
                        ports::RequestDecision decision) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such appointment");
  const core::AppointmentId appointment_id{*id};
  scheduling::Appointment seen = UNKNOT_TRY(storage.FindAppointment(clinic, appointment_id));
  UNKNOT_TRY(staff.Authorize(
      {clinic, staff::Reach::kOneThing, seen.practitioner, staff::PatientLink::kNone}));
  const Decision parsed = UNKNOT_TRY(ParseDecision(request, decision));
  const bool approve = decision == ports::RequestDecision::kApprove;
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  auto decided = storage.DecideRequest(
      clinic, appointment_id, parsed.version, decision, parsed.reason, staff.now(),
      staff.Audit(seen.patient, "appointment/" + std::to_string(*id),
                  approve ? "approved" : "declined"));
  if (!decided) {
    if (decided.error().code() != ErrorCode::kConflict) return std::move(decided).error();
    // Someone else decided or changed it first: show what it is now.
    scheduling::Appointment current = UNKNOT_TRY(storage.FindAppointment(clinic, appointment_id));
    Response response = http::Problem(409, "Appointment changed", decided.error().message());
    Json body = Json::parse(response.body);
    body["appointment"] = dto::StaffAppointmentJson(context, current);
    response.body = body.dump();
    return response;
  }
  staff.Recorded();
  return Response::Json(200,
                        Json{{"appointment", dto::StaffAppointmentJson(context, *decided)}}.dump());
}

// Adapts a handler that returns Result<Response> to the gate's StaffHandler.
template <typename Handler>
StaffHandler Answer(Handler handler) {
  return [handler](Request& request, StaffRequest& staff) {
    Result<Response> response = handler(request, staff);
    if (!response) return http::Problem(response.error());
    return std::move(*response);
  };
}

}  // namespace

void AddBookingRulesRoutes(StaffRoutes& routes, ports::Storage& storage) {
  routes.Add(http::Method::kPut, "/api/v1/clinics/{clinic}/patients/{id}/booking-rules",
             staff::Action::kSetPatientBookingRules,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return SetRules(storage, request, staff);
             }));
  routes.Add(
      http::Method::kGet, "/api/v1/clinics/{clinic}/calendar/requests",
      staff::Action::kDecideBookingRequest,
      Answer([&storage](Request&, StaffRequest& staff) { return ListRequests(storage, staff); }));
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/calendar/appointments/{id}/approve",
             staff::Action::kDecideBookingRequest,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return Decide(storage, request, staff, ports::RequestDecision::kApprove);
             }));
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/calendar/appointments/{id}/decline",
             staff::Action::kDecideBookingRequest,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return Decide(storage, request, staff, ports::RequestDecision::kDecline);
             }));
}

}  // namespace unknot::api::v1
