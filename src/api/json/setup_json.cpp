#include "api/json/setup_json.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "api/json/clinic_json.hpp"

namespace unknot::api::json {

using core::Error;
using core::Result;
using nlohmann::json;
namespace clinic = core::clinic;

namespace {

// A member's path for errors: "address.city", "weekly_hours[2].start".
std::string Path(std::string_view prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : std::string(prefix) + "." + std::string(name);
}
std::string Item(std::string_view list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

const json* Member(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Result<const json*> Required(const json& object, std::string_view prefix, const char* name) {
  const json* value = Member(object, name);
  if (value == nullptr) return Error::InvalidField(Path(prefix, name), "is required");
  return value;
}

Result<std::string> Text(const json& object, std::string_view prefix, const char* name,
                         bool required = true) {
  const json* value = Member(object, name);
  if (value == nullptr) {
    if (required) return Error::InvalidField(Path(prefix, name), "is required");
    return std::string();
  }
  if (!value->is_string()) return Error::InvalidField(Path(prefix, name), "must be a string");
  return value->get<std::string>();
}

Result<std::int64_t> Integer(const json& object, std::string_view prefix, const char* name,
                             std::int64_t min, std::int64_t max) {
  const json* value = UNKNOT_TRY(Required(object, prefix, name));
  if (!value->is_number_integer()) {
    return Error::InvalidField(Path(prefix, name), "must be a whole number");
  }
  // Unsigned values above int64's range would wrap in get<int64_t>.
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Error::InvalidField(Path(prefix, name), "must be at most " + std::to_string(max));
  }
  std::int64_t n = value->get<std::int64_t>();
  if (n < min || n > max) {
    return Error::InvalidField(Path(prefix, name), "must be between " + std::to_string(min) +
                                                       " and " + std::to_string(max));
  }
  return n;
}

// Generous bounds that only keep numbers meaningful; the domain's Validate has the real rules.
constexpr std::int64_t kMaxMinutes = 60 * 24 * 366 * 2;
constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

Result<bool> Bool(const json& object, std::string_view prefix, const char* name) {
  const json* value = UNKNOT_TRY(Required(object, prefix, name));
  if (!value->is_boolean()) return Error::InvalidField(Path(prefix, name), "must be true or false");
  return value->get<bool>();
}

Result<const json*> Object(const json& object, std::string_view prefix, const char* name) {
  const json* value = UNKNOT_TRY(Required(object, prefix, name));
  if (!value->is_object()) return Error::InvalidField(Path(prefix, name), "must be an object");
  return value;
}

// A list member; absent or null is an empty list when `required` is false.
Result<std::vector<const json*>> List(const json& object, std::string_view prefix, const char* name,
                                      bool required) {
  const json* value = Member(object, name);
  std::vector<const json*> items;
  if (value == nullptr) {
    if (required) return Error::InvalidField(Path(prefix, name), "is required");
    return items;
  }
  if (!value->is_array()) return Error::InvalidField(Path(prefix, name), "must be a list");
  for (const json& item : *value) items.push_back(&item);
  return items;
}

template <typename E, typename Parse>
Result<E> Enum(const json& value, const std::string& field, Parse parse, std::string_view choices) {
  if (!value.is_string()) return Error::InvalidField(field, "must be a string");
  auto parsed = parse(value.get<std::string>());
  if (!parsed) return Error::InvalidField(field, "must be one of " + std::string(choices));
  return *parsed;
}

template <typename E, typename Parse>
Result<std::vector<E>> EnumList(const json& object, const char* name, Parse parse,
                                std::string_view choices, bool required) {
  std::vector<E> out;
  auto items = UNKNOT_TRY(List(object, "", name, required));
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.push_back(UNKNOT_TRY(Enum<E>(*items[i], Item(name, i), parse, choices)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

constexpr std::string_view kRoles = "chiropractor, massage_therapist";
constexpr std::string_view kSkills =
    "active_release_technique, sports_injury, deep_tissue, foam_roller_coaching";
constexpr std::string_view kRoomKinds = "adjustment, massage";

Result<core::TimeOfDay> Time(const json& object, const std::string& prefix, const char* name) {
  std::string text = UNKNOT_TRY(Text(object, prefix, name));
  auto time = core::TimeOfDay::Parse(text);
  if (!time) return Error::InvalidField(Path(prefix, name), "must be a time HH:MM, 00:00 to 24:00");
  return *time;
}

Result<date::weekday> Day(const json& object, const std::string& prefix) {
  std::string text = UNKNOT_TRY(Text(object, prefix, "day"));
  auto day = core::ParseWeekday(text);
  if (!day) return Error::InvalidField(Path(prefix, "day"), "must be monday to sunday");
  return *day;
}

Result<core::Instant> InstantMember(const json& object, const char* name) {
  std::string text = UNKNOT_TRY(Text(object, "", name));
  auto instant = core::ParseInstant(text);
  if (!instant) return Error::InvalidField(name, instant.error().message());
  return *instant;
}

Result<clinic::RateLimit> RateLimitBody(const json& object, const std::string& prefix) {
  return clinic::RateLimit{
      .count = static_cast<int>(UNKNOT_TRY(Integer(object, prefix, "count", 0, kMaxInt))),
      .period = std::chrono::seconds{UNKNOT_TRY(
          Integer(object, prefix, "period_seconds", 0, kMaxMinutes * 60))},
      .burst = static_cast<int>(UNKNOT_TRY(Integer(object, prefix, "burst", 0, kMaxInt)))};
}

}  // namespace

json StaffClinicJson(const clinic::Clinic& clinic) {
  json out = ClinicJson(clinic);
  // Staff only: patients need not know when their bookings start to need approval.
  out["booking_policy"]["no_show_approval_threshold"] = clinic.policy.no_show_approval_threshold;
  out["sessions"] = {{"idle_timeout_minutes", clinic.sessions.idle_timeout.count()},
                     {"absolute_timeout_minutes", clinic.sessions.absolute_timeout.count()}};
  return out;
}

json TimeOffJson(const clinic::TimeOff& t) {
  return {{"id", t.id.value()},
          {"start", core::FormatInstant(t.period.start())},
          {"end", core::FormatInstant(t.period.end())},
          {"reason", t.reason}};
}

json StaffPractitionerJson(const clinic::Practitioner& practitioner) {
  json out = PractitionerJson(practitioner);
  json time_off = json::array();
  for (const auto& t : practitioner.time_off) time_off.push_back(TimeOffJson(t));
  out["time_off"] = std::move(time_off);
  out["allow_overbooking"] = practitioner.allow_overbooking;
  return out;
}

json SetupJson(const clinic::ClinicSetup& setup) {
  json rooms = json::array();
  for (const auto& r : setup.rooms) rooms.push_back(RoomJson(r));
  json practitioners = json::array();
  for (const auto& p : setup.practitioners) practitioners.push_back(StaffPractitionerJson(p));
  json services = json::array();
  for (const auto& s : setup.services) services.push_back(ServiceJson(s));
  json clinic = StaffClinicJson(setup.clinic);
  clinic["opening_hours"] = ClinicJson(setup)["opening_hours"];
  return {{"clinic", std::move(clinic)},
          {"rooms", std::move(rooms)},
          {"practitioners", std::move(practitioners)},
          {"services", std::move(services)}};
}

Result<clinic::Clinic> ParseClinicBody(const json& body) {
  clinic::Clinic c;
  c.slug = UNKNOT_TRY(Text(body, "", "slug", /*required=*/false));
  c.name = UNKNOT_TRY(Text(body, "", "name"));
  c.phone = UNKNOT_TRY(Text(body, "", "phone"));
  const json& address = *UNKNOT_TRY(Object(body, "", "address"));
  // One member at a time: an early return from inside a braced list of several strings leaks
  // the ones already made (GCC, statement expressions).
  c.address.line1 = UNKNOT_TRY(Text(address, "address", "line1"));
  c.address.line2 = UNKNOT_TRY(Text(address, "address", "line2", /*required=*/false));
  c.address.city = UNKNOT_TRY(Text(address, "address", "city"));
  c.address.region = UNKNOT_TRY(Text(address, "address", "region"));
  c.address.postal_code = UNKNOT_TRY(Text(address, "address", "postal_code"));
  c.address.country = UNKNOT_TRY(Text(address, "address", "country"));
  c.time_zone = UNKNOT_TRY(Text(body, "", "time_zone"));
  const std::string bp = "booking_policy";
  const json& policy = *UNKNOT_TRY(Object(body, "", "booking_policy"));
  using std::chrono::minutes;
  c.policy.min_notice =
      minutes{UNKNOT_TRY(Integer(policy, bp, "min_notice_minutes", -kMaxMinutes, kMaxMinutes))};
  c.policy.horizon = std::chrono::days{UNKNOT_TRY(Integer(policy, bp, "horizon_days", 0, 100000))};
  c.policy.cancellation_window = minutes{
      UNKNOT_TRY(Integer(policy, bp, "cancellation_window_minutes", -kMaxMinutes, kMaxMinutes))};
  c.policy.slot_step =
      minutes{UNKNOT_TRY(Integer(policy, bp, "slot_step_minutes", -kMaxMinutes, kMaxMinutes))};
  c.policy.grace_period =
      minutes{UNKNOT_TRY(Integer(policy, bp, "grace_period_minutes", -kMaxMinutes, kMaxMinutes))};
  c.policy.max_future_online_bookings =
      static_cast<int>(UNKNOT_TRY(Integer(policy, bp, "max_future_online_bookings", 0, kMaxInt)));
  // Optional, for clients older than the rule: absent is 0 (off).
  if (Member(policy, "no_show_approval_threshold") != nullptr) {
    c.policy.no_show_approval_threshold =
        static_cast<int>(UNKNOT_TRY(Integer(policy, bp, "no_show_approval_threshold", 0, 50)));
  }
  const json& rates = *UNKNOT_TRY(Object(policy, bp, "rate_limits"));
  const std::string rp = bp + ".rate_limits";
  c.policy.address_writes =
      UNKNOT_TRY(RateLimitBody(*UNKNOT_TRY(Object(rates, rp, "per_address")), rp + ".per_address"));
  c.policy.email_bookings =
      UNKNOT_TRY(RateLimitBody(*UNKNOT_TRY(Object(rates, rp, "per_email")), rp + ".per_email"));
  const json& sessions = *UNKNOT_TRY(Object(body, "", "sessions"));
  c.sessions.idle_timeout =
      minutes{UNKNOT_TRY(Integer(sessions, "sessions", "idle_timeout_minutes", 0, kMaxMinutes))};
  c.sessions.absolute_timeout = minutes{
      UNKNOT_TRY(Integer(sessions, "sessions", "absolute_timeout_minutes", 0, kMaxMinutes))};
  return c;
}

Result<clinic::Room> ParseRoomBody(const json& body) {
  clinic::Room room;
  room.name = UNKNOT_TRY(Text(body, "", "name"));
  room.kind = UNKNOT_TRY(Enum<clinic::RoomKind>(*UNKNOT_TRY(Required(body, "", "kind")), "kind",
                                                clinic::ParseRoomKind, kRoomKinds));
  return room;
}

Result<clinic::Practitioner> ParsePractitionerBody(const json& body) {
  clinic::Practitioner p;
  p.slug = UNKNOT_TRY(Text(body, "", "slug"));
  p.display_name = UNKNOT_TRY(Text(body, "", "display_name"));
  p.role = UNKNOT_TRY(Enum<clinic::Role>(*UNKNOT_TRY(Required(body, "", "role")), "role",
                                         clinic::ParseRole, kRoles));
  p.skills = UNKNOT_TRY(
      EnumList<clinic::Skill>(body, "skills", clinic::ParseSkill, kSkills, /*required=*/false));
  p.bio = UNKNOT_TRY(Text(body, "", "bio", /*required=*/false));
  p.status = UNKNOT_TRY(Bool(body, "", "active")) ? clinic::PractitionerStatus::kActive
                                                  : clinic::PractitionerStatus::kInactive;
  // Optional (issue 14): whether the front desk may book over this practitioner's appointments.
  if (body.contains("allow_overbooking")) {
    p.allow_overbooking = UNKNOT_TRY(Bool(body, "", "allow_overbooking"));
  }
  auto hours = UNKNOT_TRY(List(body, "", "weekly_hours", /*required=*/true));
  for (std::size_t i = 0; i < hours.size(); ++i) {
    const std::string at = Item("weekly_hours", i);
    if (!hours[i]->is_object()) return Error::InvalidField(at, "must be an object");
    p.hours.push_back({UNKNOT_TRY(Day(*hours[i], at)), UNKNOT_TRY(Time(*hours[i], at, "start")),
                       UNKNOT_TRY(Time(*hours[i], at, "end"))});
  }
  auto breaks = UNKNOT_TRY(List(body, "", "breaks", /*required=*/false));
  for (std::size_t i = 0; i < breaks.size(); ++i) {
    const std::string at = Item("breaks", i);
    if (!breaks[i]->is_object()) return Error::InvalidField(at, "must be an object");
    p.breaks.push_back({UNKNOT_TRY(Day(*breaks[i], at)), UNKNOT_TRY(Time(*breaks[i], at, "start")),
                        UNKNOT_TRY(Time(*breaks[i], at, "end")),
                        UNKNOT_TRY(Text(*breaks[i], at, "label", /*required=*/false))});
  }
  return p;
}

Result<clinic::Service> ParseServiceBody(const json& body) {
  clinic::Service s;
  s.slug = UNKNOT_TRY(Text(body, "", "slug"));
  s.name = UNKNOT_TRY(Text(body, "", "name"));
  s.description = UNKNOT_TRY(Text(body, "", "description", /*required=*/false));
  s.duration = std::chrono::minutes{UNKNOT_TRY(Integer(body, "", "duration_minutes", 0, 100000))};
  s.buffer_after = std::chrono::minutes{UNKNOT_TRY(Integer(body, "", "buffer_minutes", 0, 100000))};
  s.allowed_roles = UNKNOT_TRY(
      EnumList<clinic::Role>(body, "allowed_roles", clinic::ParseRole, kRoles, /*required=*/true));
  s.required_skills = UNKNOT_TRY(
      EnumList<clinic::Skill>(body, "required_skills", clinic::ParseSkill, kSkills, false));
  s.room_kind = UNKNOT_TRY(Enum<clinic::RoomKind>(*UNKNOT_TRY(Required(body, "", "room_kind")),
                                                  "room_kind", clinic::ParseRoomKind, kRoomKinds));
  s.eligibility = UNKNOT_TRY(Bool(body, "", "new_patients_only"))
                      ? clinic::PatientEligibility::kNewPatientsOnly
                      : clinic::PatientEligibility::kAnyPatient;
  const json& price = *UNKNOT_TRY(Object(body, "", "price"));
  s.price.minor_units = UNKNOT_TRY(
      Integer(price, "price", "amount_minor", 0, std::numeric_limits<std::int64_t>::max()));
  s.price.currency = UNKNOT_TRY(Text(price, "price", "currency"));
  return s;
}

Result<TimeOffBody> ParseTimeOffBody(const json& body) {
  core::Instant start = UNKNOT_TRY(InstantMember(body, "start"));
  core::Instant end = UNKNOT_TRY(InstantMember(body, "end"));
  auto period = core::Interval::Create(start, end);
  if (!period) return Error::InvalidField("end", "must be after start");
  return TimeOffBody{*period, UNKNOT_TRY(Text(body, "", "reason", /*required=*/false))};
}

std::string JsonFieldName(std::string_view domain_field) {
  // Segment renames; a segment keeps any "[i]" after its name.
  static const std::map<std::string, std::string, std::less<>> kNames{
      {"policy", "booking_policy"},
      {"min_notice", "min_notice_minutes"},
      {"horizon", "horizon_days"},
      {"cancellation_window", "cancellation_window_minutes"},
      {"slot_step", "slot_step_minutes"},
      {"grace_period", "grace_period_minutes"},
      {"address_writes", "rate_limits.per_address"},
      {"email_bookings", "rate_limits.per_email"},
      {"period", "period_seconds"},
      {"idle_timeout", "idle_timeout_minutes"},
      {"absolute_timeout", "absolute_timeout_minutes"},
      {"hours", "weekly_hours"},
      {"status", "active"},
      {"duration", "duration_minutes"},
      {"buffer_after", "buffer_minutes"},
      {"eligibility", "new_patients_only"},
  };
  std::string out;
  std::size_t begin = 0;
  while (begin <= domain_field.size()) {
    std::size_t dot = domain_field.find('.', begin);
    if (dot == std::string_view::npos) dot = domain_field.size();
    std::string_view segment = domain_field.substr(begin, dot - begin);
    std::size_t bracket = segment.find('[');
    std::string_view name = segment.substr(0, bracket);
    std::string_view index = bracket == std::string_view::npos ? "" : segment.substr(bracket);
    auto it = kNames.find(name);
    std::string renamed = it == kNames.end() ? std::string(name) : it->second;
    // A price's amount is the only number of the price object.
    if (name == "price" && dot == domain_field.size()) renamed = "price.amount_minor";
    if (!out.empty()) out += ".";
    out += renamed + std::string(index);
    begin = dot + 1;
  }
  return out;
}

Error WithJsonFieldNames(const Error& error) {
  std::vector<core::FieldError> fields;
  for (const auto& f : error.fields()) fields.push_back({JsonFieldName(f.field), f.reason});
  return Error(error.code(), error.message(), std::move(fields));
}

json StrandedJson(const std::vector<clinic::StrandedAppointment>& stranded) {
  json out = json::array();
  for (const auto& s : stranded) {
    json reasons = json::array();
    for (auto r : s.reasons) reasons.push_back(clinic::ToString(r));
    out.push_back({{"id", s.appointment.id.value()},
                   {"start", core::FormatInstant(s.appointment.time.start())},
                   {"end", core::FormatInstant(s.appointment.time.end())},
                   {"practitioner_id", s.appointment.practitioner.value()},
                   {"service_id", s.appointment.service.value()},
                   {"room_id", s.appointment.room.value()},
                   {"reasons", std::move(reasons)}});
  }
  return out;
}

}  // namespace unknot::api::json
