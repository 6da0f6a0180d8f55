#include "api/http/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace unknot::api::http {
namespace {

using Seconds = std::chrono::duration<double>;

// The bucket's tokens at `now`, never more than the burst; a clock that went back adds none.
double TokensAt(double tokens, RateLimiter::Clock::time_point updated,
                const RateLimiter::Rate& rate, RateLimiter::Clock::time_point now) {
  double elapsed = std::max(0.0, Seconds(now - updated).count());
  return std::min(rate.burst, tokens + elapsed * rate.tokens_per_second);
}

}  // namespace

RateLimiter::RateLimiter(std::size_t max_buckets)
    : max_per_shard_(std::max<std::size_t>(1, (max_buckets + kShards - 1) / kShards)) {}

RateLimiter::Decision RateLimiter::Take(std::string_view key, const Rate& rate,
                                        Clock::time_point now) {
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(std::string(key));
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) Evict(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{rate.burst, now, rate}).first;
  }
  Bucket& bucket = it->second;
  bucket.rate = rate;
  bucket.tokens = TokensAt(bucket.tokens, bucket.updated, rate, now);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return {};
  }
  double wait = (1 - bucket.tokens) / rate.tokens_per_second;
  // Rounded up to whole seconds, forgiving floating-point dust (2.0000000001 is 2).
  auto seconds = static_cast<std::chrono::seconds::rep>(std::ceil(wait - 1e-6));
  return {false, std::chrono::seconds{std::max<std::chrono::seconds::rep>(1, seconds)}};
}

void RateLimiter::Evict(Shard& shard, Clock::time_point now) const {
  // Full buckets first: forgetting them changes nothing.
  std::erase_if(shard.buckets, [&](const auto& entry) {
    const Bucket& b = entry.second;
    return TokensAt(b.tokens, b.updated, b.rate, now) >= b.rate.burst;
  });
  if (shard.buckets.size() < max_per_shard_ - max_per_shard_ / 4) return;
  // Still crowded: drop the least recently used half, so the next eviction is far away.
  std::vector<Clock::time_point> times;
  times.reserve(shard.buckets.size());
  for (const auto& [key, bucket] : shard.buckets) times.push_back(bucket.updated);
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  const Clock::time_point cutoff = *middle;
  std::erase_if(shard.buckets, [&](const auto& entry) { return entry.second.updated <= cutoff; });
}

std::size_t RateLimiter::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace unknot::api::http
