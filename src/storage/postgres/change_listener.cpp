#include "storage/postgres/change_listener.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <utility>

#include <pqxx/pqxx>

#include "storage/postgres/pool.hpp"

namespace unknot::storage::postgres {
namespace {

constexpr std::chrono::seconds kFirstConnectTimeout{10};
constexpr std::chrono::milliseconds kReconnectPause{1000};
constexpr long kWaitMicroseconds = 250'000;  // how often the thread looks at stopping_

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const ChangeListener::OnChange& on_change)
      : pqxx::notification_receiver(connection, std::string(kChangeChannel)),
        on_change_(on_change) {}

  void operator()(const std::string& payload, int /*backend_pid*/) override {
    std::int64_t id = 0;
    try {
      id = std::stoll(payload);
    } catch (const std::exception&) {
      id = 0;
    }
    // A payload that is not a clinic id (someone NOTIFYing by hand): look at every clinic.
    if (id > 0) {
      on_change_(core::ClinicId{id});
    } else {
      on_change_(std::nullopt);
    }
  }

 private:
  const ChangeListener::OnChange& on_change_;
};

}  // namespace

ChangeListener::ChangeListener(std::string uri, OnChange on_change)
    : uri_(std::move(uri)), on_change_(std::move(on_change)) {}

core::Result<std::unique_ptr<ChangeListener>> ChangeListener::Start(std::string uri,
                                                                    OnChange on_change) {
  std::unique_ptr<ChangeListener> listener(
      new ChangeListener(std::move(uri), std::move(on_change)));
  listener->thread_ = std::thread([raw = listener.get()] { raw->Run(); });
  std::unique_lock lock(listener->mutex_);
  bool ready = listener->changed_.wait_for(lock, kFirstConnectTimeout, [&] {
    return listener->listening_ || !listener->first_error_.empty();
  });
  if (!listener->listening_) {
    std::string why = ready ? listener->first_error_ : "no answer in time";
    lock.unlock();
    listener.reset();  // stops the thread
    return core::Error(core::ErrorCode::kUnavailable,
                       "cannot listen for appointment changes: " + why);
  }
  return listener;
}

ChangeListener::~ChangeListener() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeListener::Run() {
  bool connected_before = false;
  while (!stopping_) {
    try {
      pqxx::connection connection(uri_);
      Receiver receiver(connection, on_change_);
      connection.get_notifs();  // makes sure LISTEN has been sent
      {
        std::lock_guard lock(mutex_);
        listening_ = true;
      }
      changed_.notify_all();
      if (connected_before) {
        spdlog::info("listening for appointment changes again");
        on_change_(std::nullopt);
      }
      connected_before = true;
      while (!stopping_) connection.await_notification(0, kWaitMicroseconds);
    } catch (const std::exception& e) {
      core::Error error = Translate(e);
      {
        std::lock_guard lock(mutex_);
        if (!listening_ && first_error_.empty()) first_error_ = error.message();
      }
      changed_.notify_all();
      if (stopping_) break;
      spdlog::warn("listening for appointment changes failed, trying again: {}", error.message());
      auto until = std::chrono::steady_clock::now() + kReconnectPause;
      while (!stopping_ && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

}  // namespace unknot::storage::postgres
