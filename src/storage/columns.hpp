#pragma once

// How every backend stores domain values in columns, so rows mean the same on SQLite and
// PostgreSQL: instants are integer Unix seconds (UTC), weekly times minutes since local midnight,
// enums their wire names.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::storage {

inline std::int64_t Seconds(core::Instant t) { return t.time_since_epoch().count(); }
inline core::Instant FromSeconds(std::int64_t s) { return core::Instant{std::chrono::seconds{s}}; }
inline std::int64_t Minutes(std::chrono::minutes m) { return m.count(); }

// A stored time of day (minutes since midnight) or interval (seconds); out-of-range values mean
// corrupt data.
inline core::Result<core::TimeOfDay> StoredTimeOfDay(std::int64_t minutes) {
  auto time = core::TimeOfDay::Create(std::chrono::minutes{minutes});
  if (!time) return core::Error(core::ErrorCode::kInternal, "stored time of day is out of range");
  return *time;
}

inline core::Result<core::Interval> StoredInterval(std::int64_t start, std::int64_t end) {
  auto interval = core::Interval::Create(FromSeconds(start), FromSeconds(end));
  if (!interval) {
    return core::Error(core::ErrorCode::kInternal, "stored interval ends before it starts");
  }
  return *interval;
}

// Reads a stored enum name; a value the code does not know means the database was edited by hand
// or written by a newer binary.
template <typename E, typename Parse>
core::Result<E> ParseStoredName(const std::string& text, Parse parse, std::string_view what) {
  std::optional<E> value = parse(text);
  if (!value) {
    return core::Error(core::ErrorCode::kInternal, "stored " + std::string(what) + " '" + text +
                                                       "' is not one this unknot knows");
  }
  return *value;
}

}  // namespace unknot::storage
