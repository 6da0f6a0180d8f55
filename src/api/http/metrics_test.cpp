#include "api/http/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace unknot::api::http {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

// The sample lines of `text` (no comments), for exact matching.
std::vector<std::string> Samples(const std::string& text) {
  std::vector<std::string> samples;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') samples.push_back(line);
  }
  return samples;
}

TEST(MetricsTest, CountsRequestsByMethodAndCode) {
  Metrics metrics;
  metrics.Record(Method::kGet, 200, milliseconds(1));
  metrics.Record(Method::kGet, 200, milliseconds(2));
  metrics.Record(Method::kPost, 409, milliseconds(3));
  metrics.Record(Method::kGet, 404, milliseconds(4));

  auto samples = Samples(metrics.Render("1.2.3"));

  EXPECT_THAT(samples, ::testing::IsSupersetOf({
                           R"(unknot_build_info{version="1.2.3"} 1)",
                           R"(unknot_http_requests_total{method="GET",code="200"} 2)",
                           R"(unknot_http_requests_total{method="GET",code="404"} 1)",
                           R"(unknot_http_requests_total{method="POST",code="409"} 1)",
                       }));
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.Record(Method::kGet, 200, microseconds(100));  // <= 0.0005
  metrics.Record(Method::kGet, 200, microseconds(500));  // == 0.0005, inclusive
  metrics.Record(Method::kGet, 200, milliseconds(3));    // <= 0.005
  metrics.Record(Method::kGet, 200, milliseconds(200));  // <= 0.25
  metrics.Record(Method::kGet, 200, seconds(10));        // +Inf only

  auto samples = Samples(metrics.Render("dev"));
  auto bucket = [](const char* le, int count) {
    return "unknot_http_request_duration_seconds_bucket{le=\"" + std::string(le) + "\"} " +
           std::to_string(count);
  };

  EXPECT_THAT(samples, ::testing::IsSupersetOf({
                           bucket("0.0005", 2),
                           bucket("0.001", 2),
                           bucket("0.0025", 2),
                           bucket("0.005", 3),
                           bucket("0.01", 3),
                           bucket("0.1", 3),
                           bucket("0.25", 4),
                           bucket("0.5", 4),
                           bucket("1", 4),
                           bucket("2.5", 4),
                           bucket("+Inf", 5),
                           std::string("unknot_http_request_duration_seconds_sum 10.2036"),
                           std::string("unknot_http_request_duration_seconds_count 5"),
                       }));
}

TEST(MetricsTest, EveryFamilyHasHelpAndType) {
  std::string text = Metrics().Render("dev");

  for (const char* family :
       {"unknot_build_info", "unknot_http_requests_total", "unknot_http_request_duration_seconds",
        "unknot_http_requests_in_flight", "unknot_http_open_streams"}) {
    EXPECT_THAT(text, HasSubstr(std::string("# HELP ") + family + " ")) << family;
    EXPECT_THAT(text, HasSubstr(std::string("# TYPE ") + family + " ")) << family;
  }
  EXPECT_THAT(text, HasSubstr("# TYPE unknot_http_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE unknot_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE unknot_http_requests_in_flight gauge\n"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, InFlightGauge) {
  Metrics metrics;
  metrics.IncrementInFlight();
  metrics.IncrementInFlight();
  metrics.DecrementInFlight();

  EXPECT_EQ(metrics.in_flight(), 1);
  EXPECT_THAT(Samples(metrics.Render("dev")),
              ::testing::Contains("unknot_http_requests_in_flight 1"));
}

TEST(MetricsTest, EscapesVersionLabel) {
  EXPECT_THAT(Metrics().Render("a\"b\\c\nd"),
              HasSubstr(R"(unknot_build_info{version="a\"b\\c\nd"} 1)"));
}

TEST(MetricsTest, RecordsFromManyThreads) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) metrics.Record(Method::kGet, 200, microseconds(1));
    });
  }
  for (auto& thread : threads) thread.join();

  auto samples = Samples(metrics.Render("dev"));
  EXPECT_THAT(samples,
              ::testing::Contains(R"(unknot_http_requests_total{method="GET",code="200"} 4000)"));
  EXPECT_THAT(samples, ::testing::Contains("unknot_http_request_duration_seconds_count 4000"));
}

}  // namespace
}  // namespace unknot::api::http
