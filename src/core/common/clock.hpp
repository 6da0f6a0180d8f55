#pragma once

#include <atomic>
#include <chrono>

#include "core/common/time.hpp"

namespace unknot::core {

// The only way code asks for "now", so tests can fix or move time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

// A clock that says what a test tells it to; safe to read from several threads.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Instant now) : now_(now.time_since_epoch().count()) {}
  Instant Now() const override { return Instant{std::chrono::seconds{now_.load()}}; }
  void Set(Instant now) { now_.store(now.time_since_epoch().count()); }

 private:
  std::atomic<std::chrono::seconds::rep> now_;
};

}  // namespace unknot::core
