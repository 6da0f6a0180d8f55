#include "api/v1/setup_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/json/clinic_json.hpp"
#include "api/json/request_body.hpp"
#include "api/json/setup_json.hpp"
#include "api/v1/query_params.hpp"
#include "app/clinic_setup_edit.hpp"

namespace unknot::api::v1 {
namespace {

using core::Error;
using core::Result;
using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace clinic = core::clinic;
namespace dto = api::json;
using core::staff::Action;

// Staff routes are registered with their whole path.
std::string SetupPath(std::string_view rest) {
  return "/api/v1/clinics/{clinic}/setup" + std::string(rest);
}

Result<std::int64_t> PathId(const Request& request, std::string_view name) {
  auto value = ParsePositiveId(request.PathParam(name));
  if (!value) return Error::InvalidField(std::string(name), "must be a positive integer id");
  return *value;
}

Result<app::StrandedPolicy> KeepParam(const Request& request) {
  auto keep = request.QueryParam("keep_appointments");
  if (!keep || *keep == "false") return app::StrandedPolicy::kRefuse;
  if (*keep == "true") return app::StrandedPolicy::kKeep;
  return Error::InvalidField("keep_appointments", "must be true or false");
}

// A problem response with extra members.
Response ProblemWith(unsigned status, std::string_view title, std::string_view detail, Json extra) {
  Response response = http::Problem(status, title, detail);
  Json body = Json::parse(response.body);
  for (auto& [key, value] : extra.items()) body[key] = std::move(value);
  response.body = body.dump();
  return response;
}

// How a stored thing is shown in the answer to its edit.
using Render = std::function<Json(const app::SetupEdited&)>;

// Runs one edit for the request's clinic and answers with `render` of the stored set-up, with
// `created` (201) or 200; 409 with `stranded` when the edit would strand booked appointments.
Response RunEdit(core::ports::Storage& storage, const core::Clock& clock, const Request& request,
                 StaffRequest& staff, const Result<app::SetupEdit>& edit, unsigned status,
                 const Render& render, std::string record) {
  if (!edit) return http::Problem(dto::WithJsonFieldNames(edit.error()));
  auto keep = KeepParam(request);
  if (!keep) return http::Problem(keep.error());
  auto outcome = app::EditClinicSetup(storage, clock, staff.clinic().id, *edit, *keep);
  if (!outcome) return http::Problem(dto::WithJsonFieldNames(outcome.error()));
  if (const auto* refused = std::get_if<app::SetupRefused>(&*outcome)) {
    return ProblemWith(409, "Appointments would be stranded", refused->message,
                       {{"stranded", dto::StrandedJson(refused->stranded)}});
  }
  const auto& edited = std::get<app::SetupEdited>(*outcome);
  // The audit entry follows the write; it moves into the write's transaction once SaveSetup
  // takes one. Its detail holds counts and ids only.
  if (record.ends_with('/')) record += std::to_string(edited.id);
  (void)staff.RecordRead(
      std::nullopt, std::move(record),
      edited.kept.empty() ? "" : "kept " + std::to_string(edited.kept.size()) + " appointments");
  Json body = render(edited);
  if (*keep == app::StrandedPolicy::kKeep)
    body["kept_appointments"] = dto::StrandedJson(edited.kept);
  return Response::Json(status, body.dump());
}

template <typename T>
const T* Find(const std::vector<T>& items, std::int64_t id) {
  for (const T& item : items) {
    if (item.id.value() == id) return &item;
  }
  return nullptr;
}

Result<Json> Body(const Request& request) { return dto::ParseObjectBody(request.body); }

}  // namespace

void AddSetupRoutes(StaffRoutes& routes, core::ports::Storage& storage, const core::Clock& clock) {
  routes.Add(http::Method::kGet, SetupPath(""), Action::kViewClinicSetup,
             [&storage](Request&, StaffRequest& staff) {
               auto setup = storage.LoadSetup(staff.clinic().id);
               if (!setup) return http::Problem(setup.error());
               return Response::Json(200, dto::SetupJson(**setup).dump());
             });

  routes.Add(http::Method::kPut, SetupPath("/clinic"), Action::kEditClinicSetup,
             [&storage, &clock](Request& request, StaffRequest& staff) {
               auto edit = [&]() -> Result<app::SetupEdit> {
                 Json body = UNKNOT_TRY(Body(request));
                 return app::SetupEdit{app::UpdateClinic{UNKNOT_TRY(dto::ParseClinicBody(body))}};
               }();
               return RunEdit(
                   storage, clock, request, staff, edit, 200,
                   [](const app::SetupEdited& e) { return dto::StaffClinicJson(e.setup.clinic); },
                   "setup/clinic");
             });

  // Rooms, practitioners and services: POST adds, PUT changes the one of the path's id.
  auto add_pair = [&](std::string_view list, auto parse, auto wrap, auto render) {
    const std::string base = "/" + std::string(list);
    auto handler = [&storage, &clock, list = std::string(list), parse, wrap, render](bool with_id) {
      return [&storage, &clock, list, parse, wrap, render, with_id](Request& request,
                                                                    StaffRequest& staff) {
        auto edit = [&]() -> Result<app::SetupEdit> {
          std::int64_t id = with_id ? UNKNOT_TRY(PathId(request, "id")) : 0;
          Json body = UNKNOT_TRY(Body(request));
          auto thing = UNKNOT_TRY(parse(body));
          thing.id = decltype(thing.id){id};
          return wrap(std::move(thing), body);
        }();
        return RunEdit(
            storage, clock, request, staff, edit, with_id ? 200 : 201,
            [render](const app::SetupEdited& e) { return render(e.setup, e.id); },
            "setup/" + list + "/");
      };
    };
    routes.Add(http::Method::kPost, SetupPath(base), Action::kEditClinicSetup, handler(false));
    routes.Add(http::Method::kPut, SetupPath(base + "/{id}"), Action::kEditClinicSetup,
               handler(true));
  };
  add_pair(
      "rooms", [](const Json& body) { return dto::ParseRoomBody(body); },
      [](clinic::Room room, const Json&) { return app::SetupEdit{app::SaveRoom{std::move(room)}}; },
      [](const clinic::ClinicSetup& setup, std::int64_t id) {
        const auto* room = Find(setup.rooms, id);
        return room != nullptr ? dto::RoomJson(*room) : Json::object();
      });
  add_pair(
      "practitioners", [](const Json& body) { return dto::ParsePractitionerBody(body); },
      [](clinic::Practitioner p, const Json& body) {
        // Absent, the stored permission stays (a client that does not know it keeps it).
        std::optional<bool> overbooking;
        if (body.contains("allow_overbooking")) overbooking = p.allow_overbooking;
        return app::SetupEdit{app::SavePractitioner{std::move(p), overbooking}};
      },
      [](const clinic::ClinicSetup& setup, std::int64_t id) {
        const auto* p = Find(setup.practitioners, id);
        return p != nullptr ? dto::StaffPractitionerJson(*p) : Json::object();
      });
  add_pair(
      "services", [](const Json& body) { return dto::ParseServiceBody(body); },
      [](clinic::Service s, const Json&) { return app::SetupEdit{app::SaveService{std::move(s)}}; },
      [](const clinic::ClinicSetup& setup, std::int64_t id) {
        const auto* s = Find(setup.services, id);
        return s != nullptr ? dto::ServiceJson(*s) : Json::object();
      });

  routes.Add(http::Method::kPost, SetupPath("/practitioners/{id}/time-off"),
             Action::kEditClinicSetup, [&storage, &clock](Request& request, StaffRequest& staff) {
               auto practitioner = PathId(request, "id");
               auto edit = [&]() -> Result<app::SetupEdit> {
                 core::PractitionerId who{UNKNOT_TRY(PathId(request, "id"))};
                 Json body = UNKNOT_TRY(Body(request));
                 dto::TimeOffBody off = UNKNOT_TRY(dto::ParseTimeOffBody(body));
                 return app::SetupEdit{app::AddTimeOff{who, off.period, std::move(off.reason)}};
               }();
               return RunEdit(
                   storage, clock, request, staff, edit, 201,
                   [who = practitioner.value_or(0)](const app::SetupEdited& e) {
                     const auto* p = Find(e.setup.practitioners, who);
                     const auto* t = p != nullptr ? Find(p->time_off, e.id) : nullptr;
                     return t != nullptr ? dto::TimeOffJson(*t) : Json::object();
                   },
                   "setup/time-off/");
             });

  routes.Add(http::Method::kDelete, SetupPath("/practitioners/{id}/time-off/{time_off}"),
             Action::kEditClinicSetup, [&storage, &clock](Request& request, StaffRequest& staff) {
               auto edit = [&]() -> Result<app::SetupEdit> {
                 return app::SetupEdit{
                     app::RemoveTimeOff{core::PractitionerId{UNKNOT_TRY(PathId(request, "id"))},
                                        core::TimeOffId{UNKNOT_TRY(PathId(request, "time_off"))}}};
               }();
               Response response = RunEdit(
                   storage, clock, request, staff, edit, 204,
                   [](const app::SetupEdited&) { return Json::object(); },
                   "setup/time-off/" + std::string(request.PathParam("time_off")));
               if (response.status == 204) response.body.clear();
               return response;
             });
}

}  // namespace unknot::api::v1
