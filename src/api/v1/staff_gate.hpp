#pragma once

// The one door to every staff route (docs/adr/0008-staff-authorization-table.md). StaffRoutes
// registers a route together with the staff::Action it performs; before the handler runs, the gate
// checks, in this order:
//   1. the clinic of the path exists (else 404);
//   2. the session cookie names a live session (else 401), whose clinic is the path's (else 404,
//      as for a thing that does not exist) and whose account is not disabled (else 401);
//   3. for a state-changing method: Content-Type application/json when there is a body (415),
//      the Origin header is the server's own (403), the X-CSRF-Token header is the session's (403);
//   4. kPolicy: a role whose cell is kDenied gets 403 before anything is looked up.
// Then the handler runs with a StaffRequest: it looks up the facts of what it touches and asks
// Authorize() (which applies staff::Decide), and it records patient-data reads with RecordRead()
// before answering, and writes by passing Audit() to the storage write. Every answer carries
// Cache-Control: no-store. No handler checks a role by hand.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/http/router.hpp"
#include "core/common/clock.hpp"
#include "core/ports/staff.hpp"
#include "core/ports/storage.hpp"
#include "core/staff/account.hpp"
#include "core/staff/authorization.hpp"
#include "security/session_cookie.hpp"

namespace unknot::api::v1 {

// The header that carries the session's CSRF token on staff writes.
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

// What a staff handler knows about the request beyond the HTTP message.
class StaffRequest {
 public:
  StaffRequest(core::clinic::Clinic clinic, core::staff::StaffAccount account,
               core::staff::Session session, core::staff::Action action, core::Instant now,
               std::string client_address, std::string request_id,
               core::ports::AuditRepository& audit);

  const core::clinic::Clinic& clinic() const { return clinic_; }
  const core::staff::StaffAccount& account() const { return account_; }
  const core::staff::Session& session() const { return session_; }
  const core::staff::Principal& principal() const { return principal_; }
  core::staff::Action action() const { return action_; }
  core::Instant now() const { return now_; }

  // staff::Decide for the route's action on `target`. kNotFound (another clinic's thing: it
  // must look like one that does not exist) or kForbidden when denied, with the reason logged.
  core::Result<core::staff::Decision> Authorize(const core::staff::Target& target) const;

  // Authorize() for a look at one of the clinic's patients' `record`: a refusal is recorded
  // against that patient before it is returned, so the owner sees attempts on a record as well
  // as reads of it.
  core::Result<core::staff::Decision> AuthorizeRead(const core::staff::Target& target,
                                                    core::PatientId patient,
                                                    const std::string& record) const;

  // The scope of a list over the clinic (Decide with Target::List): kClinic, or kOwnSchedule /
  // kOwnPatients, to which the handler narrows what it returns.
  core::staff::Access ListScope() const;

  // An audit entry for this request, filled in but for what was touched.
  core::staff::AuditEntry Audit(std::optional<core::PatientId> patient, std::string record,
                                std::string detail = "") const;

  // Appends a read's audit entry now. A handler answers with patient data only when this
  // succeeded (an unrecorded read is not allowed to happen).
  core::Result<void> RecordRead(std::optional<core::PatientId> patient, std::string record,
                                std::string detail = "") const;

  // Says that the handler's own audit entry is stored (it passed Audit() to a write that
  // committed). Otherwise the gate appends one entry for the request after the handler, with the
  // answer's status: every staff access leaves an entry.
  void Recorded() const { recorded_ = true; }
  bool recorded() const { return recorded_; }

 private:
  core::clinic::Clinic clinic_;
  core::staff::StaffAccount account_;
  core::staff::Session session_;
  core::staff::Principal principal_;
  core::staff::Action action_;
  core::Instant now_;
  std::string client_address_;
  std::string request_id_;
  core::ports::AuditRepository* audit_;
  mutable bool recorded_ = false;
};

// The patient fact staff::Decide needs: kHasAppointment when the principal is a practitioner
// with an appointment with `patient`, else kNone.
core::Result<core::staff::PatientLink> PatientLinkOf(core::ports::Storage& storage,
                                                     const StaffRequest& staff,
                                                     core::PatientId patient);

// `response` with Cache-Control: no-store, as every staff answer is sent (the gate adds it to the
// routes behind it; the sign-in door's routes call this themselves).
http::Response NoStore(http::Response response);

using StaffHandler = std::function<http::Response(http::Request&, StaffRequest&)>;
// For a route whose answer comes later (password hashing): calls `respond` exactly once.
using AsyncStaffHandler =
    std::function<void(http::Request&, std::shared_ptr<StaffRequest>, http::Respond)>;
// For a route that may answer with a long-lived stream (http::StreamStart).
using StaffStreamHandler = std::function<http::StreamReply(http::Request&, StaffRequest&)>;

struct StaffRouteInfo {
  http::Method method;
  std::string pattern;
  core::staff::Action action;
};

struct StaffGateOptions {
  // kSecure with serve --secure-cookies: the cookie is __Host-unknot_session, Secure.
  security::CookieSecurity cookie_security = security::CookieSecurity::kPlainHttp;
  // Origins (scheme://host[:port]) a state-changing staff request may come from besides the one
  // its Host header names (e.g. the public name behind a TLS-terminating proxy). Requests whose
  // Origin is absent are refused too.
  std::vector<std::string> allowed_origins;
};

class StaffRoutes {
 public:
  // `storage` and `clock` must outlive the router.
  StaffRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
              StaffGateOptions options = {});
  // The same, with the audit entries of reads and of the gate's own records (not those of writes,
  // which commit with their write in `storage`) appended to `read_audit`: for the benchmark that
  // prices a read's audit entry (bench/staff_request_bench.cpp). The server uses the one above.
  StaffRoutes(http::Router& router, core::ports::Storage& storage,
              core::ports::AuditRepository& read_audit, const core::Clock& clock,
              StaffGateOptions options = {});

  // Registers `handler` for `method` and `pattern` (under /api/v1/clinics/{clinic}/) behind the
  // gate, performing `action`.
  void Add(http::Method method, std::string_view pattern, core::staff::Action action,
           StaffHandler handler);
  void AddAsync(http::Method method, std::string_view pattern, core::staff::Action action,
                AsyncStaffHandler handler);
  // A stream is one access: the gate appends its entry ("stream opened") before the head goes
  // out unless the handler recorded one, and a stream whose entry cannot be stored is not opened.
  // Its head carries Cache-Control: no-store too.
  void AddStream(http::Method method, std::string_view pattern, core::staff::Action action,
                 StaffStreamHandler handler);

  // Every route registered here, for the authorization matrix test.
  const std::vector<StaffRouteInfo>& routes() const { return routes_; }

  // The signed-in session of `request` for the clinic `slug`, checked as the gate does (steps 1
  // and 2 above, without the action): for routes that need a session but have their own door
  // (sign-out, GET .../session). kNotFound, kUnauthenticated. Moves last_seen_at forward.
  struct Signed {
    core::clinic::Clinic clinic;
    core::staff::StaffAccount account;
    core::staff::Session session;
  };
  core::Result<Signed> CheckSession(const http::Request& request, std::string_view slug) const;

  // Steps 3 of the gate for a state-changing request: CSRF token and Origin. kForbidden.
  core::Result<void> CheckWriteOrigin(const http::Request& request,
                                      const core::staff::Session& session) const;

  const StaffGateOptions& options() const { return options_; }
  core::ports::Storage& storage() const { return storage_; }
  const core::Clock& clock() const { return clock_; }

 private:
  // Steps 1-4: the StaffRequest to hand to the handler, or the refusal to send.
  std::variant<http::Response, std::shared_ptr<StaffRequest>> Admit(
      http::Request& request, core::staff::Action action) const;
  // Appends the request's audit entry when the handler did not, and marks the answer no-store.
  http::Response Finish(const http::Request& request, const StaffRequest& staff_request,
                        http::Response response, std::string_view detail = "") const;

  http::Router& router_;
  core::ports::Storage& storage_;
  core::ports::AuditRepository& read_audit_;
  const core::Clock& clock_;
  StaffGateOptions options_;
  std::vector<StaffRouteInfo> routes_;
};

}  // namespace unknot::api::v1
