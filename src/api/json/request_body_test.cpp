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
  const std::size_t depth = 100000;
  std::string body =
      "{\"a\":" + std::string(depth, '[') + "\"\\u0007\"" + std::string(depth, ']') + "}";
  std::string refusal = Refusal(body);
  EXPECT_EQ(refusal.rfind("a[0][0][0]", 0), 0u) << refusal.substr(0, 80);
  EXPECT_NE(refusal.find("U+0007"), std::string::npos);
}

}  // namespace
}  // namespace unknot::api::json
