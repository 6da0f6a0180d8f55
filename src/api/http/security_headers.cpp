#include "api/http/security_headers.hpp"

#include <algorithm>
#include <string>

#include <boost/algorithm/string/predicate.hpp>

namespace unknot::api::http {
namespace {

constexpr std::string_view kCsp = "Content-Security-Policy";

bool Has(const Response& response, std::string_view name) {
  return std::any_of(response.headers.begin(), response.headers.end(),
                     [name](const auto& header) { return boost::iequals(header.first, name); });
}

void AddIfMissing(Response& response, std::string_view name, std::string_view value) {
  if (!Has(response, name)) response.headers.emplace_back(std::string(name), std::string(value));
}

}  // namespace

void SetAppContentSecurityPolicy(Response& response) {
  std::erase_if(response.headers,
                [](const auto& header) { return boost::iequals(header.first, kCsp); });
  response.headers.emplace_back(std::string(kCsp), std::string(kAppContentSecurityPolicy));
}

void AddSecurityHeaders(Response& response) {
  AddIfMissing(response, "X-Content-Type-Options", "nosniff");
  AddIfMissing(response, "Referrer-Policy", "no-referrer");
  AddIfMissing(response, kCsp, kLockedContentSecurityPolicy);
}

}  // namespace unknot::api::http
