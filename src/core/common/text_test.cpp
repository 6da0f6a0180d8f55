#include "core/common/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace unknot::core {
namespace {

using namespace std::string_literals;

TEST(TextTest, ControlCharactersAreFoundWhereverTheyAre) {
  EXPECT_EQ(FindControlCharacter("Ana Ruiz", LineBreaks::kRefused), std::nullopt);
  EXPECT_EQ(FindControlCharacter("", LineBreaks::kRefused), std::nullopt);
  // UTF-8 letters are not control characters, even where a byte is 0x80-0x9F.
  EXPECT_EQ(FindControlCharacter("Zoë Müller-Łukasz \xC2\x80", LineBreaks::kRefused), std::nullopt);
  EXPECT_EQ(FindControlCharacter("A\0B"s, LineBreaks::kRefused), 1u);
  EXPECT_EQ(FindControlCharacter("A\x1b[31mB", LineBreaks::kRefused), 1u);
  EXPECT_EQ(FindControlCharacter("AB\x7f", LineBreaks::kRefused), 2u);
  EXPECT_EQ(FindControlCharacter("line\nbreak", LineBreaks::kRefused), 4u);
  EXPECT_EQ(FindControlCharacter("tab\there", LineBreaks::kRefused), 3u);
}

TEST(TextTest, LineBreaksPassOnlyWhereAllowed) {
  EXPECT_EQ(FindControlCharacter("first\r\nsecond\tthird", LineBreaks::kAllowed), std::nullopt);
  EXPECT_EQ(FindControlCharacter("first\nsec\0nd"s, LineBreaks::kAllowed), 9u);
  EXPECT_EQ(FindControlCharacter("bell\a", LineBreaks::kAllowed), 4u);
}

TEST(TextTest, TheErrorNamesTheFieldAndTheCharacter) {
  EXPECT_TRUE(ValidateText("given_name", "Ana"));
  auto refused = ValidateText("patient.given_name", "A\0B"s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_EQ(refused.error().fields().size(), 1u);
  EXPECT_EQ(refused.error().fields()[0].field, "patient.given_name");
  EXPECT_EQ(refused.error().fields()[0].reason,
            "must not contain control characters (U+0000 at character 2); it is one line");
  auto escape = ValidateText("note", "a\x1b", LineBreaks::kAllowed);
  ASSERT_FALSE(escape);
  EXPECT_NE(escape.error().fields()[0].reason.find("U+001B"), std::string::npos);
}

}  // namespace
}  // namespace unknot::core
