#pragma once

// Time inside Unknot is a UTC instant. Civil (wall-clock) time exists only at the edges and in
// weekly working hours, and every local -> UTC conversion goes through LocalToUtc with an explicit
// policy for the local times a DST change skips (gap) or repeats (overlap).

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <compare>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace unknot::core {

using Instant = std::chrono::sys_seconds;
using LocalDateTime = date::local_seconds;
using LocalDate = date::year_month_day;

// A wall-clock time within a day, 00:00 to 24:00 inclusive (24:00 closes a day that runs to
// midnight), with minute precision.
class TimeOfDay {
 public:
  static Result<TimeOfDay> Create(std::chrono::minutes since_midnight);
  // "HH:MM", 00:00 .. 24:00.
  static Result<TimeOfDay> Parse(std::string_view text);

  constexpr std::chrono::minutes since_midnight() const { return since_midnight_; }
  std::string ToString() const;  // "HH:MM"

  friend constexpr auto operator<=>(TimeOfDay, TimeOfDay) = default;

 private:
  constexpr explicit TimeOfDay(std::chrono::minutes m) : since_midnight_(m) {}
  std::chrono::minutes since_midnight_;
};

// An IANA time zone from the system tz database. Cheap to copy.
class TimeZone {
 public:
  // Fails with kInvalidArgument when the name is not a zone the system knows.
  static Result<TimeZone> Find(std::string_view iana_name);

  std::string_view name() const;
  const date::time_zone* get() const { return zone_; }

 private:
  explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}
  const date::time_zone* zone_;
};

// What to do with a local time that a spring-forward change skips (02:30 on 2026-03-08 in
// America/Los_Angeles does not exist).
enum class DstGap {
  kShiftForward,  // read it with the offset in force before the gap: 02:30 becomes 03:30 PDT
  kReject,        // fail with kInvalidArgument
};

// What to do with a local time that a fall-back change repeats (01:30 on 2026-11-01 in
// America/Los_Angeles happens twice).
enum class DstOverlap {
  kEarlier,  // the first occurrence (still daylight time)
  kLater,    // the second occurrence (standard time)
  kReject,   // fail with kInvalidArgument
};

struct DstPolicy {
  DstGap gap;
  DstOverlap overlap;
};

// Working hours: a time in a gap is read with the offset before the jump (02:30 on 2026-03-08
// becomes 03:30 PDT, as RFC 5545 reads such times); in an overlap the first occurrence counts.
// Shift lengths are then real minutes: 01:30-02:00 on 2026-11-01 lasts 90 minutes.
inline constexpr DstPolicy kWorkingHoursDstPolicy{DstGap::kShiftForward, DstOverlap::kEarlier};
// Times typed by a person (a local time off, a booking typed by the front desk): ask, never guess.
inline constexpr DstPolicy kStrictDstPolicy{DstGap::kReject, DstOverlap::kReject};

// The one local -> UTC conversion in Unknot.
Result<Instant> LocalToUtc(const TimeZone& zone, LocalDateTime local, DstPolicy policy);

// UTC -> local is always unambiguous.
LocalDateTime UtcToLocal(const TimeZone& zone, Instant instant);

// The local date of an instant in a zone.
LocalDate LocalDateOf(const TimeZone& zone, Instant instant);

// Combines a date and a wall-clock time (24:00 gives midnight of the next day).
LocalDateTime AtTime(LocalDate date, TimeOfDay time);

// ISO 8601 / RFC 3339 text.
std::string FormatInstant(Instant instant);            // "2026-03-08T16:30:00Z"
std::string FormatLocalDateTime(LocalDateTime local);  // "2026-03-08T09:30:00"
std::string FormatLocalDate(LocalDate date);           // "2026-03-08"
// Accepts "YYYY-MM-DDTHH:MM[:SS[.fraction]]" followed by "Z" or "+HH:MM"/"-HH:MM" (RFC 3339, as
// JavaScript's toISOString writes it); a fraction must be zero (1 to 9 digits), since instants are
// whole seconds.
Result<Instant> ParseInstant(std::string_view text);
// Accepts "YYYY-MM-DDTHH:MM[:SS]" with no offset.
Result<LocalDateTime> ParseLocalDateTime(std::string_view text);
// Accepts "YYYY-MM-DD" naming a real calendar day.
Result<LocalDate> ParseLocalDate(std::string_view text);

// "monday" .. "sunday".
std::string_view WeekdayName(date::weekday day);
Result<date::weekday> ParseWeekday(std::string_view name);

}  // namespace unknot::core
