#include "api/http/message.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "api/http/percent_encoding.hpp"

namespace unknot::api::http {
namespace {

constexpr std::string_view kProblemTypeBase = "https://unknot.dev/problems/";

// Reason phrases from RFC 9110 for the statuses this server is likely to send.
constexpr std::pair<unsigned, std::string_view> kStatusTitles[] = {
    {100, "Continue"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {422, "Unprocessable Content"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// "Method Not Allowed" -> "method-not-allowed": lower-case ASCII letters and digits, every other
// run of characters becomes one '-'.
std::string Slug(std::string_view title) {
  std::string slug;
  for (char c : title) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte)) {
      slug.push_back(static_cast<char>(std::tolower(byte)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  if (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string_view TitleFor(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kInvalidArgument:
      return "Invalid request";
    case core::ErrorCode::kNotFound:
      return "Not found";
    case core::ErrorCode::kConflict:
      return "Conflict";
    case core::ErrorCode::kUnavailable:
      return "Service unavailable";
    case core::ErrorCode::kInternal:
      return "Internal error";
    case core::ErrorCode::kUnauthenticated:
      return "Sign-in required";
    case core::ErrorCode::kForbidden:
      return "Forbidden";
    case core::ErrorCode::kRateLimited:
      return "Too many requests";
  }
  return "Internal error";
}

Response MakeProblem(unsigned status, std::string_view type_slug, std::string_view title,
                     std::string_view detail, const std::vector<core::FieldError>& errors) {
  nlohmann::json body = {
      {"type", std::string(kProblemTypeBase) + std::string(type_slug)},
      {"title", title},
      {"status", status},
      {"detail", detail},
  };
  if (!errors.empty()) {
    auto& list = body["errors"] = nlohmann::json::array();
    for (const auto& error : errors) {
      list.push_back({{"field", error.field}, {"reason", error.reason}});
    }
  }
  Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  // Details may echo user input; invalid UTF-8 is replaced rather than thrown on.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace

std::string_view ToString(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::string LoggablePath(std::string_view target) {
  constexpr std::size_t kMaxBytes = 512;
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  // A hold's token is its path's last segment: a credential, never logged.
  constexpr std::string_view kHolds = "/holds/";
  std::string redacted;
  if (std::size_t at = path.find(kHolds); at != std::string_view::npos) {
    std::size_t from = at + kHolds.size();
    std::size_t to = std::min(path.find('/', from), path.size());
    if (to > from) {
      redacted = std::string(path.substr(0, from)) + "{token}" + std::string(path.substr(to));
      path = redacted;
    }
  }
  std::string out;
  out.reserve(std::min(path.size(), kMaxBytes) + 3);
  for (std::size_t i = 0; i < path.size() && i < kMaxBytes; ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (path.size() > kMaxBytes) out += "...";
  return out;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (DecodeQueryComponent(raw_name) == name) return DecodeQueryComponent(raw_value);
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

Response Response::Json(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response Response::Text(unsigned status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Response Response::Redirect(unsigned status, std::string location) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

std::string_view StatusTitle(unsigned status) {
  for (const auto& [code, title] : kStatusTitles) {
    if (code == status) return title;
  }
  return "Unknown Status";
}

Response Problem(unsigned status, std::string_view title, std::string_view detail,
                 const std::vector<core::FieldError>& errors) {
  if (title.empty()) title = StatusTitle(status);
  return MakeProblem(status, Slug(title), title, detail, errors);
}

unsigned StatusFor(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kInvalidArgument:
      return 400;
    case core::ErrorCode::kNotFound:
      return 404;
    case core::ErrorCode::kConflict:
      return 409;
    case core::ErrorCode::kUnavailable:
      return 503;
    case core::ErrorCode::kInternal:
      return 500;
    case core::ErrorCode::kUnauthenticated:
      return 401;
    case core::ErrorCode::kForbidden:
      return 403;
    case core::ErrorCode::kRateLimited:
      return 429;
  }
  return 500;
}

Response Problem(const core::Error& error) {
  std::string type_slug(core::ToString(error.code()));
  std::replace(type_slug.begin(), type_slug.end(), '_', '-');
  // What went wrong inside (a libpq or SQLite message, a host name, a file) is for the log, not
  // for the client: it helps an attacker and means nothing to a patient.
  std::string_view detail = error.message();
  if (error.code() == core::ErrorCode::kInternal) {
    spdlog::error("internal error: {}", error.message());
    detail = kInternalDetail;
  } else if (error.code() == core::ErrorCode::kUnavailable) {
    spdlog::warn("unavailable: {}", error.message());
    detail = kUnavailableDetail;
  }
  return MakeProblem(StatusFor(error.code()), type_slug, TitleFor(error.code()), detail,
                     error.fields());
}

}  // namespace unknot::api::http
