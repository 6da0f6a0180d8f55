#include "api/http/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace unknot::api::http {
namespace {

// The `le` labels of Metrics::kBucketBounds, written the way Prometheus clients write them.
constexpr std::array<std::string_view, Metrics::kBucketBounds.size()> kBucketLabels = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
};

// A label value with backslash, double quote and newline escaped.
std::string EscapeLabel(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace

void Metrics::Record(Method method, unsigned status, std::chrono::nanoseconds duration) {
  {
    std::lock_guard lock(counts_mutex_);
    ++counts_[{method, status}];
  }
  auto bound = std::lower_bound(kBucketBounds.begin(), kBucketBounds.end(), duration);
  auto index = static_cast<std::size_t>(bound - kBucketBounds.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  auto nanoseconds = std::max<std::chrono::nanoseconds::rep>(duration.count(), 0);
  duration_sum_ns_.fetch_add(static_cast<std::uint64_t>(nanoseconds), std::memory_order_relaxed);
}

void Metrics::IncrementInFlight() { in_flight_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::DecrementInFlight() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

std::int64_t Metrics::in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

void Metrics::IncrementStreams() { open_streams_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::DecrementStreams() { open_streams_.fetch_sub(1, std::memory_order_relaxed); }

std::int64_t Metrics::open_streams() const { return open_streams_.load(std::memory_order_relaxed); }

std::string Metrics::Render(std::string_view version) const {
  std::string out;
  auto it = std::back_inserter(out);

  out += "# HELP unknot_build_info Build information; the value is always 1.\n";
  out += "# TYPE unknot_build_info gauge\n";
  fmt::format_to(it, "unknot_build_info{{version=\"{}\"}} 1\n", EscapeLabel(version));

  out += "# HELP unknot_http_requests_total HTTP requests answered, by method and status.\n";
  out += "# TYPE unknot_http_requests_total counter\n";
  {
    std::lock_guard lock(counts_mutex_);
    for (const auto& [key, count] : counts_) {
      fmt::format_to(it, "unknot_http_requests_total{{method=\"{}\",code=\"{}\"}} {}\n",
                     ToString(key.first), key.second, count);
    }
  }

  out += "# HELP unknot_http_request_duration_seconds Time from a request read to its response.\n";
  out += "# TYPE unknot_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string_view label = i < kBucketLabels.size() ? kBucketLabels[i] : "+Inf";
    fmt::format_to(it, "unknot_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", label,
                   cumulative);
  }
  // _count equals the +Inf bucket by construction, even while other threads record.
  double sum_seconds = static_cast<double>(duration_sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  fmt::format_to(it, "unknot_http_request_duration_seconds_sum {}\n", sum_seconds);
  fmt::format_to(it, "unknot_http_request_duration_seconds_count {}\n", cumulative);

  out += "# HELP unknot_http_requests_in_flight HTTP requests being handled now.\n";
  out += "# TYPE unknot_http_requests_in_flight gauge\n";
  fmt::format_to(it, "unknot_http_requests_in_flight {}\n", in_flight());

  out += "# HELP unknot_http_open_streams Streamed responses (live calendars) open now.\n";
  out += "# TYPE unknot_http_open_streams gauge\n";
  fmt::format_to(it, "unknot_http_open_streams {}\n", open_streams());
  return out;
}

}  // namespace unknot::api::http
