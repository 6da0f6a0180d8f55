#include "api/http/sse.hpp"

#include <gtest/gtest.h>

namespace unknot::api::http {
namespace {

TEST(SseTest, AnEventHasItsIdTypeAndOneDataFieldPerLine) {
  EXPECT_EQ(SseEvent("12", "appointment", R"({"id":3})"),
            "id: 12\nevent: appointment\ndata: {\"id\":3}\n\n");
  EXPECT_EQ(SseEvent("", "", "a\nb\r\nc\rd"), "data: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(SseEvent("1", "", "trailing\n"), "id: 1\ndata: trailing\n\n");
  EXPECT_EQ(SseEvent("", "ping", ""), "event: ping\ndata: \n\n");
}

TEST(SseTest, ACommentIsIgnoredByClients) {
  EXPECT_EQ(SseComment("keep-alive"), ": keep-alive\n\n");
}

}  // namespace
}  // namespace unknot::api::http
