#include "storage/busy_times_cache.hpp"

#include <algorithm>

namespace unknot::storage {

using core::scheduling::BusyEffect;
using core::scheduling::ScheduleChange;

std::optional<BusyTimesCache::BusyTimes> BusyTimesCache::Find(
    core::ClinicId clinic, core::Interval window, core::Instant now,
    const core::scheduling::ScheduleChangeLog& log, Clock::time_point at) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(Key{clinic.value(), window.start(), window.end()});
  if (it == entries_.end()) {
    ++stats_.misses;
    return std::nullopt;
  }
  Entry& entry = it->second;
  // A caller's clock behind the read's could still see a hold live that the read left out.
  bool usable = at - entry.stored_at < kMaxAge && now >= entry.read_at;
  bool updated = false;
  if (usable) {
    std::uint64_t through = 0;
    auto changes = log.ChangesSince(entry.generation, clinic, window, through);
    if (!changes) {
      usable = false;
    } else if (!changes->empty()) {
      usable = entry.exact && Apply(entry, *changes);
      updated = usable;
    }
    if (usable) entry.generation = through;
  }
  if (!usable) {
    entries_.erase(it);
    ++stats_.misses;
    return std::nullopt;
  }
  ++stats_.hits;
  if (updated) ++stats_.updated;
  BusyTimes out;
  out.bookings = entry.busy.bookings;
  out.holds.reserve(entry.busy.holds.size());
  for (const core::ports::Hold& hold : entry.busy.holds) {
    if (hold.expires_at > now) out.holds.push_back(hold);
  }
  return out;
}

bool BusyTimesCache::Apply(Entry& entry, const std::vector<ScheduleChange>& changes) {
  std::vector<core::scheduling::Booking>& bookings = entry.busy.bookings;
  std::vector<core::ports::Hold>& holds = entry.busy.holds;
  for (const ScheduleChange& change : changes) {
    if (change.effect == BusyEffect::kUnknown) return false;
    if (change.effect == BusyEffect::kNone) continue;
    if (!change.room) {
      // A hold: only one that was used up or released can be applied.
      if (change.effect != BusyEffect::kFree) return false;
      auto same = [&](const core::ports::Hold& hold) {
        return hold.practitioner == change.practitioner && hold.Blocked() == change.blocked;
      };
      auto found = std::find_if(holds.begin(), holds.end(), same);
      // None: it had expired when read, so it was not among them. Two: which one is unknown.
      if (found == holds.end()) continue;
      if (std::find_if(std::next(found), holds.end(), same) != holds.end()) return false;
      holds.erase(found);
      continue;
    }
    const core::scheduling::Booking booking{change.practitioner, *change.room, change.blocked};
    if (change.effect == BusyEffect::kBusy) {
      // Kept in order of start, as read.
      auto at = std::upper_bound(bookings.begin(), bookings.end(), booking.blocked.start(),
                                 [](core::Instant start, const core::scheduling::Booking& b) {
                                   return start < b.blocked.start();
                                 });
      bookings.insert(at, booking);
    } else {
      // The entry is exact, so a freed appointment in its window is in it; if not, read again.
      auto found = std::find(bookings.begin(), bookings.end(), booking);
      if (found == bookings.end()) return false;
      bookings.erase(found);
    }
  }
  return true;
}

void BusyTimesCache::Store(core::ClinicId clinic, core::Interval window, core::Instant now,
                           std::uint64_t generation, bool exact, const BusyTimes& busy,
                           Clock::time_point at) {
  const Key key{clinic.value(), window.start(), window.end()};
  std::lock_guard lock(mutex_);
  // Many distinct windows (every booking checks its own span): start over rather than track
  // recency, as the availability cache does.
  if (entries_.size() >= max_entries_ && !entries_.contains(key)) entries_.clear();
  entries_[key] = Entry{generation, exact, now, at, busy};
}

BusyTimesCache::Stats BusyTimesCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace unknot::storage
