#include "api/http/beast_messages.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <boost/beast/http/write.hpp>

namespace unknot::api::http {
namespace {

namespace bhttp = boost::beast::http;

std::string Wire(const BeastResponse& message) {
  std::ostringstream out;
  out << message;
  return out.str();
}

TEST(ToBeastResponseTest, WritesStatusHeadersAndBody) {
  Response response = Response::Json(201, R"({"id":1})");
  response.headers.emplace_back("Location", "/x/1");
  BeastResponse message = ToBeastResponse(response, {.server_name = "unknot"});
  EXPECT_EQ(message.result_int(), 201u);
  EXPECT_EQ(message[bhttp::field::location], "/x/1");
  EXPECT_EQ(message[bhttp::field::content_type], "application/json");
  EXPECT_EQ(message.body(), R"({"id":1})");
}

// The server's last line of defence against response splitting: a handler that lets a CR or LF
// into a header (as the /c/{clinic} redirect once did) gets a 500, never a second header.
TEST(ToBeastResponseTest, AHeaderWithALineBreakIsA500) {
  for (const char* value : {"/c/x\r\nSet-Cookie: a=b/", "/c/x\n", "a\rb"}) {
    Response response = Response::Redirect(301, value);
    BeastResponse message = ToBeastResponse(response, {.server_name = "unknot"});
    EXPECT_EQ(message.result_int(), 500u) << value;
    EXPECT_EQ(Wire(message).find("Set-Cookie"), std::string::npos);
  }
  Response nul = Response::Text(200, "x");
  nul.headers.emplace_back("X-A", std::string("a\0b", 3));
  EXPECT_EQ(ToBeastResponse(nul, {}).result_int(), 500u);
  Response bad_type = Response::Text(200, "x", "text/plain\r\nX-B: c");
  EXPECT_EQ(ToBeastResponse(bad_type, {}).result_int(), 500u);
  Response no_name = Response::Text(200, "x");
  no_name.headers.emplace_back("", "v");
  EXPECT_EQ(ToBeastResponse(no_name, {}).result_int(), 500u);
}

// The server writes ResponseHead and the body itself: the bytes must be the serializer's.
TEST(ResponseHeadTest, IsWhatBeastWouldWriteBeforeTheBody) {
  Response created = Response::Json(201, R"({"id":1})");
  created.headers.emplace_back("Location", "/x/1");
  Response head_of = Response::Text(200, "hello");
  Response odd = Response::Text(299, "odd status");
  Response own_policy = Response::Text(200, "<p>");
  own_policy.headers.emplace_back("content-security-policy", "default-src 'self'");
  const std::vector<BeastResponse> messages = {
      ToBeastResponse(created, {.server_name = "unknot"}),
      ToBeastResponse(Response::Text(204, ""), {.keep_alive = false, .server_name = "unknot"}),
      ToBeastResponse(head_of, {.head = true, .server_name = "unknot"}),
      ToBeastResponse(Response::Redirect(301, "/c/x/"), {.version = 10, .server_name = "u"}),
      ToBeastResponse(odd, {.version = 10, .keep_alive = false, .server_name = "u"}),
      ToBeastResponse(own_policy, {.server_name = "unknot"}),
  };
  for (const BeastResponse& message : messages) {
    std::string wire = Wire(message);
    EXPECT_EQ(ResponseHead(message) + message.body(), wire);
  }
  EXPECT_EQ(ResponseHead(messages[0]).substr(0, 22), "HTTP/1.1 201 Created\r\n");
}

// Every answer carries the security headers once, after the handler's own.
TEST(ToBeastResponseTest, AddsTheSecurityHeadersAfterTheHandlersOwn) {
  Response response = Response::Text(200, "x");
  response.headers.emplace_back("X-A", "1");
  response.headers.emplace_back("referrer-policy", "same-origin");
  std::string wire = Wire(ToBeastResponse(response, {.server_name = "unknot"}));
  EXPECT_NE(wire.find("X-A: 1\r\nreferrer-policy: same-origin\r\n"
                      "X-Content-Type-Options: nosniff\r\n"
                      "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"),
            std::string::npos)
      << wire;
  EXPECT_EQ(wire.find("Referrer-Policy"), std::string::npos);
}

}  // namespace
}  // namespace unknot::api::http
