#pragma once

// The live calendar's change feed: one reader per server that learns a clinic's appointments
// changed, reads the changes once (AppointmentChangeFeed::ChangesSince) and hands them to every
// subscriber of that clinic (each open calendar stream), in change order, none missed or sent
// twice. What tells it: Notify (a PostgreSQL LISTEN connection, for writes on any server), or for
// a single-process database the storage's commit count, polled every tick (no query unless this
// process committed something).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/common/ids.hpp"
#include "core/ports/appointment_changes.hpp"

namespace unknot::app {

// One reader of a clinic's changes, e.g. an open calendar stream.
class ChangeSubscriber {
 public:
  virtual ~ChangeSubscriber() = default;

  // Changes of the subscribed clinic numbered above every change delivered before (and above the
  // subscription's `after`), in change order, each appointment once with its latest state. Called
  // on the feed's thread; must not block. False unsubscribes.
  virtual bool Deliver(const std::vector<core::ports::AppointmentChange>& changes) = 0;

  // False once nobody reads any more (the client left): dropped at the next tick.
  virtual bool Alive() const = 0;
};

struct LiveChangesOptions {
  // How often the feed looks at the generation and drops subscribers that are gone.
  std::chrono::milliseconds tick{200};
  // For a database only this process writes (SQLite): a number that changes with every commit
  // (core::ports::Storage::Writes().commits). When it changed, every clinic with subscribers is
  // read.
  // Empty: only Notify tells.
  std::function<std::uint64_t()> generation;
  // Changes read per query.
  int batch = 500;
};

class LiveChanges {
 public:
  // `feed` must outlive this. Starts the feed's thread.
  explicit LiveChanges(core::ports::AppointmentChangeFeed& feed, LiveChangesOptions options = {});
  LiveChanges(const LiveChanges&) = delete;
  LiveChanges& operator=(const LiveChanges&) = delete;
  ~LiveChanges();

  // From now on `subscriber` gets every change of `clinic` numbered above `after` (first those
  // already stored, then the new ones as they come), until it unsubscribes or is gone.
  void Subscribe(core::ClinicId clinic, std::int64_t after,
                 std::shared_ptr<ChangeSubscriber> subscriber);

  // The clinic's appointments may have changed (nullopt: any clinic's may have). Any thread.
  void Notify(std::optional<core::ClinicId> clinic);

  // Ends the thread; no Deliver follows. Subscribers are dropped.
  void Stop();

  // Subscribers now (for tests and metrics).
  std::size_t subscribers() const;

 private:
  struct Subscription {
    std::shared_ptr<ChangeSubscriber> subscriber;
    std::int64_t seen = 0;  // the highest change number delivered or skipped
  };
  struct ClinicFeed {
    std::int64_t cursor = 0;  // every change up to here has been read and handed out
    std::vector<Subscription> subscriptions;
  };
  struct Joining {
    core::ClinicId clinic;
    Subscription subscription;
  };

  void Run();
  // Adds a subscriber, reading what it missed before the clinic's cursor for it alone.
  void Join(Joining joining);
  // Reads the clinic's changes after its cursor and hands them out.
  void ReadClinic(core::ClinicId clinic, ClinicFeed& feed);
  // Hands `changes` to `subscription` (those above what it has seen). False: drop it.
  static bool Hand(Subscription& subscription,
                   const std::vector<core::ports::AppointmentChange>& changes);

  core::ports::AppointmentChangeFeed& feed_;
  const LiveChangesOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;             // guarded by mutex_
  std::vector<Joining> joining_;      // guarded by mutex_
  std::set<std::int64_t> notified_;   // guarded by mutex_: clinic ids
  bool notified_all_ = false;         // guarded by mutex_
  std::size_t subscriber_count_ = 0;  // guarded by mutex_

  // The thread's own.
  std::map<std::int64_t, ClinicFeed> clinics_;
  std::optional<std::uint64_t> generation_;
  bool recheck_ = false;

  std::thread thread_;
};

}  // namespace unknot::app
