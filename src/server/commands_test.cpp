#include "server/commands.hpp"

#include <gtest/gtest.h>

namespace unknot::server {
namespace {

TEST(ParseListenAddressTest, AcceptsHostAndPort) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
}

TEST(ParseListenAddressTest, NamesTheFlagAndTheProblem) {
  for (const char* bad : {"8080", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536",
                          "127.0.0.1:80x", "::1:8080", "127.0.0.1:-1"}) {
    auto parsed = ParseListenAddress(bad);
    ASSERT_FALSE(parsed) << bad;
    ASSERT_EQ(parsed.error().fields().size(), 1u);
    EXPECT_EQ(parsed.error().fields()[0].field, "--listen");
  }
  EXPECT_EQ(ParseListenAddress("8080").error().fields()[0].reason,
            "'8080' must be HOST:PORT, e.g. 127.0.0.1:8080");
}

}  // namespace
}  // namespace unknot::server
