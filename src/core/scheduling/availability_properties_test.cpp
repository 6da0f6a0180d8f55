// Properties of the scheduling engine on random clinics: a few practitioners with random hours,
// breaks and time off, random bookings, in Los Angeles (around both DST changes) or Phoenix.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>

#include "core/scheduling/availability.hpp"

namespace unknot::core::scheduling {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using clinic::Role;
using clinic::RoomKind;
using clinic::Skill;
using std::chrono::minutes;

struct World {
  clinic::ClinicSetup setup;
  std::vector<Booking> bookings;
  Instant now;
  AvailabilityRequest request;
  TimeZone zone;
};

// Uniform over [low, high] from the first case on: inRange alone starts near `low` while
// rapidcheck's size is small, which would make most early clinics empty.
int Pick(int low, int high) { return *rc::gen::resize(100, rc::gen::inRange(low, high + 1)); }

TimeOfDay Minutes(int m) { return TimeOfDay::Create(minutes{m}).value(); }

Instant Utc(const TimeZone& zone, LocalDate day, TimeOfDay t) {
  return LocalToUtc(zone, AtTime(day, t), kWorkingHoursDstPolicy).value();
}

// Random working hours on each weekday: up to two spans, on a 5-minute grid, and at most one
// break inside each.
void AddSchedule(clinic::Practitioner& p) {
  for (unsigned d = 0; d < 7; ++d) {
    int from = 0;
    for (int span = Pick(0, 2); span > 0; --span) {
      int start = from + 5 * Pick(0, 60);
      int end = start + 5 * Pick(3, 72);
      if (end > 24 * 60) break;
      p.hours.push_back({date::weekday{d}, Minutes(start), Minutes(end)});
      if (Pick(0, 1) == 1) {
        int b = start + 5 * Pick(0, (end - start) / 5 - 1);
        int e = std::min(end, b + 5 * Pick(1, 12));
        p.breaks.push_back({date::weekday{d}, Minutes(b), Minutes(e), "break"});
      }
      from = end;
    }
  }
}

World RandomWorld() {
  const bool phoenix = Pick(0, 3) == 0;
  World w{.setup = {},
          .bookings = {},
          .now = {},
          .request = {},
          .zone = TimeZone::Find(phoenix ? "America/Phoenix" : "America/Los_Angeles").value()};
  w.setup.clinic.time_zone = std::string(w.zone.name());
  static constexpr int kSteps[] = {5, 10, 15, 20, 30, 60};
  w.setup.clinic.policy.slot_step = minutes{kSteps[Pick(0, 5)]};
  w.setup.clinic.policy.min_notice = minutes{15 * Pick(0, 16)};
  w.setup.clinic.policy.horizon = date::days{Pick(4, 30)};

  // The window starts a few days before a DST change (or on an ordinary summer day).
  static constexpr LocalDate kStarts[] = {2026_y / 3 / 4, 2026_y / 10 / 28, 2026_y / 6 / 10};
  const date::local_days first{kStarts[Pick(0, 2)]};
  const Instant window_start = Utc(w.zone, LocalDate{first}, Minutes(0));
  auto instant_in_window = [&] { return window_start + minutes{5 * Pick(0, 12 * 24 * 21)}; };

  for (int r = 1, rooms = Pick(1, 4); r <= rooms; ++r) {
    w.setup.rooms.push_back({RoomId{r}, "R" + std::to_string(r),
                             Pick(0, 1) == 0 ? RoomKind::kAdjustment : RoomKind::kMassage});
  }
  const int practitioners = Pick(1, 4);
  for (int i = 0; i < practitioners; ++i) {
    clinic::Practitioner p;
    p.id = PractitionerId{Pick(1, 9) * 10 + i};  // ids not in setup order
    p.slug = "p" + std::to_string(i);
    p.role = Pick(0, 1) == 0 ? Role::kChiropractor : Role::kMassageTherapist;
    if (Pick(0, 1) == 1) p.skills.push_back(Skill::kActiveReleaseTechnique);
    if (Pick(0, 5) == 0) p.status = clinic::PractitionerStatus::kInactive;
    AddSchedule(p);
    for (int t = Pick(0, 2); t > 0; --t) {
      Instant start = instant_in_window();
      p.time_off.push_back(
          {TimeOffId{}, Interval::Create(start, start + minutes{5 * Pick(1, 300)}).value(), ""});
    }
    w.setup.practitioners.push_back(std::move(p));
  }
  clinic::Service service;
  service.id = ServiceId{1};
  service.slug = "s";
  service.duration = minutes{5 * Pick(3, 24)};
  service.buffer_after = minutes{5 * Pick(0, 4)};
  service.allowed_roles = {Pick(0, 1) == 0 ? Role::kChiropractor : Role::kMassageTherapist};
  if (Pick(0, 1) == 0) service.allowed_roles = {Role::kChiropractor, Role::kMassageTherapist};
  if (Pick(0, 3) == 0) service.required_skills = {Skill::kActiveReleaseTechnique};
  service.room_kind =
      w.setup.rooms[static_cast<std::size_t>(Pick(0, static_cast<int>(w.setup.rooms.size()) - 1))]
          .kind;
  w.setup.services.push_back(service);

  for (int b = Pick(0, 40); b > 0; --b) {
    Instant start = instant_in_window();
    const auto& who = w.setup.practitioners[static_cast<std::size_t>(Pick(0, practitioners - 1))];
    w.bookings.push_back({who.id, RoomId{Pick(1, static_cast<int>(w.setup.rooms.size()))},
                          Interval::Create(start, start + minutes{5 * Pick(3, 30)}).value()});
  }
  w.now = window_start + minutes{5 * Pick(-12 * 24 * 2, 12 * 24 * 2)};
  const date::local_days from = first + date::days{Pick(0, 10)};
  w.request = {service.id, LocalDate{from}, LocalDate{from + date::days{Pick(0, 10)}},
               std::nullopt};
  return w;
}

const clinic::Practitioner& Find(const World& w, PractitionerId id) {
  return *w.setup.FindPractitioner(id);
}

// (a) A slot's blocked span overlaps no booking of its practitioner or room; the service itself
// overlaps no break (read independently through LocalToUtc) and no time off.
// (b) The service lies inside one of the practitioner's working spans that day.
RC_GTEST_PROP(AvailabilityProperties, SlotsRespectBookingsBreaksTimeOffAndHours, ()) {
  World w = RandomWorld();
  auto days = FindAvailability(w.setup, w.bookings, w.now, w.request);
  RC_ASSERT(days.has_value());
  const clinic::Service& service = w.setup.services[0];
  std::size_t slots = 0;
  for (const DaySlots& day : *days) slots += day.slots.size();
  RC_CLASSIFY(slots > 0, "some slots");  // the report shows how many cases are not vacuous
  for (const DaySlots& day : *days) {
    const date::weekday weekday{date::local_days{day.date}};
    for (const Slot& slot : day.slots) {
      RC_ASSERT(!day.OptionsOf(slot).empty());
      const Interval blocked =
          Interval::Create(slot.time.start(), slot.time.end() + service.buffer_after).value();
      for (const SlotOption& option : day.OptionsOf(slot)) {
        for (const Booking& b : w.bookings) {
          if (b.practitioner == option.practitioner || b.room == option.room) {
            RC_ASSERT(!b.blocked.Overlaps(blocked));
          }
        }
        const clinic::Practitioner& p = Find(w, option.practitioner);
        for (const clinic::Break& br : p.breaks) {
          if (br.day != weekday) continue;
          auto span =
              Interval::Create(Utc(w.zone, day.date, br.start), Utc(w.zone, day.date, br.end));
          RC_ASSERT(!(span && span->Overlaps(slot.time)));
        }
        for (const clinic::TimeOff& off : p.time_off) RC_ASSERT(!off.period.Overlaps(slot.time));
        RC_ASSERT(std::any_of(p.hours.begin(), p.hours.end(), [&](const clinic::WorkingHours& h) {
          return h.day == weekday && Utc(w.zone, day.date, h.start) <= slot.time.start() &&
                 slot.time.end() <= Utc(w.zone, day.date, h.end);
        }));
        RC_ASSERT(w.setup.FindRoom(option.room)->kind == service.room_kind);
        RC_ASSERT(service.CanBeDeliveredBy(p));
      }
    }
  }
}

// (c) The same inputs give the same output, whatever the order of the bookings.
RC_GTEST_PROP(AvailabilityProperties, IsDeterministic, ()) {
  World w = RandomWorld();
  auto first = FindAvailability(w.setup, w.bookings, w.now, w.request);
  std::vector<Booking> shuffled = w.bookings;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(*rc::gen::arbitrary<unsigned>()));
  auto again = FindAvailability(w.setup, shuffled, w.now, w.request);
  RC_ASSERT(first.has_value() && again.has_value());
  RC_ASSERT(*first == *again);
}

// (d) CheckSlot agrees with FindAvailability: a start is free iff it is listed for its local day,
// with the first (lowest-id) option of the slot; otherwise a refusal says why.
RC_GTEST_PROP(AvailabilityProperties, CheckSlotAgreesWithFindAvailability, ()) {
  World w = RandomWorld();
  auto days = FindAvailability(w.setup, w.bookings, w.now, w.request);
  RC_ASSERT(days.has_value());
  std::vector<Instant> starts;
  for (const DaySlots& day : *days) {
    for (const Slot& slot : day.slots) starts.push_back(slot.time.start());
  }
  const Instant from = Utc(w.zone, w.request.from, Minutes(0));
  const Instant to = Utc(w.zone, w.request.to, Minutes(24 * 60));
  for (int i = 0; i < 20; ++i)
    starts.push_back(from + minutes{5 * Pick(0, static_cast<int>((to - from) / 5min))});
  for (Instant start : starts) {
    const LocalDate day = LocalDateOf(w.zone, start);
    if (date::local_days{day} < date::local_days{w.request.from} ||
        date::local_days{day} > date::local_days{w.request.to}) {
      continue;
    }
    const std::vector<DaySlots>& all = *days;
    const DaySlots& listed = all[static_cast<std::size_t>(
        (date::local_days{day} - date::local_days{w.request.from}).count())];
    auto slot = std::find_if(listed.slots.begin(), listed.slots.end(),
                             [&](const Slot& s) { return s.time.start() == start; });
    auto decision = CheckSlot(w.setup, w.bookings, w.now, ServiceId{1}, std::nullopt, start);
    RC_ASSERT(decision.has_value());
    RC_ASSERT(decision->option.has_value() == (slot != listed.slots.end()));
    RC_ASSERT(decision->option.has_value() != decision->refusal.has_value());
    if (decision->option) RC_ASSERT(*decision->option == listed.OptionsOf(*slot).front());
  }
}

}  // namespace
}  // namespace unknot::core::scheduling
