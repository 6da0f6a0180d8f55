#pragma once

// What committed writes changed in the schedule, so that answers derived from it (cached
// availability) are thrown away only when a write could have changed them: a booking for
// practitioner A on Tuesday leaves Wednesday, and practitioner B in another kind of room, alone.
//
// A write says what it changed as ScheduleChanges: the practitioner, the room and the span of
// every appointment or hold it added, moved, cancelled or removed, both before and after. A write
// that says nothing (set-up, time off, anything not written with this in mind) changed anything:
// every derived answer is stale after it. So a write path that forgets to say costs a recompute,
// never a stale answer.
//
// A change may also say what it did to the busy times (ports::Storage::ListBusyTimes): that the
// appointment now blocks its span, or no longer does. A reader that keeps busy times it read
// can then bring them up to date from the log instead of reading them again; a change that does
// not say (kUnknown, the default) makes that reader read again.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/scheduling/availability.hpp"

namespace unknot::core::scheduling {

// What a change did to the busy times: not said; the appointment or hold is now among them
// (for an appointment only: a hold's other fields are not in the change); it no longer is;
// nothing (a cancelled appointment, before or after a write).
enum class BusyEffect : std::uint8_t { kUnknown, kBusy, kFree, kNone };

// One appointment or hold as it was or is now: what it blocks, and for whom.
struct ScheduleChange {
  ClinicId clinic;
  PractitionerId practitioner;
  std::optional<RoomId> room;  // none for a hold, which blocks a practitioner only
  Interval blocked;            // [start, blocked_until)
  BusyEffect effect = BusyEffect::kUnknown;

  friend bool operator==(const ScheduleChange&, const ScheduleChange&) = default;
};

// An appointment of `clinic` as a change: it blocks its practitioner and room from its start to
// its blocked_until. Says nothing of the busy times.
ScheduleChange ChangeOf(ClinicId clinic, const Appointment& appointment);
// The same, for `appointment` as a write left it: busy unless cancelled (kNone).
ScheduleChange ChangeTo(ClinicId clinic, const Appointment& appointment);
// The same, for `appointment` as it was before a write moved, cancelled or otherwise changed it:
// freed when it was live (kNone when it was cancelled). A write that changes an appointment says
// both, ChangeFrom before and ChangeTo after: a cancellation is then freed once, not twice.
ScheduleChange ChangeFrom(ClinicId clinic, const Appointment& appointment);

// What a derived answer depends on: the bookings and holds of these practitioners, the bookings
// in these rooms, that overlap `window`; and the clinic's set-up.
struct ScheduleScope {
  ClinicId clinic;
  std::vector<PractitionerId> practitioners;
  std::vector<RoomId> rooms;
  Interval window;
};

// Whether `change` can alter an answer that depends on `scope`.
bool Affects(const ScheduleChange& change, const ScheduleScope& scope);

// What one write changed, collected while it runs. Until the write calls Add (or Nothing), it may
// have changed anything.
class ScheduleChanges {
 public:
  // The write added, moved, cancelled or removed what `change` describes (call it for the state
  // before and after a move).
  void Add(ScheduleChange change) {
    known_ = true;
    changes_.push_back(change);
  }
  // The write changed nothing the scheduling engine sees.
  void Nothing() { known_ = true; }
  // Forgets what was added: the write was rolled back.
  void Clear() {
    known_ = true;
    changes_.clear();
  }

  bool known() const { return known_; }
  const std::vector<ScheduleChange>& changes() const { return changes_; }

 private:
  bool known_ = false;
  std::vector<ScheduleChange> changes_;
};

// The schedule's generation (a count of committed writes that may have changed it) and what the
// latest of those writes changed. Thread-safe. Storage records every such commit here before its
// generation is visible, so a reader that saw generation g finds every commit after g.
class ScheduleChangeLog {
 public:
  // How many commits are remembered; an answer older than that is stale.
  static constexpr std::size_t kKept = 4096;

  // Records one committed write (a batch of writes committed together is one): `changes` lists
  // what it changed, or is nullopt when it may have changed anything. Returns its generation.
  std::uint64_t Record(std::optional<std::vector<ScheduleChange>> changes);
  // Records the writes of one commit together: anything when one of them is not known.
  std::uint64_t Record(const std::vector<const ScheduleChanges*>& writes);

  // The generation of the latest commit recorded; 0 before the first.
  std::uint64_t generation() const;

  // Whether a commit recorded after generation `since` may have changed what `scope` covers:
  // true when one did, or when `since` is older than what the log remembers. When false and
  // `unchanged_through` is given, it is set to the latest generation checked (>= since), from
  // which the next check may start.
  bool ChangedSince(std::uint64_t since, const ScheduleScope& scope,
                    std::uint64_t* unchanged_through = nullptr) const;

  // The changes committed after generation `since` to what `clinic` has busy in `window`
  // (ScheduleChange::blocked overlaps it), oldest first, and in `through` the latest generation
  // they cover; nullopt when a commit since may have changed anything or `since` is older than
  // what the log remembers (or newer than its latest commit).
  std::optional<std::vector<ScheduleChange>> ChangesSince(std::uint64_t since, ClinicId clinic,
                                                          Interval window,
                                                          std::uint64_t& through) const;

 private:
  struct Commit {
    bool anything = false;
    std::vector<ScheduleChange> changes;
  };
  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;  // guarded by mutex_
  std::deque<Commit> commits_;    // guarded by mutex_: generations generation_ - size + 1 ..
};

// What the availability of `request` depends on, computed from the busy times that overlap
// `busy_window` (the window it read): the practitioners the engine considers, every room of the
// service's kind (any practitioner's booking in one may take the last free room), and that
// window. Fails like FindAvailability for an unknown service or practitioner.
Result<ScheduleScope> AvailabilityScope(const clinic::ClinicSetup& setup,
                                        const AvailabilityRequest& request, Interval busy_window);

}  // namespace unknot::core::scheduling
