#include "api/v1/home_care_routes.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "api/json/assessment_json.hpp"
#include "api/json/request_body.hpp"
#include "api/v1/query_params.hpp"
#include "app/booking.hpp"
#include "core/clinical/home_care_program.hpp"

namespace unknot::api::v1 {
namespace {

using core::Error;
using core::ErrorCode;
using core::LocalDate;
using core::Result;
using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace clinical = core::clinical;
namespace dto = api::json;
namespace staff = core::staff;

enum class Reader { kStaff, kPatient };

const clinical::Routine* FindRoutine(const clinical::Knowledge& knowledge, std::string_view id) {
  for (const clinical::Routine& r : knowledge.routines) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string MuscleName(const clinical::Knowledge& knowledge, const std::string& id) {
  const clinical::Muscle* muscle = knowledge.FindMuscle(id);
  return muscle != nullptr ? muscle->name : id;
}

// A routine of the knowledge as the views show it (how-to, ranges, its own cautions).
Json RoutineJson(const clinical::Knowledge& knowledge, const clinical::Routine& r) {
  Json muscles = Json::array();
  for (const std::string& m : r.muscles) {
    muscles.push_back({{"id", m}, {"name", MuscleName(knowledge, m)}});
  }
  return {{"id", r.id},
          {"tool", clinical::ToString(r.tool)},
          {"muscles", std::move(muscles)},
          {"how", r.how},
          {"seconds", {r.seconds_min, r.seconds_max}},
          {"sets", {r.sets_min, r.sets_max}},
          {"how_often", r.how_often},
          {"stretch", r.stretch},
          {"cautions", r.cautions}};
}

Json ProgramJson(const clinical::Knowledge& knowledge,
                 const std::optional<clinical::HomeCareProgram>& program) {
  if (!program) return nullptr;
  Json routines = Json::array();
  for (const clinical::Prescription& p : program->routines) {
    Json item = {{"routine", p.routine},
                 {"muscle", p.muscle},
                 {"muscle_name", MuscleName(knowledge, p.muscle)},
                 {"seconds", p.seconds},
                 {"sets", p.sets},
                 {"days_per_week", p.days_per_week},
                 {"since", core::FormatLocalDate(p.since)}};
    // A routine since removed from the data keeps its prescription, without the how-to.
    if (const clinical::Routine* r = FindRoutine(knowledge, p.routine)) {
      item["details"] = RoutineJson(knowledge, *r);
    } else {
      item["details"] = nullptr;
    }
    routines.push_back(std::move(item));
  }
  return {{"version", program->version},
          {"starts_on", core::FormatLocalDate(program->starts_on)},
          {"note", program->note},
          {"updated_at", core::FormatInstant(program->updated_at)},
          {"routines", std::move(routines)}};
}

Json CautionsJson(const std::vector<const clinical::Caution*>& cautions, Reader reader) {
  Json out = Json::array();
  for (const clinical::Caution* c : cautions) {
    Json item = {{"id", c->id}, {"level", clinical::ToString(c->level)}, {"advice", c->advice}};
    if (reader == Reader::kStaff) item["for_staff"] = c->for_staff;
    out.push_back(std::move(item));
  }
  return out;
}

Json AdherenceJson(const clinical::Adherence& a) {
  Json routines = Json::array();
  for (const clinical::RoutineAdherence& r : a.routines) {
    routines.push_back({{"routine", r.routine}, {"done", r.done}, {"prescribed", r.prescribed}});
  }
  return {{"days", a.days},
          {"done", a.done},
          {"prescribed", a.prescribed},
          {"percent", a.Percent()},
          {"routines", std::move(routines)}};
}

LocalDate DaysBefore(LocalDate day, int n) {
  return LocalDate{date::sys_days{day} - date::days{n}};
}

// Everything a view shows of one patient's home care on `today`.
struct View {
  std::optional<clinical::HomeCareProgram> program;
  std::vector<const clinical::Caution*> cautions;
  std::vector<clinical::HomeCareMark> marks;  // the last kHomeCareDaysShown days
  LocalDate today{};
};

// The cautions that hold for the self-assessments the patient's appointments followed.
Result<std::vector<const clinical::Caution*>> PatientCautions(core::ports::Storage& storage,
                                                              const clinical::Knowledge& knowledge,
                                                              core::ClinicId clinic,
                                                              core::PatientId patient) {
  std::vector<core::scheduling::Appointment> appointments =
      UNKNOT_TRY(storage.ListPatientAppointments(clinic, patient));
  std::vector<clinical::AssessmentInput> inputs;
  std::set<std::int64_t> seen;
  for (const auto& appointment : appointments) {
    if (!appointment.assessment || !seen.insert(appointment.assessment->value()).second) continue;
    core::ports::StoredAssessment stored =
        UNKNOT_TRY(storage.FindAssessment(clinic, *appointment.assessment));
    Json input = Json::parse(stored.input_json, nullptr, /*allow_exceptions=*/false);
    auto parsed = dto::ParseAssessmentInput(input);
    // Stored inputs passed this parser when they were submitted; one that no longer does is
    // left out rather than failing the whole view.
    if (parsed) inputs.push_back(std::move(*parsed));
  }
  return clinical::CautionsFor(knowledge, inputs);
}

Result<View> LoadView(core::ports::Storage& storage, const clinical::Knowledge& knowledge,
                      core::ClinicId clinic, core::PatientId patient, LocalDate today) {
  View view;
  view.today = today;
  view.program = UNKNOT_TRY(storage.FindHomeCare(clinic, patient));
  view.cautions = UNKNOT_TRY(PatientCautions(storage, knowledge, clinic, patient));
  if (view.program) {
    view.marks = UNKNOT_TRY(storage.ListHomeCareMarks(
        clinic, patient, DaysBefore(today, kHomeCareDaysShown - 1), today));
  }
  return view;
}

Json ViewJson(const clinical::Knowledge& knowledge, const View& view, Reader reader) {
  Json out = {{"today", core::FormatLocalDate(view.today)},
              {"program", ProgramJson(knowledge, view.program)},
              {"cautions", CautionsJson(view.cautions, reader)}};
  Json days = Json::array();
  if (view.program) {
    // Newest first, back to the program's first day at most.
    for (int i = 0; i < kHomeCareDaysShown; ++i) {
      const LocalDate day = DaysBefore(view.today, i);
      if (date::sys_days{day} < date::sys_days{view.program->starts_on}) break;
      Json done = Json::array();
      for (const clinical::HomeCareMark& m : view.marks) {
        if (m.day == day) done.push_back(m.routine);
      }
      days.push_back({{"date", core::FormatLocalDate(day)}, {"done", std::move(done)}});
    }
    out["adherence"] = {
        {"last_7_days",
         AdherenceJson(clinical::AdherenceOver(*view.program, view.marks, view.today, 7))},
        {"last_14_days",
         AdherenceJson(clinical::AdherenceOver(*view.program, view.marks, view.today, 14))}};
  } else {
    out["adherence"] = nullptr;
  }
  out["days"] = std::move(days);
  return out;
}

// The patient of the path, with the facts the policy needs about them.
struct StaffTarget {
  core::PatientId patient;
  staff::Target target;
};

Result<StaffTarget> FindTarget(core::ports::Storage& storage, const Request& request,
                               StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such patient");
  const core::PatientId patient{*id};
  UNKNOT_TRY(storage.FindPatient(clinic, patient));  // another clinic's: not found
  const staff::Target target{clinic, staff::Reach::kOneThing, std::nullopt,
                             UNKNOT_TRY(PatientLinkOf(storage, staff, patient))};
  return StaffTarget{patient, target};
}

std::string RecordName(core::PatientId patient) {
  return "patient/" + std::to_string(patient.value()) + "/home-care";
}

Json CatalogJson(const clinical::Knowledge& knowledge) {
  Json routines = Json::array();
  for (const clinical::Routine& r : knowledge.routines) {
    routines.push_back(RoutineJson(knowledge, r));
  }
  return {{"routines", std::move(routines)},
          {"days_per_week", {clinical::kMinDaysPerWeek, clinical::kMaxDaysPerWeek}}};
}

Result<Response> StaffView(core::ports::Storage& storage, const clinical::Knowledge& knowledge,
                           Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  StaffTarget found = UNKNOT_TRY(FindTarget(storage, request, staff));
  if (auto allowed = staff.Authorize(found.target); !allowed) {
    // Recorded against the patient, so the owner sees attempts on a record as well as reads.
    UNKNOT_TRY(staff.RecordRead(found.patient, RecordName(found.patient),
                                "refused: " + allowed.error().message()));
    return std::move(allowed).error();
  }
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  View view = UNKNOT_TRY(LoadView(storage, knowledge, clinic, found.patient,
                                  core::LocalDateOf(context.zone, staff.now())));
  Json body = ViewJson(knowledge, view, Reader::kStaff);
  body["patient"] = {{"id", found.patient.value()}};
  body["catalog"] = CatalogJson(knowledge);
  UNKNOT_TRY(staff.RecordRead(
      found.patient, RecordName(found.patient),
      view.program ? "home care: " + std::to_string(view.program->routines.size()) + " routines"
                   : std::string("home care: none assigned")));
  return Response::Json(200, body.dump());
}

Result<int> IntField(const Json& object, const std::string& prefix, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) {
    return Error::InvalidField(prefix + name, "is required: a whole number");
  }
  const std::int64_t value = it->get<std::int64_t>();
  if (value < 0 || value > 100000) return Error::InvalidField(prefix + name, "is out of range");
  return static_cast<int>(value);
}

struct Assignment {
  std::int64_t version = 0;
  std::string note;
  std::vector<clinical::Prescription> routines;
};

Result<Assignment> ParseAssignment(const clinical::Knowledge& knowledge, const Request& request) {
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  Assignment out;
  auto version = body.find("version");
  if (version == body.end() || !version->is_number_integer() || version->get<std::int64_t>() < 0) {
    return Error::InvalidField(
        "version", "is required: the program's version as you saw it (0 when there was none)");
  }
  out.version = version->get<std::int64_t>();
  if (auto note = body.find("note"); note != body.end() && !note->is_null()) {
    if (!note->is_string()) return Error::InvalidField("note", "must be text");
    out.note = note->get<std::string>();
  }
  auto routines = body.find("routines");
  if (routines == body.end() || !routines->is_array()) {
    return Error::InvalidField("routines", "is required: a list of routines (may be empty)");
  }
  if (routines->size() > clinical::kMaxPrescriptions) {
    return Error::InvalidField(
        "routines", "must be at most " + std::to_string(clinical::kMaxPrescriptions) + " routines");
  }
  for (std::size_t i = 0; i < routines->size(); ++i) {
    const Json& item = (*routines)[i];
    const std::string prefix = "routines[" + std::to_string(i) + "].";
    if (!item.is_object())
      return Error::InvalidField("routines[" + std::to_string(i) + "]", "must be an object");
    clinical::Prescription p;
    for (const char* name : {"routine", "muscle"}) {
      auto text = item.find(name);
      if (text == item.end() || !text->is_string()) {
        return Error::InvalidField(prefix + name, "is required: an id from the routines listed");
      }
      (std::string_view(name) == "routine" ? p.routine : p.muscle) = text->get<std::string>();
    }
    p.seconds = UNKNOT_TRY(IntField(item, prefix, "seconds"));
    p.sets = UNKNOT_TRY(IntField(item, prefix, "sets"));
    p.days_per_week = UNKNOT_TRY(IntField(item, prefix, "days_per_week"));
    out.routines.push_back(std::move(p));
  }
  UNKNOT_TRY(clinical::ValidatePrescriptions(knowledge, out.routines, out.note));
  return out;
}

Result<Response> Assign(core::ports::Storage& storage, const clinical::Knowledge& knowledge,
                        Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  StaffTarget found = UNKNOT_TRY(FindTarget(storage, request, staff));
  UNKNOT_TRY(staff.Authorize(found.target));
  Assignment assignment = UNKNOT_TRY(ParseAssignment(knowledge, request));
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  const LocalDate today = core::LocalDateOf(context.zone, staff.now());
  std::optional<clinical::HomeCareProgram> stored =
      UNKNOT_TRY(storage.FindHomeCare(clinic, found.patient));
  clinical::HomeCareProgram program;
  program.starts_on = stored ? stored->starts_on : today;
  program.note = assignment.note;
  program.routines = clinical::CarrySince(stored ? stored->routines : decltype(program.routines){},
                                          std::move(assignment.routines), today);
  std::string detail = "home care: " + std::to_string(program.routines.size()) + " routines";
  auto saved = storage.SaveHomeCare(clinic, found.patient, program, assignment.version, staff.now(),
                                    staff.Audit(found.patient, RecordName(found.patient), detail));
  if (!saved) {
    if (saved.error().code() != ErrorCode::kConflict) return std::move(saved).error();
    // Someone else changed it first: show it as it is now.
    std::optional<clinical::HomeCareProgram> current =
        UNKNOT_TRY(storage.FindHomeCare(clinic, found.patient));
    Response response = http::Problem(409, "Home care changed", saved.error().message());
    Json body = Json::parse(response.body);
    body["program"] = ProgramJson(knowledge, current);
    response.body = body.dump();
    return response;
  }
  staff.Recorded();
  View view = UNKNOT_TRY(LoadView(storage, knowledge, clinic, found.patient, today));
  Json body = ViewJson(knowledge, view, Reader::kStaff);
  body["patient"] = {{"id", found.patient.value()}};
  body["catalog"] = CatalogJson(knowledge);
  return Response::Json(200, body.dump());
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

struct PatientAccess {
  app::ClinicContext clinic;
  core::scheduling::Appointment appointment;
};

// The appointment of the path, when the token is its manage token; 404 otherwise.
Result<PatientAccess> OpenByToken(core::ports::Storage& storage, core::ports::TokenService& tokens,
                                  const Request& request, const Json* body) {
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, request.PathParam("clinic")));
  auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such appointment");
  core::scheduling::Appointment appointment = UNKNOT_TRY(app::GetAppointment(
      storage, tokens, clinic, core::AppointmentId{*id}, TokenOf(request, body)));
  return PatientAccess{std::move(clinic), std::move(appointment)};
}

Response PrivateAnswer(Response response) {
  // It holds health data behind a secret link: no shared cache may keep it.
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

Result<Response> PatientView(core::ports::Storage& storage, const core::Clock& clock,
                             core::ports::TokenService& tokens,
                             const clinical::Knowledge& knowledge, const Request& request) {
  PatientAccess access = UNKNOT_TRY(OpenByToken(storage, tokens, request, nullptr));
  const core::ClinicId clinic = access.clinic.setup().clinic.id;
  View view = UNKNOT_TRY(LoadView(storage, knowledge, clinic, access.appointment.patient,
                                  core::LocalDateOf(access.clinic.zone, clock.Now())));
  return Response::Json(200, ViewJson(knowledge, view, Reader::kPatient).dump());
}

Result<std::vector<std::string>> ParseMarks(const Json& body) {
  auto routines = body.find("routines");
  if (routines == body.end() || !routines->is_array()) {
    return Error::InvalidField("routines",
                               "is required: the routines you did that day (may be empty)");
  }
  if (routines->size() > clinical::kMaxPrescriptions) {
    return Error::InvalidField("routines", "has more routines than a program holds");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < routines->size(); ++i) {
    if (!(*routines)[i].is_string()) {
      return Error::InvalidField("routines[" + std::to_string(i) + "]", "must be a routine id");
    }
    out.push_back((*routines)[i].get<std::string>());
  }
  return out;
}

Result<Response> MarkDay(core::ports::Storage& storage, const core::Clock& clock,
                         core::ports::TokenService& tokens, const clinical::Knowledge& knowledge,
                         const Request& request) {
  // The body may carry the token, but a wrong token must be 404 before anything else is said.
  auto parsed = dto::ParseObjectBody(request.body);
  const Json* body = parsed ? &*parsed : nullptr;
  PatientAccess access = UNKNOT_TRY(OpenByToken(storage, tokens, request, body));
  if (!parsed) return std::move(parsed).error();
  const core::ClinicId clinic = access.clinic.setup().clinic.id;
  const core::PatientId patient = access.appointment.patient;
  auto day = core::ParseLocalDate(request.PathParam("date"));
  if (!day) return Error::InvalidField("date", "must be a date as YYYY-MM-DD");
  std::vector<std::string> routines = UNKNOT_TRY(ParseMarks(*parsed));
  std::optional<clinical::HomeCareProgram> program =
      UNKNOT_TRY(storage.FindHomeCare(clinic, patient));
  if (!program) return Error::NotFound("no home-care program has been assigned yet");
  const LocalDate today = core::LocalDateOf(access.clinic.zone, clock.Now());
  UNKNOT_TRY(clinical::ValidateMarks(*program, *day, today, routines));
  auto stored = storage.SetHomeCareDay(clinic, patient, *day, routines, clock.Now());
  if (!stored) {
    if (stored.error().code() != ErrorCode::kConflict) return std::move(stored).error();
    return http::Problem(409, "Home care changed",
                         "your practitioner changed the program meanwhile: reload it and mark "
                         "the day again");
  }
  View view = UNKNOT_TRY(LoadView(storage, knowledge, clinic, patient, today));
  return Response::Json(200, ViewJson(knowledge, view, Reader::kPatient).dump());
}

}  // namespace

void AddHomeCareRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                       const clinical::Knowledge& knowledge) {
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/patients/{id}/home-care",
             staff::Action::kViewHomeCare,
             Answer([&storage, &knowledge](Request& request, StaffRequest& staff) {
               return StaffView(storage, knowledge, request, staff);
             }));
  routes.Add(http::Method::kPut, "/api/v1/clinics/{clinic}/patients/{id}/home-care",
             staff::Action::kAssignHomeCare,
             Answer([&storage, &knowledge](Request& request, StaffRequest& staff) {
               return Assign(storage, knowledge, request, staff);
             }));
}

void AddPatientHomeCareRoutes(http::Router& router, core::ports::Storage& storage,
                              const core::Clock& clock, core::ports::TokenService& tokens,
                              const clinical::Knowledge& knowledge) {
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/appointments/{id}/home-care",
             [&storage, &clock, &tokens, &knowledge](Request& request) {
               auto response = PatientView(storage, clock, tokens, knowledge, request);
               if (!response) return PrivateAnswer(http::Problem(response.error()));
               return PrivateAnswer(std::move(*response));
             });
  router.Add(http::Method::kPut, "/api/v1/clinics/{clinic}/appointments/{id}/home-care/log/{date}",
             [&storage, &clock, &tokens, &knowledge](Request& request) {
               auto response = MarkDay(storage, clock, tokens, knowledge, request);
               if (!response) return PrivateAnswer(http::Problem(response.error()));
               return PrivateAnswer(std::move(*response));
             });
}

}  // namespace unknot::api::v1
