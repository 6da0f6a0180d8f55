#include "api/http/security_headers.hpp"

#include <gtest/gtest.h>

#include <string>

#include "api/http/beast_messages.hpp"

namespace unknot::api::http {
namespace {

std::string HeaderOf(const BeastResponse& message, std::string_view name) {
  auto found = message.find(name);
  return found == message.end() ? "<none>" : std::string(found->value());
}

int CountOf(const Response& response, std::string_view name) {
  int count = 0;
  for (const auto& [key, value] : response.headers) count += key == name ? 1 : 0;
  return count;
}

TEST(SecurityHeadersTest, EveryApiAnswerIsLockedDown) {
  BeastResponse json = ToBeastResponse(Response::Json(200, R"({"a":1})"), {});
  EXPECT_EQ(HeaderOf(json, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(json, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(HeaderOf(json, "Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");

  BeastResponse problem =
      ToBeastResponse(Problem(core::Error(core::ErrorCode::kNotFound, "no such thing")), {});
  EXPECT_EQ(HeaderOf(problem, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(problem, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(HeaderOf(problem, "Content-Security-Policy"), kLockedContentSecurityPolicy);

  // Also on answers without a body, and on the 500 that replaces an invalid status.
  EXPECT_EQ(HeaderOf(ToBeastResponse(Response::Text(204, ""), {}), "Referrer-Policy"),
            "no-referrer");
  EXPECT_EQ(HeaderOf(ToBeastResponse(Response::Text(7, "x"), {}), "X-Content-Type-Options"),
            "nosniff");
}

TEST(SecurityHeadersTest, AnAppPolicyIsKeptOnTheWayOut) {
  Response page = Response::Text(200, "<!doctype html>", "text/html; charset=utf-8");
  SetAppContentSecurityPolicy(page);
  BeastResponse message = ToBeastResponse(std::move(page), {});
  EXPECT_EQ(HeaderOf(message, "Content-Security-Policy"), kAppContentSecurityPolicy);
  EXPECT_EQ(HeaderOf(message, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(std::distance(message.equal_range("Content-Security-Policy").first,
                          message.equal_range("Content-Security-Policy").second),
            1);
}

TEST(SecurityHeadersTest, TheAppPolicyIsStrict) {
  std::string_view policy = kAppContentSecurityPolicy;
  EXPECT_NE(policy.find("script-src 'self';"), std::string_view::npos);
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_NE(policy.find("object-src 'none'"), std::string_view::npos);
  EXPECT_EQ(policy.find("unsafe"), std::string_view::npos);  // no inline script or style, no eval
}

TEST(SecurityHeadersTest, AddLeavesHeadersAHandlerSetAndSetReplaces) {
  Response response;
  response.headers.emplace_back("referrer-policy", "same-origin");
  response.headers.emplace_back("Content-Security-Policy", "default-src 'self'");
  AddSecurityHeaders(response);
  EXPECT_EQ(CountOf(response, "Referrer-Policy"), 0);
  EXPECT_EQ(CountOf(response, "referrer-policy"), 1);
  EXPECT_EQ(CountOf(response, "X-Content-Type-Options"), 1);
  EXPECT_EQ(CountOf(response, "Content-Security-Policy"), 1);

  SetAppContentSecurityPolicy(response);
  SetAppContentSecurityPolicy(response);
  ASSERT_EQ(CountOf(response, "Content-Security-Policy"), 1);
  AddSecurityHeaders(response);
  EXPECT_EQ(CountOf(response, "Content-Security-Policy"), 1);
  EXPECT_EQ(response.headers.back().second, kAppContentSecurityPolicy);
}

}  // namespace
}  // namespace unknot::api::http
