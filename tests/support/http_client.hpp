#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace unknot::testing {

struct HttpResult {
  unsigned status = 0;                         // 0 when the request could not be made
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request over a fresh loopback connection (Beast, synchronous).
HttpResult HttpRequest(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "");
inline HttpResult HttpGet(std::uint16_t port, const std::string& target) {
  return HttpRequest(port, "GET", target);
}

}  // namespace unknot::testing
