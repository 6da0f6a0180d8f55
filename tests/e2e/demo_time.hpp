#pragma once

// Times on the demo clinic's calendar for end-to-end tests.

#include <chrono>
#include <string>

#include "core/common/time.hpp"

namespace unknot::testing {

// A weekday at least two weeks ahead (past the demo's time off, inside the 60-day horizon):
// the first Tuesday from then plus `weekday_offset` days, at `hh:mm` in San Francisco, as a UTC
// instant string.
inline std::string DemoTime(unsigned weekday_offset, int hh, int mm) {
  auto zone = core::TimeZone::Find("America/Los_Angeles").value();
  auto today = date::floor<date::days>(core::UtcToLocal(
      zone, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
  date::local_days day = today + date::days{14};
  while (date::weekday{day} != date::Tuesday) day += date::days{1};
  day += date::days{weekday_offset};
  core::LocalDateTime local = day + std::chrono::hours{hh} + std::chrono::minutes{mm};
  return core::FormatInstant(core::LocalToUtc(zone, local, core::kStrictDstPolicy).value());
}

}  // namespace unknot::testing
