#include "app/live_changes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace unknot::app {

using core::ports::AppointmentChange;

LiveChanges::LiveChanges(core::ports::AppointmentChangeFeed& feed, LiveChangesOptions options)
    : feed_(feed), options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

LiveChanges::~LiveChanges() { Stop(); }

void LiveChanges::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveChanges::Subscribe(core::ClinicId clinic, std::int64_t after,
                            std::shared_ptr<ChangeSubscriber> subscriber) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    joining_.push_back(
        {.clinic = clinic, .subscription = {.subscriber = std::move(subscriber), .seen = after}});
  }
  wake_.notify_all();
}

void LiveChanges::Notify(std::optional<core::ClinicId> clinic) {
  {
    std::lock_guard lock(mutex_);
    if (clinic) {
      notified_.insert(clinic->value());
    } else {
      notified_all_ = true;
    }
  }
  wake_.notify_all();
}

std::size_t LiveChanges::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscriber_count_;
}

void LiveChanges::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, options_.tick, [this] {
      return stopping_ || !joining_.empty() || !notified_.empty() || notified_all_;
    });
    if (stopping_) break;
    std::vector<Joining> joining = std::move(joining_);
    joining_.clear();
    std::set<std::int64_t> notified = std::move(notified_);
    notified_.clear();
    bool all = notified_all_ || recheck_;
    notified_all_ = false;
    recheck_ = false;
    lock.unlock();

    if (options_.generation) {
      // Read again on the tick after a change too: the number may move just before the commit
      // it counts is visible to readers.
      std::uint64_t now = options_.generation();
      if (!generation_ || *generation_ != now) {
        generation_ = now;
        all = true;
        recheck_ = true;
      }
    }
    for (Joining& join : joining) {
      notified.insert(join.clinic.value());
      Join(std::move(join));
    }
    std::size_t count = 0;
    for (auto it = clinics_.begin(); it != clinics_.end();) {
      auto& subscriptions = it->second.subscriptions;
      std::erase_if(subscriptions, [](const Subscription& s) { return !s.subscriber->Alive(); });
      if (subscriptions.empty()) {
        it = clinics_.erase(it);
        continue;
      }
      if (all || notified.count(it->first) != 0) ReadClinic(core::ClinicId{it->first}, it->second);
      count += it->second.subscriptions.size();
      ++it;
    }

    lock.lock();
    subscriber_count_ = count;
  }
  clinics_.clear();
}

bool LiveChanges::Hand(Subscription& subscription, const std::vector<AppointmentChange>& changes) {
  if (changes.empty() || changes.back().change <= subscription.seen) {
    return subscription.subscriber->Alive();
  }
  bool kept = true;
  if (changes.front().change > subscription.seen) {
    kept = subscription.subscriber->Deliver(changes);
  } else {
    std::vector<AppointmentChange> newer;
    for (const AppointmentChange& change : changes) {
      if (change.change > subscription.seen) newer.push_back(change);
    }
    kept = subscription.subscriber->Deliver(newer);
  }
  subscription.seen = changes.back().change;
  return kept;
}

void LiveChanges::Join(Joining joining) {
  ClinicFeed& feed = clinics_[joining.clinic.value()];
  Subscription& subscription = joining.subscription;
  if (feed.subscriptions.empty()) feed.cursor = std::max(feed.cursor, subscription.seen);
  // Behind the clinic's cursor: what it missed up to there is read for it alone.
  while (subscription.seen < feed.cursor) {
    auto page = feed_.ChangesSince(joining.clinic, subscription.seen, options_.batch);
    if (!page) {
      spdlog::warn("live calendar: cannot read changes of clinic {}: {}", joining.clinic.value(),
                   page.error().message());
      // Try again on the next tick.
      std::lock_guard lock(mutex_);
      joining_.push_back(std::move(joining));
      return;
    }
    if (page->empty()) break;
    if (!Hand(subscription, *page)) return;
    if (static_cast<int>(page->size()) < options_.batch) break;
  }
  feed.subscriptions.push_back(std::move(subscription));
}

void LiveChanges::ReadClinic(core::ClinicId clinic, ClinicFeed& feed) {
  while (true) {
    auto page = feed_.ChangesSince(clinic, feed.cursor, options_.batch);
    if (!page) {
      spdlog::warn("live calendar: cannot read changes of clinic {}: {}", clinic.value(),
                   page.error().message());
      recheck_ = true;
      return;
    }
    if (page->empty()) return;
    feed.cursor = page->back().change;
    std::erase_if(feed.subscriptions, [&](Subscription& s) { return !Hand(s, *page); });
    if (static_cast<int>(page->size()) < options_.batch) return;
  }
}

}  // namespace unknot::app
