#pragma once

// Sign-in throttling (issue 13): failed sign-ins slow down whoever keeps failing, per account and
// per client address, with delays that grow and are capped, so that guessing passwords is slow
// while a real user whose account is being guessed at is kept waiting a minute at most.
//
//   per client address: 5 failures free, then 1 s, 2 s, 4 s ... up to 15 min between tries;
//   per account (clinic + email, known or not): 5 failures free, then 1 s, 2 s ... up to 60 s.
//
// A failure is forgotten 15 minutes after the last one; a successful sign-in clears the account
// and that address's count. Counts live in this process's memory (behind a load balancer each
// server counts its own; docs/operations.md) and are bounded: past kMaxEntries keys the ones idle
// longest are dropped first.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/common/ids.hpp"
#include "core/common/time.hpp"

namespace unknot::api::v1 {

struct ThrottleRule {
  int free_failures = 5;
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay{60};
};

struct SignInThrottleOptions {
  ThrottleRule per_address{5, std::chrono::seconds{1}, std::chrono::minutes{15}};
  ThrottleRule per_account{5, std::chrono::seconds{1}, std::chrono::seconds{60}};
  std::chrono::seconds forget_after{std::chrono::minutes{15}};
  std::size_t max_entries = 100'000;
};

class SignInThrottle {
 public:
  explicit SignInThrottle(SignInThrottleOptions options = {});

  // How long the caller must wait before this sign-in may be tried; zero when it may go ahead.
  // `email` is compared as given (normalise it first); `address` may be empty (unit tests).
  std::chrono::seconds WaitBefore(core::ClinicId clinic, std::string_view email,
                                  std::string_view address, core::Instant now);

  void Failed(core::ClinicId clinic, std::string_view email, std::string_view address,
              core::Instant now);
  void Succeeded(core::ClinicId clinic, std::string_view email, std::string_view address);

  std::size_t entries() const;

 private:
  struct Count {
    int failures = 0;
    core::Instant last_failure;
  };
  std::chrono::seconds Remaining(const std::string& key, const ThrottleRule& rule,
                                 core::Instant now);
  void Record(const std::string& key, core::Instant now);
  void Prune(core::Instant now);

  const SignInThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Count> counts_;  // "a:<address>" and "e:<clinic>:<email>"
};

}  // namespace unknot::api::v1
