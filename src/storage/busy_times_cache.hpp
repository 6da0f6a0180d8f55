#pragma once

// Busy times (ports::Storage::ListBusyTimes) kept after a read and brought up to date from the
// schedule change log (core/scheduling/schedule_changes.hpp) instead of read again. The read a
// patient waits for right after a booking is for the day the booking changed: from here it is
// the last read of that window plus the booking, without a database read.
//
// An entry is only as good as the generation it was read at. Where that generation is exact
// (read on the write connection while no write can commit: the log's generation is then the
// database's state), the log's changes since are applied to it one by one: an appointment that
// became busy is added, one that was freed removed, a hold that was used up or released removed.
// Where it is not exact (a pooled reader, whose snapshot may already hold a commit the log has
// not recorded yet), the entry is used only while no change since falls in its window. A change
// that does not say what it did to the busy times (a hold taken, a request decided, set-up, any
// PostgreSQL write: see ScheduleChange::effect), or anything that does not add up (a freed
// appointment that is not there), drops the entry: the caller reads again. Holds expire by time
// alone; an entry keeps them with their expiry and leaves out those expired at the caller's now.
//
// Only this process's writes are in the log, as for the availability cache: one process serves
// a database. An entry lives at most kMaxAge from its read all the same.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/time.hpp"
#include "core/ports/storage.hpp"
#include "core/scheduling/schedule_changes.hpp"

namespace unknot::storage {

class BusyTimesCache {
 public:
  using Clock = std::chrono::steady_clock;
  using BusyTimes = core::ports::Storage::BusyTimes;
  static constexpr std::chrono::seconds kMaxAge{30};
  static constexpr std::size_t kMaxEntries = 256;

  explicit BusyTimesCache(std::size_t max_entries = kMaxEntries) : max_entries_(max_entries) {}

  // The busy times of `clinic` in `window` at `now` (holds live at `now`), from the entry stored
  // for them brought up to date with `log`; nullopt when there is none or it cannot be.
  std::optional<BusyTimes> Find(core::ClinicId clinic, core::Interval window, core::Instant now,
                                const core::scheduling::ScheduleChangeLog& log,
                                Clock::time_point at);

  // Keeps `busy`, read at `now` when `log` stood at `generation` (read before the read began, or,
  // with `exact`, while no commit could land: the database held exactly the log's commits).
  void Store(core::ClinicId clinic, core::Interval window, core::Instant now,
             std::uint64_t generation, bool exact, const BusyTimes& busy, Clock::time_point at);

  // Find calls answered from an entry (`updated`: after applying changes to it), and not.
  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t updated = 0;
    std::uint64_t misses = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::uint64_t generation = 0;
    bool exact = false;
    core::Instant read_at;
    Clock::time_point stored_at;
    BusyTimes busy;  // holds live at read_at, with their expiry
  };
  using Key = std::tuple<std::int64_t, core::Instant, core::Instant>;

  // Applies `changes` (those of the log since entry.generation in its window) to `entry`;
  // false when one cannot be applied.
  static bool Apply(Entry& entry, const std::vector<core::scheduling::ScheduleChange>& changes);

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::map<Key, Entry> entries_;  // guarded by mutex_
  Stats stats_;                   // guarded by mutex_
};

}  // namespace unknot::storage
