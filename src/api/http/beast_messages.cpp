#include "api/http/beast_messages.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>

#include "api/http/percent_encoding.hpp"
#include "api/http/security_headers.hpp"

namespace unknot::api::http {
namespace {

namespace bhttp = boost::beast::http;

// Header names are ASCII: no locale lookup per character.
std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool HasNoBody(unsigned status) { return status < 200 || status == 204 || status == 304; }

// Beast writes header fields as given: a CR or LF would end the field early and let the rest of
// the value pass for another header (response splitting); a NUL is never valid.
bool BreaksHeader(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool HasBrokenHeader(const Response& response) {
  if (BreaksHeader(response.content_type)) return true;
  return std::any_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
    return header.first.empty() || BreaksHeader(header.first) || BreaksHeader(header.second);
  });
}

}  // namespace

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

core::Result<Request> ToRequest(BeastRequest&& message) {
  Request request;
  request.method = ToMethod(message.method());
  std::string_view target(message.target().data(), message.target().size());
  if (target.empty() || target.front() != '/') {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "the request target must be a path starting with '/'");
  }
  std::size_t question = target.find('?');
  request.path = UNKNOT_TRY(DecodePath(target.substr(0, question)));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) {
    request.headers.emplace_back(
        Lowercase(std::string_view(field.name_string().data(), field.name_string().size())),
        std::string(field.value().data(), field.value().size()));
  }
  request.body = std::move(message.body());
  return request;
}

BeastResponse ToBeastResponse(Response response, const ResponseOptions& options) {
  if (response.status < 100 || response.status > 999) {
    spdlog::error("handler returned invalid HTTP status {}", response.status);
    response = Problem(core::Error(core::ErrorCode::kInternal, "invalid response status"));
  }
  if (HasBrokenHeader(response)) {
    spdlog::error("handler returned a header with CR, LF or NUL (status {})", response.status);
    response = Problem(core::Error(core::ErrorCode::kInternal, "invalid response header"));
  }
  BeastResponse message;
  message.version(options.version);
  message.result(response.status);
  message.set(bhttp::field::server, options.server_name);
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  // As AddSecurityHeaders would append them, without copying them into `response` first.
  ForEachMissingSecurityHeader(response, [&message](std::string_view name, std::string_view value) {
    message.insert(name, value);
  });
  message.keep_alive(options.keep_alive);
  if (HasNoBody(response.status)) return message;
  message.set(bhttp::field::content_type, response.content_type);
  message.content_length(response.body.size());
  if (!options.head) message.body() = std::move(response.body);
  return message;
}

std::string ResponseHead(const BeastResponse& message) {
  boost::beast::string_view reason = message.reason();
  if (reason.empty()) reason = bhttp::obsolete_reason(message.result());
  std::size_t size = 17 + reason.size();  // "HTTP/1.1 200 " and two CRLFs
  for (const auto& field : message) {
    size += field.name_string().size() + field.value().size() + 4;
  }
  std::string head;
  head.reserve(size);
  const unsigned version = message.version();
  const unsigned status = message.result_int();
  head += "HTTP/";
  head += static_cast<char>('0' + version / 10);
  head += '.';
  head += static_cast<char>('0' + version % 10);
  head += ' ';
  head += static_cast<char>('0' + status / 100);
  head += static_cast<char>('0' + status / 10 % 10);
  head += static_cast<char>('0' + status % 10);
  head += ' ';
  head.append(reason.data(), reason.size());
  head += "\r\n";
  for (const auto& field : message) {
    head.append(field.name_string().data(), field.name_string().size());
    head += ": ";
    head.append(field.value().data(), field.value().size());
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

}  // namespace unknot::api::http
