#include "api/v1/availability_cache.hpp"

namespace unknot::api::v1 {

std::shared_ptr<const AvailabilityCache::Body> AvailabilityCache::Find(const std::string& key,
                                                                       std::uint64_t generation,
                                                                       Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.generation != generation || now - it->second.stored_at >= kMaxAge) {
    entries_.erase(it);
    return nullptr;
  }
  return it->second.body;
}

void AvailabilityCache::Store(const std::string& key, std::uint64_t generation,
                              Clock::time_point now, std::shared_ptr<const Body> body) {
  std::lock_guard lock(mutex_);
  // Many distinct queries at once: start over rather than track recency; entries live a second.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key] = Entry{generation, now, std::move(body)};
}

}  // namespace unknot::api::v1
