#include "core/clinic/clinic.hpp"

#include "core/common/enum_names.hpp"
#include "core/common/text.hpp"
#include "core/common/time.hpp"

namespace unknot::core::clinic {
namespace {

constexpr EnumNames<RoomKind, 2> kRoomKinds{{
    {RoomKind::kAdjustment, "adjustment"},
    {RoomKind::kMassage, "massage"},
}};

Result<void> RequireText(std::string_view field, std::string_view value, std::size_t max_length) {
  if (value.empty()) return Error::InvalidField(std::string(field), "must not be empty");
  if (value.size() > max_length) {
    return Error::InvalidField(std::string(field),
                               "must be at most " + std::to_string(max_length) + " characters");
  }
  return ValidateText(field, value);
}

Result<void> ValidateRate(std::string_view field, const RateLimit& rate) {
  auto invalid = [&](std::string_view part, std::string_view reason) {
    return Error::InvalidField(std::string(field) + "." + std::string(part), std::string(reason));
  };
  if (rate.count < 1 || rate.count > 1'000'000) return invalid("count", "must be 1 to 1000000");
  if (rate.period < std::chrono::seconds{1} || rate.period > std::chrono::days{1}) {
    return invalid("period", "must be between 1 second and 1 day");
  }
  if (rate.burst < 1 || rate.burst > 1'000'000) return invalid("burst", "must be 1 to 1000000");
  return Ok();
}

}  // namespace

std::string_view ToString(RoomKind kind) { return NameOf(kRoomKinds, kind); }
std::optional<RoomKind> ParseRoomKind(std::string_view text) { return ValueOf(kRoomKinds, text); }

Result<void> ValidateSlug(std::string_view field, std::string_view slug) {
  if (slug.empty() || slug.size() > 64) {
    return Error::InvalidField(std::string(field), "must be 1 to 64 characters");
  }
  for (char c : slug) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) {
      return Error::InvalidField(std::string(field),
                                 "may hold only lower-case letters, digits and '-'");
    }
  }
  if (slug.front() == '-' || slug.back() == '-') {
    return Error::InvalidField(std::string(field), "must not start or end with '-'");
  }
  return Ok();
}

Result<void> ValidatePhone(std::string_view field, std::string_view phone) {
  // E.164: '+', a non-zero country digit, 7 to 15 digits in all.
  bool ok = phone.size() >= 8 && phone.size() <= 16 && phone[0] == '+' && phone[1] != '0';
  for (std::size_t i = 1; ok && i < phone.size(); ++i) ok = phone[i] >= '0' && phone[i] <= '9';
  if (!ok) {
    return Error::InvalidField(std::string(field),
                               "must be an international number such as +14155550123");
  }
  return Ok();
}

Result<void> Validate(const BookingPolicy& policy) {
  using std::chrono::minutes;
  if (policy.min_notice < minutes{0}) {
    return Error::InvalidField("policy.min_notice", "must not be negative");
  }
  if (policy.horizon < std::chrono::days{1} || policy.horizon > std::chrono::days{730}) {
    return Error::InvalidField("policy.horizon", "must be between 1 and 730 days");
  }
  if (policy.cancellation_window < minutes{0}) {
    return Error::InvalidField("policy.cancellation_window", "must not be negative");
  }
  // Slots must line up with the hour so that times read naturally (09:00, 09:15, ...).
  bool divides_hour = minutes{60} % policy.slot_step == minutes{0};
  bool whole_hours = policy.slot_step % minutes{60} == minutes{0};
  if (policy.slot_step < minutes{5} || policy.slot_step > minutes{120} ||
      (!divides_hour && !whole_hours)) {
    return Error::InvalidField("policy.slot_step",
                               "must be 5 to 120 minutes and divide an hour evenly");
  }
  if (policy.grace_period < minutes{0} || policy.grace_period > std::chrono::hours{24}) {
    return Error::InvalidField("policy.grace_period", "must be between 0 and 24 hours");
  }
  UNKNOT_TRY(ValidateRate("policy.address_writes", policy.address_writes));
  UNKNOT_TRY(ValidateRate("policy.email_bookings", policy.email_bookings));
  if (policy.max_future_online_bookings < 1 || policy.max_future_online_bookings > 10'000) {
    return Error::InvalidField("policy.max_future_online_bookings", "must be 1 to 10000");
  }
  if (policy.no_show_approval_threshold < 0 || policy.no_show_approval_threshold > 50) {
    return Error::InvalidField("policy.no_show_approval_threshold", "must be 0 (off) to 50");
  }
  return Ok();
}

Result<void> Validate(const SessionPolicy& policy) {
  using std::chrono::hours;
  using std::chrono::minutes;
  if (policy.idle_timeout < minutes{5} || policy.idle_timeout > hours{24}) {
    return Error::InvalidField("sessions.idle_timeout", "must be between 5 minutes and 24 hours");
  }
  if (policy.absolute_timeout < hours{1} || policy.absolute_timeout > hours{24 * 7}) {
    return Error::InvalidField("sessions.absolute_timeout", "must be between 1 hour and 7 days");
  }
  if (policy.absolute_timeout < policy.idle_timeout) {
    return Error::InvalidField("sessions.absolute_timeout",
                               "must not be shorter than sessions.idle_timeout");
  }
  return Ok();
}

Result<void> Validate(const Clinic& clinic) {
  UNKNOT_TRY(ValidateSlug("slug", clinic.slug));
  UNKNOT_TRY(RequireText("name", clinic.name, 200));
  UNKNOT_TRY(ValidatePhone("phone", clinic.phone));
  UNKNOT_TRY(RequireText("address.line1", clinic.address.line1, 200));
  UNKNOT_TRY(RequireText("address.city", clinic.address.city, 100));
  UNKNOT_TRY(RequireText("address.postal_code", clinic.address.postal_code, 20));
  UNKNOT_TRY(ValidateText("address.line2", clinic.address.line2));
  UNKNOT_TRY(ValidateText("address.region", clinic.address.region));
  if (clinic.address.country.size() != 2) {
    return Error::InvalidField("address.country", "must be a two-letter ISO 3166 code");
  }
  if (auto zone = TimeZone::Find(clinic.time_zone); !zone) {
    return Error::InvalidField("time_zone", zone.error().message());
  }
  UNKNOT_TRY(Validate(clinic.policy));
  return Validate(clinic.sessions);
}

}  // namespace unknot::core::clinic
