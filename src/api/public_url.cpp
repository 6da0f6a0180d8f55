#include "api/public_url.hpp"

#include <algorithm>
#include <cctype>

namespace unknot::api {

std::string PublicOrigin(const http::Request& request) {
  std::string_view host = request.Header("host").value_or("");
  bool plausible =
      !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return std::isalnum(u) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
      });
  if (!plausible) host = "localhost";
  auto proto = request.Header("x-forwarded-proto");
  std::string scheme = proto && *proto == "https" ? "https" : "http";
  return scheme + "://" + std::string(host);
}

}  // namespace unknot::api
