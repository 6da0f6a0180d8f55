#include "core/common/time.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

namespace unknot::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `width` decimal digits at `pos`; false if any is not a digit.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

Result<LocalDate> ParseDatePart(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || !ReadDigits(text, 0, 4, y) || text[4] != '-' ||
      !ReadDigits(text, 5, 2, m) || text[7] != '-' || !ReadDigits(text, 8, 2, d)) {
    return Error(ErrorCode::kInvalidArgument, "expected a date as YYYY-MM-DD");
  }
  LocalDate date{date::year{y}, date::month{static_cast<unsigned>(m)},
                 date::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return Error(ErrorCode::kInvalidArgument, "not a calendar date");
  return date;
}

// Parses "YYYY-MM-DDTHH:MM[:SS]" at the start of `text`; `consumed` is how much was read.
Result<LocalDateTime> ParseDateTimePart(std::string_view text, std::size_t& consumed) {
  LocalDate date = UNKNOT_TRY(ParseDatePart(text));
  int hh = 0, mm = 0, ss = 0;
  if (text.size() < 16 || (text[10] != 'T' && text[10] != 't') || !ReadDigits(text, 11, 2, hh) ||
      text[13] != ':' || !ReadDigits(text, 14, 2, mm)) {
    return Error(ErrorCode::kInvalidArgument, "expected a date and time as YYYY-MM-DDTHH:MM");
  }
  consumed = 16;
  if (text.size() > 16 && text[16] == ':') {
    if (!ReadDigits(text, 17, 2, ss)) {
      return Error(ErrorCode::kInvalidArgument, "expected seconds after HH:MM:");
    }
    consumed = 19;
  }
  if (hh > 23 || mm > 59 || ss > 59) {
    return Error(ErrorCode::kInvalidArgument, "hour, minute or second out of range");
  }
  return date::local_days{date} + hours{hh} + minutes{mm} + seconds{ss};
}

}  // namespace

Result<TimeOfDay> TimeOfDay::Create(minutes since_midnight) {
  if (since_midnight < minutes{0} || since_midnight > hours{24}) {
    return Error(ErrorCode::kInvalidArgument, "time of day must be between 00:00 and 24:00");
  }
  return TimeOfDay(since_midnight);
}

Result<TimeOfDay> TimeOfDay::Parse(std::string_view text) {
  int hh = 0, mm = 0;
  if (text.size() != 5 || !ReadDigits(text, 0, 2, hh) || text[2] != ':' ||
      !ReadDigits(text, 3, 2, mm) || mm > 59) {
    return Error(ErrorCode::kInvalidArgument, "expected a time of day as HH:MM");
  }
  return Create(hours{hh} + minutes{mm});
}

std::string TimeOfDay::ToString() const {
  auto total = since_midnight_.count();
  std::array<char, 8> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%02d:%02d", static_cast<int>(total / 60),
                static_cast<int>(total % 60));
  return buffer.data();
}

Result<TimeZone> TimeZone::Find(std::string_view iana_name) {
  // A request looks its clinic's zone up several times (the set-up, the engine, the cache's
  // scope): each thread remembers the last zone found, so the zone database is searched again
  // only when the name changes. Zones live as long as the process. (A link such as US/Pacific
  // finds its zone under the zone's own name, so it is always searched: still right.)
  thread_local const date::time_zone* last = nullptr;
  if (last != nullptr && last->name() == iana_name) return TimeZone(last);
  try {
    last = date::locate_zone(iana_name);
    return TimeZone(last);
  } catch (const std::runtime_error&) {
    return Error(ErrorCode::kInvalidArgument,
                 "unknown time zone '" + std::string(iana_name) + "' (expected an IANA name)");
  }
}

std::string_view TimeZone::name() const { return zone_->name(); }

Result<Instant> LocalToUtc(const TimeZone& zone, LocalDateTime local, DstPolicy policy) {
  const date::local_info info = zone.get()->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      return Instant{local.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent:
      if (policy.gap == DstGap::kReject) {
        return Error(ErrorCode::kInvalidArgument,
                     FormatLocalDateTime(local) + " does not exist in " + std::string(zone.name()) +
                         " (clocks jump forward)");
      }
      // `first` is the period before the jump: reading the time with its offset moves it
      // forward by the length of the gap.
      return Instant{local.time_since_epoch() - info.first.offset};
    case date::local_info::ambiguous:
      switch (policy.overlap) {
        case DstOverlap::kEarlier:
          return Instant{local.time_since_epoch() - info.first.offset};
        case DstOverlap::kLater:
          return Instant{local.time_since_epoch() - info.second.offset};
        case DstOverlap::kReject:
          return Error(ErrorCode::kInvalidArgument,
                       FormatLocalDateTime(local) + " happens twice in " +
                           std::string(zone.name()) + " (clocks fall back)");
      }
  }
  return Error(ErrorCode::kInternal, "unexpected local_info result");
}

LocalDateTime UtcToLocal(const TimeZone& zone, Instant instant) {
  return zone.get()->to_local(instant);
}

LocalDate LocalDateOf(const TimeZone& zone, Instant instant) {
  return LocalDate{date::floor<date::days>(UtcToLocal(zone, instant))};
}

LocalDateTime AtTime(LocalDate date, TimeOfDay time) {
  return LocalDateTime{date::local_days{date}} + time.since_midnight();
}

namespace {

// "YYYY-MM-DD", then "THH:MM:SS" when `time` is set: written by hand because date::format goes
// through an ostringstream (a locale and an allocation per call), and every appointment and
// slot in an answer formats several times. Years outside 0000-9999 take date::format's path.
std::string FormatCivil(date::days since_epoch, std::optional<seconds> time, bool utc) {
  date::year_month_day ymd{date::sys_days{since_epoch}};
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    date::sys_seconds at = date::sys_days{since_epoch} + time.value_or(seconds{0});
    return date::format(time ? (utc ? "%FT%TZ" : "%FT%T") : "%F", at);
  }
  char text[20];
  auto put = [&text](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      text[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(year), 4);
  text[4] = '-';
  put(5, static_cast<unsigned>(ymd.month()), 2);
  text[7] = '-';
  put(8, static_cast<unsigned>(ymd.day()), 2);
  std::size_t size = 10;
  if (time) {
    date::hh_mm_ss<seconds> hms{*time};
    text[10] = 'T';
    put(11, static_cast<unsigned>(hms.hours().count()), 2);
    text[13] = ':';
    put(14, static_cast<unsigned>(hms.minutes().count()), 2);
    text[16] = ':';
    put(17, static_cast<unsigned>(hms.seconds().count()), 2);
    size = 19;
  }
  std::string out(text, size);
  if (time && utc) out.push_back('Z');
  return out;
}

}  // namespace

std::string FormatInstant(Instant instant) {
  date::days day = date::floor<date::days>(instant).time_since_epoch();
  return FormatCivil(day, instant.time_since_epoch() - day, true);
}

std::string FormatLocalDateTime(LocalDateTime local) {
  date::days day = date::floor<date::days>(local).time_since_epoch();
  return FormatCivil(day, local.time_since_epoch() - day, false);
}

std::string FormatLocalDate(LocalDate date) {
  return FormatCivil(date::sys_days{date}.time_since_epoch(), std::nullopt, false);
}

Result<Instant> ParseInstant(std::string_view text) {
  std::size_t used = 0;
  LocalDateTime local = UNKNOT_TRY(ParseDateTimePart(text, used));
  std::string_view rest = text.substr(used);
  // RFC 3339's time-secfrac, as JavaScript's toISOString writes it ("17:00:00.000Z"). Instants
  // are kept to the second, so a fraction must be zero rather than be silently dropped.
  if (used == 19 && rest.starts_with('.')) {
    std::size_t digits = rest.find_first_not_of("0123456789", 1);
    if (digits == std::string_view::npos) digits = rest.size();
    if (digits == 1 || digits > 10) {
      return Error(ErrorCode::kInvalidArgument,
                   "expected 1 to 9 digits of a fraction of a second after the '.'");
    }
    if (rest.substr(1, digits - 1).find_first_not_of('0') != std::string_view::npos) {
      return Error(ErrorCode::kInvalidArgument,
                   "must be a whole second: a fraction such as .000 must be zero");
    }
    rest = rest.substr(digits);
  }
  if (rest == "Z" || rest == "z") return Instant{local.time_since_epoch()};
  int oh = 0, om = 0;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && ReadDigits(rest, 1, 2, oh) &&
      rest[3] == ':' && ReadDigits(rest, 4, 2, om) && oh <= 23 && om <= 59) {
    minutes offset = hours{oh} + minutes{om};
    if (rest[0] == '-') offset = -offset;
    return Instant{local.time_since_epoch() - offset};
  }
  return Error(ErrorCode::kInvalidArgument,
               "expected an instant as YYYY-MM-DDTHH:MM[:SS[.000]] followed by Z or an offset such "
               "as -08:00");
}

Result<LocalDateTime> ParseLocalDateTime(std::string_view text) {
  std::size_t used = 0;
  LocalDateTime local = UNKNOT_TRY(ParseDateTimePart(text, used));
  if (used != text.size()) {
    return Error(ErrorCode::kInvalidArgument,
                 "expected a local date and time as YYYY-MM-DDTHH:MM[:SS] with no offset");
  }
  return local;
}

Result<LocalDate> ParseLocalDate(std::string_view text) {
  if (text.size() != 10) return Error(ErrorCode::kInvalidArgument, "expected a date as YYYY-MM-DD");
  return ParseDatePart(text);
}

namespace {
constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
}

std::string_view WeekdayName(date::weekday day) { return kWeekdayNames[day.c_encoding()]; }

Result<date::weekday> ParseWeekday(std::string_view name) {
  for (unsigned i = 0; i < kWeekdayNames.size(); ++i) {
    if (kWeekdayNames[i] == name) return date::weekday{i};
  }
  return Error(ErrorCode::kInvalidArgument, "expected a weekday name such as monday");
}

}  // namespace unknot::core
