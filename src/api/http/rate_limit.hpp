#pragma once

// Token buckets against clients that write too fast: each key (e.g. "clinic|booking|203.0.113.7")
// holds up to `burst` tokens, refilled at a steady rate; a request takes one or is refused with
// the time until one is back. Thread-safe. Memory is bounded: a bucket that has refilled
// completely is the same as no bucket, so it is dropped when room is needed; past that the least
// recently used go first (a client that floods the table with fresh keys can make others'
// buckets forget, never grow memory).

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace unknot::api::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Rate {
    double tokens_per_second = 1;  // > 0
    double burst = 1;              // >= 1: the most requests at once after a quiet spell
  };

  struct Decision {
    bool allowed = true;
    // When refused: whole seconds until a token is back (at least 1); zero when allowed.
    std::chrono::seconds retry_after{0};
  };

  static constexpr std::size_t kDefaultMaxBuckets = 100'000;

  // At most about `max_buckets` keys are remembered at once (rounded up to the shard count).
  explicit RateLimiter(std::size_t max_buckets = kDefaultMaxBuckets);

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes a token from `key`'s bucket at `now` (the caller's clock, so tests choose the time).
  // A new key starts full. A bucket keeps the rate it was last used with.
  Decision Take(std::string_view key, const Rate& rate, Clock::time_point now);

  // How many buckets are held now.
  std::size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
    Rate rate;
  };

  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;  // guarded by mutex
  };

  static constexpr std::size_t kShards = 16;

  // Makes room for one more bucket in `shard` (its mutex held).
  void Evict(Shard& shard, Clock::time_point now) const;

  std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace unknot::api::http
