#include "api/v1/session_routes.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/json/request_body.hpp"
#include "api/v1/query_params.hpp"
#include "core/common/time.hpp"
#include "security/session_secrets.hpp"

namespace unknot::api::v1 {

using core::Error;
using core::ErrorCode;
using core::Result;
using http::Method;
using http::Request;
using http::Respond;
using http::Response;
using Json = nlohmann::json;
namespace staff = core::staff;

namespace {

constexpr std::string_view kBase = "/api/v1/clinics/{clinic}";
// A password longer than this many bytes is refused before any hashing: it bounds the work one
// request can cause (the policy allows 256 characters, at most 1024 bytes of UTF-8).
constexpr std::size_t kMaxPasswordBytes = 1024;

std::string Path(std::string_view tail) { return std::string(kBase) + std::string(tail); }

Response Fail(const Error& error) { return NoStore(http::Problem(error)); }

Response Unavailable(const Error& error, int retry_after_seconds) {
  Response response = Fail(error);
  response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return response;
}

Result<std::string> StringField(const Json& body, const char* name, std::size_t max_bytes) {
  if (!body.contains(name)) return Error::InvalidField(name, "is required");
  if (!body[name].is_string()) return Error::InvalidField(name, "must be a string");
  std::string value = body[name].get<std::string>();
  if (value.empty()) return Error::InvalidField(name, "must not be empty");
  if (value.size() > max_bytes) {
    return Error::InvalidField(name, "must be at most " + std::to_string(max_bytes) + " bytes");
  }
  return value;
}

Json OptionalId(const auto& id) { return id ? Json(id->value()) : Json(nullptr); }

Json AccountJson(const staff::StaffAccount& account) {
  return {{"id", account.id.value()},
          {"email", account.email},
          {"display_name", account.display_name},
          {"role", staff::ToString(account.role)},
          {"practitioner_id", OptionalId(account.practitioner)},
          {"disabled", account.disabled},
          {"created_at", core::FormatInstant(account.created_at)}};
}

Json Permissions(staff::StaffRole role) {
  Json out = Json::object();
  for (const staff::PolicyRow& row : staff::kPolicy) {
    out[std::string(staff::ToString(row.action))] =
        std::string(staff::ToString(staff::AccessOf(role, row.action)));
  }
  return out;
}

Json SessionJson(const core::clinic::Clinic& clinic, const staff::StaffAccount& account,
                 const staff::Session& session) {
  return {{"staff",
           {{"id", account.id.value()},
            {"email", account.email},
            {"display_name", account.display_name},
            {"role", staff::ToString(account.role)},
            {"practitioner_id", OptionalId(account.practitioner)}}},
          {"clinic", {{"slug", clinic.slug}, {"name", clinic.name}}},
          {"csrf_token", session.csrf_token},
          {"idle_expires_at", core::FormatInstant(staff::IdleExpiry(session, clinic.sessions))},
          {"expires_at", core::FormatInstant(session.expires_at)},
          {"permissions", Permissions(account.role)}};
}

// A session as lists show it: never its secret or CSRF token.
Json SessionRowJson(const core::clinic::Clinic& clinic, const staff::Session& session,
                    std::string_view email, core::Instant now, core::SessionId current) {
  return {{"id", session.id.value()},
          {"staff_id", session.staff.value()},
          {"staff_email", email},
          {"created_at", core::FormatInstant(session.created_at)},
          {"last_seen_at", core::FormatInstant(session.last_seen_at)},
          {"idle_expires_at", core::FormatInstant(staff::IdleExpiry(session, clinic.sessions))},
          {"expires_at", core::FormatInstant(session.expires_at)},
          {"client_address", session.client_address},
          {"state", staff::ToString(staff::StateAt(session, clinic.sessions, now))},
          {"current", session.id == current}};
}

// An audit entry for something done at the sign-in door, where there is no StaffRequest yet.
staff::AuditEntry DoorEntry(const core::clinic::Clinic& clinic, const staff::StaffAccount* account,
                            std::string action, std::string detail, core::Instant now,
                            const Request& request) {
  staff::AuditEntry entry;
  entry.clinic = clinic.id;
  if (account != nullptr) {
    entry.staff = account->id;
    entry.staff_email = account->email;
    entry.role = account->role;
    entry.record = "staff/" + std::to_string(account->id.value());
  }
  entry.action = std::move(action);
  entry.detail = std::move(detail);
  entry.at = now;
  entry.client_address = request.client_address;
  entry.request_id = request.request_id;
  return entry;
}

Result<Json> ParseBody(const Request& request) { return json::ParseObjectBody(request.body); }

std::string ExpiredCookie(const StaffRoutes& staff) {
  return security::ExpiredSessionCookie(staff.options().cookie_security);
}

// --- Sign-in -------------------------------------------------------------------------------

void SignIn(StaffRoutes& staff, SessionRouteDeps deps, Request& request, Respond respond) {
  core::ports::Storage& storage = staff.storage();
  auto clinic = storage.FindClinic(request.PathParam("clinic"));
  if (!clinic) return respond(Fail(clinic.error()));
  auto body = ParseBody(request);
  if (!body) return respond(Fail(body.error()));
  auto email = StringField(*body, "email", 254);
  if (!email) return respond(Fail(email.error()));
  auto password = StringField(*body, "password", kMaxPasswordBytes);
  if (!password) return respond(Fail(password.error()));
  const std::string normalized = staff::NormalizeEmail(*email);
  const core::Instant now = staff.clock().Now();

  auto wait = deps.throttle.WaitBefore(clinic->id, normalized, request.client_address, now);
  if (wait.count() > 0) {
    spdlog::info("sign-in throttled for {} s", wait.count());
    Response response =
        Fail(Error(ErrorCode::kRateLimited, "too many failed sign-ins; try again in " +
                                                std::to_string(wait.count()) + " seconds"));
    response.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return respond(std::move(response));
  }

  auto found = storage.FindStaffByEmail(clinic->id, normalized);
  if (!found && found.error().code() != ErrorCode::kNotFound) return respond(Fail(found.error()));
  std::shared_ptr<const staff::StaffAccount> account;
  std::optional<std::string> stored_hash;
  if (found) {
    account = std::make_shared<const staff::StaffAccount>(std::move(*found));
    // A disabled account is checked against the dummy hash like an unknown one: same answer,
    // same time.
    if (!account->disabled) stored_hash = account->password_hash;
  }
  deps.hasher.Verify(
      std::move(*password), std::move(stored_hash),
      [&staff, deps, &request, respond, clinic = *clinic, account, normalized,
       now](Result<security::PasswordMatch> match) {
        core::ports::Storage& db = staff.storage();
        if (!match) {
          return respond(Unavailable(
              Error(ErrorCode::kUnavailable, "too many sign-ins at once; try again in a second"),
              1));
        }
        if (*match == security::PasswordMatch::kNoMatch || !account || account->disabled) {
          deps.throttle.Failed(clinic.id, normalized, request.client_address, now);
          auto audited = db.AppendAudit(
              DoorEntry(clinic, account.get(), "sign_in_failed",
                        account ? (account->disabled ? "account disabled" : "wrong password")
                                : "unknown email",
                        now, request));
          if (!audited) return respond(Fail(audited.error()));
          return respond(Fail(Error(ErrorCode::kUnauthenticated,
                                    "the email or the password is not right, or the account is "
                                    "disabled")));
        }
        deps.throttle.Succeeded(clinic.id, normalized, request.client_address);
        security::NewSessionSecrets secrets = security::NewSessionSecretsNow();
        staff::Session session;
        session.secret_hash = secrets.session_id_hash;
        session.clinic = clinic.id;
        session.staff = account->id;
        session.csrf_token = secrets.csrf_token;
        session.created_at = now;
        session.last_seen_at = now;
        session.expires_at = now + clinic.sessions.absolute_timeout;
        session.client_address = request.client_address;
        auto created = db.CreateSession(
            session, DoorEntry(clinic, account.get(), "sign_in", "", now, request));
        if (!created) return respond(Fail(created.error()));
        auto cookie = security::SessionCookie(
            secrets.session_id, staff.options().cookie_security,
            std::chrono::duration_cast<std::chrono::seconds>(clinic.sessions.absolute_timeout));
        if (!cookie) return respond(Fail(cookie.error()));
        Response response =
            NoStore(Response::Json(201, SessionJson(clinic, *account, *created).dump()));
        response.headers.emplace_back("Set-Cookie", std::move(*cookie));
        respond(std::move(response));
      });
}

Response CurrentSession(const StaffRoutes& staff, Request& request) {
  auto signed_in = staff.CheckSession(request, request.PathParam("clinic"));
  if (!signed_in) return Fail(signed_in.error());
  return NoStore(Response::Json(
      200, SessionJson(signed_in->clinic, signed_in->account, signed_in->session).dump()));
}

Response SignOut(const StaffRoutes& staff, Request& request) {
  Response done = NoStore(Response::Text(204, ""));
  done.headers.emplace_back("Set-Cookie", ExpiredCookie(staff));
  auto signed_in = staff.CheckSession(request, request.PathParam("clinic"));
  if (!signed_in) {
    // Not signed in (or expired): nothing to end; the browser forgets its cookie all the same.
    if (signed_in.error().code() == ErrorCode::kUnauthenticated) return done;
    return Fail(signed_in.error());
  }
  if (auto checked = staff.CheckWriteOrigin(request, signed_in->session); !checked) {
    return Fail(checked.error());
  }
  const core::Instant now = staff.clock().Now();
  auto ended = staff.storage().EndSession(
      signed_in->clinic.id, signed_in->session.id, now,
      DoorEntry(signed_in->clinic, &signed_in->account, "sign_out", "", now, request));
  if (!ended) return Fail(ended.error());
  return done;
}

// --- Own account ---------------------------------------------------------------------------

void ChangePassword(StaffRoutes& staff, SessionRouteDeps deps, Request& request,
                    std::shared_ptr<StaffRequest> me, Respond respond) {
  auto body = ParseBody(request);
  if (!body) return respond(http::Problem(body.error()));
  auto current = StringField(*body, "current_password", kMaxPasswordBytes);
  if (!current) return respond(http::Problem(current.error()));
  auto next = StringField(*body, "new_password", kMaxPasswordBytes);
  if (!next) return respond(http::Problem(next.error()));
  if (auto weak = staff::CheckNewPassword(*next, me->account().email, deps.common_passwords,
                                          "new_password");
      !weak) {
    return respond(http::Problem(weak.error()));
  }
  const core::ClinicId clinic = me->clinic().id;
  const std::string email = me->account().email;
  auto wait = deps.throttle.WaitBefore(clinic, email, request.client_address, me->now());
  if (wait.count() > 0) {
    Response response = http::Problem(Error(
        ErrorCode::kRateLimited,
        "too many wrong passwords; try again in " + std::to_string(wait.count()) + " seconds"));
    response.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return respond(std::move(response));
  }
  deps.hasher.Verify(
      std::move(*current), me->account().password_hash,
      [&staff, deps, &request, me, respond, next = std::move(*next), clinic,
       email](Result<security::PasswordMatch> match) mutable {
        if (!match) return respond(Unavailable(match.error(), 1));
        if (*match == security::PasswordMatch::kNoMatch) {
          deps.throttle.Failed(clinic, email, request.client_address, me->now());
          return respond(http::Problem(Error(ErrorCode::kForbidden, "the password is not right",
                                             {{"current_password", "is not your password"}})));
        }
        deps.hasher.Hash(std::move(next), [&staff, me, respond](Result<std::string> hash) {
          if (!hash) return respond(Unavailable(hash.error(), 1));
          auto stored = staff.storage().SetPasswordHash(
              me->clinic().id, me->account().id, *hash, me->now(), me->session().id,
              me->Audit(std::nullopt, "staff/me", "password changed"));
          if (!stored) return respond(http::Problem(stored.error()));
          me->Recorded();
          respond(Response::Text(204, ""));
        });
      });
}

Response OwnSessions(StaffRoutes& staff, StaffRequest& me) {
  auto sessions = staff.storage().ListSessions(me.clinic().id, me.account().id, me.now());
  if (!sessions) return http::Problem(sessions.error());
  Json rows = Json::array();
  for (const auto& s : *sessions) {
    rows.push_back(SessionRowJson(me.clinic(), s, me.account().email, me.now(), me.session().id));
  }
  return Response::Json(200, Json{{"sessions", rows}}.dump());
}

Response SignOutEverywhere(StaffRoutes& staff, StaffRequest& me) {
  auto ended =
      staff.storage().EndSessionsOf(me.clinic().id, me.account().id, me.now(), std::nullopt,
                                    me.Audit(std::nullopt, "staff/me", "signed out everywhere"));
  if (!ended) return http::Problem(ended.error());
  me.Recorded();
  Response done = Response::Text(204, "");
  done.headers.emplace_back("Set-Cookie", ExpiredCookie(staff));
  return done;
}

// --- Staff accounts and sessions (owner) ---------------------------------------------------

Result<std::optional<core::PractitionerId>> PractitionerField(const Json& body) {
  if (!body.contains("practitioner_id") || body["practitioner_id"].is_null()) {
    return std::optional<core::PractitionerId>{};
  }
  const Json& value = body["practitioner_id"];
  if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
    return Error::InvalidField("practitioner_id", "must be a positive integer id or null");
  }
  return std::optional<core::PractitionerId>{core::PractitionerId{value.get<std::int64_t>()}};
}

Result<staff::StaffRole> RoleField(const Json& body) {
  if (!body["role"].is_string()) {
    return Error::InvalidField("role", "must be one of owner, front_desk, practitioner");
  }
  auto role = staff::ParseStaffRole(body["role"].get<std::string>());
  if (!role) return Error::InvalidField("role", "must be one of owner, front_desk, practitioner");
  return *role;
}

void AddStaff(StaffRoutes& staff, SessionRouteDeps deps, Request& request,
              std::shared_ptr<StaffRequest> me, Respond respond) {
  auto parsed = [&]() -> Result<std::pair<staff::StaffAccount, std::string>> {
    Json body = UNKNOT_TRY(ParseBody(request));
    staff::StaffAccount account;
    account.clinic = me->clinic().id;
    account.email = staff::NormalizeEmail(UNKNOT_TRY(StringField(body, "email", 254)));
    account.display_name = UNKNOT_TRY(StringField(body, "display_name", 100));
    if (!body.contains("role")) return Error::InvalidField("role", "is required");
    account.role = UNKNOT_TRY(RoleField(body));
    account.practitioner = UNKNOT_TRY(PractitionerField(body));
    account.created_at = me->now();
    account.password_changed_at = me->now();
    UNKNOT_TRY(staff::Validate(account));
    std::string password = UNKNOT_TRY(StringField(body, "password", kMaxPasswordBytes));
    UNKNOT_TRY(staff::CheckNewPassword(password, account.email, deps.common_passwords));
    return std::pair{std::move(account), std::move(password)};
  }();
  if (!parsed) return respond(http::Problem(parsed.error()));
  auto account = std::make_shared<staff::StaffAccount>(std::move(parsed->first));
  deps.hasher.Hash(
      std::move(parsed->second), [&staff, me, respond, account](Result<std::string> hash) {
        if (!hash) return respond(Unavailable(hash.error(), 1));
        account->password_hash = std::move(*hash);
        auto created = staff.storage().CreateStaff(*account, me->Audit(std::nullopt, ""));
        if (!created) return respond(http::Problem(created.error()));
        me->Recorded();
        respond(Response::Json(201, AccountJson(*created).dump()));
      });
}

Result<core::StaffId> StaffIdParam(const Request& request) {
  auto value = ParsePositiveId(request.PathParam("id"));
  if (!value) return Error::NotFound("no such account");
  return core::StaffId{*value};
}

Result<Json> UpdateStaff(StaffRoutes& staff, Request& request, StaffRequest& me) {
  core::ports::Storage& storage = staff.storage();
  const core::StaffId id = UNKNOT_TRY(StaffIdParam(request));
  staff::StaffAccount account = UNKNOT_TRY(storage.FindStaff(me.clinic().id, id));
  Json body = UNKNOT_TRY(ParseBody(request));
  for (const auto& [name, value] : body.items()) {
    if (name != "disabled" && name != "role" && name != "practitioner_id" &&
        name != "display_name") {
      return Error::InvalidField(name, "is not a field of a staff account that can change");
    }
  }
  staff::StaffAccount changed = account;
  if (body.contains("display_name")) {
    changed.display_name = UNKNOT_TRY(StringField(body, "display_name", 100));
  }
  if (body.contains("role")) changed.role = UNKNOT_TRY(RoleField(body));
  if (body.contains("practitioner_id")) changed.practitioner = UNKNOT_TRY(PractitionerField(body));
  std::optional<bool> disabled;
  if (body.contains("disabled")) {
    if (!body["disabled"].is_boolean()) {
      return Error::InvalidField("disabled", "must be true or false");
    }
    disabled = body["disabled"].get<bool>();
  }
  // The owner cannot lock themselves out of their own clinic.
  if (id == me.account().id) {
    if (disabled.value_or(false)) {
      return Error(ErrorCode::kConflict, "you cannot disable your own account",
                   {{"disabled", "is your own account"}});
    }
    if (changed.role != staff::StaffRole::kOwner) {
      return Error(ErrorCode::kConflict, "you cannot take the owner role from yourself",
                   {{"role", "is your own account's role"}});
    }
  }
  UNKNOT_TRY(staff::Validate(changed));
  const std::string record = "staff/" + std::to_string(id.value());
  if (changed != account) {
    changed = UNKNOT_TRY(storage.UpdateStaff(changed, me.Audit(std::nullopt, record, "changed")));
    me.Recorded();
  }
  if (disabled && *disabled != changed.disabled) {
    changed = UNKNOT_TRY(storage.SetStaffDisabled(
        me.clinic().id, id, *disabled, me.now(),
        me.Audit(std::nullopt, record, *disabled ? "disabled" : "enabled")));
    me.Recorded();
  }
  return AccountJson(changed);
}

Result<Json> ClinicSessions(StaffRoutes& staff, Request& request, StaffRequest& me) {
  core::ports::Storage& storage = staff.storage();
  std::optional<core::StaffId> only;
  if (auto text = request.QueryParam("staff")) {
    auto value = ParsePositiveId(*text);
    if (!value) return Error::InvalidField("staff", "must be a staff account id");
    only = core::StaffId{*value};
  }
  auto accounts = UNKNOT_TRY(storage.ListStaff(me.clinic().id));
  std::map<std::int64_t, std::string> emails;
  for (const auto& a : accounts) emails[a.id.value()] = a.email;
  auto sessions = UNKNOT_TRY(storage.ListSessions(me.clinic().id, only, me.now()));
  Json rows = Json::array();
  for (const auto& s : sessions) {
    rows.push_back(
        SessionRowJson(me.clinic(), s, emails[s.staff.value()], me.now(), me.session().id));
  }
  return Json{{"sessions", rows}};
}

Result<void> EndOneSession(StaffRoutes& staff, Request& request, StaffRequest& me) {
  auto value = ParsePositiveId(request.PathParam("id"));
  if (!value) return Error::NotFound("no such session");
  UNKNOT_TRY(staff.storage().EndSession(
      me.clinic().id, core::SessionId{*value}, me.now(),
      me.Audit(std::nullopt, "session/" + std::to_string(*value), "ended by the owner")));
  me.Recorded();
  return core::Ok();
}

Response JsonOr(Result<Json> result, unsigned status = 200) {
  if (!result) return http::Problem(result.error());
  return Response::Json(status, result->dump());
}

}  // namespace

void AddSessionRoutes(http::Router& router, StaffRoutes& staff, SessionRouteDeps deps) {
  router.AddAsync(Method::kPost, Path("/session"), [&staff, deps](Request& request, Respond r) {
    SignIn(staff, deps, request, std::move(r));
  });
  router.Add(Method::kGet, Path("/session"),
             [&staff](Request& request) { return CurrentSession(staff, request); });
  router.Add(Method::kDelete, Path("/session"),
             [&staff](Request& request) { return SignOut(staff, request); });

  using staff::Action;
  staff.AddAsync(Method::kPut, Path("/staff/me/password"), Action::kManageOwnAccount,
                 [&staff, deps](Request& request, std::shared_ptr<StaffRequest> me, Respond r) {
                   ChangePassword(staff, deps, request, std::move(me), std::move(r));
                 });
  staff.Add(Method::kGet, Path("/staff/me/sessions"), Action::kManageOwnAccount,
            [&staff](Request&, StaffRequest& me) { return OwnSessions(staff, me); });
  staff.Add(Method::kDelete, Path("/staff/me/sessions"), Action::kManageOwnAccount,
            [&staff](Request&, StaffRequest& me) { return SignOutEverywhere(staff, me); });

  staff.Add(Method::kGet, Path("/staff"), Action::kManageStaff,
            [&staff](Request&, StaffRequest& me) -> Response {
              auto accounts = staff.storage().ListStaff(me.clinic().id);
              if (!accounts) return http::Problem(accounts.error());
              Json rows = Json::array();
              for (const auto& a : *accounts) rows.push_back(AccountJson(a));
              return Response::Json(200, Json{{"staff", rows}}.dump());
            });
  staff.AddAsync(Method::kPost, Path("/staff"), Action::kManageStaff,
                 [&staff, deps](Request& request, std::shared_ptr<StaffRequest> me, Respond r) {
                   AddStaff(staff, deps, request, std::move(me), std::move(r));
                 });
  staff.Add(Method::kPatch, Path("/staff/{id}"), Action::kManageStaff,
            [&staff](Request& request, StaffRequest& me) {
              return JsonOr(UpdateStaff(staff, request, me));
            });
  staff.Add(Method::kGet, Path("/sessions"), Action::kManageStaff,
            [&staff](Request& request, StaffRequest& me) {
              return JsonOr(ClinicSessions(staff, request, me));
            });
  staff.Add(Method::kDelete, Path("/sessions/{id}"), Action::kManageStaff,
            [&staff](Request& request, StaffRequest& me) -> Response {
              auto ended = EndOneSession(staff, request, me);
              if (!ended) return http::Problem(ended.error());
              return Response::Text(204, "");
            });
}

}  // namespace unknot::api::v1
