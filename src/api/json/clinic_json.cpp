#include "api/json/clinic_json.hpp"

#include <cstdio>

namespace unknot::api::json {

using nlohmann::json;
namespace clinic = core::clinic;

namespace {

json WeeklySpan(date::weekday day, core::TimeOfDay start, core::TimeOfDay end) {
  return {{"day", core::WeekdayName(day)}, {"start", start.ToString()}, {"end", end.ToString()}};
}

template <typename T, typename F>
json Array(const std::vector<T>& items, F to_json) {
  json out = json::array();
  for (const T& item : items) out.push_back(to_json(item));
  return out;
}

// A token-bucket limit as clients read it: `count` requests per `period_seconds`, `burst` at once.
json RateLimitJson(const clinic::RateLimit& rate) {
  return {{"count", rate.count}, {"period_seconds", rate.period.count()}, {"burst", rate.burst}};
}

}  // namespace

std::string FormatMoney(const clinic::Money& money) {
  char buffer[64];
  std::int64_t units = money.minor_units / 100;
  std::int64_t cents = money.minor_units % 100;
  if (money.currency == "USD") {
    std::snprintf(buffer, sizeof buffer, "$%lld.%02lld", static_cast<long long>(units),
                  static_cast<long long>(cents));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld.%02lld %s", static_cast<long long>(units),
                  static_cast<long long>(cents), money.currency.c_str());
  }
  return buffer;
}

json ClinicJson(const clinic::Clinic& c) {
  return {
      {"slug", c.slug},
      {"name", c.name},
      {"phone", c.phone},
      {"address",
       {{"line1", c.address.line1},
        {"line2", c.address.line2},
        {"city", c.address.city},
        {"region", c.address.region},
        {"postal_code", c.address.postal_code},
        {"country", c.address.country}}},
      {"time_zone", c.time_zone},
      {"booking_policy",
       {{"min_notice_minutes", c.policy.min_notice.count()},
        {"horizon_days", c.policy.horizon.count()},
        {"cancellation_window_minutes", c.policy.cancellation_window.count()},
        {"slot_step_minutes", c.policy.slot_step.count()},
        {"grace_period_minutes", c.policy.grace_period.count()},
        {"max_future_online_bookings", c.policy.max_future_online_bookings},
        {"rate_limits",
         {{"per_address", RateLimitJson(c.policy.address_writes)},
          {"per_email", RateLimitJson(c.policy.email_bookings)}}}}},
  };
}

json ClinicJson(const clinic::ClinicSetup& setup) {
  json out = ClinicJson(setup.clinic);
  out["opening_hours"] = Array(clinic::OpeningHours(setup), [](const clinic::WorkingHours& h) {
    return WeeklySpan(h.day, h.start, h.end);
  });
  return out;
}

json RoomJson(const clinic::Room& room) {
  return {{"id", room.id.value()}, {"name", room.name}, {"kind", clinic::ToString(room.kind)}};
}

json PractitionerJson(const clinic::Practitioner& p) {
  return {
      {"id", p.id.value()},
      {"slug", p.slug},
      {"display_name", p.display_name},
      {"role", clinic::ToString(p.role)},
      {"skills", Array(p.skills, [](clinic::Skill s) { return clinic::ToString(s); })},
      {"bio", p.bio},
      {"active", p.status == clinic::PractitionerStatus::kActive},
      {"weekly_hours",
       Array(p.hours,
             [](const clinic::WorkingHours& h) { return WeeklySpan(h.day, h.start, h.end); })},
      {"breaks", Array(p.breaks,
                       [](const clinic::Break& b) {
                         json out = WeeklySpan(b.day, b.start, b.end);
                         out["label"] = b.label;
                         return out;
                       })},
      {"time_off", Array(p.time_off,
                         [](const clinic::TimeOff& t) {
                           return json{{"start", core::FormatInstant(t.period.start())},
                                       {"end", core::FormatInstant(t.period.end())}};
                         })},
  };
}

json ServiceJson(const clinic::Service& s) {
  return {
      {"id", s.id.value()},
      {"slug", s.slug},
      {"name", s.name},
      {"description", s.description},
      {"duration_minutes", s.duration.count()},
      {"buffer_minutes", s.buffer_after.count()},
      {"allowed_roles", Array(s.allowed_roles, [](clinic::Role r) { return clinic::ToString(r); })},
      {"required_skills",
       Array(s.required_skills, [](clinic::Skill k) { return clinic::ToString(k); })},
      {"room_kind", clinic::ToString(s.room_kind)},
      {"new_patients_only", s.eligibility == clinic::PatientEligibility::kNewPatientsOnly},
      {"price",
       {{"amount_minor", s.price.minor_units},
        {"currency", s.price.currency},
        {"display", FormatMoney(s.price)}}},
  };
}

}  // namespace unknot::api::json
