#include "api/v1/staff_gate.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "security/session_secrets.hpp"

namespace unknot::api::v1 {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace staff = core::staff;

namespace {

// last_seen_at moves at most this often: a write per request would be waste.
constexpr std::chrono::seconds kTouchEvery{60};

bool ChangesState(http::Method method) {
  return method == http::Method::kPost || method == http::Method::kPut ||
         method == http::Method::kPatch || method == http::Method::kDelete;
}

Error NotSignedIn() { return Error(ErrorCode::kUnauthenticated, "sign in to use the staff pages"); }

// "https://clinic.example:8443" -> "clinic.example:8443"; "" when it is not http(s)://host.
std::string_view OriginHost(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.substr(0, scheme.size()) == scheme) {
      std::string_view host = origin.substr(scheme.size());
      if (host.empty() || host.find('/') != std::string_view::npos) return {};
      return host;
    }
  }
  return {};
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

StaffRequest::StaffRequest(core::clinic::Clinic clinic, staff::StaffAccount account,
                           staff::Session session, staff::Action action, core::Instant now,
                           std::string client_address, std::string request_id,
                           core::ports::AuditRepository& audit)
    : clinic_(std::move(clinic)),
      account_(std::move(account)),
      session_(std::move(session)),
      principal_{clinic_.id, account_.role, account_.practitioner},
      action_(action),
      now_(now),
      client_address_(std::move(client_address)),
      request_id_(std::move(request_id)),
      audit_(&audit) {}

Result<staff::Decision> StaffRequest::Authorize(const staff::Target& target) const {
  staff::Decision decision = staff::Decide(principal_, action_, target);
  if (decision.allowed()) return decision;
  spdlog::info("staff access denied: action {} role {} staff {}: {}", staff::ToString(action_),
               staff::ToString(account_.role), account_.id.value(), decision.reason);
  if (decision.verdict == staff::Verdict::kDenyAsNotFound) {
    return Error::NotFound("no such record");
  }
  return Error(ErrorCode::kForbidden, "your role may not do this");
}

Result<staff::Decision> StaffRequest::AuthorizeRead(const staff::Target& target,
                                                    core::PatientId patient,
                                                    const std::string& record) const {
  auto allowed = Authorize(target);
  if (!allowed) UNKNOT_TRY(RecordRead(patient, record, "refused: " + allowed.error().message()));
  return allowed;
}

Result<staff::PatientLink> PatientLinkOf(core::ports::Storage& storage, const StaffRequest& staff,
                                         core::PatientId patient) {
  if (const auto& practitioner = staff.principal().practitioner) {
    if (UNKNOT_TRY(storage.HasAppointmentWith(staff.clinic().id, patient, *practitioner))) {
      return staff::PatientLink::kHasAppointment;
    }
  }
  return staff::PatientLink::kNone;
}

staff::Access StaffRequest::ListScope() const {
  return staff::Decide(principal_, action_, staff::Target::List(clinic_.id)).scope;
}

staff::AuditEntry StaffRequest::Audit(std::optional<core::PatientId> patient, std::string record,
                                      std::string detail) const {
  staff::AuditEntry entry;
  entry.clinic = clinic_.id;
  entry.staff = account_.id;
  entry.staff_email = account_.email;
  entry.role = account_.role;
  entry.action = std::string(staff::ToString(action_));
  entry.patient = patient;
  entry.record = std::move(record);
  entry.detail = std::move(detail);
  entry.at = now_;
  entry.client_address = client_address_;
  entry.request_id = request_id_;
  return entry;
}

Result<void> StaffRequest::RecordRead(std::optional<core::PatientId> patient, std::string record,
                                      std::string detail) const {
  UNKNOT_TRY(audit_->AppendAudit(Audit(patient, std::move(record), std::move(detail))));
  recorded_ = true;
  return core::Ok();
}

StaffRoutes::StaffRoutes(http::Router& router, core::ports::Storage& storage,
                         const core::Clock& clock, StaffGateOptions options)
    : StaffRoutes(router, storage, storage, clock, std::move(options)) {}

StaffRoutes::StaffRoutes(http::Router& router, core::ports::Storage& storage,
                         core::ports::AuditRepository& read_audit, const core::Clock& clock,
                         StaffGateOptions options)
    : router_(router),
      storage_(storage),
      read_audit_(read_audit),
      clock_(clock),
      options_(std::move(options)) {}

Result<StaffRoutes::Signed> StaffRoutes::CheckSession(const http::Request& request,
                                                      std::string_view slug) const {
  core::clinic::Clinic clinic = UNKNOT_TRY(storage_.FindClinic(slug));
  auto cookie_header = request.Header("cookie");
  if (!cookie_header) return NotSignedIn();
  auto secret =
      security::FindCookie(*cookie_header, security::SessionCookieName(options_.cookie_security));
  // Junk never reaches the database.
  if (!secret || !security::IsWellFormedSecret(*secret)) return NotSignedIn();
  auto found = storage_.FindSession(security::HashSessionId(*secret));
  if (!found) {
    if (found.error().code() == ErrorCode::kNotFound) return NotSignedIn();
    return std::move(found).error();
  }
  // Another clinic's session: this clinic's staff pages do not exist for it.
  if (found->session.clinic != clinic.id) return Error::NotFound("no such clinic");
  const core::Instant now = clock_.Now();
  if (found->account.disabled ||
      staff::StateAt(found->session, clinic.sessions, now) != staff::SessionState::kActive) {
    return NotSignedIn();
  }
  if (now - found->session.last_seen_at >= kTouchEvery) {
    UNKNOT_TRY(storage_.TouchSession(found->session.id, now));
    found->session.last_seen_at = now;
  }
  return Signed{std::move(clinic), std::move(found->account), std::move(found->session)};
}

Result<void> StaffRoutes::CheckWriteOrigin(const http::Request& request,
                                           const staff::Session& session) const {
  auto token = request.Header(kCsrfHeader);
  if (!token || !security::SecretsEqual(*token, session.csrf_token)) {
    return Error(ErrorCode::kForbidden,
                 "the request lacks this session's X-CSRF-Token (reload the page)");
  }
  auto origin = request.Header("origin");
  if (!origin) return Error(ErrorCode::kForbidden, "the request has no Origin header");
  const auto& allowed = options_.allowed_origins;
  if (std::find(allowed.begin(), allowed.end(), *origin) != allowed.end()) return core::Ok();
  std::string_view host = request.Header("host").value_or("");
  std::string_view origin_host = OriginHost(*origin);
  if (origin_host.empty() || !EqualsIgnoringCase(origin_host, host)) {
    return Error(ErrorCode::kForbidden, "the request comes from another site's page");
  }
  return core::Ok();
}

http::Response NoStore(http::Response response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

void StaffRoutes::Add(http::Method method, std::string_view pattern, staff::Action action,
                      StaffHandler handler) {
  routes_.push_back({method, std::string(pattern), action});
  router_.Add(method, pattern,
              [this, action, handler = std::move(handler)](http::Request& request) {
                auto admitted = Admit(request, action);
                if (auto* refused = std::get_if<http::Response>(&admitted)) {
                  return std::move(*refused);
                }
                auto& staff_request = *std::get<std::shared_ptr<StaffRequest>>(admitted);
                return Finish(request, staff_request, handler(request, staff_request));
              });
}

void StaffRoutes::AddAsync(http::Method method, std::string_view pattern, staff::Action action,
                           AsyncStaffHandler handler) {
  routes_.push_back({method, std::string(pattern), action});
  router_.AddAsync(
      method, pattern,
      [this, action, handler = std::move(handler)](http::Request& request, http::Respond respond) {
        auto admitted = Admit(request, action);
        if (auto* refused = std::get_if<http::Response>(&admitted)) {
          respond(NoStore(std::move(*refused)));
          return;
        }
        auto staff_request = std::get<std::shared_ptr<StaffRequest>>(admitted);
        handler(request, staff_request,
                [this, &request, staff_request, respond](http::Response response) {
                  respond(Finish(request, *staff_request, std::move(response)));
                });
      });
}

void StaffRoutes::AddStream(http::Method method, std::string_view pattern, staff::Action action,
                            StaffStreamHandler handler) {
  routes_.push_back({method, std::string(pattern), action});
  router_.AddStream(
      method, pattern,
      [this, action, handler = std::move(handler)](http::Request& request) -> http::StreamReply {
        auto admitted = Admit(request, action);
        if (auto* refused = std::get_if<http::Response>(&admitted)) return std::move(*refused);
        auto& staff_request = *std::get<std::shared_ptr<StaffRequest>>(admitted);
        http::StreamReply reply = handler(request, staff_request);
        if (auto* response = std::get_if<http::Response>(&reply)) {
          return Finish(request, staff_request, std::move(*response));
        }
        auto& start = std::get<http::StreamStart>(reply);
        http::Response head;
        head.status = start.status;
        head = Finish(request, staff_request, std::move(head), "stream opened");
        if (head.status != start.status) return head;  // its audit entry could not be stored
        for (auto& header : head.headers) start.headers.push_back(std::move(header));
        return reply;
      });
}

http::Response StaffRoutes::Finish(const http::Request& request, const StaffRequest& staff_request,
                                   http::Response response, std::string_view detail) const {
  // Leaves the entry of an access the handler did not record itself (a refusal, a read of
  // something that is not patient data, a failed write) before the answer goes out.
  if (!staff_request.recorded()) {
    std::string text(detail);
    if (text.empty()) text = "status " + std::to_string(response.status);
    auto appended = read_audit_.AppendAudit(staff_request.Audit(std::nullopt, request.path, text));
    if (!appended) response = http::Problem(appended.error());
  }
  return NoStore(std::move(response));
}

std::variant<http::Response, std::shared_ptr<StaffRequest>> StaffRoutes::Admit(
    http::Request& request, staff::Action action) const {
  auto signed_in = CheckSession(request, request.PathParam("clinic"));
  if (!signed_in) return NoStore(http::Problem(signed_in.error()));
  auto staff_request = std::make_shared<StaffRequest>(
      std::move(signed_in->clinic), std::move(signed_in->account), std::move(signed_in->session),
      action, clock_.Now(), request.client_address, request.request_id, read_audit_);
  if (ChangesState(request.method)) {
    if (auto checked = CheckWriteOrigin(request, staff_request->session()); !checked) {
      return Finish(request, *staff_request, http::Problem(checked.error()),
                    "refused: " + checked.error().message());
    }
  }
  if (staff::AccessOf(staff_request->account().role, action) == staff::Access::kDenied) {
    spdlog::info("staff access denied: action {} role {} staff {}: the role may not do this",
                 staff::ToString(action), staff::ToString(staff_request->account().role),
                 staff_request->account().id.value());
    return Finish(request, *staff_request,
                  http::Problem(Error(ErrorCode::kForbidden, "your role may not do this")),
                  "refused: the role may not do this");
  }
  return staff_request;
}

}  // namespace unknot::api::v1
