// The scheduling engine on a busy clinic: 20 practitioners over two weeks, about 70% of their
// working time booked (some 2,000 appointments), the answer a patient waits for on every page.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "core/scheduling/availability.hpp"

namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using unknot::core::Instant;
using unknot::core::Interval;
using unknot::core::LocalDate;
using unknot::core::PractitionerId;
using unknot::core::RoomId;
using unknot::core::ServiceId;
using unknot::core::TimeOfDay;
using unknot::core::clinic::ClinicSetup;
using unknot::core::clinic::Role;
using unknot::core::clinic::RoomKind;
using unknot::core::scheduling::Booking;

constexpr int kPractitioners = 20;
constexpr LocalDate kFirstDay = 2026_y / 4 / 6;  // a Monday, far from DST changes
constexpr int kDays = 14;

TimeOfDay T(const char* hhmm) { return TimeOfDay::Parse(hhmm).value(); }

struct BusyClinic {
  ClinicSetup setup;
  std::vector<Booking> bookings;
  Instant now;
  double booked_share = 0;
};

// Chiropractors and massage therapists on typical weekday shifts with a lunch break; one
// 30-minute service any of them may deliver, in a room of one kind, so that a query weighs every
// practitioner and every room. Bookings fill each shift from its start: an appointment of 30 to
// 45 minutes with probability 0.5, else a 15-minute gap, in the lowest free room.
BusyClinic MakeBusyClinic() {
  BusyClinic c;
  ClinicSetup& s = c.setup;
  s.clinic.time_zone = "America/Los_Angeles";
  s.clinic.policy.min_notice = 2h;
  s.clinic.policy.horizon = date::days{60};
  s.clinic.policy.slot_step = 15min;
  for (int r = 1; r <= kPractitioners; ++r) {
    s.rooms.push_back({RoomId{r}, "Room " + std::to_string(r), RoomKind::kAdjustment});
  }
  const char* shifts[][4] = {{"08:00", "17:00", "12:00", "13:00"},
                             {"09:00", "18:00", "12:30", "13:15"},
                             {"10:00", "19:00", "13:30", "14:15"}};
  for (int i = 1; i <= kPractitioners; ++i) {
    unknot::core::clinic::Practitioner p;
    p.id = PractitionerId{i};
    p.slug = "p" + std::to_string(i);
    p.role = i % 3 == 0 ? Role::kMassageTherapist : Role::kChiropractor;
    const auto* shift = shifts[i % 3];
    for (date::weekday d :
         {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday}) {
      p.hours.push_back({d, T(shift[0]), T(shift[1])});
      p.breaks.push_back({d, T(shift[2]), T(shift[3]), "Lunch"});
    }
    s.practitioners.push_back(std::move(p));
  }
  unknot::core::clinic::Service service;
  service.id = ServiceId{1};
  service.slug = "follow-up";
  service.duration = 30min;
  service.allowed_roles = {Role::kChiropractor, Role::kMassageTherapist};
  s.services.push_back(service);

  auto zone = unknot::core::TimeZone::Find(s.clinic.time_zone).value();
  auto utc = [&](date::local_days day, TimeOfDay t) {
    return unknot::core::LocalToUtc(zone, unknot::core::AtTime(LocalDate{day}, t),
                                    unknot::core::kWorkingHoursDstPolicy)
        .value();
  };
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> coin(0, 1);
  std::uniform_int_distribution<int> quarters(2, 3);
  std::vector<std::vector<Interval>> room_busy(kPractitioners);
  auto room_free = [&](std::size_t r, Interval t) {
    for (const Interval& b : room_busy[r]) {
      if (b.Overlaps(t)) return false;
    }
    return true;
  };
  std::chrono::seconds working{0}, booked{0};
  for (int d = 0; d < kDays; ++d) {
    date::local_days day = date::local_days{kFirstDay} + date::days{d};
    date::weekday wd{day};
    for (const auto& p : s.practitioners) {
      for (const auto& h : p.hours) {
        if (h.day != wd) continue;
        const auto& lunch = *std::find_if(p.breaks.begin(), p.breaks.end(),
                                          [&](const auto& b) { return b.day == wd; });
        for (auto [from, to] : {std::pair{h.start, lunch.start}, std::pair{lunch.end, h.end}}) {
          Instant t = utc(day, from), end = utc(day, to);
          working += end - t;
          while (t < end) {
            Interval appointment = Interval::Create(t, t + quarters(rng) * 15min).value();
            if (coin(rng) < 0.5 && appointment.end() <= end) {
              for (std::size_t r = 0; r < room_busy.size(); ++r) {
                if (!room_free(r, appointment)) continue;
                room_busy[r].push_back(appointment);
                c.bookings.push_back({p.id, RoomId{static_cast<int>(r) + 1}, appointment});
                booked += appointment.length();
                break;
              }
              t = appointment.end();
            } else {
              t += 15min;
            }
          }
        }
      }
    }
  }
  // Storage lists bookings ordered by start.
  std::sort(c.bookings.begin(), c.bookings.end(), [](const Booking& a, const Booking& b) {
    return a.blocked.start() < b.blocked.start();
  });
  c.booked_share = static_cast<double>(booked.count()) / static_cast<double>(working.count());
  c.now = utc(date::local_days{kFirstDay} - date::days{1}, T("12:00"));
  return c;
}

const BusyClinic& Clinic() {
  static const BusyClinic clinic = MakeBusyClinic();
  return clinic;
}

// The reference the engine is measured against (issue 18): the least work that gives the same
// answer's information, in plain loops over vectors. Each practitioner's and each room's bookings
// sorted by start; per day and practitioner, their breaks, time off and bookings that day sorted
// and swept against the working hours, the grid starts of each free part counted; per start
// someone can take, the lowest free room found with a cursor per room. It counts the free starts
// (the engine's slots) and the practitioners offered at them (the engine's options). It knows what
// the engine need not: one service, ids that are small numbers, days far from a DST change, and
// that a room's bookings never overlap.
struct Busy {
  Instant start;
  Instant end;
};

struct SweepCount {
  std::size_t slots = 0;
  std::size_t options = 0;
};

SweepCount BareSweep(const BusyClinic& c, const std::vector<Booking>& bookings) {
  const ClinicSetup& s = c.setup;
  const unknot::core::clinic::Service& service = s.services.front();
  const date::time_zone* zone = unknot::core::TimeZone::Find(s.clinic.time_zone).value().get();
  const std::chrono::seconds duration = service.duration;
  const std::chrono::seconds blocks = service.duration + service.buffer_after;
  const std::chrono::seconds step = s.clinic.policy.slot_step;
  const Instant earliest = c.now + s.clinic.policy.min_notice;
  const Instant latest = c.now + s.clinic.policy.horizon;

  // Practitioners who may deliver the service and rooms of its kind, by position; their ids
  // (small numbers) map to the positions through a table.
  std::vector<const unknot::core::clinic::Practitioner*> who;
  std::vector<int> who_of(s.practitioners.size() + 1, -1);
  for (const auto& p : s.practitioners) {
    if (!service.CanBeDeliveredBy(p)) continue;
    who_of[static_cast<std::size_t>(p.id.value())] = static_cast<int>(who.size());
    who.push_back(&p);
  }
  std::vector<int> room_of(s.rooms.size() + 1, -1);
  int rooms = 0;
  for (const auto& room : s.rooms) {
    if (room.kind == service.room_kind)
      room_of[static_cast<std::size_t>(room.id.value())] = rooms++;
  }
  // Every practitioner's and room's bookings, counted first so that each list is allocated once,
  // then sorted by start unless they came so.
  std::vector<std::size_t> practitioner_count(who.size(), 0);
  std::vector<std::size_t> room_count(static_cast<std::size_t>(rooms), 0);
  for (const Booking& b : bookings) {
    int p = who_of[static_cast<std::size_t>(b.practitioner.value())];
    int r = room_of[static_cast<std::size_t>(b.room.value())];
    if (p >= 0) ++practitioner_count[static_cast<std::size_t>(p)];
    if (r >= 0) ++room_count[static_cast<std::size_t>(r)];
  }
  std::vector<std::vector<Busy>> practitioner_busy(who.size());
  std::vector<std::vector<Busy>> room_busy(static_cast<std::size_t>(rooms));
  for (std::size_t i = 0; i < who.size(); ++i) practitioner_busy[i].reserve(practitioner_count[i]);
  for (std::size_t i = 0; i < room_busy.size(); ++i) room_busy[i].reserve(room_count[i]);
  for (const Booking& b : bookings) {
    int p = who_of[static_cast<std::size_t>(b.practitioner.value())];
    int r = room_of[static_cast<std::size_t>(b.room.value())];
    const Busy busy{b.blocked.start(), b.blocked.end()};
    if (p >= 0) practitioner_busy[static_cast<std::size_t>(p)].push_back(busy);
    if (r >= 0) room_busy[static_cast<std::size_t>(r)].push_back(busy);
  }
  auto by_start = [](const Busy& a, const Busy& b) { return a.start < b.start; };
  for (auto* lists : {&practitioner_busy, &room_busy}) {
    for (auto& busy : *lists) {
      if (!std::is_sorted(busy.begin(), busy.end(), by_start)) {
        std::sort(busy.begin(), busy.end(), by_start);
      }
    }
  }

  SweepCount count;
  std::vector<std::size_t> practitioner_next(who.size(), 0);
  std::vector<std::size_t> room_next(static_cast<std::size_t>(rooms), 0);
  std::vector<int> free_at(static_cast<std::size_t>(date::days{1} / step));  // per grid start
  std::vector<Busy> obstacles;  // one practitioner's, one day
  for (int d = 0; d < kDays; ++d) {
    const date::local_days day = date::local_days{kFirstDay} + date::days{d};
    const date::weekday weekday{day};
    const date::local_info info = zone->get_info(date::local_seconds{day});
    if (info.result != date::local_info::unique) std::abort();  // the clinic's days are not DST's
    const Instant midnight{day.time_since_epoch() - info.first.offset};
    const Instant next_midnight = midnight + date::days{1};
    std::fill(free_at.begin(), free_at.end(), 0);
    for (std::size_t i = 0; i < who.size(); ++i) {
      const auto& p = *who[i];
      // The day's obstacles to a start: breaks and time off for the service itself, bookings for
      // the span it blocks (so a booking counts from `blocks - duration` earlier).
      obstacles.clear();
      for (const auto& b : p.breaks) {
        if (b.day != weekday) continue;
        obstacles.push_back(
            {midnight + b.start.since_midnight(), midnight + b.end.since_midnight()});
      }
      for (const auto& off : p.time_off) {
        if (off.period.start() < next_midnight && midnight < off.period.end()) {
          obstacles.push_back({off.period.start(), off.period.end()});
        }
      }
      const std::vector<Busy>& busy = practitioner_busy[i];
      std::size_t& next = practitioner_next[i];
      while (next < busy.size() && busy[next].end <= midnight) ++next;
      for (std::size_t k = next; k < busy.size() && busy[k].start < next_midnight; ++k) {
        obstacles.push_back({busy[k].start - (blocks - duration), busy[k].end});
      }
      std::sort(obstacles.begin(), obstacles.end(), by_start);
      for (const auto& hours : p.hours) {
        if (hours.day != weekday) continue;
        const Instant first = midnight + hours.start.since_midnight();
        const Instant end = midnight + hours.end.since_midnight();
        // Each free part [from, to) of the working hours gives the grid starts inside it.
        auto emit = [&](Instant from, Instant to) {
          const Instant at_least = std::max(from, earliest);
          Instant t = first;
          if (t < at_least) t += (at_least - first + step - std::chrono::seconds{1}) / step * step;
          for (; t + duration <= to && t < latest; t += step) {
            ++free_at[static_cast<std::size_t>((t - midnight) / step)];
          }
        };
        Instant free_from = first;
        for (const Busy& o : obstacles) {
          if (o.end <= free_from) continue;
          if (o.start >= end) break;
          if (o.start > free_from) emit(free_from, o.start);
          free_from = o.end;
        }
        if (free_from < end) emit(free_from, end);
      }
    }
    for (std::size_t g = 0; g < free_at.size(); ++g) {
      if (free_at[g] == 0) continue;
      const Instant t = midnight + g * step;
      for (std::size_t r = 0; r < room_next.size(); ++r) {
        const std::vector<Busy>& busy = room_busy[r];
        while (room_next[r] < busy.size() && busy[room_next[r]].end <= t) ++room_next[r];
        if (room_next[r] == busy.size() || busy[room_next[r]].start >= t + blocks) {
          ++count.slots;
          count.options += static_cast<std::size_t>(free_at[g]);
          break;
        }
      }
    }
  }
  return count;
}

unknot::core::scheduling::AvailabilityRequest TwoWeeks() {
  return {ServiceId{1}, kFirstDay, LocalDate{date::local_days{kFirstDay} + date::days{kDays - 1}},
          std::nullopt};
}

// The bare sweep's time per iteration (real time, ns) for each argument, every repetition's, so
// that the engine's benchmark can report its median ratio to it.
std::vector<double>& BareNanos(std::int64_t shuffled) {
  static std::vector<double> nanos[2];
  return nanos[shuffled];
}

// state.range(0) == 1 shuffles the bookings, so that both have to sort them.
void BM_BareSweep14Days(benchmark::State& state) {
  BusyClinic c = Clinic();
  if (state.range(0) == 1) std::shuffle(c.bookings.begin(), c.bookings.end(), std::mt19937(7));
  // The reference is only honest if it gives the engine's answer.
  auto days = unknot::core::scheduling::FindAvailability(c.setup, c.bookings, c.now, TwoWeeks());
  SweepCount engine;
  for (const auto& day : days.value()) {
    engine.slots += day.slots.size();
    engine.options += day.options.size();
  }
  SweepCount bare = BareSweep(c, c.bookings);
  if (bare.slots != engine.slots || bare.options != engine.options) {
    std::fprintf(stderr, "bare sweep: %zu slots, %zu options; engine: %zu slots, %zu options\n",
                 bare.slots, bare.options, engine.slots, engine.options);
    std::abort();
  }
  auto started = std::chrono::steady_clock::now();
  for (auto _ : state) {
    bare = BareSweep(c, c.bookings);
    benchmark::DoNotOptimize(bare);
  }
  std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - started;
  BareNanos(state.range(0)).push_back(took.count() / static_cast<double>(state.iterations()));
  state.counters["slots"] = static_cast<double>(bare.slots);
  state.counters["options"] = static_cast<double>(bare.options);
}
BENCHMARK(BM_BareSweep14Days)->ArgName("shuffled")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// state.range(0) == 1 shuffles the bookings, so that the engine has to sort them itself. When the
// bare sweep ran first in the same process, `x_bare` is this run's time over its median time.
void BM_Availability14Days(benchmark::State& state) {
  BusyClinic c = Clinic();
  if (state.range(0) == 1) std::shuffle(c.bookings.begin(), c.bookings.end(), std::mt19937(7));
  const unknot::core::scheduling::AvailabilityRequest request = TwoWeeks();
  std::size_t slots = 0;
  auto started = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto days = unknot::core::scheduling::FindAvailability(c.setup, c.bookings, c.now, request);
    slots = 0;
    for (const auto& day : *days) slots += day.slots.size();
    benchmark::DoNotOptimize(days);
  }
  std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - started;
  state.counters["bookings"] = static_cast<double>(c.bookings.size());
  state.counters["booked_pct"] = 100 * c.booked_share;
  state.counters["slots"] = static_cast<double>(slots);
  std::vector<double> bare = BareNanos(state.range(0));
  if (!bare.empty()) {
    std::nth_element(bare.begin(), bare.begin() + bare.size() / 2, bare.end());
    state.counters["x_bare"] =
        took.count() / static_cast<double>(state.iterations()) / bare[bare.size() / 2];
  }
}
BENCHMARK(BM_Availability14Days)
    ->ArgName("shuffled")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);

void BM_CheckSlot(benchmark::State& state) {
  const BusyClinic& c = Clinic();
  // Starts on the grid across the two weeks' working days, free and taken alike.
  std::vector<Instant> starts;
  Instant first = c.now + 24h;
  for (int i = 0; i < 997; ++i) starts.push_back(first + (i * 37 % (14 * 96)) * 15min);
  std::size_t i = 0;
  for (auto _ : state) {
    auto decision = unknot::core::scheduling::CheckSlot(c.setup, c.bookings, c.now, ServiceId{1},
                                                        std::nullopt, starts[i]);
    benchmark::DoNotOptimize(decision);
    i = (i + 1) % starts.size();
  }
}
BENCHMARK(BM_CheckSlot)->Unit(benchmark::kMicrosecond);

}  // namespace
