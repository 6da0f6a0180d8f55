#include "api/v1/patient_routes.hpp"

#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/json/staff_json.hpp"
#include "api/v1/query_params.hpp"
#include "core/common/text.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;
namespace staff = core::staff;
using core::Error;
using core::ErrorCode;
using core::Result;

constexpr std::int64_t kDefaultPerPage = 25;
constexpr std::int64_t kMaxPerPage = 100;
// Far past any clinic's list (a page beyond the end is simply empty), and small enough that
// (page - 1) * per_page fits an int.
constexpr std::int64_t kMaxPage = 100000;

// Characters, not bytes: continuation bytes of UTF-8 (10xxxxxx) do not start one.
std::size_t CharacterCount(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

struct Search {
  core::ports::PatientQuery query;
  std::int64_t page = 1;
};

Result<Search> ParseSearch(const Request& request, core::Instant now) {
  Search search;
  search.query.text = OptionalQuery(request, "q").value_or("");
  if (CharacterCount(search.query.text) > kMaxPatientQueryLength) {
    return Error::InvalidField(
        "q", "must be at most " + std::to_string(kMaxPatientQueryLength) + " characters");
  }
  UNKNOT_TRY(core::ValidateText("q", search.query.text));
  search.page = UNKNOT_TRY(IntegerQuery(request, "page", 1, kMaxPage)).value_or(1);
  const std::int64_t per_page =
      UNKNOT_TRY(IntegerQuery(request, "per_page", 1, kMaxPerPage)).value_or(kDefaultPerPage);
  search.query.limit = static_cast<int>(per_page);
  search.query.offset = static_cast<int>((search.page - 1) * per_page);
  search.query.now = now;
  return search;
}

Response SearchPatients(core::ports::Storage& storage, Request& request, StaffRequest& staff) {
  auto search = ParseSearch(request, staff.now());
  if (!search) return http::Problem(search.error());
  core::ports::PatientPage page;
  // Narrowed to the scope the table gives the role for this list.
  bool nobody = false;
  switch (staff.ListScope()) {
    case staff::Access::kClinic:
      break;
    case staff::Access::kOwnPatients:
    case staff::Access::kOwnSchedule:
      // A principal without a practitioner record has no patients of their own.
      if (staff.principal().practitioner) {
        search->query.practitioner = staff.principal().practitioner;
      } else {
        nobody = true;
      }
      break;
    case staff::Access::kDenied:
      return http::Problem(Error(ErrorCode::kForbidden, "your role may not do this"));
  }
  if (!nobody) {
    auto found = storage.SearchPatients(staff.clinic().id, search->query);
    if (!found) return http::Problem(found.error());
    page = std::move(*found);
  }
  Json patients = Json::array();
  for (const auto& summary : page.patients) patients.push_back(dto::PatientSummaryJson(summary));
  // The search text is personal data (a name, a phone number): only the count is recorded.
  auto recorded = staff.RecordRead(std::nullopt, "patients",
                                   "search: " + std::to_string(page.patients.size()) +
                                       " results (page " + std::to_string(search->page) + ")");
  if (!recorded) return http::Problem(recorded.error());
  return Response::Json(200, Json{{"patients", std::move(patients)},
                                  {"page", search->page},
                                  {"per_page", search->query.limit},
                                  {"more", page.more}}
                                 .dump());
}

// The self-assessments `appointments` followed, each once, in the order of the appointments.
Result<std::vector<core::ports::StoredAssessment>> FollowedAssessments(
    core::ports::Storage& storage, core::ClinicId clinic,
    const std::vector<core::scheduling::Appointment>& appointments) {
  std::vector<core::ports::StoredAssessment> assessments;
  std::set<std::int64_t> seen;
  for (const auto& appointment : appointments) {
    if (!appointment.assessment || !seen.insert(appointment.assessment->value()).second) continue;
    auto found = storage.FindAssessment(clinic, *appointment.assessment);
    if (!found) {
      // Storage keeps an appointment's assessment within its clinic; anything else is a bug.
      if (found.error().code() == ErrorCode::kNotFound) {
        return Error(ErrorCode::kInternal, "appointment " + std::to_string(appointment.id.value()) +
                                               " follows an assessment the clinic does not have");
      }
      return std::move(found).error();
    }
    assessments.push_back(std::move(*found));
  }
  return assessments;
}

Result<Response> PatientRecord(core::ports::Storage& storage, Request& request,
                               StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such patient");
  const core::PatientId patient_id{*id};
  // Another clinic's patient is not found, like one that does not exist.
  dto::PatientRecord record;
  record.patient = UNKNOT_TRY(storage.FindPatient(clinic, patient_id));

  const staff::Target target{clinic, staff::Reach::kOneThing, std::nullopt,
                             UNKNOT_TRY(PatientLinkOf(storage, staff, patient_id))};
  const std::string record_name = "patient/" + std::to_string(*id);
  UNKNOT_TRY(staff.AuthorizeRead(target, patient_id, record_name));
  // The self-assessments are a row of their own in the table: the record comes without them
  // for a role that may see the contact but not what the patient told us online.
  const bool with_assessments =
      staff::Decide(staff.principal(), staff::Action::kViewSelfAssessment, target).allowed();

  record.appointments = UNKNOT_TRY(storage.ListPatientAppointments(clinic, patient_id));
  record.no_shows_12_months = UNKNOT_TRY(storage.CountNoShows(
      clinic, patient_id, staff.now() - core::ports::kNoShowWindow, staff.now()));
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  if (with_assessments) {
    record.assessments = UNKNOT_TRY(FollowedAssessments(storage, clinic, record.appointments));
  }
  Json body = UNKNOT_TRY(dto::PatientRecordJson(context, record));
  // Mail to this address bounced (issue 16): the clinic should ask the patient for another.
  const auto prefs = UNKNOT_TRY(storage.FindPatientMessagePrefs(clinic, patient_id));
  body["patient"]["email_bounced"] = prefs.Bounced(record.patient.email);

  std::string detail =
      std::to_string(record.appointments.size()) + " appointments, " +
      (record.assessments ? std::to_string(record.assessments->size()) + " self-assessments"
                          : std::string("self-assessments withheld"));
  UNKNOT_TRY(staff.RecordRead(patient_id, record_name, std::move(detail)));
  return Response::Json(200, body.dump());
}

// The self-assessment one appointment followed, for the calendar's appointment view: the knots
// the patient marked on the body map, the triage outcome and its reasons. 404 when the appointment
// followed none. Judged on the appointment's practitioner and the principal's link to its patient.
Result<Response> AppointmentAssessment(core::ports::Storage& storage, Request& request,
                                       StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such appointment");
  const core::scheduling::Appointment appointment =
      UNKNOT_TRY(storage.FindAppointment(clinic, core::AppointmentId{*id}));
  const std::string record_name = "appointment/" + std::to_string(*id) + "/assessment";
  UNKNOT_TRY(staff.AuthorizeRead({clinic, staff::Reach::kOneThing, appointment.practitioner,
                                  UNKNOT_TRY(PatientLinkOf(storage, staff, appointment.patient))},
                                 appointment.patient, record_name));
  if (!appointment.assessment) {
    UNKNOT_TRY(staff.RecordRead(appointment.patient, record_name, "none"));
    return Error::NotFound("the appointment follows no self-assessment");
  }
  std::vector<core::ports::StoredAssessment> found =
      UNKNOT_TRY(FollowedAssessments(storage, clinic, {appointment}));
  Json body = UNKNOT_TRY(dto::StoredAssessmentJson(found.front()));
  UNKNOT_TRY(
      staff.RecordRead(appointment.patient, record_name,
                       "self-assessment " + std::to_string(appointment.assessment->value())));
  return Response::Json(200, body.dump());
}

}  // namespace

void AddPatientRoutes(StaffRoutes& routes, core::ports::Storage& storage) {
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/patients",
             staff::Action::kSearchPatients, [&storage](Request& request, StaffRequest& staff) {
               return SearchPatients(storage, request, staff);
             });
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/patients/{id}",
             staff::Action::kViewPatientContact, [&storage](Request& request, StaffRequest& staff) {
               auto response = PatientRecord(storage, request, staff);
               if (!response) return http::Problem(response.error());
               return std::move(*response);
             });
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/calendar/appointments/{id}/assessment",
             staff::Action::kViewSelfAssessment, [&storage](Request& request, StaffRequest& staff) {
               auto response = AppointmentAssessment(storage, request, staff);
               if (!response) return http::Problem(response.error());
               return std::move(*response);
             });
}

}  // namespace unknot::api::v1
