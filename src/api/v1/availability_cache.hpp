#pragma once

// Rendered availability answers, reused while no write changed what they depend on and for at
// most a second. A popular query (the next two weeks of a service) is asked far more often than
// bookings change; computing it costs far more than serving it from here. An answer stored with
// the scope it depends on (core/scheduling/schedule_changes.hpp) stays current across writes
// outside that scope: a booking for practitioner A on Tuesday keeps Wednesday's answers, and
// those of a practitioner in another kind of room. An answer without a scope is stale after any
// write (the storage generation changes). The one-second limit bounds how late a slot that just
// fell inside the minimum notice, or a hold that just expired, shows — booking re-checks anyway.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/ports/storage.hpp"
#include "core/scheduling/schedule_changes.hpp"

namespace unknot::api::v1 {

class AvailabilityCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kMaxAge{1};
  static constexpr std::size_t kMaxEntries = 512;

  // At most `max_entries` answers at once (a cache of bigger answers keeps fewer).
  explicit AvailabilityCache(std::size_t max_entries = kMaxEntries) : max_entries_(max_entries) {}

  // An answer as JSON and as gzip, made once and shared by every request that reuses it, and
  // what it depends on (none: everything).
  struct Body {
    std::string json;
    std::string gzip;
    std::optional<core::scheduling::ScheduleScope> scope;
  };

  // Storage::ScheduleChangedSince: whether a write after a generation touched a scope.
  using ChangedSince =
      std::function<bool(std::uint64_t since, const core::scheduling::ScheduleScope& scope,
                         std::uint64_t* unchanged_through)>;

  // The body stored for `key`, if it is younger than kMaxAge and still current at `generation`
  // (a value storage.Generation() returned): stored at that generation, or earlier with a scope
  // that no write since has touched (`changed_since`).
  std::shared_ptr<const Body> Find(const std::string& key, std::uint64_t generation,
                                   Clock::time_point now, const ChangedSince& changed_since);
  // Stores `body`, computed from what the storage held at `generation` (read before computing).
  void Store(const std::string& key, std::uint64_t generation, Clock::time_point now,
             std::shared_ptr<const Body> body);

  // How many Find calls found a current answer and how many did not, since the start.
  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::uint64_t generation;
    Clock::time_point stored_at;
    std::shared_ptr<const Body> body;
  };
  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
  Stats stats_;                                     // guarded by mutex_
};

// Find's question put to `storage`, which must outlive the answer.
inline AvailabilityCache::ChangedSince ChangesIn(const core::ports::Storage& storage) {
  return [&storage](std::uint64_t since, const core::scheduling::ScheduleScope& scope,
                    std::uint64_t* unchanged_through) {
    return storage.ScheduleChangedSince(since, scope, unchanged_through);
  };
}

}  // namespace unknot::api::v1
