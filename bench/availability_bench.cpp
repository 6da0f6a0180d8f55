// The scheduling engine on a busy clinic: 20 practitioners over two weeks, about 70% of their
// working time booked (some 2,000 appointments), the answer a patient waits for on every page.

#include <benchmark/benchmark.h>

#include <algorithm>
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

// state.range(0) == 1 shuffles the bookings, so that the engine has to sort them itself.
void BM_Availability14Days(benchmark::State& state) {
  BusyClinic c = Clinic();
  if (state.range(0) == 1) std::shuffle(c.bookings.begin(), c.bookings.end(), std::mt19937(7));
  unknot::core::scheduling::AvailabilityRequest request{
      ServiceId{1}, kFirstDay, LocalDate{date::local_days{kFirstDay} + date::days{kDays - 1}},
      std::nullopt};
  std::size_t slots = 0;
  for (auto _ : state) {
    auto days = unknot::core::scheduling::FindAvailability(c.setup, c.bookings, c.now, request);
    slots = 0;
    for (const auto& day : *days) slots += day.slots.size();
    benchmark::DoNotOptimize(days);
  }
  state.counters["bookings"] = static_cast<double>(c.bookings.size());
  state.counters["booked_pct"] = 100 * c.booked_share;
  state.counters["slots"] = static_cast<double>(slots);
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
