#include "core/scheduling/availability.hpp"

#include <algorithm>
#include <cstdint>

#include "core/common/enum_names.hpp"
#include "core/scheduling/slot_finder.hpp"

namespace unknot::core::scheduling {
namespace {

using clinic::Practitioner;
using std::chrono::seconds;

constexpr EnumNames<SlotRefusal, 5> kRefusals{{
    {SlotRefusal::kTooSoon, "too_soon"},
    {SlotRefusal::kBeyondHorizon, "beyond_horizon"},
    {SlotRefusal::kOutsideHours, "outside_hours"},
    {SlotRefusal::kNotOnStep, "not_on_step"},
    {SlotRefusal::kTaken, "taken"},
}};

constexpr int kMaxDays = 31;

}  // namespace

Result<std::vector<DaySlots>> FindAvailability(const clinic::ClinicSetup& setup,
                                               std::span<const Booking> bookings, Instant now,
                                               const AvailabilityRequest& request) {
  const date::local_days from{request.from};
  const date::local_days to{request.to};
  if (to < from) return Error::InvalidField("to", "must not be before from");
  if ((to - from).count() + 1 > kMaxDays) {
    return Error::InvalidField("to", "the range may cover at most 31 days");
  }
  SlotQuery query =
      UNKNOT_TRY(SlotQuery::Create(setup, now, request.service, request.practitioner));
  // Local midnights are within a day of the instants they name, and a slot blocks at most
  // duration + buffer past its start.
  const Span window{Instant{from.time_since_epoch()} - date::days{2},
                    Instant{(to + date::days{1}).time_since_epoch()} + date::days{2} +
                        query.duration + query.buffer};
  SlotFinder finder(query, bookings, window);
  std::vector<DaySlots> days;
  days.reserve(static_cast<std::size_t>((to - from).count() + 1));
  for (date::local_days day = from; day <= to; day += date::days{1}) {
    days.push_back(finder.FindDay(LocalDate{day}));
  }
  return days;
}

std::string_view ToString(SlotRefusal refusal) { return NameOf(kRefusals, refusal); }

Result<SlotDecision> CheckSlot(const clinic::ClinicSetup& setup, std::span<const Booking> bookings,
                               Instant now, ServiceId service,
                               std::optional<PractitionerId> practitioner, Instant start) {
  SlotQuery query = UNKNOT_TRY(SlotQuery::Create(setup, now, service, practitioner));
  if (start < query.earliest) return SlotDecision{std::nullopt, SlotRefusal::kTooSoon};
  if (start >= query.latest) return SlotDecision{std::nullopt, SlotRefusal::kBeyondHorizon};

  // The same rules as SlotFinder, decided for one start: the spans of the day the start
  // falls on, obstacles tested by overlap instead of swept.
  LocalDayClock clock(query.zone);
  clock.SetDay(LocalDateOf(query.zone, start));
  const date::weekday weekday{date::local_days{clock.day()}};
  const Span service_span{start, start + query.duration};
  const Span blocked{start, start + query.duration + query.buffer};
  bool inside_hours = false;
  std::vector<const Practitioner*> on_step;  // ordered by id
  for (const Practitioner* p : query.practitioners) {
    bool avoids_breaks = std::none_of(p->breaks.begin(), p->breaks.end(), [&](const auto& b) {
      return b.day == weekday && ToSpan(clock, b.start, b.end).Overlaps(service_span);
    });
    bool avoids_time_off = std::none_of(p->time_off.begin(), p->time_off.end(), [&](const auto& t) {
      return Span{t.period.start(), t.period.end()}.Overlaps(service_span);
    });
    if (!avoids_breaks || !avoids_time_off) continue;
    bool stepped = false;
    for (const clinic::WorkingHours& hours : p->hours) {
      if (hours.day != weekday) continue;
      Span working = ToSpan(clock, hours.start, hours.end);
      if (working.start > start || service_span.end > working.end) continue;
      inside_hours = true;
      stepped = stepped || (start - working.start) % query.step == seconds{0};
    }
    if (stepped) on_step.push_back(p);
  }
  if (!inside_hours) return SlotDecision{std::nullopt, SlotRefusal::kOutsideHours};
  if (on_step.empty()) return SlotDecision{std::nullopt, SlotRefusal::kNotOnStep};

  std::vector<bool> practitioner_busy(on_step.size(), false);
  std::vector<bool> room_busy(query.rooms.size(), false);
  for (const Booking& booking : bookings) {
    if (!Span{booking.blocked.start(), booking.blocked.end()}.Overlaps(blocked)) continue;
    for (std::size_t i = 0; i < on_step.size(); ++i) {
      if (on_step[i]->id == booking.practitioner) practitioner_busy[i] = true;
    }
    auto room = std::lower_bound(query.rooms.begin(), query.rooms.end(), booking.room);
    if (room != query.rooms.end() && *room == booking.room) {
      room_busy[static_cast<std::size_t>(room - query.rooms.begin())] = true;
    }
  }
  auto free_room = std::find(room_busy.begin(), room_busy.end(), false);
  auto free_practitioner = std::find(practitioner_busy.begin(), practitioner_busy.end(), false);
  if (free_room == room_busy.end() || free_practitioner == practitioner_busy.end()) {
    return SlotDecision{std::nullopt, SlotRefusal::kTaken};
  }
  return SlotDecision{
      SlotOption{
          on_step[static_cast<std::size_t>(free_practitioner - practitioner_busy.begin())]->id,
          query.rooms[static_cast<std::size_t>(free_room - room_busy.begin())]},
      std::nullopt};
}

std::vector<OfferedSlot> NearestSlots(const std::vector<DaySlots>& days, Instant start,
                                      std::size_t count) {
  struct Candidate {
    const DaySlots* day;
    const Slot* slot;
    Instant start() const { return slot->time.start(); }
  };
  std::vector<Candidate> all;
  for (const DaySlots& day : days) {
    for (const Slot& slot : day.slots) all.push_back({&day, &slot});
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Candidate& a, const Candidate& b) { return a.start() < b.start(); });
  // Walk outwards from `start`, taking the nearer side each time, the earlier one on a tie.
  auto right = static_cast<std::size_t>(
      std::partition_point(all.begin(), all.end(),
                           [start](const Candidate& c) { return c.start() < start; }) -
      all.begin());
  std::size_t left = right;  // all[left - 1] is the next candidate before `start`
  std::vector<OfferedSlot> nearest;
  while (nearest.size() < count && (left > 0 || right < all.size())) {
    bool take_left = right == all.size() ||
                     (left > 0 && start - all[left - 1].start() <= all[right].start() - start);
    const Candidate& taken = take_left ? all[--left] : all[right++];
    const std::span<const SlotOption> options = taken.day->OptionsOf(*taken.slot);
    nearest.push_back({taken.slot->time, {options.begin(), options.end()}});
  }
  return nearest;
}

}  // namespace unknot::core::scheduling
