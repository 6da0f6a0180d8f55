#include "api/http/gzip.hpp"

#include <gtest/gtest.h>

#include "api/http/testing/gunzip.hpp"

namespace unknot::api::http {
namespace {

using testing::Gunzip;

Request WithAcceptEncoding(std::string value) {
  Request request;
  request.headers.emplace_back("accept-encoding", std::move(value));
  return request;
}

TEST(GzipTest, RoundTripsAndShrinksRepetitiveJson) {
  std::string json = "[";
  for (int i = 0; i < 500; ++i) json += R"({"start":"2026-12-01T17:00:00Z","options":[1,2]},)";
  json += "{}]";
  std::string packed = Gzip(json);
  ASSERT_GE(packed.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
  EXPECT_LT(packed.size() * 10, json.size());
  EXPECT_EQ(Gunzip(packed), json);
  EXPECT_EQ(Gunzip(Gzip("")), "");
}

TEST(GzipTest, AcceptEncodingFollowsQValues) {
  EXPECT_FALSE(AcceptsGzip(Request{}));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("gzip")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("gzip, deflate, br")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("br;q=1.0, GZIP;q=0.5")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("*")));
  EXPECT_TRUE(AcceptsGzip(WithAcceptEncoding("x-gzip")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("identity")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("br, deflate")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("gzip;q=0")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("*, gzip;q=0")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("gzip;q=nonsense")));
  EXPECT_FALSE(AcceptsGzip(WithAcceptEncoding("")));
}

}  // namespace
}  // namespace unknot::api::http
