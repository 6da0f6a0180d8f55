#include "api/http/security_headers.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace unknot::api::http {
namespace {

constexpr std::string_view kCsp = "Content-Security-Policy";
constexpr std::string_view kNoSniff = "X-Content-Type-Options";
constexpr std::string_view kReferrer = "Referrer-Policy";

// Header names are ASCII: compare them without the locale that boost::iequals consults.
bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

void SetAppContentSecurityPolicy(Response& response) {
  std::erase_if(response.headers,
                [](const auto& header) { return EqualsIgnoringCase(header.first, kCsp); });
  response.headers.emplace_back(std::string(kCsp), std::string(kAppContentSecurityPolicy));
}

void ForEachMissingSecurityHeader(
    const Response& response, const std::function<void(std::string_view, std::string_view)>& add) {
  bool has_no_sniff = false;
  bool has_referrer = false;
  bool has_csp = false;
  for (const auto& [name, value] : response.headers) {
    has_no_sniff = has_no_sniff || EqualsIgnoringCase(name, kNoSniff);
    has_referrer = has_referrer || EqualsIgnoringCase(name, kReferrer);
    has_csp = has_csp || EqualsIgnoringCase(name, kCsp);
  }
  if (!has_no_sniff) add(kNoSniff, "nosniff");
  if (!has_referrer) add(kReferrer, "no-referrer");
  if (!has_csp) add(kCsp, kLockedContentSecurityPolicy);
}

void AddSecurityHeaders(Response& response) {
  std::vector<std::pair<std::string, std::string>> missing;
  ForEachMissingSecurityHeader(response, [&missing](std::string_view name, std::string_view value) {
    missing.emplace_back(std::string(name), std::string(value));
  });
  for (auto& header : missing) response.headers.push_back(std::move(header));
}

}  // namespace unknot::api::http
