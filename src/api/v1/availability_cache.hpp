#pragma once

// Rendered availability answers, reused while nothing was booked and for at most a second.
// A popular query (the next two weeks of a service) is asked far more often than bookings
// change; computing it is milliseconds, serving it from here is microseconds. A write makes every
// entry stale at once (the storage generation changes); the one-second limit bounds how late a
// slot that just fell inside the minimum notice can still be listed — booking re-checks it anyway.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace unknot::api::v1 {

class AvailabilityCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kMaxAge{1};
  static constexpr std::size_t kMaxEntries = 512;

  // At most `max_entries` answers at once (a cache of bigger answers keeps fewer).
  explicit AvailabilityCache(std::size_t max_entries = kMaxEntries) : max_entries_(max_entries) {}

  // An answer as JSON and as gzip, made once and shared by every request that reuses it.
  struct Body {
    std::string json;
    std::string gzip;
  };

  // The body stored for `key` at `generation`, if it is younger than kMaxAge.
  std::shared_ptr<const Body> Find(const std::string& key, std::uint64_t generation,
                                   Clock::time_point now);
  void Store(const std::string& key, std::uint64_t generation, Clock::time_point now,
             std::shared_ptr<const Body> body);

 private:
  struct Entry {
    std::uint64_t generation;
    Clock::time_point stored_at;
    std::shared_ptr<const Body> body;
  };
  const std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace unknot::api::v1
