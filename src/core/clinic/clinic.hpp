#pragma once

// The clinic and what it owns that is not a person: its address, its booking policy, its rooms.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"

namespace unknot::core::clinic {

struct Address {
  std::string line1;
  std::string line2;  // may be empty
  std::string city;
  std::string region;  // state or province
  std::string postal_code;
  std::string country;  // ISO 3166-1 alpha-2, e.g. "US"

  friend bool operator==(const Address&, const Address&) = default;
};

// A steady rate with room for a burst: `count` requests per `period` on average, up to `burst`
// at once after a quiet spell (a token bucket of `burst` tokens refilled at count/period).
struct RateLimit {
  int count = 1;
  std::chrono::seconds period{60};
  int burst = 1;

  friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

// How far ahead and how close to the start patients may book, when they may still cancel
// online, and how much one client may book online. Durations, never bare integers.
struct BookingPolicy {
  std::chrono::minutes min_notice{std::chrono::hours{2}};
  std::chrono::days horizon{60};
  std::chrono::minutes cancellation_window{std::chrono::hours{24}};
  std::chrono::minutes slot_step{15};
  // Right after booking, a patient may always undo a mistake online, whatever the window says.
  std::chrono::minutes grace_period{15};
  // Public writes (bookings, cancellations, reschedules, assessments) from one client address,
  // counted per kind of write.
  RateLimit address_writes{.count = 10, .period = std::chrono::minutes{1}, .burst = 20};
  // Online bookings per patient email.
  RateLimit email_bookings{.count = 5, .period = std::chrono::hours{1}, .burst = 5};
  // Booked online appointments still to come that one email may hold; more go by phone.
  int max_future_online_bookings = 3;
  // After this many no-shows in 12 months a patient's online bookings need approval; 0: never.
  int no_show_approval_threshold = 0;

  friend bool operator==(const BookingPolicy&, const BookingPolicy&) = default;
};

// How long a staff member stays signed in: a session ends after `idle_timeout` without a request
// and, whatever the activity, `absolute_timeout` after sign-in.
struct SessionPolicy {
  std::chrono::minutes idle_timeout{30};
  std::chrono::minutes absolute_timeout{std::chrono::hours{12}};

  friend bool operator==(const SessionPolicy&, const SessionPolicy&) = default;
};

struct Clinic {
  ClinicId id;
  std::string slug;  // lower-case letters, digits and '-', used in URLs
  std::string name;
  std::string phone;  // E.164, e.g. "+14155550123"
  Address address;
  std::string time_zone;  // IANA name
  BookingPolicy policy;
  SessionPolicy sessions;

  friend bool operator==(const Clinic&, const Clinic&) = default;
};

enum class RoomKind { kAdjustment, kMassage };

struct Room {
  RoomId id;
  std::string name;
  RoomKind kind = RoomKind::kAdjustment;

  friend bool operator==(const Room&, const Room&) = default;
};

std::string_view ToString(RoomKind kind);
std::optional<RoomKind> ParseRoomKind(std::string_view text);

// Field-level checks shared by every way a clinic enters the system (CLI, API, storage).
Result<void> ValidateSlug(std::string_view field, std::string_view slug);
Result<void> ValidatePhone(std::string_view field, std::string_view phone);
Result<void> Validate(const BookingPolicy& policy);
// idle_timeout 5 min to 24 h, absolute_timeout 1 h to 7 days and not shorter than idle_timeout.
Result<void> Validate(const SessionPolicy& policy);
Result<void> Validate(const Clinic& clinic);

}  // namespace unknot::core::clinic
