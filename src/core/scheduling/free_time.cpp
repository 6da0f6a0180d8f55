#include "core/scheduling/free_time.hpp"

namespace unknot::core::scheduling {
namespace {

// No UTC offset change is as large as a day, so a period that covers the day's instants with this
// margin on both sides leaves no local time of the day skipped or repeated (see TryUniform).
constexpr std::chrono::seconds kMargin = std::chrono::hours{24};

}  // namespace

void LocalDayClock::SetDay(LocalDate day) {
  day_ = day;
  midnight_ = LocalDateTime{date::local_days{day}};
  if (period_ && TryUniform(*period_)) return;
  std::chrono::seconds guess = period_ ? period_->offset : std::chrono::seconds{0};
  period_ = zone_.get()->get_info(Instant{midnight_.time_since_epoch() - guess});
  if (TryUniform(*period_)) return;
  uniform_ = false;
}

// With the period's offset, the day's local times [00:00, 24:00] map to instants [u0, u1]. If the
// period covers [u0 - kMargin, u1 + kMargin], each local time has that reading, and no other:
// another reading would need another period, whose offset would differ by more than kMargin.
// Hence LocalToUtc sees every time of the day as `unique` with this offset.
bool LocalDayClock::TryUniform(const date::sys_info& period) {
  Instant u0{midnight_.time_since_epoch() - period.offset};
  Instant u1 = u0 + std::chrono::hours{24};
  if (period.begin <= u0 - kMargin && u1 + kMargin < period.end) {
    uniform_ = true;
    offset_ = period.offset;
    return true;
  }
  return false;
}

Instant LocalDayClock::SlowToUtc(LocalDateTime local) const {
  // kWorkingHoursDstPolicy rejects nothing, so the conversion cannot fail; the fallback only
  // keeps an impossible kInternal from becoming undefined behaviour.
  return LocalToUtc(zone_, local, kWorkingHoursDstPolicy)
      .value_or(Instant{local.time_since_epoch()});
}

std::size_t SortAndMerge(std::span<Span> spans) {
  // Bookings usually arrive ordered by start: then one pass merges them, and only a span that
  // starts before the last merged one calls for a sort of what is left.
  std::size_t out = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Span span = spans[i];
    if (span.empty()) continue;
    if (out > 0 && span.start < spans[out - 1].start) {
      std::copy(spans.begin() + static_cast<std::ptrdiff_t>(i), spans.end(),
                spans.begin() + static_cast<std::ptrdiff_t>(out));
      std::span<Span> rest = spans.first(out + spans.size() - i);
      std::sort(rest.begin(), rest.end(),
                [](const Span& a, const Span& b) { return a.start < b.start; });
      return SortAndMerge(rest);  // now sorted: this second call never comes back here
    }
    if (out > 0 && span.start <= spans[out - 1].end) {
      spans[out - 1].end = std::max(spans[out - 1].end, span.end);
    } else {
      spans[out++] = span;
    }
  }
  return out;
}

}  // namespace unknot::core::scheduling
