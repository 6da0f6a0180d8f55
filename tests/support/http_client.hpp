#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace unknot::testing {

struct HttpResult {
  unsigned status = 0;                         // 0 when the request could not be made
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// One request over a fresh loopback connection (Beast, synchronous), with extra `headers`. A
// non-empty body is sent as application/json unless `headers` name a Content-Type.
HttpResult HttpRequest(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "", const HttpHeaders& headers = {});
inline HttpResult HttpGet(std::uint16_t port, const std::string& target) {
  return HttpRequest(port, "GET", target);
}

}  // namespace unknot::testing
