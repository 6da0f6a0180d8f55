#pragma once

// Request counters for /metrics in the Prometheus text exposition format (version 0.0.4).
// Thread-safe: every I/O thread records into one Metrics.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "api/http/message.hpp"

namespace unknot::api::http {

class Metrics {
 public:
  // Upper bounds of the request-duration histogram buckets; +Inf is implied.
  static constexpr std::array<std::chrono::nanoseconds, 12> kBucketBounds = {
      std::chrono::microseconds(500),  std::chrono::milliseconds(1),
      std::chrono::microseconds(2500), std::chrono::milliseconds(5),
      std::chrono::milliseconds(10),   std::chrono::milliseconds(25),
      std::chrono::milliseconds(50),   std::chrono::milliseconds(100),
      std::chrono::milliseconds(250),  std::chrono::milliseconds(500),
      std::chrono::seconds(1),         std::chrono::milliseconds(2500),
  };

  // Counts one finished request by method and status and adds its duration to the histogram.
  void Record(Method method, unsigned status, std::chrono::nanoseconds duration);

  // The in-flight gauge: requests read but not yet answered.
  void IncrementInFlight();
  void DecrementInFlight();
  std::int64_t in_flight() const;

  // The open streams gauge (Router::AddStream responses being sent).
  void IncrementStreams();
  void DecrementStreams();
  std::int64_t open_streams() const;

  // All families, each with # HELP and # TYPE: unknot_build_info{version}, unknot_http_requests_
  // total{method,code}, the unknot_http_request_duration_seconds histogram and
  // unknot_http_requests_in_flight, unknot_http_open_streams.
  std::string Render(std::string_view version) const;

 private:
  mutable std::mutex counts_mutex_;
  std::map<std::pair<Method, unsigned>, std::uint64_t> counts_;  // guarded by counts_mutex_

  // Non-cumulative counts per bucket; the last one is the +Inf overflow.
  std::array<std::atomic<std::uint64_t>, kBucketBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> duration_sum_ns_{0};
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> open_streams_{0};
};

}  // namespace unknot::api::http
