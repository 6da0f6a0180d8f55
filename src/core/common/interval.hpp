#pragma once

#include <chrono>

#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::core {

// A half-open span of time [start, end) with start < end, in UTC.
class Interval {
 public:
  // Fails with kInvalidArgument unless start < end.
  static Result<Interval> Create(Instant start, Instant end);

  Instant start() const { return start_; }
  Instant end() const { return end_; }
  std::chrono::seconds length() const { return end_ - start_; }

  // Half-open: [9:00, 10:00) and [10:00, 11:00) do not overlap.
  bool Overlaps(const Interval& other) const { return start_ < other.end_ && other.start_ < end_; }
  bool Contains(Instant t) const { return start_ <= t && t < end_; }
  bool Contains(const Interval& other) const {
    return start_ <= other.start_ && other.end_ <= end_;
  }

  friend bool operator==(const Interval&, const Interval&) = default;

 private:
  Interval(Instant start, Instant end) : start_(start), end_(end) {}
  Instant start_;
  Instant end_;
};

inline Result<Interval> Interval::Create(Instant start, Instant end) {
  if (!(start < end)) {
    return Error(ErrorCode::kInvalidArgument, "an interval must start before it ends");
  }
  return Interval(start, end);
}

}  // namespace unknot::core
