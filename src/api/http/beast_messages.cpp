#include "api/http/beast_messages.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "api/http/percent_encoding.hpp"
#include "api/http/security_headers.hpp"

namespace unknot::api::http {
namespace {

namespace bhttp = boost::beast::http;

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

bool HasNoBody(unsigned status) { return status < 200 || status == 204 || status == 304; }

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
  AddSecurityHeaders(response);
  BeastResponse message;
  message.version(options.version);
  message.result(response.status);
  message.set(bhttp::field::server, options.server_name);
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  message.keep_alive(options.keep_alive);
  if (HasNoBody(response.status)) return message;
  message.set(bhttp::field::content_type, response.content_type);
  message.content_length(response.body.size());
  if (!options.head) message.body() = std::move(response.body);
  return message;
}

}  // namespace unknot::api::http
