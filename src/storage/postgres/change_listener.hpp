#pragma once

// Tells this server that another (or this) server changed a clinic's appointments: one dedicated
// PostgreSQL connection that LISTENs on the channel the change-feed trigger notifies
// (kChangeChannel, payload the clinic id; delivered when the writing transaction commits).

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"

namespace unknot::storage::postgres {

inline constexpr std::string_view kChangeChannel = "unknot_appointments";

class ChangeListener {
 public:
  // Called on the listener's thread: with a clinic for each notification, or with nullopt after
  // the connection was lost and made again (what was announced meanwhile is lost: every clinic
  // may have changed). Must not block for long.
  using OnChange = std::function<void(std::optional<core::ClinicId>)>;

  // Connects to `uri`, LISTENs and returns once it listens: a change committed after Start
  // returned is announced. kUnavailable when the first connection fails (within a few seconds).
  // A connection lost later is made again every second or so, for as long as the listener lives.
  static core::Result<std::unique_ptr<ChangeListener>> Start(std::string uri, OnChange on_change);

  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;
  // Stops listening (within about half a second); no call of on_change follows.
  ~ChangeListener();

 private:
  ChangeListener(std::string uri, OnChange on_change);
  void Run();

  const std::string uri_;
  const OnChange on_change_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool listening_ = false;   // guarded by mutex_
  std::string first_error_;  // guarded by mutex_: why the first connection failed
  std::thread thread_;
};

}  // namespace unknot::storage::postgres
