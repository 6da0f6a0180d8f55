#include "api/v1/sign_in_throttle.hpp"

#include <algorithm>
#include <vector>

namespace unknot::api::v1 {
namespace {

std::string AddressKey(std::string_view address) { return "a:" + std::string(address); }

std::string AccountKey(core::ClinicId clinic, std::string_view email) {
  return "e:" + std::to_string(clinic.value()) + ":" + std::string(email);
}

// The wait after `failures` failures under `rule`: 0 within the free ones, then doubling.
std::chrono::seconds DelayAfter(int failures, const ThrottleRule& rule) {
  if (failures < rule.free_failures) return std::chrono::seconds{0};
  std::chrono::seconds delay = rule.first_delay;
  for (int i = rule.free_failures; i < failures && delay < rule.max_delay; ++i) delay *= 2;
  return std::min(delay, rule.max_delay);
}

}  // namespace

SignInThrottle::SignInThrottle(SignInThrottleOptions options) : options_(options) {}

std::chrono::seconds SignInThrottle::Remaining(const std::string& key, const ThrottleRule& rule,
                                               core::Instant now) {
  auto it = counts_.find(key);
  if (it == counts_.end()) return std::chrono::seconds{0};
  if (now - it->second.last_failure >= options_.forget_after) {
    counts_.erase(it);
    return std::chrono::seconds{0};
  }
  core::Instant allowed = it->second.last_failure + DelayAfter(it->second.failures, rule);
  return allowed > now ? std::chrono::duration_cast<std::chrono::seconds>(allowed - now)
                       : std::chrono::seconds{0};
}

std::chrono::seconds SignInThrottle::WaitBefore(core::ClinicId clinic, std::string_view email,
                                                std::string_view address, core::Instant now) {
  std::lock_guard lock(mutex_);
  std::chrono::seconds wait = Remaining(AccountKey(clinic, email), options_.per_account, now);
  if (!address.empty()) {
    wait = std::max(wait, Remaining(AddressKey(address), options_.per_address, now));
  }
  return wait;
}

void SignInThrottle::Record(const std::string& key, core::Instant now) {
  auto [it, inserted] = counts_.try_emplace(key);
  if (!inserted && now - it->second.last_failure >= options_.forget_after) it->second = {};
  it->second.failures += 1;
  it->second.last_failure = now;
}

void SignInThrottle::Failed(core::ClinicId clinic, std::string_view email, std::string_view address,
                            core::Instant now) {
  std::lock_guard lock(mutex_);
  if (counts_.size() + 2 > options_.max_entries) Prune(now);
  Record(AccountKey(clinic, email), now);
  if (!address.empty()) Record(AddressKey(address), now);
}

void SignInThrottle::Succeeded(core::ClinicId clinic, std::string_view email,
                               std::string_view address) {
  std::lock_guard lock(mutex_);
  counts_.erase(AccountKey(clinic, email));
  if (!address.empty()) counts_.erase(AddressKey(address));
}

void SignInThrottle::Prune(core::Instant now) {
  std::erase_if(counts_, [&](const auto& entry) {
    return now - entry.second.last_failure >= options_.forget_after;
  });
  if (counts_.size() + 2 <= options_.max_entries) return;
  // Still full of recent failures (an attack from many addresses): drop the oldest half.
  std::vector<core::Instant> times;
  times.reserve(counts_.size());
  for (const auto& entry : counts_) times.push_back(entry.second.last_failure);
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  const core::Instant cutoff = *middle;
  std::erase_if(counts_, [&](const auto& entry) { return entry.second.last_failure <= cutoff; });
}

std::size_t SignInThrottle::entries() const {
  std::lock_guard lock(mutex_);
  return counts_.size();
}

}  // namespace unknot::api::v1
