#include "api/v1/treatment_plan_routes.hpp"

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "api/json/booking_json.hpp"
#include "api/json/request_body.hpp"
#include "api/json/staff_json.hpp"
#include "api/v1/query_params.hpp"
#include "app/treatment_plans.hpp"
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
namespace staff = core::staff;
namespace scheduling = core::scheduling;

// ---- request bodies -------------------------------------------------------------------------

Result<std::int64_t> IntegerField(const Json& object, const std::string& field,
                                  const std::string& name, std::int64_t min, std::int64_t max) {
  if (!object.contains(name) || object[name].is_null()) {
    return Error::InvalidField(field, "is required");
  }
  if (!object[name].is_number_integer() || object[name].get<std::int64_t>() < min ||
      object[name].get<std::int64_t>() > max) {
    return Error::InvalidField(
        field, "must be a whole number " + std::to_string(min) + " to " + std::to_string(max));
  }
  return object[name].get<std::int64_t>();
}

Result<std::string> TextField(const Json& object, const std::string& field,
                              const std::string& name) {
  if (!object.contains(name) || !object[name].is_string()) {
    return Error::InvalidField(field, "is required (text)");
  }
  return object[name].get<std::string>();
}

constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();

Result<scheduling::TreatmentPlan> ParsePlan(const Request& request, core::PatientId patient) {
  const Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  scheduling::TreatmentPlan plan;
  plan.patient = patient;
  if (body.contains("title") && !body["title"].is_null()) {
    plan.title = UNKNOT_TRY(TextField(body, "title", "title"));
    UNKNOT_TRY(core::ValidateText("title", plan.title));
  }
  if (!body.contains("items") || !body["items"].is_array() || body["items"].empty() ||
      body["items"].size() > scheduling::kMaxPlanItems) {
    return Error::InvalidField("items", "is required: 1 to " +
                                            std::to_string(scheduling::kMaxPlanItems) +
                                            " services, each repeated every N days");
  }
  for (std::size_t i = 0; i < body["items"].size(); ++i) {
    const Json& item = body["items"][i];
    const std::string at = "items[" + std::to_string(i) + "].";
    if (!item.is_object())
      return Error::InvalidField("items[" + std::to_string(i) + "]", "must be an object");
    scheduling::PlanItem parsed;
    parsed.service =
        core::ServiceId{UNKNOT_TRY(IntegerField(item, at + "service", "service", 1, kMaxId))};
    parsed.practitioner = core::PractitionerId{
        UNKNOT_TRY(IntegerField(item, at + "practitioner", "practitioner", 1, kMaxId))};
    parsed.interval = std::chrono::days{UNKNOT_TRY(IntegerField(
        item, at + "interval_days", "interval_days", 1, scheduling::kMaxPlanInterval.count()))};
    parsed.count = static_cast<int>(
        UNKNOT_TRY(IntegerField(item, at + "count", "count", 1, scheduling::kMaxItemVisits)));
    const std::string date = UNKNOT_TRY(TextField(item, at + "first_date", "first_date"));
    auto first = core::ParseLocalDate(date);
    if (!first) return Error::InvalidField(at + "first_date", "must be a date, YYYY-MM-DD");
    parsed.first_date = *first;
    const std::string time = UNKNOT_TRY(TextField(item, at + "time", "time"));
    auto tod = core::TimeOfDay::Parse(time);
    if (!tod || tod->since_midnight() >= std::chrono::hours{24}) {
      return Error::InvalidField(at + "time", "must be a time of day, HH:MM (00:00 to 23:59)");
    }
    parsed.time = *tod;
    plan.items.push_back(parsed);
  }
  return plan;
}

struct BookBody {
  scheduling::BookingSource source = scheduling::BookingSource::kStaff;
  std::vector<app::ChosenVisit> visits;
};

Result<BookBody> ParseBook(const Request& request) {
  const Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  BookBody out;
  const std::string source = UNKNOT_TRY(TextField(body, "source", "source"));
  auto parsed = scheduling::ParseBookingSource(source);
  if (!parsed || (*parsed != scheduling::BookingSource::kStaff &&
                  *parsed != scheduling::BookingSource::kPhone)) {
    return Error::InvalidField("source", "must be staff or phone");
  }
  out.source = *parsed;
  if (!body.contains("visits") || !body["visits"].is_array() || body["visits"].empty() ||
      body["visits"].size() > static_cast<std::size_t>(scheduling::kMaxPlanVisits)) {
    return Error::InvalidField("visits", "is required: 1 to " +
                                             std::to_string(scheduling::kMaxPlanVisits) +
                                             " visits, each {item, start}");
  }
  for (std::size_t i = 0; i < body["visits"].size(); ++i) {
    const Json& visit = body["visits"][i];
    const std::string at = core::ports::SeriesVisitField(i);
    if (!visit.is_object()) return Error::InvalidField(at, "must be an object");
    app::ChosenVisit chosen;
    chosen.item = static_cast<int>(
        UNKNOT_TRY(IntegerField(visit, at + ".item", "item", 0, scheduling::kMaxPlanItems - 1)));
    if (visit.contains("number") && !visit["number"].is_null()) {
      chosen.number = static_cast<int>(
          UNKNOT_TRY(IntegerField(visit, at + ".number", "number", 1, scheduling::kMaxItemVisits)));
    }
    const std::string start = UNKNOT_TRY(TextField(visit, at + ".start", "start"));
    auto instant = core::ParseInstant(start);
    if (!instant) return Error::InvalidField(at + ".start", instant.error().message());
    chosen.start = *instant;
    out.visits.push_back(chosen);
  }
  return out;
}

// ---- answers --------------------------------------------------------------------------------

Json PlanJson(const app::ClinicContext& clinic, const scheduling::TreatmentPlan& plan,
              const std::vector<core::ports::PlanVisit>& visits) {
  Json items = Json::array();
  for (const scheduling::PlanItem& item : plan.items) {
    const core::clinic::Service* service = clinic.setup().FindService(item.service);
    const core::clinic::Practitioner* who = clinic.setup().FindPractitioner(item.practitioner);
    items.push_back({{"service", item.service.value()},
                     {"service_name", service ? service->name : "(no longer offered)"},
                     {"practitioner", item.practitioner.value()},
                     {"practitioner_name", who ? who->display_name : ""},
                     {"interval_days", item.interval.count()},
                     {"count", item.count},
                     {"first_date", core::FormatLocalDate(item.first_date)},
                     {"time", item.time.ToString()}});
  }
  std::vector<scheduling::Appointment> appointments;
  Json booked = Json::array();
  for (const core::ports::PlanVisit& v : visits) {
    appointments.push_back(v.appointment);
    Json entry = dto::StaffAppointmentJson(clinic, v.appointment);
    entry["item"] = v.item;
    booked.push_back(std::move(entry));
  }
  const scheduling::PlanProgress progress = scheduling::Progress(plan, appointments);
  return {{"id", plan.id.value()},
          {"patient", plan.patient.value()},
          {"title", plan.title},
          {"created_at", core::FormatInstant(plan.created_at)},
          {"items", std::move(items)},
          {"progress",
           {{"planned", progress.planned},
            {"booked", progress.booked},
            {"done", progress.done},
            {"left", progress.left},
            {"missed", progress.missed}}},
          {"visits", std::move(booked)}};
}

Json PreviewJson(const app::ClinicContext& clinic, std::size_t index,
                 const scheduling::VisitPreview& p) {
  Json alternatives = Json::array();
  for (const scheduling::OfferedSlot& slot : p.alternatives) {
    alternatives.push_back(dto::SlotJson(clinic, slot.time, slot.options));
  }
  Json out = {{"index", index},
              {"item", p.visit.item},
              {"number", p.visit.number},
              {"local_start", core::FormatLocalDateTime(p.visit.local)},
              {"start", nullptr},
              {"end", nullptr},
              {"service", p.service.value()},
              {"practitioner", p.practitioner.value()},
              {"free", p.free()},
              {"room", nullptr},
              {"problem", p.free() ? Json(nullptr) : Json(scheduling::ToString(p.problem))},
              {"message", p.message},
              {"alternatives", std::move(alternatives)}};
  if (p.visit.start) {
    out["start"] = core::FormatInstant(*p.visit.start);
    if (const auto* service = clinic.setup().FindService(p.service)) {
      out["end"] = core::FormatInstant(*p.visit.start + service->duration);
    }
  }
  if (p.room) out["room"] = p.room->value();
  return out;
}

// ---- authorization ----------------------------------------------------------------------------

// The facts about a patient for kOneThing: whether the principal treats them.
Result<staff::Target> PatientTarget(core::ports::Storage& storage, const StaffRequest& staff,
                                    core::PatientId patient) {
  const core::ClinicId clinic = staff.clinic().id;
  return staff::Target{clinic, staff::Reach::kOneThing, std::nullopt,
                       UNKNOT_TRY(PatientLinkOf(storage, staff, patient))};
}

// Every practitioner the visits are with must be on the principal's schedule to book.
Result<void> AuthorizeVisits(StaffRequest& staff, const std::set<core::PractitionerId>& who) {
  for (core::PractitionerId practitioner : who) {
    UNKNOT_TRY(staff.Authorize(
        staff::Target{staff.clinic().id, staff::Reach::kOneThing, practitioner, {}}));
  }
  return core::Ok();
}

// The plan of the path; kNotFound for another clinic's or none.
Result<scheduling::TreatmentPlan> PathPlan(core::ports::Storage& storage, Request& request,
                                           const StaffRequest& staff) {
  const auto id = ParsePositiveId(request.PathParam("plan"));
  if (!id) return Error::NotFound("no such treatment plan");
  return storage.FindTreatmentPlan(staff.clinic().id, core::TreatmentPlanId{*id});
}

std::string Record(const scheduling::TreatmentPlan& plan) {
  return "treatment_plan/" + std::to_string(plan.id.value());
}

// ---- handlers -------------------------------------------------------------------------------

Result<Response> Create(core::ports::Storage& storage, const core::Clock& clock, Request& request,
                        StaffRequest& staff) {
  const core::ClinicId clinic_id = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such patient");
  const core::PatientId patient{*id};
  UNKNOT_TRY(storage.FindPatient(clinic_id, patient));
  const staff::Target target = UNKNOT_TRY(PatientTarget(storage, staff, patient));
  UNKNOT_TRY(staff.Authorize(target));
  scheduling::TreatmentPlan plan = UNKNOT_TRY(ParsePlan(request, patient));
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, clinic_id));
  scheduling::TreatmentPlan stored = UNKNOT_TRY(
      app::CreateTreatmentPlan(storage, clock, clinic, std::move(plan), staff.Audit(patient, "")));
  staff.Recorded();
  return Response::Json(201, PlanJson(clinic, stored, {}).dump());
}

Result<Response> List(core::ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic_id = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such patient");
  const core::PatientId patient{*id};
  UNKNOT_TRY(storage.FindPatient(clinic_id, patient));
  const staff::Target target = UNKNOT_TRY(PatientTarget(storage, staff, patient));
  UNKNOT_TRY(staff.Authorize(target));
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, clinic_id));
  const auto plans = UNKNOT_TRY(storage.ListTreatmentPlans(clinic_id, patient));
  Json out = Json::array();
  for (const scheduling::TreatmentPlan& plan : plans) {
    const auto visits = UNKNOT_TRY(storage.ListPlanVisits(clinic_id, plan.id));
    out.push_back(PlanJson(clinic, plan, visits));
  }
  UNKNOT_TRY(staff.RecordRead(patient, "patient/" + std::to_string(*id) + "/treatment_plans",
                              std::to_string(plans.size()) + " plans"));
  return Response::Json(200, Json{{"plans", std::move(out)}}.dump());
}

Result<Response> Show(core::ports::Storage& storage, Request& request, StaffRequest& staff) {
  const scheduling::TreatmentPlan plan = UNKNOT_TRY(PathPlan(storage, request, staff));
  const staff::Target target = UNKNOT_TRY(PatientTarget(storage, staff, plan.patient));
  UNKNOT_TRY(staff.Authorize(target));
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  const auto visits = UNKNOT_TRY(storage.ListPlanVisits(staff.clinic().id, plan.id));
  UNKNOT_TRY(
      staff.RecordRead(plan.patient, Record(plan), std::to_string(visits.size()) + " visits"));
  return Response::Json(200, PlanJson(clinic, plan, visits).dump());
}

Result<Response> Preview(core::ports::Storage& storage, const core::Clock& clock, Request& request,
                         StaffRequest& staff) {
  const scheduling::TreatmentPlan plan = UNKNOT_TRY(PathPlan(storage, request, staff));
  std::set<core::PractitionerId> who;
  for (const auto& item : plan.items) who.insert(item.practitioner);
  UNKNOT_TRY(AuthorizeVisits(staff, who));
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  const auto previews = UNKNOT_TRY(app::PreviewTreatmentPlan(storage, clock, clinic, plan));
  Json visits = Json::array();
  std::size_t free = 0;
  for (std::size_t i = 0; i < previews.size(); ++i) {
    if (previews[i].free()) ++free;
    visits.push_back(PreviewJson(clinic, i, previews[i]));
  }
  UNKNOT_TRY(staff.RecordRead(plan.patient, Record(plan),
                              "preview: " + std::to_string(free) + " of " +
                                  std::to_string(previews.size()) + " visits free"));
  return Response::Json(
      200, Json{{"visits", std::move(visits)}, {"free", free}, {"total", previews.size()}}.dump());
}

Result<Response> Book(core::ports::Storage& storage, const core::Clock& clock, Request& request,
                      StaffRequest& staff) {
  const scheduling::TreatmentPlan plan = UNKNOT_TRY(PathPlan(storage, request, staff));
  const BookBody body = UNKNOT_TRY(ParseBook(request));
  std::set<core::PractitionerId> who;
  for (std::size_t i = 0; i < body.visits.size(); ++i) {
    const int item = body.visits[i].item;
    if (static_cast<std::size_t>(item) >= plan.items.size()) {
      return Error::InvalidField(core::ports::SeriesVisitField(i) + ".item",
                                 "the plan has no such item");
    }
    who.insert(plan.items[static_cast<std::size_t>(item)].practitioner);
  }
  UNKNOT_TRY(AuthorizeVisits(staff, who));
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  auto outcome = UNKNOT_TRY(app::BookTreatmentSeries(storage, clock, clinic, plan, body.visits,
                                                     body.source, staff.Audit(plan.patient, "")));
  if (auto* refused = std::get_if<app::SeriesRefused>(&outcome)) {
    const std::string field = core::ports::SeriesVisitField(refused->index);
    const bool taken = refused->visit.problem == scheduling::VisitProblem::kTaken;
    const std::string detail = "visit " + std::to_string(refused->index + 1) +
                               " cannot be booked: " + refused->visit.message +
                               "; nothing was booked";
    Response response =
        http::Problem(taken ? 409 : 422, taken ? "Visit taken" : "Visit not bookable", detail,
                      {{field, refused->visit.message}});
    Json problem = Json::parse(response.body);
    problem["visit"] = PreviewJson(clinic, refused->index, refused->visit);
    response.body = problem.dump();
    return response;
  }
  staff.Recorded();
  const auto& booked = std::get<std::vector<scheduling::Appointment>>(outcome);
  Json appointments = Json::array();
  for (const auto& a : booked) appointments.push_back(dto::StaffAppointmentJson(clinic, a));
  const auto visits = UNKNOT_TRY(storage.ListPlanVisits(staff.clinic().id, plan.id));
  return Response::Json(
      201, Json{{"appointments", std::move(appointments)}, {"plan", PlanJson(clinic, plan, visits)}}
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

}  // namespace

void AddTreatmentPlanRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                            const core::Clock& clock) {
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/patients/{id}/treatment-plans",
             staff::Action::kEditTreatmentPlan,
             Answer([&storage, &clock](Request& request, StaffRequest& staff) {
               return Create(storage, clock, request, staff);
             }));
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/patients/{id}/treatment-plans",
             staff::Action::kViewTreatmentPlan,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return List(storage, request, staff);
             }));
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/treatment-plans/{plan}",
             staff::Action::kViewTreatmentPlan,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return Show(storage, request, staff);
             }));
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/treatment-plans/{plan}/preview",
             staff::Action::kBookAppointment,
             Answer([&storage, &clock](Request& request, StaffRequest& staff) {
               return Preview(storage, clock, request, staff);
             }));
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/treatment-plans/{plan}/book",
             staff::Action::kBookAppointment,
             Answer([&storage, &clock](Request& request, StaffRequest& staff) {
               return Book(storage, clock, request, staff);
             }));
}

}  // namespace unknot::api::v1
