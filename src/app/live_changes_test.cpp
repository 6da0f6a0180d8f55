// The server's change feed against a fake AppointmentChangeFeed: one read per signal for all
// subscribers of a clinic, pages followed to the end, a late subscriber caught up on its own,
// nothing delivered twice or out of order, the generation polled when there is no signal.

#include "app/live_changes.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace unknot::app {
namespace {

using namespace std::chrono_literals;
using core::ports::AppointmentChange;

// Appointment i (1-based) of clinic 1 changed with number i; `Change(id)` renumbers one.
class FakeFeed final : public core::ports::AppointmentChangeFeed {
 public:
  void Add(int count) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) {
      ++last_;
      latest_[last_] = last_;
    }
  }
  void Change(std::int64_t appointment) {
    std::lock_guard lock(mutex_);
    latest_[appointment] = ++last_;
  }
  core::Result<std::vector<AppointmentChange>> ChangesSince(core::ClinicId clinic,
                                                            std::int64_t after,
                                                            int limit) override {
    std::lock_guard lock(mutex_);
    ++reads_;
    std::vector<AppointmentChange> out;
    if (clinic.value() != 1) return out;
    std::map<std::int64_t, std::int64_t> by_change;
    for (auto [id, change] : latest_) {
      if (change > after) by_change[change] = id;
    }
    for (auto [change, id] : by_change) {
      if (static_cast<int>(out.size()) == limit) break;
      const core::Instant start{};
      out.push_back({.change = change,
                     .appointment = {.id = core::AppointmentId{id},
                                     .patient = {},
                                     .practitioner = {},
                                     .service = {},
                                     .room = {},
                                     .time = core::Interval::Create(start, start + 30min).value(),
                                     .blocked_until = start + 30min,
                                     .status = core::scheduling::AppointmentStatus::kBooked,
                                     .source = core::scheduling::BookingSource::kOnline,
                                     .created_at = start,
                                     .updated_at = start,
                                     .cancelled_at = std::nullopt,
                                     .assessment = std::nullopt}});
    }
    return out;
  }
  core::Result<std::int64_t> LastChange(core::ClinicId) override {
    std::lock_guard lock(mutex_);
    return last_;
  }
  int reads() {
    std::lock_guard lock(mutex_);
    return reads_;
  }

 private:
  std::mutex mutex_;
  std::int64_t last_ = 0;
  std::map<std::int64_t, std::int64_t> latest_;  // appointment id -> its latest change
  int reads_ = 0;
};

class Collector final : public ChangeSubscriber {
 public:
  bool Deliver(const std::vector<AppointmentChange>& changes) override {
    std::lock_guard lock(mutex_);
    for (const auto& c : changes) {
      if (!got_.empty() && c.change <= got_.back().change) out_of_order_ = true;
      got_.push_back(c);
    }
    cv_.notify_all();
    return true;
  }
  bool Alive() const override { return alive_; }
  // Waits up to 5 s for `count` changes.
  std::vector<AppointmentChange> WaitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, 5s, [&] { return got_.size() >= count; });
    return got_;
  }
  bool out_of_order() {
    std::lock_guard lock(mutex_);
    return out_of_order_;
  }
  std::atomic<bool> alive_{true};

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<AppointmentChange> got_;
  bool out_of_order_ = false;
};

const core::ClinicId kClinic{1};

TEST(LiveChangesTest, OneSignalOneReadForEverySubscriberOfTheClinic) {
  FakeFeed feed;
  feed.Add(3);
  LiveChanges live(feed, {.tick = 10s, .generation = {}, .batch = 500});
  std::vector<std::shared_ptr<Collector>> collectors;
  for (int i = 0; i < 20; ++i) {
    collectors.push_back(std::make_shared<Collector>());
    live.Subscribe(kClinic, 3, collectors.back());
  }
  for (auto& c : collectors) EXPECT_TRUE(c->WaitFor(0).empty());
  // Let the joins settle, then count reads for one signal.
  std::this_thread::sleep_for(100ms);
  const int before = feed.reads();
  feed.Add(2);
  live.Notify(kClinic);
  for (auto& c : collectors) {
    auto got = c->WaitFor(2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].change, 4);
    EXPECT_EQ(got[1].change, 5);
  }
  EXPECT_LE(feed.reads() - before, 2);  // one read (plus at most one that found nothing)
  EXPECT_EQ(live.subscribers(), 20u);
}

TEST(LiveChangesTest, ALateSubscriberIsCaughtUpAndPagesAreFollowed) {
  FakeFeed feed;
  LiveChanges live(feed, {.tick = 10s, .generation = {}, .batch = 4});
  auto early = std::make_shared<Collector>();
  live.Subscribe(kClinic, 0, early);
  feed.Add(10);
  live.Notify(kClinic);
  ASSERT_EQ(early->WaitFor(10).size(), 10u);
  // Joins behind the clinic's cursor, at 3: 4..10 for it alone, then the live ones with the rest.
  auto late = std::make_shared<Collector>();
  live.Subscribe(kClinic, 3, late);
  ASSERT_EQ(late->WaitFor(7).size(), 7u);
  feed.Change(2);  // appointment 2 changes again: number 11
  live.Notify(kClinic);
  auto got = late->WaitFor(8);
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got.back().change, 11);
  EXPECT_EQ(got.back().appointment.id, core::AppointmentId{2});
  EXPECT_EQ(early->WaitFor(11).size(), 11u);
  EXPECT_FALSE(late->out_of_order());
  EXPECT_FALSE(early->out_of_order());
}

TEST(LiveChangesTest, WithoutSignalsTheGenerationSaysWhenToRead) {
  FakeFeed feed;
  std::atomic<std::uint64_t> generation{1};
  LiveChanges live(feed,
                   {.tick = 20ms, .generation = [&] { return generation.load(); }, .batch = 500});
  auto c = std::make_shared<Collector>();
  live.Subscribe(kClinic, 0, c);
  feed.Add(1);
  generation = 2;  // a commit of this process
  ASSERT_EQ(c->WaitFor(1).size(), 1u);
}

TEST(LiveChangesTest, SubscribersThatAreGoneAreDropped) {
  FakeFeed feed;
  LiveChanges live(feed, {.tick = 20ms, .generation = {}, .batch = 500});
  auto c = std::make_shared<Collector>();
  live.Subscribe(kClinic, 0, c);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (live.subscribers() != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(live.subscribers(), 1u);
  c->alive_ = false;
  while (live.subscribers() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(live.subscribers(), 0u);
}

}  // namespace
}  // namespace unknot::app
