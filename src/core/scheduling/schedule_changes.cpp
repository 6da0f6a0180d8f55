#include "core/scheduling/schedule_changes.hpp"

#include <algorithm>

#include "core/scheduling/slot_finder.hpp"

namespace unknot::core::scheduling {

bool Affects(const ScheduleChange& change, const ScheduleScope& scope) {
  if (change.clinic != scope.clinic || !change.blocked.Overlaps(scope.window)) return false;
  auto has = [](const auto& list, const auto& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };
  return has(scope.practitioners, change.practitioner) ||
         (change.room && has(scope.rooms, *change.room));
}

ScheduleChange ChangeOf(ClinicId clinic, const Appointment& appointment) {
  // blocked_until is never before the end (storage refuses it); the visit itself if it were.
  auto blocked = Interval::Create(appointment.time.start(),
                                  std::max(appointment.blocked_until, appointment.time.end()));
  return {clinic, appointment.practitioner, appointment.room, blocked.value_or(appointment.time)};
}

ScheduleChange ChangeTo(ClinicId clinic, const Appointment& appointment) {
  ScheduleChange change = ChangeOf(clinic, appointment);
  change.effect =
      appointment.status == AppointmentStatus::kCancelled ? BusyEffect::kNone : BusyEffect::kBusy;
  return change;
}

ScheduleChange ChangeFrom(ClinicId clinic, const Appointment& appointment) {
  ScheduleChange change = ChangeOf(clinic, appointment);
  change.effect =
      appointment.status == AppointmentStatus::kCancelled ? BusyEffect::kNone : BusyEffect::kFree;
  return change;
}

std::uint64_t ScheduleChangeLog::Record(std::optional<std::vector<ScheduleChange>> changes) {
  Commit commit;
  commit.anything = !changes.has_value();
  if (changes) commit.changes = std::move(*changes);
  std::lock_guard lock(mutex_);
  if (commits_.size() == kKept) commits_.pop_front();
  commits_.push_back(std::move(commit));
  return ++generation_;
}

std::uint64_t ScheduleChangeLog::Record(const std::vector<const ScheduleChanges*>& writes) {
  std::vector<ScheduleChange> all;
  for (const ScheduleChanges* write : writes) {
    if (!write->known()) return Record(std::nullopt);
    all.insert(all.end(), write->changes().begin(), write->changes().end());
  }
  return Record(std::move(all));
}

std::uint64_t ScheduleChangeLog::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

namespace {

// Where the commits after generation `since` begin in a log that holds the last `kept` commits up
// to `generation` (commits_[i] is generation generation - kept + 1 + i): an index, `kept` when
// there are none; nullopt when `since` is newer than the log or older than it remembers (the
// first commit after it is forgotten).
std::optional<std::size_t> FirstAfter(std::uint64_t since, std::uint64_t generation,
                                      std::size_t kept) {
  if (since > generation) return std::nullopt;  // a generation from the future: not this log's
  const std::uint64_t oldest = generation - kept + 1;
  if (since < generation && since + 1 < oldest) return std::nullopt;
  return static_cast<std::size_t>(since + 1 - oldest);
}

}  // namespace

bool ScheduleChangeLog::ChangedSince(std::uint64_t since, const ScheduleScope& scope,
                                     std::uint64_t* unchanged_through) const {
  std::lock_guard lock(mutex_);
  const std::optional<std::size_t> first = FirstAfter(since, generation_, commits_.size());
  if (!first) return true;
  for (std::size_t i = *first; i < commits_.size(); ++i) {
    const Commit& commit = commits_[i];
    if (commit.anything) return true;
    for (const ScheduleChange& change : commit.changes) {
      if (Affects(change, scope)) return true;
    }
  }
  if (unchanged_through != nullptr) *unchanged_through = generation_;
  return false;
}

std::optional<std::vector<ScheduleChange>> ScheduleChangeLog::ChangesSince(
    std::uint64_t since, ClinicId clinic, Interval window, std::uint64_t& through) const {
  std::lock_guard lock(mutex_);
  const std::optional<std::size_t> first = FirstAfter(since, generation_, commits_.size());
  if (!first) return std::nullopt;
  std::vector<ScheduleChange> out;
  for (std::size_t i = *first; i < commits_.size(); ++i) {
    const Commit& commit = commits_[i];
    if (commit.anything) return std::nullopt;
    for (const ScheduleChange& change : commit.changes) {
      if (change.clinic == clinic && change.blocked.Overlaps(window)) out.push_back(change);
    }
  }
  through = generation_;
  return out;
}

Result<ScheduleScope> AvailabilityScope(const clinic::ClinicSetup& setup,
                                        const AvailabilityRequest& request, Interval busy_window) {
  // `now` only sets the notice and horizon, which the scope does not use.
  const SlotQuery query =
      UNKNOT_TRY(SlotQuery::Create(setup, Instant{}, request.service, request.practitioner));
  ScheduleScope scope{
      .clinic = setup.clinic.id, .practitioners = {}, .rooms = query.rooms, .window = busy_window};
  scope.practitioners.reserve(query.practitioners.size());
  for (const clinic::Practitioner* p : query.practitioners) scope.practitioners.push_back(p->id);
  return scope;
}

}  // namespace unknot::core::scheduling
