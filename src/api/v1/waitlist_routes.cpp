#include "api/v1/waitlist_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/json/booking_json.hpp"
#include "api/json/request_body.hpp"
#include "api/json/waitlist_json.hpp"
#include "app/waitlist.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
using core::Error;

std::string BearerOf(const Request& request) {
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    return std::string(auth->substr(7));
  }
  return "";
}

Response Join(core::ports::Storage& storage, const core::Clock& clock,
              core::ports::TokenService& tokens, Request& request) {
  auto body = json::ParseObjectBody(request.body);
  if (!body) return http::Problem(body.error());
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto parsed = json::ParseWaitlistRequest(*body, /*staff=*/false);
  if (!parsed) return http::Problem(parsed.error());
  auto joined = app::JoinWaitlist(storage, clock, tokens, *clinic, *parsed);
  if (!joined) return http::Problem(joined.error());
  Json out;
  out["entry"] = json::WaitlistEntryJson(*clinic, joined->entry);
  out["token"] = joined->token;
  return Response::Json(201, out.dump());
}

Response Entry(core::ports::Storage& storage, core::ports::TokenService& tokens, Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto entry = app::FindEntryByToken(storage, tokens, *clinic, BearerOf(request));
  if (!entry) return http::Problem(entry.error());
  return Response::Json(200, json::WaitlistEntryJson(*clinic, *entry).dump());
}

Response Leave(core::ports::Storage& storage, const core::Clock& clock,
               core::ports::TokenService& tokens, Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto entry = app::FindEntryByToken(storage, tokens, *clinic, BearerOf(request));
  if (!entry) return http::Problem(entry.error());
  auto left =
      storage.LeaveWaitlist(clinic->setup().clinic.id, entry->id, clock.Now(), std::nullopt);
  if (!left) return http::Problem(left.error());
  return Response::Json(200, json::WaitlistEntryJson(*clinic, *left).dump());
}

Response Offer(core::ports::Storage& storage, const core::Clock& clock,
               core::ports::TokenService& tokens, Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto view = app::ViewOffer(storage, clock, tokens, *clinic, BearerOf(request));
  if (!view) return http::Problem(view.error());
  return Response::Json(200, json::OfferJson(*clinic, view->offer).dump());
}

Response Confirm(core::ports::Storage& storage, const core::Clock& clock,
                 core::ports::TokenService& tokens, Request& request) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return http::Problem(clinic.error());
  auto booked = app::ConfirmOffer(storage, clock, tokens, *clinic, BearerOf(request));
  if (!booked) return http::Problem(booked.error());
  return Response::Json(201, json::BookedJson(*clinic, *booked).dump());
}

using core::Result;

Result<core::ports::WaitlistEntryId> EntryIdOf(const Request& request) {
  const std::string text(request.PathParam("id"));
  char* end = nullptr;
  const long long id = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || id <= 0) {
    return Error::NotFound("no such waitlist entry");
  }
  return core::ports::WaitlistEntryId{id};
}

Response Answer(Result<Response> response) {
  if (!response) return http::Problem(response.error());
  return std::move(*response);
}

Result<Response> ListEntries(core::ports::Storage& storage, const Request& request,
                             StaffRequest& staff) {
  namespace st = core::staff;
  UNKNOT_TRY(staff.Authorize(st::Target::List(staff.clinic().id)));
  const bool all = request.QueryParam("all").value_or("") == "true";
  auto clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  auto entries = UNKNOT_TRY(storage.ListWaitlist(staff.clinic().id, all));
  Json out = Json::array();
  for (const auto& entry : entries) out.push_back(json::WaitlistEntryJson(clinic, entry));
  UNKNOT_TRY(
      staff.RecordRead(std::nullopt, "waitlist", std::to_string(entries.size()) + " entries"));
  return Response::Json(200, Json{{"entries", std::move(out)}}.dump());
}

Result<Response> AddCaller(core::ports::Storage& storage, core::ports::TokenService& tokens,
                           const Request& request, StaffRequest& staff) {
  namespace st = core::staff;
  UNKNOT_TRY(staff.Authorize(
      {staff.clinic().id, st::Reach::kOneThing, std::nullopt, st::PatientLink::kNone}));
  Json body = UNKNOT_TRY(json::ParseObjectBody(request.body));
  app::WaitlistRequest parsed = UNKNOT_TRY(json::ParseWaitlistRequest(body, /*staff=*/true));
  auto clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  core::FixedClock at(staff.now());
  auto joined = UNKNOT_TRY(app::JoinWaitlist(storage, at, tokens, clinic, parsed,
                                             staff.Audit(std::nullopt, "waitlist", "added")));
  staff.Recorded();
  return Response::Json(201, json::WaitlistEntryJson(clinic, joined.entry).dump());
}

Result<Response> SetUrgent(core::ports::Storage& storage, const Request& request,
                           StaffRequest& staff) {
  namespace st = core::staff;
  auto id = UNKNOT_TRY(EntryIdOf(request));
  UNKNOT_TRY(staff.Authorize(
      {staff.clinic().id, st::Reach::kOneThing, std::nullopt, st::PatientLink::kNone}));
  Json body = UNKNOT_TRY(json::ParseObjectBody(request.body));
  if (!body.contains("urgent") || !body["urgent"].is_boolean()) {
    return Error::InvalidField("urgent", "is required: true or false");
  }
  const bool urgent = body["urgent"].get<bool>();
  auto clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  auto entry = UNKNOT_TRY(
      storage.SetWaitlistUrgent(staff.clinic().id, id, urgent,
                                staff.Audit(std::nullopt, "waitlist/" + std::to_string(id.value()),
                                            urgent ? "urgent" : "not urgent")));
  staff.Recorded();
  return Response::Json(200, json::WaitlistEntryJson(clinic, entry).dump());
}

Result<Response> Remove(core::ports::Storage& storage, const Request& request,
                        StaffRequest& staff) {
  namespace st = core::staff;
  auto id = UNKNOT_TRY(EntryIdOf(request));
  UNKNOT_TRY(staff.Authorize(
      {staff.clinic().id, st::Reach::kOneThing, std::nullopt, st::PatientLink::kNone}));
  auto clinic = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  auto entry = UNKNOT_TRY(storage.LeaveWaitlist(
      staff.clinic().id, id, staff.now(),
      staff.Audit(std::nullopt, "waitlist/" + std::to_string(id.value()), "removed")));
  staff.Recorded();
  return Response::Json(200, json::WaitlistEntryJson(clinic, entry).dump());
}

}  // namespace

void AddStaffWaitlistRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                            core::ports::TokenService& tokens) {
  using core::staff::Action;
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/waitlist/entries", Action::kViewWaitlist,
             [&storage](Request& request, StaffRequest& staff) {
               return Answer(ListEntries(storage, request, staff));
             });
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/waitlist/entries",
             Action::kManageWaitlist, [&storage, &tokens](Request& request, StaffRequest& staff) {
               return Answer(AddCaller(storage, tokens, request, staff));
             });
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/waitlist/entries/{id}/urgent",
             Action::kManageWaitlist, [&storage](Request& request, StaffRequest& staff) {
               return Answer(SetUrgent(storage, request, staff));
             });
  routes.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/waitlist/entries/{id}/remove",
             Action::kManageWaitlist, [&storage](Request& request, StaffRequest& staff) {
               return Answer(Remove(storage, request, staff));
             });
}

void AddWaitlistRoutes(http::Router& router, core::ports::Storage& storage,
                       const core::Clock& clock, core::ports::TokenService& tokens) {
  router.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/waitlist",
             [&storage, &clock, &tokens](Request& request) {
               return Join(storage, clock, tokens, request);
             });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/waitlist/entry",
             [&storage, &tokens](Request& request) { return Entry(storage, tokens, request); });
  router.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/waitlist/entry/leave",
             [&storage, &clock, &tokens](Request& request) {
               return Leave(storage, clock, tokens, request);
             });
  router.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/waitlist/offer",
             [&storage, &clock, &tokens](Request& request) {
               return Offer(storage, clock, tokens, request);
             });
  router.Add(http::Method::kPost, "/api/v1/clinics/{clinic}/waitlist/offer/confirm",
             [&storage, &clock, &tokens](Request& request) {
               return Confirm(storage, clock, tokens, request);
             });
}

}  // namespace unknot::api::v1
