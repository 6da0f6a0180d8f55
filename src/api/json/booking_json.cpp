#include "api/json/booking_json.hpp"

#include <charconv>

#include "api/json/json_writer.hpp"

namespace unknot::api::json {

using nlohmann::json;
namespace scheduling = core::scheduling;

namespace {

json PractitionerRef(const app::ClinicContext& clinic, core::PractitionerId id) {
  const auto* p = clinic.setup().FindPractitioner(id);
  return {{"id", id.value()}, {"display_name", p != nullptr ? p->display_name : ""}};
}

json RoomRef(const app::ClinicContext& clinic, core::RoomId id) {
  const auto* r = clinic.setup().FindRoom(id);
  return {{"id", id.value()}, {"name", r != nullptr ? r->name : ""}};
}

// Instants of an availability answer as JSON strings, in UTC (as FormatInstant writes them) and
// in the clinic's zone (as FormatLocalDateTime(UtcToLocal(...)) does), without a string each: the
// zone's offset is looked up again only when an instant leaves the period it holds for, and a
// date's digits are worked out again only when the day changes.
class TimeText {
 public:
  explicit TimeText(const core::TimeZone& zone) : zone_(zone) {}

  // "\"2026-03-08T16:30:00Z\"" (with the quotes)
  std::string_view Utc(core::Instant instant) {
    return utc_.Format(instant.time_since_epoch(), [&] { return core::FormatInstant(instant); });
  }
  // "\"2026-03-08T08:30:00\"", clinic-local (with the quotes)
  std::string_view Local(core::Instant instant) {
    if (!(period_begin_ <= instant && instant < period_end_)) {
      const date::sys_info info = zone_.get()->get_info(instant);
      period_begin_ = info.begin;
      period_end_ = info.end;
      offset_ = info.offset;
    }
    return local_.Format(instant.time_since_epoch() + offset_, [&] {
      return core::FormatLocalDateTime(core::UtcToLocal(zone_, instant));
    });
  }

 private:
  // "YYYY-MM-DDThh:mm:ss" in quotes, with a Z before the closing one when `utc`.
  class Civil {
   public:
    explicit Civil(bool utc) : size_(utc ? 22 : 21) {
      if (utc) text_[20] = 'Z';
      text_[size_ - 1] = '"';
    }

    // `slow` writes what years outside 0000-9999 need.
    template <typename Slow>
    std::string_view Format(std::chrono::seconds since_epoch, Slow&& slow) {
      const date::days day = date::floor<date::days>(since_epoch);
      if (day != day_) {
        day_ = day;
        const date::year_month_day ymd{date::sys_days{day}};
        const int year = static_cast<int>(ymd.year());
        plain_year_ = year >= 0 && year <= 9999;
        if (plain_year_) {
          Put(1, static_cast<unsigned>(year), 4);
          Put(6, static_cast<unsigned>(ymd.month()), 2);
          Put(9, static_cast<unsigned>(ymd.day()), 2);
        }
      }
      if (!plain_year_) {
        slow_ = '"' + slow() + '"';
        return slow_;
      }
      const date::hh_mm_ss<std::chrono::seconds> hms{since_epoch - day};
      Put(12, static_cast<unsigned>(hms.hours().count()), 2);
      Put(15, static_cast<unsigned>(hms.minutes().count()), 2);
      Put(18, static_cast<unsigned>(hms.seconds().count()), 2);
      return {text_, size_};
    }

   private:
    void Put(std::size_t at, unsigned value, std::size_t width) {
      for (std::size_t i = width; i-- > 0; value /= 10) {
        text_[at + i] = static_cast<char>('0' + value % 10);
      }
    }

    std::size_t size_;
    date::days day_ = date::days::min();
    bool plain_year_ = false;
    char text_[22] = {'"', 'Y', 'Y', 'Y', 'Y', '-', 'M', 'M', '-', 'D', 'D',
                      'T', 'h', 'h', ':', 'm', 'm', ':', 's', 's', '"', '"'};
    std::string slow_;
  };

  core::TimeZone zone_;
  core::Instant period_begin_ = core::Instant::max();
  core::Instant period_end_ = core::Instant::min();
  std::chrono::seconds offset_{0};
  Civil utc_{true};
  Civil local_{false};
};

// An id as JSON text, without a string.
void WriteInt(Writer& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.Raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace

json TimeJson(const app::ClinicContext& clinic, const core::Interval& time) {
  return {{"start", core::FormatInstant(time.start())},
          {"end", core::FormatInstant(time.end())},
          {"local_start", core::FormatLocalDateTime(core::UtcToLocal(clinic.zone, time.start()))},
          {"local_end", core::FormatLocalDateTime(core::UtcToLocal(clinic.zone, time.end()))}};
}

json SlotJson(const app::ClinicContext& clinic, const core::Interval& time,
              std::span<const scheduling::SlotOption> slot_options) {
  // Compact: a 14-day answer holds hundreds of slots, so options name practitioners and rooms by
  // id; the answer lists their names once.
  json options = json::array();
  for (const auto& option : slot_options) {
    options.push_back(
        {{"practitioner", option.practitioner.value()}, {"room", option.room.value()}});
  }
  return {{"start", core::FormatInstant(time.start())},
          {"end", core::FormatInstant(time.end())},
          {"local_start", core::FormatLocalDateTime(core::UtcToLocal(clinic.zone, time.start()))},
          {"options", std::move(options)}};
}

json NamesJson(const app::ClinicContext& clinic) {
  json practitioners = json::array();
  for (const auto& p : clinic.setup().practitioners) {
    practitioners.push_back({{"id", p.id.value()}, {"display_name", p.display_name}});
  }
  json rooms = json::array();
  for (const auto& r : clinic.setup().rooms)
    rooms.push_back({{"id", r.id.value()}, {"name", r.name}});
  return {{"practitioners", std::move(practitioners)}, {"rooms", std::move(rooms)}};
}

json AvailabilityJson(const app::AvailabilityResult& result) {
  json days = json::array();
  for (const auto& day : result.days) {
    json slots = json::array();
    for (const auto& slot : day.slots) {
      slots.push_back(SlotJson(result.clinic, slot.time, day.OptionsOf(slot)));
    }
    days.push_back({{"date", core::FormatLocalDate(day.date)}, {"slots", std::move(slots)}});
  }
  json out = {{"clinic", result.clinic.setup().clinic.slug},
              {"time_zone", result.clinic.setup().clinic.time_zone},
              {"service",
               {{"id", result.service.id.value()},
                {"slug", result.service.slug},
                {"name", result.service.name},
                {"duration_minutes", result.service.duration.count()}}},
              {"days", std::move(days)}};
  out.update(NamesJson(result.clinic));
  return out;
}

std::string AvailabilityText(const app::AvailabilityResult& result) {
  const app::ClinicContext& clinic = result.clinic;
  const core::clinic::ClinicSetup& setup = clinic.setup();
  std::size_t slots = 0;
  for (const auto& day : result.days) slots += day.slots.size();
  Writer out(512 + 160 * slots);
  TimeText times(clinic.zone);
  out.Raw("{").Key("clinic", true).String(setup.clinic.slug);
  out.Key("time_zone").String(setup.clinic.time_zone);
  out.Key("service").Raw("{").Key("id", true).Int(result.service.id.value());
  out.Key("slug").String(result.service.slug).Key("name").String(result.service.name);
  out.Key("duration_minutes").Int(result.service.duration.count()).Raw("}");
  out.Key("days").Raw("[");
  for (std::size_t d = 0; d < result.days.size(); ++d) {
    const scheduling::DaySlots& day = result.days[d];
    if (d > 0) out.Raw(",");
    out.Raw("{").Key("date", true).String(core::FormatLocalDate(day.date));
    out.Key("slots").Raw("[");
    for (std::size_t i = 0; i < day.slots.size(); ++i) {
      const scheduling::Slot& slot = day.slots[i];
      out.Raw(i > 0 ? ",{\"start\":" : "{\"start\":").Raw(times.Utc(slot.time.start()));
      out.Raw(",\"end\":").Raw(times.Utc(slot.time.end()));
      out.Raw(",\"local_start\":").Raw(times.Local(slot.time.start())).Raw(",\"options\":[");
      bool first = true;
      for (const auto& option : day.OptionsOf(slot)) {
        out.Raw(first ? "{\"practitioner\":" : ",{\"practitioner\":");
        first = false;
        WriteInt(out, option.practitioner.value());
        out.Raw(",\"room\":");
        WriteInt(out, option.room.value());
        out.Raw("}");
      }
      out.Raw("]}");
    }
    out.Raw("]}");
  }
  out.Raw("]").Key("practitioners").Raw("[");
  for (std::size_t i = 0; i < setup.practitioners.size(); ++i) {
    if (i > 0) out.Raw(",");
    out.Raw("{").Key("id", true).Int(setup.practitioners[i].id.value());
    out.Key("display_name").String(setup.practitioners[i].display_name).Raw("}");
  }
  out.Raw("]").Key("rooms").Raw("[");
  for (std::size_t i = 0; i < setup.rooms.size(); ++i) {
    if (i > 0) out.Raw(",");
    out.Raw("{").Key("id", true).Int(setup.rooms[i].id.value());
    out.Key("name").String(setup.rooms[i].name).Raw("}");
  }
  out.Raw("]}");
  return out.Take();
}

json AppointmentJson(const app::ClinicContext& clinic, const scheduling::Appointment& a) {
  const auto* service = clinic.setup().FindService(a.service);
  json out = TimeJson(clinic, a.time);
  out["id"] = a.id.value();
  // A request the front desk declined is cancelled; the patient is told which.
  out["status"] = a.declined ? std::string_view("declined") : scheduling::ToString(a.status);
  out["source"] = scheduling::ToString(a.source);
  out["service"] = {{"id", a.service.value()},
                    {"slug", service != nullptr ? service->slug : ""},
                    {"name", service != nullptr ? service->name : ""}};
  out["practitioner"] = PractitionerRef(clinic, a.practitioner);
  out["room"] = RoomRef(clinic, a.room);
  out["time_zone"] = clinic.setup().clinic.time_zone;
  out["created_at"] = core::FormatInstant(a.created_at);
  out["cancelled_at"] = a.cancelled_at ? json(core::FormatInstant(*a.cancelled_at)) : json(nullptr);
  return out;
}

json BookedJson(const app::ClinicContext& clinic, const app::Booked& booked) {
  const std::string id = std::to_string(booked.appointment.id.value());
  return {{"appointment", AppointmentJson(clinic, booked.appointment)},
          {"manage_token", booked.manage_token},
          // The token in the fragment: a browser never sends it to a server (so it is in no
          // access log) nor on in a Referer. The app reads it there and sends it as a Bearer token.
          {"manage_url",
           "/c/" + clinic.setup().clinic.slug + "/manage/" + id + "#token=" + booked.manage_token}};
}

}  // namespace unknot::api::json
