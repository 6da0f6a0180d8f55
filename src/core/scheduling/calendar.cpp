#include "core/scheduling/calendar.hpp"

#include <algorithm>

#include "core/scheduling/free_time.hpp"
#include "core/scheduling/slot_finder.hpp"

namespace unknot::core::scheduling {

namespace {

void AppendAsIntervals(std::vector<Interval>& out, Span span) {
  if (span.empty()) return;
  // Parts of one day's sweep touch the next day's at midnight at most: join them.
  if (!out.empty() && out.back().end() == span.start) {
    span.start = out.back().start();
    out.pop_back();
  }
  out.push_back(Interval::Create(span.start, span.end).value());
}

}  // namespace

Result<std::vector<PractitionerTime>> PractitionerTimes(const clinic::ClinicSetup& setup,
                                                        std::span<const Booking> bookings,
                                                        LocalDate from, int days,
                                                        std::optional<PractitionerId> only) {
  if (days < 1 || days > 31) return Error::InvalidField("days", "must be 1 to 31");
  if (only && setup.FindPractitioner(*only) == nullptr) {
    return Error(ErrorCode::kNotFound, "no such practitioner",
                 {{"practitioner", "no such practitioner"}});
  }
  const TimeZone zone = UNKNOT_TRY(TimeZone::Find(setup.clinic.time_zone));
  std::vector<PractitionerTime> out;
  std::vector<Span> obstacles;
  std::vector<Span> busy;
  std::vector<Span> working;
  LocalDayClock clock(zone);
  for (const clinic::Practitioner& p : setup.practitioners) {
    if (only ? p.id != *only : p.status != clinic::PractitionerStatus::kActive) continue;
    PractitionerTime time{p.id, {}, {}};
    busy.clear();
    for (const Booking& b : bookings) {
      if (b.practitioner == p.id) busy.push_back(Span{b.blocked.start(), b.blocked.end()});
    }
    busy.resize(SortAndMerge(busy));
    for (int d = 0; d < days; ++d) {
      clock.SetDay(LocalDate{date::sys_days{from} + date::days{d}});
      const date::weekday weekday{date::local_days{clock.day()}};
      obstacles.clear();
      for (const clinic::Break& b : p.breaks) {
        if (b.day == weekday) obstacles.push_back(ToSpan(clock, b.start, b.end));
      }
      for (const clinic::TimeOff& t : p.time_off) {
        obstacles.push_back(Span{t.period.start(), t.period.end()});
      }
      obstacles.resize(SortAndMerge(obstacles));
      working.clear();
      for (const clinic::WorkingHours& hours : p.hours) {
        if (hours.day != weekday) continue;
        ForEachFreePart(ToSpan(clock, hours.start, hours.end), obstacles,
                        [&](Span part) { working.push_back(part); });
      }
      working.resize(SortAndMerge(working));
      for (const Span& span : working) {
        AppendAsIntervals(time.working, span);
        ForEachFreePart(span, busy, [&](Span part) { AppendAsIntervals(time.free, part); });
      }
    }
    out.push_back(std::move(time));
  }
  return out;
}

}  // namespace unknot::core::scheduling
