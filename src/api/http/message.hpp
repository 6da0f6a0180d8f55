#pragma once

// Unknot's own view of an HTTP exchange. Handlers see only these types, never Beast's, so the
// routing and handler layers are testable without sockets.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/result.hpp"

namespace unknot::api::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view ToString(Method method);

struct Request {
  Method method = Method::kGet;
  std::string path;   // percent-decoded path, without the query, e.g. "/api/v1/clinics/x"
  std::string query;  // raw query string without '?', e.g. "from=2026-03-08&service=3"
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::map<std::string, std::string, std::less<>> path_params;  // filled by the Router
  // Who sent the request, as the server resolved it (TrustedProxies::ClientAddress): the TCP
  // peer, or behind a trusted reverse proxy the client it names in X-Forwarded-For. An IP address
  // in canonical text form; empty when the request did not come over a socket (unit tests).
  std::string client_address;
  // The server's name for this request, unique across processes (random per process, then a
  // counter), sent back as X-Request-Id and written to audit entries; empty in unit tests.
  std::string request_id;

  // The first header with this (case-insensitive) name.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter with this name, percent-decoded ('+' is a space).
  std::optional<std::string> QueryParam(std::string_view name) const;
  // A parameter of the matched route pattern; empty when the pattern has none of that name.
  std::string_view PathParam(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static Response Json(unsigned status, std::string body);
  static Response Text(unsigned status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response Redirect(unsigned status, std::string location);
};

// The path of a request target as a log may show it: without the query or fragment, control
// characters, DEL, '\\' and bytes outside ASCII written as \xNN, at most 512 bytes (then "...").
// A secret that rides in the path itself (the token of `…/holds/{token}`) is written as "{token}".
std::string LoggablePath(std::string_view target);

// The standard reason phrase of a status ("Bad Request" for 400), or "Unknown Status".
std::string_view StatusTitle(unsigned status);

// RFC 9457 problem details (application/problem+json) with `type`, `title`, `status`, `detail`
// and, when there are field errors, `errors: [{field, reason}]`. The `type` is
// https://unknot.dev/problems/<slug of the title>; an empty title means StatusTitle(status).
Response Problem(unsigned status, std::string_view title, std::string_view detail,
                 const std::vector<core::FieldError>& errors = {});
// The one table from ErrorCode to HTTP status: kInvalidArgument 400, kNotFound 404,
// kConflict 409, kUnavailable 503, kInternal 500, kUnauthenticated 401, kForbidden 403,
// kRateLimited 429.
unsigned StatusFor(core::ErrorCode code);
// A problem for an expected failure: status from StatusFor, a title per code ("Invalid request",
// "Not found", "Conflict", "Service unavailable", "Internal error"), `type`
// https://unknot.dev/problems/<code name with hyphens, e.g. not-found>, `detail` the error's
// message and `errors` its field errors. For kInternal and kUnavailable the message is logged
// and `detail` is kInternalDetail or kUnavailableDetail instead: it may name internals.
Response Problem(const core::Error& error);
inline constexpr std::string_view kInternalDetail =
    "The server could not complete the request; it has been logged.";
inline constexpr std::string_view kUnavailableDetail =
    "The service is unavailable for a moment (its database does not answer); try again shortly.";

}  // namespace unknot::api::http
