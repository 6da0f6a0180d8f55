#include "api/json/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace unknot::api::json {
namespace {

// What Writer writes is JSON that reads back as what was written, whatever the text holds.
TEST(JsonWriterTest, StringsReadBackUnchanged) {
  for (const std::string& text : {std::string("plain"), std::string("quote \" and backslash \\"),
                                  std::string("new\nline, tab\t, bell\a, nul ") + '\0' + "!",
                                  std::string("</script><b>&amp;"), std::string("Zoë Ñúñez 👍")}) {
    Writer w;
    w.Raw("{").Key("text", true).String(text).Key("n").Int(-42).Key("b").Bool(true).Raw("}");
    auto parsed = nlohmann::json::parse(w.Take());
    EXPECT_EQ(parsed["text"], text);
    EXPECT_EQ(parsed["n"], -42);
    EXPECT_EQ(parsed["b"], true);
  }
}

TEST(JsonWriterTest, InstantsAndSpansAreRfc3339Utc) {
  const core::Instant start{std::chrono::seconds{1796083200}};  // 2026-12-01T00:00:00Z
  auto span = core::Interval::Create(start, start + std::chrono::minutes{30});
  ASSERT_TRUE(span);
  Writer w;
  w.Raw("{").Key("at", true).Instant(start).Key("spans").Spans({*span}).Raw("}");
  auto parsed = nlohmann::json::parse(w.Take());
  EXPECT_EQ(parsed["at"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(parsed["spans"][0]["start"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(parsed["spans"][0]["end"], "2026-12-01T00:30:00Z");
}

}  // namespace
}  // namespace unknot::api::json
