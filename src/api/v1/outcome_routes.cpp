#include "api/v1/outcome_routes.hpp"

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "api/json/assessment_json.hpp"
#include "api/json/request_body.hpp"
#include "api/json/staff_json.hpp"
#include "api/v1/query_params.hpp"
#include "app/booking.hpp"
#include "core/clinical/outcomes.hpp"

namespace unknot::api::v1 {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace clinical = core::clinical;
namespace dto = api::json;
namespace ports = core::ports;
namespace staff = core::staff;
namespace scheduling = core::scheduling;

constexpr const char* kPlanCounting =
    "Each treatment plan is counted by its visits with outcomes recorded, in visit order: under a "
    "service by its visits of that service, under a practitioner by its visits with that "
    "practitioner, overall by all its visits. Reached: pain down at least 2 points, or the PSFS "
    "score up at least 2 points, since the first of those visits (the minimal clinically "
    "important differences). Visits recorded outside any plan are not counted as plans; each row "
    "gives their number apart. Decision support, not a verdict on anyone's care.";

Json OutcomeJson(const clinical::VisitOutcome& o) {
  Json psfs = Json::array();
  for (const clinical::PsfsItem& item : o.psfs) {
    psfs.push_back({{"activity", item.activity}, {"score", item.score}});
  }
  return {{"pain", o.pain},
          {"sleep", std::string(clinical::ToString(o.sleep))},
          {"movements", o.movements},
          {"psfs", std::move(psfs)},
          {"psfs_score", std::round(clinical::PsfsScore(o) * 10) / 10}};
}

enum class Audience { kStaff, kPatient };

Json RecordJson(const ports::OutcomeRecord& r, Audience audience) {
  Json out = OutcomeJson(r.outcome);
  out["appointment"] = r.appointment.value();
  out["start"] = core::FormatInstant(r.visit_start);
  if (audience == Audience::kStaff) {
    out["practitioner"] = r.practitioner.value();
    out["service"] = r.service.value();
    out["version"] = r.version;
    out["recorded_at"] = core::FormatInstant(r.recorded_at);
  }
  return out;
}

Json SeriesJson(const std::vector<ports::OutcomeRecord>& records, Audience audience) {
  Json visits = Json::array();
  for (const auto& r : records) visits.push_back(RecordJson(r, audience));
  Json changes = Json::array();
  Json meaningful = Json::array();
  if (records.size() >= 2) {
    for (const clinical::Change& c :
         clinical::CompareOutcomes(records.front().outcome, records.back().outcome)) {
      Json change{{"measure", std::string(clinical::ToString(c.measure))},
                  {"first", std::round(c.first * 10) / 10},
                  {"latest", std::round(c.latest * 10) / 10},
                  {"direction", std::string(clinical::ToString(c.direction))},
                  {"meaningful", c.meaningful},
                  {"text", c.text}};
      if (c.measure == clinical::Measure::kPsfsItem) {
        change["item"] = c.item;
        change["activity"] = c.activity;
      }
      if (c.meaningful) meaningful.push_back(c.text);
      changes.push_back(std::move(change));
    }
  }
  return {{"visits", std::move(visits)},
          {"changes", std::move(changes)},
          {"meaningful", std::move(meaningful)}};
}

Json McidJson() {
  return {{"pain", clinical::kPainMcid},
          {"psfs", clinical::kPsfsMeanMcid},
          {"psfs_item", clinical::kPsfsItemMcid}};
}

Result<int> IntIn(const Json& body, const std::string& field, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer()) {
    return Error::InvalidField(field, "is required: a whole number from 0 to 10");
  }
  const auto value = it->get<std::int64_t>();
  if (value < 0 || value > 10) return Error::InvalidField(field, "must be between 0 and 10");
  return static_cast<int>(value);
}

struct Submitted {
  std::int64_t version = 0;
  clinical::VisitOutcome outcome;
};

Result<Submitted> ParseOutcome(const Request& request) {
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  Submitted out;
  auto version = body.find("version");
  if (version == body.end() || !version->is_number_integer() || version->get<std::int64_t>() < 0) {
    return Error::InvalidField("version",
                               "is required: 0 for a first record, else the version you saw");
  }
  out.version = version->get<std::int64_t>();
  out.outcome.pain = UNKNOT_TRY(IntIn(body, "pain", "pain"));
  auto sleep = body.find("sleep");
  if (sleep == body.end() || !sleep->is_string()) {
    return Error::InvalidField("sleep", "is required: \"none\", \"some\" or \"severe\"");
  }
  auto parsed = clinical::ParseSleepEffect(sleep->get<std::string>());
  if (!parsed) return Error::InvalidField("sleep", "must be \"none\", \"some\" or \"severe\"");
  out.outcome.sleep = *parsed;
  auto movements = body.find("movements");
  if (movements != body.end() && !movements->is_null()) {
    if (!movements->is_array()) return Error::InvalidField("movements", "must be a list");
    for (std::size_t i = 0; i < movements->size(); ++i) {
      if (!(*movements)[i].is_string()) {
        return Error::InvalidField("movements[" + std::to_string(i) + "]", "must be text");
      }
      out.outcome.movements.push_back((*movements)[i].get<std::string>());
    }
  }
  auto psfs = body.find("psfs");
  if (psfs == body.end() || !psfs->is_array()) {
    return Error::InvalidField("psfs", "is required: three activities, each scored 0-10");
  }
  for (std::size_t i = 0; i < psfs->size(); ++i) {
    const std::string field = "psfs[" + std::to_string(i) + "]";
    const Json& item = (*psfs)[i];
    if (!item.is_object()) return Error::InvalidField(field, "must be an object");
    auto activity = item.find("activity");
    if (activity == item.end() || !activity->is_string()) {
      return Error::InvalidField(field + ".activity", "is required: an activity the patient names");
    }
    out.outcome.psfs.push_back(
        {activity->get<std::string>(), UNKNOT_TRY(IntIn(item, field + ".score", "score"))});
  }
  UNKNOT_TRY(clinical::ValidateOutcome(out.outcome));
  return out;
}

// The facts of a visit for Authorize: its practitioner, and whether the principal treats its
// patient.
Result<staff::Target> VisitTarget(ports::Storage& storage, StaffRequest& staff,
                                  const scheduling::Appointment& visit) {
  return staff::Target{staff.clinic().id, staff::Reach::kOneThing, visit.practitioner,
                       UNKNOT_TRY(PatientLinkOf(storage, staff, visit.patient))};
}

Result<scheduling::Appointment> FindVisit(ports::Storage& storage, const Request& request,
                                          StaffRequest& staff) {
  const auto id = ParsePositiveId(request.PathParam("appointment"));
  if (!id) return Error::NotFound("no such appointment");
  return storage.FindAppointment(staff.clinic().id, core::AppointmentId{*id});
}

// What the form starts from when nothing is recorded: the self-assessment the appointment
// followed (if any) and the PSFS activities of the patient's last recorded visit before it.
Result<Json> Prefill(ports::Storage& storage, core::ClinicId clinic,
                     const scheduling::Appointment& visit) {
  clinical::AssessmentInput assessment;
  if (visit.assessment) {
    ports::StoredAssessment stored = UNKNOT_TRY(storage.FindAssessment(clinic, *visit.assessment));
    auto input = Json::parse(stored.input_json, nullptr, /*allow_exceptions=*/false);
    if (auto parsed = dto::ParseAssessmentInput(input)) assessment = std::move(*parsed);
  }
  std::optional<clinical::VisitOutcome> previous;
  const std::vector<ports::OutcomeRecord> records =
      UNKNOT_TRY(storage.ListPatientOutcomes(clinic, visit.patient));
  for (const auto& r : records) {
    if (r.visit_start < visit.time.start()) previous = r.outcome;
  }
  Json out = OutcomeJson(clinical::PrefillOutcome(assessment, previous));
  out["from_assessment"] = visit.assessment.has_value();
  return out;
}

Result<Response> GetVisit(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  scheduling::Appointment visit = UNKNOT_TRY(FindVisit(storage, request, staff));
  UNKNOT_TRY(staff.Authorize(UNKNOT_TRY(VisitTarget(storage, staff, visit))));
  std::optional<ports::OutcomeRecord> record =
      UNKNOT_TRY(storage.FindVisitOutcome(clinic, visit.id));
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().slug));
  Json body{{"appointment", dto::StaffAppointmentJson(context, visit)},
            {"outcome", record ? RecordJson(*record, Audience::kStaff) : Json(nullptr)},
            {"movements", clinical::Movements()},
            {"mcid", McidJson()}};
  if (!record) body["prefill"] = UNKNOT_TRY(Prefill(storage, clinic, visit));
  UNKNOT_TRY(staff.RecordRead(visit.patient,
                              "appointment/" + std::to_string(visit.id.value()) + "/outcomes",
                              record ? "outcomes" : "no outcomes yet"));
  return Response::Json(200, body.dump());
}

Result<Response> PutVisit(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  scheduling::Appointment visit = UNKNOT_TRY(FindVisit(storage, request, staff));
  UNKNOT_TRY(staff.Authorize(UNKNOT_TRY(VisitTarget(storage, staff, visit))));
  if (visit.status == scheduling::AppointmentStatus::kCancelled) {
    return Error(ErrorCode::kConflict,
                 "the appointment was cancelled: there is no visit to record");
  }
  const Submitted submitted = UNKNOT_TRY(ParseOutcome(request));
  const std::string record_name = "appointment/" + std::to_string(visit.id.value()) + "/outcomes";
  auto saved = storage.SaveVisitOutcome(
      clinic, visit.id, submitted.outcome, submitted.version, staff.account().id, staff.now(),
      staff.Audit(visit.patient, record_name,
                  submitted.version == 0 ? "outcomes recorded" : "outcomes changed"));
  if (!saved) {
    if (saved.error().code() != ErrorCode::kConflict) return std::move(saved).error();
    // Someone else recorded or changed it first: show what it is now.
    std::optional<ports::OutcomeRecord> current =
        UNKNOT_TRY(storage.FindVisitOutcome(clinic, visit.id));
    Response response = http::Problem(409, "Outcomes changed", saved.error().message());
    Json body = Json::parse(response.body);
    body["outcome"] = current ? RecordJson(*current, Audience::kStaff) : Json(nullptr);
    response.body = body.dump();
    return response;
  }
  staff.Recorded();
  return Response::Json(200, Json{{"outcome", RecordJson(*saved, Audience::kStaff)}}.dump());
}

Result<Response> PatientSeries(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such patient");
  const core::PatientId patient{*id};
  UNKNOT_TRY(storage.FindPatient(clinic, patient));  // another clinic's: not found
  UNKNOT_TRY(staff.Authorize(staff::Target{clinic, staff::Reach::kOneThing, std::nullopt,
                                           UNKNOT_TRY(PatientLinkOf(storage, staff, patient))}));
  std::vector<ports::OutcomeRecord> records =
      UNKNOT_TRY(storage.ListPatientOutcomes(clinic, patient));
  Json body = SeriesJson(records, Audience::kStaff);
  body["mcid"] = McidJson();
  UNKNOT_TRY(staff.RecordRead(patient, "patient/" + std::to_string(*id) + "/outcomes",
                              std::to_string(records.size()) + " visits"));
  return Response::Json(200, body.dump());
}

Json SummaryJson(const clinical::PlanSummary& s) {
  Json distribution = Json::array();
  for (const auto& [visits, plans] : s.visits_to_change) {
    distribution.push_back({{"visits", visits}, {"plans", plans}});
  }
  return {{"plans", s.plans},
          {"evaluable", s.evaluable},
          {"reached", s.reached},
          {"median_visits", s.median_visits ? Json(*s.median_visits) : Json(nullptr)},
          {"visits_to_change", std::move(distribution)},
          {"unplanned_visits", s.unplanned_visits}};
}

Result<Response> Report(ports::Storage& storage, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  // The policy gives the report to the owner, over the whole clinic; anything narrower is refused
  // rather than guessed at.
  if (staff.ListScope() != staff::Access::kClinic) {
    return Error(ErrorCode::kForbidden, "your role may not do this");
  }
  // One query: the plans' visits grouped by plan in visit order, then the visits of no plan.
  std::vector<ports::PlanOutcomeRecord> records =
      UNKNOT_TRY(storage.ListClinicPlanOutcomes(clinic));
  std::vector<clinical::PlanOutcomes> plans;
  std::vector<clinical::UnplannedVisit> unplanned;
  std::optional<core::TreatmentPlanId> current;
  for (const auto& r : records) {
    if (!r.plan) {
      unplanned.push_back({r.service, r.practitioner});
      continue;
    }
    if (r.plan != current) {
      plans.emplace_back();
      current = r.plan;
    }
    plans.back().visits.push_back({r.service, r.practitioner, r.outcome});
  }
  clinical::OutcomeReport report = clinical::BuildOutcomeReport(plans, unplanned);

  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().slug));
  Json services = Json::array();
  for (const auto& [id, summary] : report.by_service) {
    std::string name;
    for (const auto& s : context.setup().services) {
      if (s.id == id) name = s.name;
    }
    Json row = SummaryJson(summary);
    row["service"] = id.value();
    row["name"] = name;
    services.push_back(std::move(row));
  }
  Json practitioners = Json::array();
  for (const auto& [id, summary] : report.by_practitioner) {
    std::string name;
    for (const auto& p : context.setup().practitioners) {
      if (p.id == id) name = p.display_name;
    }
    Json row = SummaryJson(summary);
    row["practitioner"] = id.value();
    row["name"] = name;
    practitioners.push_back(std::move(row));
  }
  UNKNOT_TRY(staff.RecordRead(std::nullopt, "outcome-report",
                              std::to_string(plans.size()) + " treatment plans, " +
                                  std::to_string(unplanned.size()) + " visits without a plan"));
  return Response::Json(200, Json{{"by_service", std::move(services)},
                                  {"by_practitioner", std::move(practitioners)},
                                  {"overall", SummaryJson(report.overall)},
                                  {"counting", kPlanCounting}}
                                 .dump());
}

template <typename Handler>
StaffHandler Answer(Handler handler) {
  return [handler](Request& request, StaffRequest& staff) {
    Result<Response> response = handler(request, staff);
    if (!response) return http::Problem(response.error());
    return std::move(*response);
  };
}

std::string TokenOf(const Request& request) {
  if (auto token = request.QueryParam("token")) return *token;
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    return std::string(auth->substr(7));
  }
  return "";
}

Response OwnSeries(ports::Storage& storage, core::ports::TokenService& tokens,
                   const Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return http::Problem(Error::NotFound("no such appointment"));
  auto appointment =
      app::GetAppointment(storage, tokens, *clinic, core::AppointmentId{*id}, TokenOf(request));
  if (!appointment) return http::Problem(appointment.error());
  auto records = storage.ListPatientOutcomes(clinic->setup().clinic.id, appointment->patient);
  if (!records) return http::Problem(records.error());
  Json body = SeriesJson(*records, Audience::kPatient);
  body["mcid"] = McidJson();
  Response response = Response::Json(200, body.dump());
  // Health data reached by a secret link: no shared cache may keep it.
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

}  // namespace

void AddOutcomeRoutes(StaffRoutes& routes, ports::Storage& storage) {
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/visits/{appointment}/outcomes",
             staff::Action::kViewOutcomes,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return GetVisit(storage, request, staff);
             }));
  routes.Add(http::Method::kPut, "/api/v1/clinics/{clinic}/visits/{appointment}/outcomes",
             staff::Action::kRecordOutcomes,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return PutVisit(storage, request, staff);
             }));
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/patients/{id}/outcomes",
             staff::Action::kViewOutcomes,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return PatientSeries(storage, request, staff);
             }));
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/outcome-report",
             staff::Action::kViewOutcomeReport,
             Answer([&storage](Request&, StaffRequest& staff) { return Report(storage, staff); }));
}

void AddPatientOutcomeRoutes(http::Router& router, ports::Storage& storage,
                             core::ports::TokenService& tokens) {
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/appointments/{id}/outcomes",
             [&storage, &tokens](Request& request) { return OwnSeries(storage, tokens, request); });
}

}  // namespace unknot::api::v1
