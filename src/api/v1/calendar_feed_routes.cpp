#include "api/v1/calendar_feed_routes.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "api/ical/ics_writer.hpp"
#include "api/json/request_body.hpp"
#include "api/public_url.hpp"
#include "api/v1/query_params.hpp"
#include "app/booking.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api::v1 {
namespace {

using core::Error;
using core::Result;
using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace ports = core::ports;
namespace scheduling = core::scheduling;
namespace staff = core::staff;

// Whether a feed shows the appointment: the ones the practitioner is still to see.
bool Shown(const scheduling::Appointment& a) {
  switch (a.status) {
    case scheduling::AppointmentStatus::kBooked:
    case scheduling::AppointmentStatus::kRequested:
    case scheduling::AppointmentStatus::kArrived:
      return true;
    case scheduling::AppointmentStatus::kCancelled:  // declined ones are cancelled too
    case scheduling::AppointmentStatus::kCompleted:
    case scheduling::AppointmentStatus::kNoShow:
      break;
  }
  return false;
}

// Every refusal of the public feed looks the same, so a stranger learns nothing from it.
Response NoFeed() { return http::Problem(404, "Not Found", "no such calendar feed"); }

Response Feed(ports::Storage& storage, const core::Clock& clock, ports::TokenService& tokens,
              const Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) {
    if (clinic.error().code() == core::ErrorCode::kNotFound) return NoFeed();
    return http::Problem(clinic.error());
  }
  auto id = ParsePositiveId(request.PathParam("id"));
  const auto key = request.QueryParam("key");
  if (!id || !key || key->empty()) return NoFeed();
  const core::ClinicId clinic_id = clinic->setup().clinic.id;
  const core::PractitionerId practitioner_id{*id};
  auto feed = storage.FindCalendarFeed(clinic_id, practitioner_id);
  if (!feed) return http::Problem(feed.error());
  if (!feed->has_value() || !tokens.Matches(*key, (*feed)->secret_hash)) return NoFeed();
  const auto* practitioner = clinic->setup().FindPractitioner(practitioner_id);
  if (practitioner == nullptr) return NoFeed();

  auto names = storage.CalendarFeedPatientNames(clinic_id);
  if (!names) return http::Problem(names.error());
  const core::Instant now = clock.Now();
  auto window = core::Interval::Create(now, now + kCalendarFeedDays);
  if (!window) return http::Problem(window.error());
  auto listed = storage.ListCalendar(clinic_id, *window);
  if (!listed) return http::Problem(listed.error());
  std::vector<ical::FeedEvent> events;
  for (const ports::CalendarAppointment& c : *listed) {
    const scheduling::Appointment& a = c.appointment;
    if (a.practitioner != practitioner_id || !Shown(a)) continue;
    if (a.time.end() <= now || a.time.start() >= window->end()) continue;
    events.push_back({a, *names ? c.given_name + " " + c.family_name
                                : PatientInitials(c.given_name, c.family_name)});
  }
  std::string body =
      ical::PractitionerFeedIcs(clinic->setup(), clinic->zone, *practitioner, events, now);
  // A strong validator of the bytes, so a polling calendar app downloads only what changed.
  const std::string etag = "\"" + tokens.Hash(body).substr(0, 32) + "\"";
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"ETag", etag},
      // The calendar app's own cache may keep it; no shared cache may (it names patients).
      {"Cache-Control", "private, no-cache"},
  };
  if (auto match = request.Header("if-none-match"); match && *match == etag) {
    Response not_modified = Response::Text(304, "");
    not_modified.headers = headers;
    return not_modified;
  }
  Response response = Response::Text(200, std::move(body), "text/calendar; charset=utf-8");
  response.headers = headers;
  response.headers.emplace_back("Content-Disposition", "inline; filename=\"practitioner-" +
                                                           std::to_string(*id) + "-calendar.ics\"");
  return response;
}

// The practitioner of the path, looked up and authorised for the route's action.
Result<core::PractitionerId> TargetPractitioner(ports::Storage& storage, const Request& request,
                                                StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  const auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such practitioner");
  auto setup = UNKNOT_TRY(storage.LoadSetup(clinic));
  const core::PractitionerId practitioner{*id};
  if (setup->FindPractitioner(practitioner) == nullptr) {
    return Error::NotFound("no such practitioner");
  }
  UNKNOT_TRY(
      staff.Authorize({clinic, staff::Reach::kOneThing, practitioner, staff::PatientLink::kNone}));
  return practitioner;
}

std::string FeedRecord(core::PractitionerId practitioner) {
  return "practitioner/" + std::to_string(practitioner.value()) + "/calendar-feed";
}

Result<Response> CreateFeed(ports::Storage& storage, ports::TokenService& tokens, Request& request,
                            StaffRequest& staff) {
  const core::PractitionerId practitioner = UNKNOT_TRY(TargetPractitioner(storage, request, staff));
  const core::ClinicId clinic = staff.clinic().id;
  const bool existed = UNKNOT_TRY(storage.FindCalendarFeed(clinic, practitioner)).has_value();
  const std::string secret = tokens.NewToken();
  ports::CalendarFeed saved = UNKNOT_TRY(storage.SaveCalendarFeed(
      clinic, practitioner, tokens.Hash(secret), staff.now(),
      staff.Audit(std::nullopt, FeedRecord(practitioner), existed ? "rotated" : "created")));
  staff.Recorded();
  const std::string origin = PublicOrigin(request);
  const std::string url = origin + "/api/v1/clinics/" + staff.clinic().slug + "/practitioners/" +
                          std::to_string(practitioner.value()) + "/calendar.ics?key=" + secret;
  // webcal:// is the same URL that calendar apps open as a subscription.
  const std::string webcal = "webcal://" + url.substr(url.find("://") + 3);
  return Response::Json(
      200,
      Json{{"url", url}, {"webcal", webcal}, {"created_at", core::FormatInstant(saved.created_at)}}
          .dump());
}

Result<Response> ShowFeed(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::PractitionerId practitioner = UNKNOT_TRY(TargetPractitioner(storage, request, staff));
  auto feed = UNKNOT_TRY(storage.FindCalendarFeed(staff.clinic().id, practitioner));
  Json out{{"exists", feed.has_value()}, {"created_at", nullptr}};
  if (feed) out["created_at"] = core::FormatInstant(feed->created_at);
  return Response::Json(200, out.dump());
}

Result<Response> DeleteFeed(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::PractitionerId practitioner = UNKNOT_TRY(TargetPractitioner(storage, request, staff));
  UNKNOT_TRY(storage.DeleteCalendarFeed(
      staff.clinic().id, practitioner,
      staff.Audit(std::nullopt, FeedRecord(practitioner), "turned off")));
  staff.Recorded();
  Response response = Response::Text(204, "");
  return response;
}

Result<Response> ShowSettings(ports::Storage& storage, StaffRequest& staff) {
  const bool names = UNKNOT_TRY(storage.CalendarFeedPatientNames(staff.clinic().id));
  return Response::Json(200, Json{{"patient_names", names}}.dump());
}

Result<Response> SetSettings(ports::Storage& storage, Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  UNKNOT_TRY(staff.Authorize({clinic, staff::Reach::kOneThing, std::nullopt, {}}));
  Json body = UNKNOT_TRY(api::json::ParseObjectBody(request.body));
  auto names = body.find("patient_names");
  if (names == body.end() || !names->is_boolean()) {
    return Error::InvalidField("patient_names", "is required: true or false");
  }
  const bool value = names->get<bool>();
  UNKNOT_TRY(storage.SetCalendarFeedPatientNames(
      clinic, value,
      staff.Audit(std::nullopt, "clinic/calendar-feeds",
                  value ? "patient names shown" : "patient initials shown")));
  staff.Recorded();
  return Response::Json(200, Json{{"patient_names", value}}.dump());
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

constexpr std::string_view kFeedPath = "/api/v1/clinics/{clinic}/practitioners/{id}/calendar-feed";
constexpr std::string_view kSettingsPath = "/api/v1/clinics/{clinic}/calendar-feed-settings";

}  // namespace

std::string PatientInitials(std::string_view given_name, std::string_view family_name) {
  auto initial = [](std::string_view name) -> std::string {
    const auto start = name.find_first_not_of(" \t");
    if (start == std::string_view::npos) return "";
    auto lead = static_cast<unsigned char>(name[start]);
    std::size_t size = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    size = std::min(size, name.size() - start);
    std::string out(name.substr(start, size));
    if (size == 1) {
      out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    }
    return out + ".";
  };
  const std::string given = initial(given_name);
  const std::string family = initial(family_name);
  if (given.empty()) return family;
  if (family.empty()) return given;
  return given + " " + family;
}

core::ports::TokenService& CalendarFeedTokens() {
  // Stateless but for libsodium's one-time initialisation, so one for the process will do.
  static security::SodiumTokens tokens;
  return tokens;
}

void AddCalendarFeedRoutes(http::Router& router, ports::Storage& storage, const core::Clock& clock,
                           ports::TokenService& tokens) {
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/practitioners/{id}/calendar.ics",
             [&storage, &clock, &tokens](Request& request) {
               return Feed(storage, clock, tokens, request);
             });
}

void AddCalendarFeedStaffRoutes(StaffRoutes& routes, ports::Storage& storage,
                                ports::TokenService& tokens) {
  routes.Add(http::Method::kPost, kFeedPath, staff::Action::kManageCalendarFeed,
             Answer([&storage, &tokens](Request& request, StaffRequest& staff) {
               return CreateFeed(storage, tokens, request, staff);
             }));
  routes.Add(http::Method::kGet, kFeedPath, staff::Action::kManageCalendarFeed,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return ShowFeed(storage, request, staff);
             }));
  routes.Add(http::Method::kDelete, kFeedPath, staff::Action::kManageCalendarFeed,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return DeleteFeed(storage, request, staff);
             }));
  routes.Add(
      http::Method::kGet, kSettingsPath, staff::Action::kViewClinicSetup,
      Answer([&storage](Request&, StaffRequest& staff) { return ShowSettings(storage, staff); }));
  routes.Add(http::Method::kPut, kSettingsPath, staff::Action::kEditClinicSetup,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return SetSettings(storage, request, staff);
             }));
}

}  // namespace unknot::api::v1
