#pragma once

// The building blocks the scheduling engine computes free time from: spans of instants, the
// conversion of one clinic-local day's wall-clock times, and linear sweeps over sorted spans.
// Internal to scheduling; the public contract is availability.hpp.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/common/time.hpp"

namespace unknot::core::scheduling {

// A half-open span of instants [start, end). Unlike Interval it may be empty, because converting
// wall-clock times on a DST day can give an empty (or inverted) span that the engine skips.
struct Span {
  Instant start;
  Instant end;

  bool empty() const { return !(start < end); }
  // An empty span overlaps nothing, even one that contains its instant.
  bool Overlaps(const Span& other) const {
    return !empty() && !other.empty() && start < other.end && other.start < end;
  }

  friend bool operator==(const Span&, const Span&) = default;
};

// Converts the wall-clock times of one clinic-local day to instants, with the same results as
// LocalToUtc(zone, local, kWorkingHoursDstPolicy). Looking a zone up costs far more than the rest
// of a day's work, so a day on which one UTC offset holds throughout (every day but a few a year)
// is converted with that offset, and the zone period found is reused by the following days. Only
// a day near an offset change goes through LocalToUtc for each time.
class LocalDayClock {
 public:
  explicit LocalDayClock(TimeZone zone) : zone_(zone) {}

  void SetDay(LocalDate day);
  LocalDate day() const { return day_; }

  Instant ToUtc(TimeOfDay time) const {
    LocalDateTime local = midnight_ + time.since_midnight();
    if (uniform_) return Instant{local.time_since_epoch() - offset_};
    return SlowToUtc(local);
  }

  // True when one UTC offset holds all day; then every instant from the day's 00:00 to its 24:00
  // falls on the day.
  bool uniform() const { return uniform_; }

  // True when `instant` falls on this local day.
  bool IsOnDay(Instant instant) const {
    if (uniform_) {
      return date::floor<date::days>(instant.time_since_epoch() + offset_) ==
             midnight_.time_since_epoch();
    }
    return LocalDateOf(zone_, instant) == day_;
  }

 private:
  bool TryUniform(const date::sys_info& period);
  Instant SlowToUtc(LocalDateTime local) const;

  TimeZone zone_;
  LocalDate day_{};
  LocalDateTime midnight_{};
  bool uniform_ = false;
  std::chrono::seconds offset_{0};
  std::optional<date::sys_info> period_;
};

// Calls emit(Span) for each maximal part of `within` that no obstacle covers. `obstacles` must be
// sorted by start and non-empty; they may overlap each other and stick out of `within`.
template <typename Emit>
void ForEachFreePart(Span within, std::span<const Span> obstacles, Emit&& emit) {
  Instant free_from = within.start;
  for (const Span& obstacle : obstacles) {
    if (obstacle.end <= free_from) continue;
    if (obstacle.start >= within.end) break;
    if (obstacle.start > free_from) emit(Span{free_from, obstacle.start});
    free_from = obstacle.end;
    if (free_from >= within.end) return;
  }
  if (free_from < within.end) emit(Span{free_from, within.end});
}

// The least k >= 0 with origin + k * step at or after `at_least`; step must be positive.
inline std::int64_t StepsTo(Instant origin, std::chrono::seconds step, Instant at_least) {
  if (at_least <= origin) return 0;
  return (at_least - origin + step - std::chrono::seconds{1}) / step;
}

// The first instant origin + k * step (k >= 0) at or after `at_least`; step must be positive.
inline Instant FirstOnGrid(Instant origin, std::chrono::seconds step, Instant at_least) {
  return origin + StepsTo(origin, step, at_least) * step;
}

// Sorts by start and joins spans that overlap or touch, so that a sorted list of disjoint spans
// remains at the front (their ends are then sorted too, which binary searches rely on); empty
// spans are dropped. Returns how many remain.
std::size_t SortAndMerge(std::span<Span> spans);

}  // namespace unknot::core::scheduling
