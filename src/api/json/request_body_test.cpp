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

TEST(RequestBodyTest, DeepNestingIsCheckedWithoutRecursion) {
  // As deep as the server's 1 MiB body limit allows (HttpServer's Options::body_limit). Each level
  // once copied the whole path above it, which made this body cost the square of its depth: under
  // the sanitizers that outlasts the test's timeout.
  const std::size_t depth = ((1u << 20) - 16) / 2;
  std::string body =
      "{\"a\":" + std::string(depth, '[') + "\"\\u0007\"" + std::string(depth, ']') + "}";
  ASSERT_LE(body.size(), std::size_t{1} << 20);
  std::string refusal = Refusal(body);
  // The path ("a" and a "[0]" for each level) is named by its two ends.
  std::string field = refusal.substr(0, refusal.find(": "));
  EXPECT_LE(field.size(), 245u) << refusal.substr(0, 300);
  EXPECT_EQ(field.rfind("a[0][0][0]", 0), 0u) << field;
  EXPECT_NE(field.find("\u2026"), std::string::npos) << field;
  EXPECT_TRUE(field.ends_with("[0][0]")) << field;
  EXPECT_NE(refusal.find("U+0007"), std::string::npos);
}

TEST(RequestBodyTest, ALongPathIsShortenedBetweenCharacters) {
  // "a" then ".€" (4 bytes) per level: the cut after 120 bytes falls inside a "€".
  std::string body = "{\"a\":";
  for (int i = 0; i < 100; ++i) body += "{\"\u20ac\":";
  body += "\"\\u0001\"" + std::string(101, '}');
  std::string refusal = Refusal(body);
  std::string field = refusal.substr(0, refusal.find(": "));
  EXPECT_LT(field.size(), 245u) << field;
  EXPECT_EQ(field.rfind("a.\u20ac.\u20ac", 0), 0u) << field;
  EXPECT_TRUE(field.ends_with(".\u20ac.\u20ac")) << field;
  EXPECT_NO_THROW((void)nlohmann::json(field).dump()) << "valid UTF-8";
  // A path up to the limit is named whole.
  EXPECT_EQ(Refusal(R"({"visit": {"note": "\u0000"}})").rfind("visit.note: ", 0), 0u);
}

TEST(RequestBodyTest, PathsAreRightAfterADeepOrWideSibling) {
  // Siblings visited after a subtree get their own parent's path back, not the subtree's.
  EXPECT_EQ(
      Refusal(R"({"a": [[["x"]], "ok", {"b": ["y", "\u0001"]}], "c": 1})").rfind("a[2].b[1]: ", 0),
      0u);
  EXPECT_EQ(Refusal(R"({"p": [{"deep": {"er": ["fine"]}}, {"q\u0001": 1}]})"),
            "p[1].q\\u0001: is a member name with control characters");
  EXPECT_EQ(Refusal(R"({"": {"x": "\u0002"}})").rfind("x: ", 0), 0u);
  std::string wide = "{\"a\": [" + std::string(1000, '[') + std::string(1000, ']');
  for (int i = 0; i < 20000; ++i) wide += ", \"ok\"";
  wide += ", \"\\u0003\"]}";
  EXPECT_EQ(Refusal(wide).rfind("a[20001]: ", 0), 0u) << Refusal(wide).substr(0, 80);
}

}  // namespace
}  // namespace unknot::api::json
