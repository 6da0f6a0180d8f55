#pragma once

// What the live calendar's end-to-end tests share: signing the demo staff in over HTTP and
// booking the demo clinic through the public API.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "booking_race.hpp"
#include "http_client.hpp"

namespace unknot::testing {

inline const std::string kCalendarBase = "/api/v1/clinics/mission-sports-chiro";
inline const std::string kCalendarEvents = kCalendarBase + "/calendar/events";

// The demo-only credentials README.md states; the session cookie ("name=value"), or "".
inline std::string SignInDemo(std::uint16_t port, const std::string& role) {
  std::string email = role + "@demo.unknot.test";
  std::string password = role == "owner"  ? "demo-keys-to-the-clinic"
                         : role == "desk" ? "demo-phones-and-calendar"
                                          : "demo-release-the-knots";
  HttpResult r = HttpRequest(port, "POST", kCalendarBase + "/session",
                             nlohmann::json{{"email", email}, {"password", password}}.dump());
  EXPECT_EQ(r.status, 201u) << r.body;
  const std::string cookie = r.headers["set-cookie"];
  return cookie.substr(0, cookie.find(';'));
}

inline std::int64_t DemoServiceId(std::uint16_t port, const std::string& slug) {
  const auto services = nlohmann::json::parse(HttpGet(port, kCalendarBase + "/services").body);
  for (const auto& s : services["services"]) {
    if (s["slug"] == slug) return s["id"];
  }
  return 0;
}

// Books `service` at `start` as client number `client`; the 201 body, or null.
inline nlohmann::json BookDemo(std::uint16_t port, std::int64_t service, const std::string& start,
                               int client) {
  HttpResult r = HttpRequest(port, "POST", kCalendarBase + "/appointments",
                             ClientBookingBody(service, start, client), ForwardedFor(client));
  EXPECT_EQ(r.status, 201u) << r.body;
  if (r.status != 201u) return nullptr;
  return nlohmann::json::parse(r.body);
}

}  // namespace unknot::testing
