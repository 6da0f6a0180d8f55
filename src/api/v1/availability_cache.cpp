#include "api/v1/availability_cache.hpp"

namespace unknot::api::v1 {

std::shared_ptr<const AvailabilityCache::Body> AvailabilityCache::Find(
    const std::string& key, std::uint64_t generation, Clock::time_point now,
    const ChangedSince& changed_since) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  Entry& entry = it->second;
  bool current = now - entry.stored_at < kMaxAge;
  if (current && entry.generation != generation) {
    std::uint64_t unchanged_through = 0;
    current = entry.body->scope &&
              !changed_since(entry.generation, *entry.body->scope, &unchanged_through);
    // The next request checks only the writes after these.
    if (current) entry.generation = unchanged_through;
  }
  if (!current) {
    entries_.erase(it);
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  return entry.body;
}

void AvailabilityCache::Store(const std::string& key, std::uint64_t generation,
                              Clock::time_point now, std::shared_ptr<const Body> body) {
  std::lock_guard lock(mutex_);
  // Many distinct queries at once: start over rather than track recency; entries live a second.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key] = Entry{generation, now, std::move(body)};
}

AvailabilityCache::Stats AvailabilityCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace unknot::api::v1
