// The front desk's week view (issue 14): 10 practitioners, 500 appointments over one week; the
// working and free time computed by the engine's building blocks and the whole answer rendered
// as JSON, as GET /api/v1/clinics/{clinic}/calendar?days=7 does after its storage read. The
// answer's size raw and gzipped (as http::Gzip sends it) are reported as counters.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

#include "api/http/gzip.hpp"
#include "api/json/calendar_json.hpp"
#include "core/scheduling/calendar.hpp"

namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using unknot::core::Instant;
using unknot::core::Interval;
using unknot::core::LocalDate;
using unknot::core::TimeOfDay;
namespace clinic = unknot::core::clinic;
namespace scheduling = unknot::core::scheduling;

constexpr int kPractitioners = 10;
constexpr int kAppointments = 500;
constexpr LocalDate kMonday = 2026_y / 4 / 6;  // far from DST changes

TimeOfDay T(const char* hhmm) { return TimeOfDay::Parse(hhmm).value(); }

struct Week {
  unknot::app::ClinicContext context;
  std::vector<unknot::core::ports::CalendarAppointment> appointments;
  std::vector<scheduling::Booking> bookings;
};

// Practitioners on 08:00-18:00 shifts with a lunch hour, Monday to Saturday; appointments of 30
// or 45 minutes placed at random quarter hours of their working time without overlapping.
Week MakeWeek() {
  auto setup = std::make_shared<clinic::ClinicSetup>();
  setup->clinic.time_zone = "America/Los_Angeles";
  setup->clinic.policy.slot_step = 15min;
  for (int r = 1; r <= kPractitioners; ++r) {
    setup->rooms.push_back(
        {unknot::core::RoomId{r}, "Room " + std::to_string(r), clinic::RoomKind::kAdjustment});
  }
  for (int i = 1; i <= kPractitioners; ++i) {
    clinic::Practitioner p;
    p.id = unknot::core::PractitionerId{i};
    p.slug = "practitioner-" + std::to_string(i);
    p.display_name = "Dr. Practitioner " + std::to_string(i) + ", DC";
    for (date::weekday d : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday,
                            date::Friday, date::Saturday}) {
      p.hours.push_back({d, T("08:00"), T("18:00")});
      p.breaks.push_back({d, T("12:00"), T("13:00"), "Lunch"});
    }
    setup->practitioners.push_back(std::move(p));
  }
  clinic::Service service;
  service.id = unknot::core::ServiceId{1};
  service.name = "Chiropractic follow-up";
  setup->services.push_back(service);
  auto zone = unknot::core::TimeZone::Find(setup->clinic.time_zone).value();

  Week week{unknot::app::ClinicContext{setup, zone}, {}, {}};
  std::mt19937 rng(14);
  std::uniform_int_distribution<int> practitioner(0, kPractitioners - 1);
  std::uniform_int_distribution<int> day(0, 5);
  std::uniform_int_distribution<int> quarter(0, 35);  // 08:00 .. 16:45
  std::uniform_int_distribution<int> length(2, 3);
  std::vector<std::vector<Interval>> busy(kPractitioners);
  std::int64_t id = 1;
  while (static_cast<int>(week.appointments.size()) < kAppointments) {
    const int p = practitioner(rng);
    const auto local =
        unknot::core::AtTime(LocalDate{date::sys_days{kMonday} + date::days{day(rng)}}, T("08:00"));
    const Instant start =
        unknot::core::LocalToUtc(zone, local, unknot::core::kWorkingHoursDstPolicy).value() +
        quarter(rng) * 15min;
    const Interval time = Interval::Create(start, start + length(rng) * 15min).value();
    bool free = true;
    for (const Interval& b : busy[p]) free = free && !b.Overlaps(time);
    if (!free) continue;
    busy[p].push_back(time);
    scheduling::Appointment a{.id = unknot::core::AppointmentId{id++},
                              .patient = unknot::core::PatientId{id},
                              .practitioner = setup->practitioners[p].id,
                              .service = service.id,
                              .room = setup->rooms[p].id,
                              .time = time,
                              .blocked_until = time.end(),
                              .status = scheduling::AppointmentStatus::kBooked,
                              .source = scheduling::BookingSource::kOnline,
                              .created_at = start - 72h,
                              .updated_at = start - 72h,
                              .cancelled_at = std::nullopt,
                              .assessment = std::nullopt};
    week.bookings.push_back({a.practitioner, a.room, a.BlockedInterval()});
    week.appointments.push_back(
        {a, "Given" + std::to_string(id), "Family-Name" + std::to_string(id)});
  }
  std::sort(week.appointments.begin(), week.appointments.end(), [](const auto& x, const auto& y) {
    return x.appointment.time.start() < y.appointment.time.start();
  });
  return week;
}

void BM_CalendarWeekView(benchmark::State& state) {
  const Week week = MakeWeek();
  std::size_t raw = 0;
  for (auto _ : state) {
    unknot::app::CalendarView view{kMonday,
                                   LocalDate{date::sys_days{kMonday} + date::days{6}},
                                   Interval::Create(Instant{}, Instant{} + 1s).value(),
                                   {},
                                   week.appointments};
    view.practitioners =
        scheduling::PractitionerTimes(week.context.setup(), week.bookings, kMonday, 7, std::nullopt)
            .value();
    std::string body = unknot::api::json::CalendarBody(week.context, view);
    raw = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["raw_bytes"] = static_cast<double>(raw);
}
BENCHMARK(BM_CalendarWeekView)->Unit(benchmark::kMicrosecond);

// The working and free time alone (no JSON).
void BM_CalendarWeekFreeTime(benchmark::State& state) {
  const Week week = MakeWeek();
  for (auto _ : state) {
    auto times = scheduling::PractitionerTimes(week.context.setup(), week.bookings, kMonday, 7,
                                               std::nullopt);
    benchmark::DoNotOptimize(times);
  }
}
BENCHMARK(BM_CalendarWeekFreeTime)->Unit(benchmark::kMicrosecond);

void BM_CalendarWeekViewGzipped(benchmark::State& state) {
  const Week week = MakeWeek();
  unknot::app::CalendarView view{kMonday,
                                 LocalDate{date::sys_days{kMonday} + date::days{6}},
                                 Interval::Create(Instant{}, Instant{} + 1s).value(),
                                 {},
                                 week.appointments};
  view.practitioners =
      scheduling::PractitionerTimes(week.context.setup(), week.bookings, kMonday, 7, std::nullopt)
          .value();
  const std::string body = unknot::api::json::CalendarBody(week.context, view);
  std::size_t gzipped = 0;
  for (auto _ : state) {
    std::string zipped = unknot::api::http::Gzip(body);
    gzipped = zipped.size();
    benchmark::DoNotOptimize(zipped.data());
  }
  state.counters["raw_bytes"] = static_cast<double>(body.size());
  state.counters["gzip_bytes"] = static_cast<double>(gzipped);
}
BENCHMARK(BM_CalendarWeekViewGzipped)->Unit(benchmark::kMicrosecond);

}  // namespace
