#include "api/json/request_body.hpp"

#include <gtest/gtest.h>

#include <string>

namespace unknot::api::json {
namespace {

using namespace std::string_view_literals;

// The single field error of a refused body, as "field: reason".
std::string Refusal(std::string_view body, std::span<const std::string_view> multiline = {}) {
  auto parsed = ParseObjectBody(body, multiline);
  if (parsed) return "accepted";
  EXPECT_EQ(parsed.error().code(), core::ErrorCode::kInvalidArgument);
  if (parsed.error().fields().size() != 1) return "fields: " + parsed.error().message();
  const auto& field = parsed.error().fields()[0];
  return field.field + ": " + field.reason;
}

TEST(RequestBodyTest, AnObjectIsReturnedAsParsed) {
  auto parsed = ParseObjectBody(R"({"service": 3, "patient": {"given_name": "Zoë"}, "x": [1.5]})");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ((*parsed)["service"], 3);
  EXPECT_EQ((*parsed)["patient"]["given_name"], "Zoë");
  EXPECT_EQ((*parsed)["x"][0], 1.5);
}

TEST(RequestBodyTest, InvalidJsonSaysWhatAndWhere) {
  EXPECT_EQ(Refusal("0x2"),
            "body: is not valid JSON at byte 2: syntax error while parsing value - invalid "
            "literal; last read: '0x'; expected end of input");
  EXPECT_EQ(Refusal(R"({"start": 1e999})"),
            "body: is not valid JSON at byte 15: number overflow parsing '1e999'");
  EXPECT_EQ(Refusal(R"({"a": 1,})").rfind("body: is not valid JSON at byte 9: ", 0), 0u)
      << Refusal(R"({"a": 1,})");
  EXPECT_EQ(Refusal(R"({"a": 1} {})").rfind("body: is not valid JSON at byte 10: ", 0), 0u);
  EXPECT_EQ(Refusal("{\"a\": \"\xff\"}").rfind("body: is not valid JSON at byte 8: ", 0), 0u)
      << Refusal("{\"a\": \"\xff\"}");
  EXPECT_EQ(Refusal("").rfind("body: is not valid JSON at byte 1: ", 0), 0u) << Refusal("");
}

TEST(RequestBodyTest, ValidJsonOfAnotherKindIsNotAnObject) {
  for (const char* body : {"[1, 2]", "\"text\"", "42", "null", "true"}) {
    EXPECT_EQ(Refusal(body), "body: must be a JSON object") << body;
  }
}

TEST(RequestBodyTest, ControlCharactersAreRefusedWithThePathOfTheirString) {
  EXPECT_EQ(Refusal(R"({"patient": {"family_name": "Ruiz", "given_name": "A\u0000B"}})"),
            "patient.given_name: must not contain control characters (U+0000 at character 2); "
            "it is one line");
  EXPECT_EQ(Refusal(R"({"knots": [{"region": "upper_back"}, {"region": "x\u001b[2J"}]})"),
            "knots[1].region: must not contain control characters (U+001B at character 2); it "
            "is one line");
  EXPECT_EQ(Refusal(R"({"causes": ["desk", "a\nb"]})").rfind("causes[1]: ", 0), 0u);
  EXPECT_EQ(Refusal(R"({"answers": {"a\u0001b": "yes"}})"),
            "answers.a\\u0001b: is a member name with control characters");
  // The first one in document order is named.
  EXPECT_EQ(Refusal(R"({"a": "\t", "b": "\u0000"})").rfind("a: ", 0), 0u);
}

TEST(RequestBodyTest, LineBreaksPassOnlyInMultilineFields) {
  constexpr std::string_view kNote[] = {"visit.note"};
  const char* body = R"({"visit": {"note": "first line\r\nsecond\tline", "title": "ok"}})";
  EXPECT_EQ(Refusal(body, kNote), "accepted");
  EXPECT_EQ(Refusal(body).rfind("visit.note: ", 0), 0u);
  EXPECT_EQ(Refusal(R"({"visit": {"note": "a\u0000"}})", kNote).rfind("visit.note: ", 0), 0u);
}

// `{"a": [[…"text"…]]}`: the object and `arrays` arrays around a string, `arrays` + 1 levels.
std::string Nested(std::size_t arrays, std::string_view text = "\"ok\"") {
  return "{\"a\":" + std::string(arrays, '[') + std::string(text) + std::string(arrays, ']') + "}";
}

TEST(RequestBodyTest, NestingIsRefusedBeyondSixtyFourLevels) {
  EXPECT_EQ(Refusal(Nested(kMaxBodyDepth - 1)), "accepted");
  EXPECT_EQ(Refusal(Nested(kMaxBodyDepth)),
            "body: nests objects and arrays more than 64 levels deep");
  // As deep as the server's 1 MiB body limit allows (HttpServer's Options::body_limit): refused
  // as soon as the parser passes the limit. Accepted, the value would overflow the stack of the
  // first recursive copy or dump().
  std::string deep = Nested(((1u << 20) - 16) / 2, "\"\\u0007\"");
  ASSERT_LE(deep.size(), std::size_t{1} << 20);
  EXPECT_EQ(Refusal(deep), "body: nests objects and arrays more than 64 levels deep");
  std::string objects = "{";
  for (int i = 0; i < 100000; ++i) objects += "\"o\":{";
  EXPECT_EQ(Refusal(objects + std::string(100001, '}')),
            "body: nests objects and arrays more than 64 levels deep");
  // Depth is counted down again on the way out: many shallow siblings are fine.
  std::string siblings = "{\"a\":[";
  for (int i = 0; i < 1000; ++i)
    siblings += (i ? "," : "") + std::string(60, '[') + std::string(60, ']');
  EXPECT_EQ(Refusal(siblings + "]}"), "accepted");
}

TEST(RequestBodyTest, APathAtTheDepthLimitIsNamedWhole) {
  std::string refusal = Refusal(Nested(kMaxBodyDepth - 1, "\"\\u0007\""));
  EXPECT_EQ(refusal.find(": "), 1 + 3 * (kMaxBodyDepth - 1)) << refusal;  // "a", a "[0]" each
  EXPECT_EQ(refusal.rfind("a[0][0][0]", 0), 0u) << refusal.substr(0, 80);
  EXPECT_NE(refusal.find("U+0007"), std::string::npos);
}

TEST(RequestBodyTest, ALongPathIsShortenedBetweenCharacters) {
  // "a" then ".€€€€" (13 bytes) per level: the cut after 120 bytes falls inside a "€".
  std::string body = "{\"a\":";
  for (int i = 0; i < 50; ++i) body += "{\"\u20ac\u20ac\u20ac\u20ac\":";
  body += "\"\\u0001\"" + std::string(51, '}');
  std::string refusal = Refusal(body);
  std::string field = refusal.substr(0, refusal.find(": "));
  EXPECT_LT(field.size(), 245u) << field;
  EXPECT_NE(field.find("\u2026"), std::string::npos) << field;
  EXPECT_EQ(field.rfind("a.\u20ac\u20ac", 0), 0u) << field;
  EXPECT_TRUE(field.ends_with(".\u20ac\u20ac\u20ac\u20ac")) << field;
  EXPECT_NO_THROW((void)nlohmann::json(field).dump()) << "valid UTF-8";
}

TEST(RequestBodyTest, WhatTheParserReadIsNotRepeatedAtLength) {
  // An unterminated string of a megabyte: the parser's "last read" is all of it.
  std::string body = "{\"a\": \"" + std::string(1 << 20, 'x');
  std::string refusal = Refusal(body);
  EXPECT_EQ(refusal.rfind("body: is not valid JSON at byte ", 0), 0u) << refusal.substr(0, 120);
  EXPECT_LT(refusal.size(), 300u) << refusal.substr(0, 300);
  EXPECT_TRUE(refusal.ends_with("\u2026")) << refusal;
  std::string euros = "{\"a\": \"";
  for (int i = 0; i < 1000; ++i) euros += "\u20ac";
  EXPECT_NO_THROW((void)nlohmann::json(Refusal(euros)).dump()) << "cut between characters";
}

TEST(RequestBodyTest, PathsAreRightAfterADeepOrWideSibling) {
  // Siblings visited after a subtree get their own parent's path back, not the subtree's.
  EXPECT_EQ(
      Refusal(R"({"a": [[["x"]], "ok", {"b": ["y", "\u0001"]}], "c": 1})").rfind("a[2].b[1]: ", 0),
      0u);
  EXPECT_EQ(Refusal(R"({"p": [{"deep": {"er": ["fine"]}}, {"q\u0001": 1}]})"),
            "p[1].q\\u0001: is a member name with control characters");
  EXPECT_EQ(Refusal(R"({"": {"x": "\u0002"}})").rfind("x: ", 0), 0u);
  std::string wide = "{\"a\": [" + std::string(60, '[') + std::string(60, ']');
  for (int i = 0; i < 100000; ++i) wide += ", \"ok\"";
  wide += ", \"\\u0003\"]}";
  EXPECT_EQ(Refusal(wide).rfind("a[100001]: ", 0), 0u) << Refusal(wide).substr(0, 80);
}

}  // namespace
}  // namespace unknot::api::json
