#include "api/v1/visit_note_routes.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "api/json/assessment_json.hpp"
#include "api/json/request_body.hpp"
#include "api/json/staff_json.hpp"
#include "api/json/visit_note_json.hpp"
#include "api/v1/query_params.hpp"

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

// The visit of the path, authorized for the route's action on its practitioner and patient.
Result<scheduling::Appointment> AuthorizedVisit(ports::Storage& storage, const Request& request,
                                                StaffRequest& staff) {
  const auto id = ParsePositiveId(request.PathParam("appointment"));
  if (!id) return Error::NotFound("no such visit");
  scheduling::Appointment visit =
      UNKNOT_TRY(storage.FindAppointment(staff.clinic().id, core::AppointmentId{*id}));
  const staff::PatientLink link = UNKNOT_TRY(PatientLinkOf(storage, staff, visit.patient));
  UNKNOT_TRY(
      staff.Authorize({staff.clinic().id, staff::Reach::kOneThing, visit.practitioner, link}));
  return visit;
}

std::string RecordOf(const scheduling::Appointment& visit) {
  return "visit/" + std::to_string(visit.id.value()) + "/note";
}

// Display names of the clinic's staff, for "signed by".
Result<std::map<std::int64_t, std::string>> StaffNames(ports::Storage& storage,
                                                       core::ClinicId clinic) {
  std::map<std::int64_t, std::string> names;
  for (const staff::StaffAccount& account : UNKNOT_TRY(storage.ListStaff(clinic))) {
    names[account.id.value()] = account.display_name;
  }
  return names;
}

Result<Json> NoteJson(ports::Storage& storage, core::ClinicId clinic,
                      const ports::StoredVisitNote& note) {
  const auto names = UNKNOT_TRY(StaffNames(storage, clinic));
  return dto::StoredVisitNoteJson(note, names);
}

// 409 with the note as it is now, so the client can show it.
Result<Response> Conflict(ports::Storage& storage, core::ClinicId clinic,
                          const scheduling::Appointment& visit, const Error& error) {
  Response response = http::Problem(409, "Note changed", error.message());
  auto current = UNKNOT_TRY(storage.FindVisitNote(clinic, visit.id));
  if (current) {
    Json body = Json::parse(response.body);
    body["note"] = UNKNOT_TRY(NoteJson(storage, clinic, *current));
    response.body = body.dump();
  }
  return response;
}

Result<std::int64_t> ParseVersion(const Json& body, bool allow_zero) {
  auto version = body.find("version");
  if (version == body.end() || !version->is_number_integer() ||
      version->get<std::int64_t>() < (allow_zero ? 0 : 1)) {
    return Error::InvalidField("version", allow_zero ? "is required: the note's version as you "
                                                       "saw it (0 before its first save)"
                                                     : "is required: the note's version as you "
                                                       "saw it (1 or more)");
  }
  return version->get<std::int64_t>();
}

// The self-assessment the visit followed, when there is one and the role may see it.
Result<std::optional<ports::StoredAssessment>> FollowedAssessment(
    ports::Storage& storage, const StaffRequest& staff, const scheduling::Appointment& visit,
    staff::PatientLink link) {
  if (!visit.assessment) return std::optional<ports::StoredAssessment>{};
  const staff::Target target{staff.clinic().id, staff::Reach::kOneThing, visit.practitioner, link};
  if (!staff::Decide(staff.principal(), staff::Action::kViewSelfAssessment, target).allowed()) {
    return std::optional<ports::StoredAssessment>{};
  }
  return std::optional<ports::StoredAssessment>{
      UNKNOT_TRY(storage.FindAssessment(staff.clinic().id, *visit.assessment))};
}

Result<Response> GetNote(ports::Storage& storage, const clinical::Knowledge& knowledge,
                         Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  scheduling::Appointment visit = UNKNOT_TRY(AuthorizedVisit(storage, request, staff));
  const staff::PatientLink link = UNKNOT_TRY(PatientLinkOf(storage, staff, visit.patient));
  std::optional<ports::StoredVisitNote> stored =
      UNKNOT_TRY(storage.FindVisitNote(clinic, visit.id));
  std::optional<ports::StoredAssessment> assessment =
      UNKNOT_TRY(FollowedAssessment(storage, staff, visit, link));

  Json self_assessment = nullptr;
  std::optional<clinical::AssessmentInput> input;
  if (assessment) {
    Json stored_input = Json::parse(assessment->input_json, nullptr, false);
    if (stored_input.is_discarded()) {
      return Error(ErrorCode::kInternal, "a stored self-assessment is not JSON");
    }
    if (auto parsed = dto::ParseAssessmentInput(stored_input)) input = std::move(*parsed);
    self_assessment = {{"id", assessment->id.value()},
                       {"created_at", core::FormatInstant(assessment->created_at)},
                       {"knots", stored_input.value("knots", Json::array())}};
  }

  Json note;
  if (stored) {
    note = UNKNOT_TRY(NoteJson(storage, clinic, *stored));
  } else {
    clinical::VisitNoteContent draft;
    if (input) draft.subjective = clinical::SubjectiveFrom(*input);
    note = {{"id", nullptr},
            {"appointment_id", visit.id.value()},
            {"patient_id", visit.patient.value()},
            {"practitioner_id", visit.practitioner.value()},
            {"status", "draft"},
            {"version", 0},
            {"content", dto::VisitNoteContentJson(draft)},
            {"author", nullptr},
            {"created_at", nullptr},
            {"updated_at", nullptr},
            {"signed_by", nullptr},
            {"signed_at", nullptr},
            {"addenda", Json::array()}};
  }
  Json muscles = Json::array();
  for (const clinical::Muscle& m : knowledge.muscles) {
    muscles.push_back({{"id", m.id}, {"name", m.name}});
  }
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  core::clinic::Patient patient = UNKNOT_TRY(storage.FindPatient(clinic, visit.patient));
  Json body{{"note", std::move(note)},
            {"saved", stored.has_value()},
            {"visit", dto::StaffAppointmentJson(context, visit)},
            {"patient", dto::PatientContactJson(patient)},
            {"self_assessment", std::move(self_assessment)},
            {"muscles", std::move(muscles)}};
  UNKNOT_TRY(staff.RecordRead(visit.patient, RecordOf(visit),
                              stored ? "note " + std::string(clinical::ToString(stored->status))
                                     : std::string("no note yet")));
  return Response::Json(200, body.dump());
}

Result<Response> SaveDraft(ports::Storage& storage, const clinical::Knowledge& knowledge,
                           Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  scheduling::Appointment visit = UNKNOT_TRY(AuthorizedVisit(storage, request, staff));
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  const std::int64_t version = UNKNOT_TRY(ParseVersion(body, true));
  clinical::VisitNoteContent content = UNKNOT_TRY(dto::ParseVisitNoteContent(body));
  UNKNOT_TRY(clinical::ValidateDraft(knowledge, content));
  auto saved = storage.SaveVisitNoteDraft(
      clinic, visit.id, version, dto::VisitNoteContentJson(content).dump(), staff.account().id,
      staff.now(),
      staff.Audit(visit.patient, RecordOf(visit),
                  "draft saved over version " + std::to_string(version)));
  if (!saved) {
    if (saved.error().code() != ErrorCode::kConflict) return std::move(saved).error();
    return Conflict(storage, clinic, visit, saved.error());
  }
  staff.Recorded();
  Json note = UNKNOT_TRY(NoteJson(storage, clinic, *saved));
  return Response::Json(200, Json{{"note", std::move(note)}}.dump());
}

Result<Response> Sign(ports::Storage& storage, const clinical::Knowledge& knowledge,
                      Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  scheduling::Appointment visit = UNKNOT_TRY(AuthorizedVisit(storage, request, staff));
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  const std::int64_t version = UNKNOT_TRY(ParseVersion(body, false));
  std::optional<ports::StoredVisitNote> current =
      UNKNOT_TRY(storage.FindVisitNote(clinic, visit.id));
  if (!current) return Error::NotFound("the visit has no note yet: save a draft first");
  if (current->status == clinical::NoteStatus::kSigned || current->version != version) {
    return Conflict(storage, clinic, visit,
                    Error(ErrorCode::kConflict, current->status == clinical::NoteStatus::kSigned
                                                    ? "the note is already signed"
                                                    : "the note was saved elsewhere since you "
                                                      "opened it"));
  }
  // What is signed is what is stored: check that, not the client's copy.
  Json stored = Json::parse(current->content_json, nullptr, false);
  if (stored.is_discarded()) return Error(ErrorCode::kInternal, "a stored note is not JSON");
  clinical::VisitNoteContent content = UNKNOT_TRY(dto::ParseVisitNoteContent(stored));
  UNKNOT_TRY(clinical::ValidateForSigning(knowledge, content));
  auto signed_note =
      storage.SignVisitNote(clinic, visit.id, version, staff.account().id, staff.now(),
                            staff.Audit(visit.patient, RecordOf(visit), "signed"));
  if (!signed_note) {
    if (signed_note.error().code() != ErrorCode::kConflict) return std::move(signed_note).error();
    return Conflict(storage, clinic, visit, signed_note.error());
  }
  staff.Recorded();
  Json note = UNKNOT_TRY(NoteJson(storage, clinic, *signed_note));
  return Response::Json(200, Json{{"note", std::move(note)}}.dump());
}

Result<Response> AddAddendum(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  scheduling::Appointment visit = UNKNOT_TRY(AuthorizedVisit(storage, request, staff));
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  auto text = body.find("text");
  if (text == body.end() || !text->is_string()) {
    return Error::InvalidField("text", "is required: the addendum in words");
  }
  const std::string words = text->get<std::string>();
  UNKNOT_TRY(clinical::ValidateAddendum(words));
  auto added =
      storage.AddVisitNoteAddendum(clinic, visit.id, words, staff.account().id, staff.now(),
                                   staff.Audit(visit.patient, RecordOf(visit), "addendum signed"));
  if (!added) {
    if (added.error().code() != ErrorCode::kConflict) return std::move(added).error();
    return Conflict(storage, clinic, visit, added.error());
  }
  staff.Recorded();
  Json note = UNKNOT_TRY(NoteJson(storage, clinic, *added));
  return Response::Json(201, Json{{"note", std::move(note)}}.dump());
}

Result<Response> PatientNotes(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such patient");
  const core::PatientId patient{*id};
  UNKNOT_TRY(storage.FindPatient(clinic, patient));  // another clinic's: not found
  const staff::PatientLink link = UNKNOT_TRY(PatientLinkOf(storage, staff, patient));
  const std::string record = "patient/" + std::to_string(*id) + "/notes";
  UNKNOT_TRY(
      staff.AuthorizeRead({clinic, staff::Reach::kOneThing, std::nullopt, link}, patient, record));
  std::vector<ports::StoredVisitNote> notes =
      UNKNOT_TRY(storage.ListPatientVisitNotes(clinic, patient));
  const auto names = UNKNOT_TRY(StaffNames(storage, clinic));
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  Json out = Json::array();
  for (const ports::StoredVisitNote& note : notes) {
    scheduling::Appointment visit = UNKNOT_TRY(storage.FindAppointment(clinic, note.appointment));
    Json note_json = UNKNOT_TRY(dto::StoredVisitNoteJson(note, names));
    out.push_back(
        {{"note", std::move(note_json)}, {"visit", dto::StaffAppointmentJson(context, visit)}});
  }
  UNKNOT_TRY(staff.RecordRead(patient, record, std::to_string(notes.size()) + " notes"));
  return Response::Json(200, Json{{"notes", std::move(out)}}.dump());
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

void AddVisitNoteRoutes(StaffRoutes& routes, ports::Storage& storage,
                        const clinical::Knowledge& knowledge) {
  const std::string note = "/api/v1/clinics/{clinic}/visits/{appointment}/note";
  routes.Add(http::Method::kGet, note, staff::Action::kViewClinicalNotes,
             Answer([&storage, &knowledge](Request& request, StaffRequest& staff) {
               return GetNote(storage, knowledge, request, staff);
             }));
  routes.Add(http::Method::kPut, note, staff::Action::kWriteClinicalNotes,
             Answer([&storage, &knowledge](Request& request, StaffRequest& staff) {
               return SaveDraft(storage, knowledge, request, staff);
             }));
  routes.Add(http::Method::kPost, note + "/sign", staff::Action::kWriteClinicalNotes,
             Answer([&storage, &knowledge](Request& request, StaffRequest& staff) {
               return Sign(storage, knowledge, request, staff);
             }));
  routes.Add(http::Method::kPost, note + "/addenda", staff::Action::kWriteClinicalNotes,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return AddAddendum(storage, request, staff);
             }));
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/patients/{id}/notes",
             staff::Action::kViewClinicalNotes,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return PatientNotes(storage, request, staff);
             }));
}

}  // namespace unknot::api::v1
