#include "api/http/beast_messages.hpp"

#include <gtest/gtest.h>

#include <sstream>

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

}  // namespace
}  // namespace unknot::api::http
