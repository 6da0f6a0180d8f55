#include "api/http/percent_encoding.hpp"

#include <gtest/gtest.h>

namespace unknot::api::http {
namespace {

TEST(DecodePathTest, DecodesEscapesAndKeepsPlus) {
  auto decoded = DecodePath("/c/caf%C3%A9/a+b%2Fc%2e%2E");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, "/c/café/a+b/c..");
}

TEST(DecodePathTest, RejectsMalformedEscapes) {
  for (const char* bad : {"/a%", "/a%2", "/a%zz", "/a%2g"}) {
    auto decoded = DecodePath(bad);
    ASSERT_FALSE(decoded) << bad;
    EXPECT_EQ(decoded.error().code(), core::ErrorCode::kInvalidArgument);
  }
}

TEST(DecodePathTest, RejectsNul) {
  EXPECT_FALSE(DecodePath("/a%00b"));
  EXPECT_FALSE(DecodePath(std::string_view("/a\0b", 4)));
}

TEST(EncodePathSegmentTest, EscapesWhatCannotStandInASegment) {
  EXPECT_EQ(EncodePathSegment("mission-sports-chiro"), "mission-sports-chiro");
  EXPECT_EQ(EncodePathSegment("a b/c?d#e%f"), "a%20b%2Fc%3Fd%23e%25f");
  EXPECT_EQ(EncodePathSegment("x\r\nSet-Cookie: y"), "x%0D%0ASet-Cookie:%20y");
  EXPECT_EQ(EncodePathSegment("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(EncodePathSegment("~a_b.c!$&'()*+,;=:@"), "~a_b.c!$&'()*+,;=:@");
}

TEST(EncodePathSegmentTest, DecodesBackToTheSameBytes) {
  std::string every_byte;
  for (int b = 1; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  auto decoded = DecodePath(EncodePathSegment(every_byte));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, every_byte);
}

TEST(DecodeQueryComponentTest, IsLenient) {
  EXPECT_EQ(DecodeQueryComponent("a+b%20c"), "a b c");
  EXPECT_EQ(DecodeQueryComponent("100%"), "100%");
  EXPECT_EQ(DecodeQueryComponent("%4"), "%4");
  EXPECT_EQ(DecodeQueryComponent("%g1%41"), "%g1A");
}

}  // namespace
}  // namespace unknot::api::http
