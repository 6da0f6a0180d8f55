#include "api/v1/calendar_routes.hpp"

#include <utility>

#include <nlohmann/json.hpp>

#include "api/http/gzip.hpp"
#include "api/json/booking_json.hpp"
#include "api/json/calendar_json.hpp"
#include "api/json/request_body.hpp"
#include "api/v1/query_params.hpp"
#include "app/staff_booking.hpp"
#include "core/common/text.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;
namespace staff = core::staff;
namespace scheduling = core::scheduling;
using core::Error;
using core::ErrorCode;
using core::Result;

constexpr std::size_t kMaxReasonLength = 500;

// ---- request bodies -------------------------------------------------------------------------

Result<std::int64_t> IdField(const Json& object, const std::string& name) {
  if (!object.contains(name) || object[name].is_null()) {
    return Error::InvalidField(name, "is required");
  }
  if (!object[name].is_number_integer() || object[name].get<std::int64_t>() <= 0) {
    return Error::InvalidField(name, "must be a positive integer id");
  }
  return object[name].get<std::int64_t>();
}

Result<std::optional<std::int64_t>> OptionalIdField(const Json& object, const std::string& name) {
  if (!object.contains(name) || object[name].is_null()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{UNKNOT_TRY(IdField(object, name))};
}

Result<std::string> StringField(const Json& object, const std::string& prefix,
                                const std::string& name, bool required = true) {
  if (!object.contains(name) || object[name].is_null()) {
    if (!required) return std::string();
    return Error::InvalidField(prefix + name, "is required");
  }
  if (!object[name].is_string()) return Error::InvalidField(prefix + name, "must be a string");
  return object[name].get<std::string>();
}

Result<core::Instant> StartField(const Json& body) {
  std::string text = UNKNOT_TRY(StringField(body, "", "start"));
  auto start = core::ParseInstant(text);
  if (!start) return Error::InvalidField("start", start.error().message());
  return *start;
}

Result<std::int64_t> VersionField(const Json& body) {
  if (!body.contains("version") || !body["version"].is_number_integer() ||
      body["version"].get<std::int64_t>() <= 0) {
    return Error::InvalidField("version", "is required: the positive integer version last seen");
  }
  return body["version"].get<std::int64_t>();
}

Result<app::Overbook> OverbookField(const Json& body) {
  if (!body.contains("overbook") || body["overbook"].is_null()) return app::Overbook::kNo;
  if (!body["overbook"].is_boolean())
    return Error::InvalidField("overbook", "must be true or false");
  return body["overbook"].get<bool>() ? app::Overbook::kIfAllowed : app::Overbook::kNo;
}

Result<app::StaffBookingRequest> ParseBooking(const Json& body) {
  app::StaffBookingRequest request;
  if (!body.contains("patient") || body["patient"].is_null()) {
    return Error::InvalidField("patient", "is required: a patient id or a new patient");
  }
  const Json& patient = body["patient"];
  if (patient.is_number_integer()) {
    if (patient.get<std::int64_t>() <= 0) {
      return Error::InvalidField("patient", "must be a positive integer id");
    }
    request.patient = core::PatientId{patient.get<std::int64_t>()};
  } else if (patient.is_object()) {
    request.new_patient.given_name = UNKNOT_TRY(StringField(patient, "patient.", "given_name"));
    request.new_patient.family_name = UNKNOT_TRY(StringField(patient, "patient.", "family_name"));
    request.new_patient.phone = UNKNOT_TRY(StringField(patient, "patient.", "phone"));
    request.new_patient.email = UNKNOT_TRY(StringField(patient, "patient.", "email", false));
  } else {
    return Error::InvalidField("patient",
                               "must be a patient id or {given_name, family_name, phone, email}");
  }
  request.service = core::ServiceId{UNKNOT_TRY(IdField(body, "service"))};
  request.practitioner = core::PractitionerId{UNKNOT_TRY(IdField(body, "practitioner"))};
  if (auto room = UNKNOT_TRY(OptionalIdField(body, "room"))) request.room = core::RoomId{*room};
  request.start = UNKNOT_TRY(StartField(body));
  const std::string source = UNKNOT_TRY(StringField(body, "", "source"));
  auto parsed = scheduling::ParseBookingSource(source);
  if (!parsed || *parsed == scheduling::BookingSource::kOnline) {
    return Error::InvalidField("source", "must be phone, walk_in or staff");
  }
  request.source = *parsed;
  request.overbook = UNKNOT_TRY(OverbookField(body));
  return request;
}

// ---- answers --------------------------------------------------------------------------------

// A problem response with extra members.
Response ProblemWith(unsigned status, std::string_view title, std::string_view detail,
                     const std::vector<core::FieldError>& errors, Json extra) {
  Response response = http::Problem(status, title, detail, errors);
  Json body = Json::parse(response.body);
  for (auto& [key, value] : extra.items()) body[key] = std::move(value);
  response.body = body.dump();
  return response;
}

// The appointment as the calendar shows it, with its patient's name.
Result<Json> AppointmentBody(core::ports::Storage& storage, const app::ClinicContext& clinic,
                             const scheduling::Appointment& appointment) {
  core::clinic::Patient patient =
      UNKNOT_TRY(storage.FindPatient(clinic.setup().clinic.id, appointment.patient));
  return dto::CalendarAppointmentJson(
      clinic, core::ports::CalendarAppointment{appointment, std::move(patient.given_name),
                                               std::move(patient.family_name)});
}

Response RefusedResponse(const app::ClinicContext& clinic, const app::StaffRefused& refused) {
  Json alternatives = Json::array();
  for (const auto& slot : refused.alternatives) {
    alternatives.push_back(dto::SlotJson(clinic, slot.time, slot.options));
  }
  const bool taken = refused.reason == scheduling::SlotRefusal::kTaken;
  return ProblemWith(taken ? 409 : 422, taken ? "Slot taken" : "Slot not bookable", refused.message,
                     {{"start", refused.message}},
                     Json{{"reason", scheduling::ToString(refused.reason)},
                          {"alternatives", std::move(alternatives)}});
}

// 409 with the appointment as now stored, for a client that sent an old version.
Result<Response> VersionConflictResponse(core::ports::Storage& storage,
                                         const app::ClinicContext& clinic, core::AppointmentId id,
                                         const Error& error) {
  scheduling::Appointment current =
      UNKNOT_TRY(storage.FindAppointment(clinic.setup().clinic.id, id));
  return ProblemWith(409, "Changed meanwhile", error.message(), error.fields(),
                     Json{{"current", UNKNOT_TRY(AppointmentBody(storage, clinic, current))}});
}

// An answer to a write on an existing appointment.
Result<Response> ChangedResponse(core::ports::Storage& storage, const app::ClinicContext& clinic,
                                 core::AppointmentId id, Result<scheduling::Appointment> changed,
                                 StaffRequest& staff) {
  if (!changed) {
    if (app::IsVersionConflict(changed.error())) {
      return VersionConflictResponse(storage, clinic, id, changed.error());
    }
    return std::move(changed).error();
  }
  staff.Recorded();
  return Response::Json(200, UNKNOT_TRY(AppointmentBody(storage, clinic, *changed)).dump());
}

Response Answer(Result<Response> response) {
  if (!response) return http::Problem(response.error());
  return std::move(*response);
}

// ---- handlers -------------------------------------------------------------------------------

Result<Response> Calendar(core::ports::Storage& storage, Request& request, StaffRequest& staff) {
  auto from_text = OptionalQuery(request, "from");
  if (!from_text) return Error::InvalidField("from", "is required: a date, YYYY-MM-DD");
  auto from = core::ParseLocalDate(*from_text);
  if (!from) return Error::InvalidField("from", "must be a date, YYYY-MM-DD");
  const auto days = UNKNOT_TRY(IntegerQuery(request, "days", 1, app::kMaxCalendarDays)).value_or(1);
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));

  std::optional<core::PractitionerId> only;
  bool nobody = false;
  switch (staff.ListScope()) {
    case staff::Access::kClinic:
      break;
    case staff::Access::kOwnSchedule:
    case staff::Access::kOwnPatients:
      // A principal without a practitioner record has no schedule of their own.
      if (staff.principal().practitioner) {
        only = staff.principal().practitioner;
      } else {
        nobody = true;
      }
      break;
    case staff::Access::kDenied:
      return Error(ErrorCode::kForbidden, "your role may not do this");
  }
  app::CalendarView view =
      UNKNOT_TRY(app::GetCalendar(storage, clinic, *from, static_cast<int>(days), only));
  if (nobody) {
    view.practitioners.clear();
    view.appointments.clear();
  }
  std::string body = dto::CalendarBody(clinic, view);
  UNKNOT_TRY(staff.RecordRead(std::nullopt, "calendar",
                              "from " + core::FormatLocalDate(*from) + ", " + std::to_string(days) +
                                  " days: " + std::to_string(view.appointments.size()) +
                                  " appointments"));
  // A week of a busy clinic is some 200 KB of JSON, which gzip takes to about 13 KB.
  if (http::AcceptsGzip(request)) {
    Response response = Response::Json(200, http::Gzip(body));
    response.headers = {{"Content-Encoding", "gzip"}, {"Vary", "Accept-Encoding"}};
    return response;
  }
  Response response = Response::Json(200, std::move(body));
  response.headers = {{"Vary", "Accept-Encoding"}};
  return response;
}

Result<Response> Book(core::ports::Storage& storage, const core::Clock& clock, Request& request,
                      StaffRequest& staff) {
  const Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  const app::StaffBookingRequest booking = UNKNOT_TRY(ParseBooking(body));
  const core::ClinicId clinic_id = staff.clinic().id;
  UNKNOT_TRY(
      staff.Authorize(staff::Target{clinic_id, staff::Reach::kOneThing, booking.practitioner, {}}));
  if (!booking.patient &&
      !staff::Decide(staff.principal(), staff::Action::kAddPatient,
                     staff::Target{clinic_id, staff::Reach::kOneThing, booking.practitioner, {}})
           .allowed()) {
    return Error(ErrorCode::kForbidden, "your role may not add a patient; book one on file");
  }
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, clinic_id));
  auto outcome =
      UNKNOT_TRY(app::StaffBook(storage, clock, clinic, booking, staff.Audit(booking.patient, "")));
  if (auto* refused = std::get_if<app::StaffRefused>(&outcome)) {
    return RefusedResponse(clinic, *refused);
  }
  staff.Recorded();
  const auto& booked = std::get<scheduling::Appointment>(outcome);
  return Response::Json(201, UNKNOT_TRY(AppointmentBody(storage, clinic, booked)).dump());
}

// The appointment of the path, after the gate's check of its practitioner's schedule.
Result<scheduling::Appointment> Target(core::ports::Storage& storage, Request& request,
                                       StaffRequest& staff) {
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such appointment");
  scheduling::Appointment current =
      UNKNOT_TRY(storage.FindAppointment(staff.clinic().id, core::AppointmentId{*id}));
  UNKNOT_TRY(staff.Authorize(
      staff::Target{staff.clinic().id, staff::Reach::kOneThing, current.practitioner, {}}));
  return current;
}

std::string Record(const scheduling::Appointment& appointment) {
  return "appointment/" + std::to_string(appointment.id.value());
}

Result<Response> Move(core::ports::Storage& storage, const core::Clock& clock, Request& request,
                      StaffRequest& staff) {
  const scheduling::Appointment current = UNKNOT_TRY(Target(storage, request, staff));
  const Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  app::StaffMoveRequest move;
  move.version = UNKNOT_TRY(VersionField(body));
  move.start = UNKNOT_TRY(StartField(body));
  if (auto p = UNKNOT_TRY(OptionalIdField(body, "practitioner"))) {
    move.practitioner = core::PractitionerId{*p};
    // Onto another practitioner's schedule: that one must be the principal's to book on too.
    UNKNOT_TRY(staff.Authorize(
        staff::Target{staff.clinic().id, staff::Reach::kOneThing, move.practitioner, {}}));
  }
  if (auto room = UNKNOT_TRY(OptionalIdField(body, "room"))) move.room = core::RoomId{*room};
  move.overbook = UNKNOT_TRY(OverbookField(body));
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  auto outcome = app::StaffMove(storage, clock, clinic, current, move,
                                staff.Audit(current.patient, Record(current)));
  if (outcome) {
    if (auto* refused = std::get_if<app::StaffRefused>(&*outcome)) {
      return RefusedResponse(clinic, *refused);
    }
  }
  Result<scheduling::Appointment> moved =
      outcome ? Result<scheduling::Appointment>(std::get<scheduling::Appointment>(*outcome))
              : Result<scheduling::Appointment>(std::move(outcome).error());
  return ChangedResponse(storage, clinic, current.id, std::move(moved), staff);
}

Result<Response> Cancel(core::ports::Storage& storage, const core::Clock& clock, Request& request,
                        StaffRequest& staff) {
  const scheduling::Appointment current = UNKNOT_TRY(Target(storage, request, staff));
  const Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  const std::int64_t version = UNKNOT_TRY(VersionField(body));
  std::string reason = UNKNOT_TRY(StringField(body, "", "reason"));
  if (reason.empty() || reason.size() > kMaxReasonLength) {
    return Error::InvalidField("reason",
                               "must be 1 to " + std::to_string(kMaxReasonLength) + " characters");
  }
  UNKNOT_TRY(core::ValidateText("reason", reason));
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  return ChangedResponse(storage, clinic, current.id,
                         app::StaffCancel(storage, clock, current, version, std::move(reason),
                                          staff.Audit(current.patient, Record(current))),
                         staff);
}

Result<Response> SetStatus(core::ports::Storage& storage, const core::Clock& clock,
                           Request& request, StaffRequest& staff) {
  const scheduling::Appointment current = UNKNOT_TRY(Target(storage, request, staff));
  const Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  const std::int64_t version = UNKNOT_TRY(VersionField(body));
  const std::string text = UNKNOT_TRY(StringField(body, "", "status"));
  auto status = scheduling::ParseAppointmentStatus(text);
  if (!status || (*status != scheduling::AppointmentStatus::kArrived &&
                  *status != scheduling::AppointmentStatus::kCompleted &&
                  *status != scheduling::AppointmentStatus::kNoShow)) {
    return Error::InvalidField("status", "must be arrived, completed or no_show");
  }
  app::ClinicContext clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  return ChangedResponse(storage, clinic, current.id,
                         app::StaffSetStatus(storage, clock, current, version, *status,
                                             staff.Audit(current.patient, Record(current))),
                         staff);
}

}  // namespace

void AddCalendarRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                       const core::Clock& clock) {
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/calendar", staff::Action::kViewSchedule,
             [&storage](Request& request, StaffRequest& staff) {
               return Answer(Calendar(storage, request, staff));
             });
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/calendar/appointments",
             staff::Action::kBookAppointment,
             [&storage, &clock](Request& request, StaffRequest& staff) {
               return Answer(Book(storage, clock, request, staff));
             });
  routes.Add(http::Method::kPatch, "/api/v1/clinics/{clinic}/calendar/appointments/{id}",
             staff::Action::kMoveAppointment,
             [&storage, &clock](Request& request, StaffRequest& staff) {
               return Answer(Move(storage, clock, request, staff));
             });
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/calendar/appointments/{id}/cancel",
             staff::Action::kCancelAppointment,
             [&storage, &clock](Request& request, StaffRequest& staff) {
               return Answer(Cancel(storage, clock, request, staff));
             });
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/calendar/appointments/{id}/status",
             staff::Action::kSetAppointmentStatus,
             [&storage, &clock](Request& request, StaffRequest& staff) {
               return Answer(SetStatus(storage, clock, request, staff));
             });
}

}  // namespace unknot::api::v1
