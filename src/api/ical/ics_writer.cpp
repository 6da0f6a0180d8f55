#include "api/ical/ics_writer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <vector>

namespace unknot::api::ical {
namespace {

namespace scheduling = core::scheduling;

// 20270314T100000 (local) or 20270314T170000Z (UTC).
std::string Stamp(date::local_seconds local) { return date::format("%Y%m%dT%H%M%S", local); }
std::string UtcStamp(core::Instant instant) { return date::format("%Y%m%dT%H%M%SZ", instant); }

// -0800, +0530.
std::string OffsetText(std::chrono::seconds offset) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(offset).count();
  char sign = minutes < 0 ? '-' : '+';
  if (minutes < 0) minutes = -minutes;
  return fmt::format("{}{:02}{:02}", sign, minutes / 60, minutes % 60);
}

std::string AddressLine(const core::clinic::Address& a) {
  std::string line = a.line1;
  if (!a.line2.empty()) line += ", " + a.line2;
  line += ", " + a.city + ", " + a.region + " " + a.postal_code;
  return line;
}

class Lines {
 public:
  void Add(std::string_view line) {
    out_ += FoldLine(line);
    out_ += "\r\n";
  }
  void AddRaw(std::string_view lines) { out_ += lines; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// RFC 5545 3.8.1.11: a request the front desk has not approved yet is tentative.
std::string_view EventStatus(scheduling::AppointmentStatus status) {
  switch (status) {
    case scheduling::AppointmentStatus::kCancelled:
      return "CANCELLED";
    case scheduling::AppointmentStatus::kRequested:
      return "TENTATIVE";
    case scheduling::AppointmentStatus::kBooked:
    case scheduling::AppointmentStatus::kCompleted:
    case scheduling::AppointmentStatus::kNoShow:
    case scheduling::AppointmentStatus::kArrived:
      break;
  }
  return "CONFIRMED";
}

// A quoted parameter value (RFC 5545 3.1): no DQUOTE and no control characters inside.
std::string ParamText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

constexpr std::string_view kWhatToBring =
    "Wear or bring loose, comfortable clothes; bring a list of your medicines and any scans or "
    "reports about your back; arrive 10 minutes early.";

}  // namespace

std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FoldLine(std::string_view line) {
  std::string out;
  std::size_t octets = 0;
  std::size_t limit = 75;  // continuation lines start with a space, so they hold 74 more
  std::size_t i = 0;
  while (i < line.size()) {
    auto lead = static_cast<unsigned char>(line[i]);
    std::size_t size = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    size = std::min(size, line.size() - i);
    if (octets + size > limit) {
      out += "\r\n ";
      octets = 0;
      limit = 74;
    }
    out.append(line.substr(i, size));
    octets += size;
    i += size;
  }
  return out;
}

std::string VTimeZone(const core::TimeZone& zone, date::year year) {
  const date::time_zone* tz = zone.get();
  const core::Instant from{date::sys_days{year / date::January / 1} - date::years{1}};
  const core::Instant to{date::sys_days{(year + date::years{2}) / date::January / 1}};
  Lines lines;
  lines.Add("BEGIN:VTIMEZONE");
  lines.Add(fmt::format("TZID:{}", zone.name()));
  date::sys_info info = tz->get_info(from);
  bool any = false;
  while (info.end < to) {
    date::sys_info next = tz->get_info(info.end);
    if (next.offset != info.offset) {
      const char* kind = next.save != std::chrono::minutes{0} ? "DAYLIGHT" : "STANDARD";
      lines.Add(fmt::format("BEGIN:{}", kind));
      // The observance starts at the local time of the change, read with the offset before it.
      lines.Add("DTSTART:" + Stamp(date::local_seconds{info.end.time_since_epoch() + info.offset}));
      lines.Add("TZOFFSETFROM:" + OffsetText(info.offset));
      lines.Add("TZOFFSETTO:" + OffsetText(next.offset));
      lines.Add("TZNAME:" + next.abbrev);
      lines.Add(fmt::format("END:{}", kind));
      any = true;
    }
    info = next;
  }
  if (!any) {
    lines.Add("BEGIN:STANDARD");
    lines.Add("DTSTART:19700101T000000");
    lines.Add("TZOFFSETFROM:" + OffsetText(info.offset));
    lines.Add("TZOFFSETTO:" + OffsetText(info.offset));
    lines.Add("TZNAME:" + info.abbrev);
    lines.Add("END:STANDARD");
  }
  lines.Add("END:VTIMEZONE");
  return lines.Take();
}

namespace {

// What differs between the patient's VEVENT and a practitioner feed's.
struct EventText {
  std::string summary;
  std::string location;
  std::string description;
  std::string_view url;  // "": none
};

// One VEVENT. UID, SEQUENCE, DTSTAMP, times and STATUS come from the stored appointment alone, so
// the patient's file and the practitioner's feed describe the same event the same way.
void AddEvent(Lines& lines, const core::clinic::Clinic& clinic, const core::TimeZone& zone,
              const scheduling::Appointment& appointment, const EventText& text,
              const IcsInvite& invite = {}) {
  const std::string tzid(zone.name());
  // Storage raises the version on every change, from 1 as booked: RFC 5545's revision count.
  const std::int64_t sequence = std::max<std::int64_t>(0, appointment.version - 1);
  lines.Add("BEGIN:VEVENT");
  lines.Add(fmt::format("UID:appointment-{}@{}.unknot", appointment.id.value(), clinic.slug));
  lines.Add("DTSTAMP:" + UtcStamp(appointment.updated_at));
  lines.Add("CREATED:" + UtcStamp(appointment.created_at));
  lines.Add("LAST-MODIFIED:" + UtcStamp(appointment.updated_at));
  lines.Add(fmt::format("SEQUENCE:{}", sequence));
  lines.Add(fmt::format("DTSTART;TZID={}:{}", tzid,
                        Stamp(core::UtcToLocal(zone, appointment.time.start()))));
  lines.Add(
      fmt::format("DTEND;TZID={}:{}", tzid, Stamp(core::UtcToLocal(zone, appointment.time.end()))));
  lines.Add("SUMMARY:" + EscapeText(text.summary));
  lines.Add("LOCATION:" + EscapeText(text.location));
  lines.Add("DESCRIPTION:" + EscapeText(text.description));
  if (!text.url.empty()) lines.Add("URL:" + std::string(text.url));
  if (!invite.organizer_email.empty()) {
    lines.Add("ORGANIZER;CN=\"" + ParamText(clinic.name) + "\":mailto:" + invite.organizer_email);
  }
  if (!invite.attendee_email.empty()) {
    lines.Add("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:" +
              invite.attendee_email);
  }
  lines.Add("STATUS:" + std::string(EventStatus(appointment.status)));
  lines.Add("END:VEVENT");
}

void AddCalendarHead(Lines& lines, IcsMethod method = IcsMethod::kPublish) {
  lines.Add("BEGIN:VCALENDAR");
  lines.Add("VERSION:2.0");
  lines.Add("PRODID:-//Unknot//Appointments//EN");
  lines.Add("CALSCALE:GREGORIAN");
  lines.Add(method == IcsMethod::kRequest  ? "METHOD:REQUEST"
            : method == IcsMethod::kCancel ? "METHOD:CANCEL"
                                           : "METHOD:PUBLISH");
}

}  // namespace

std::string AppointmentIcs(const core::clinic::ClinicSetup& setup, const core::TimeZone& zone,
                           const scheduling::Appointment& appointment,
                           std::string_view manage_url) {
  return AppointmentIcs(setup, zone, appointment, manage_url, IcsInvite{});
}

std::string AppointmentIcs(const core::clinic::ClinicSetup& setup, const core::TimeZone& zone,
                           const scheduling::Appointment& appointment, std::string_view manage_url,
                           const IcsInvite& invite) {
  const core::clinic::Clinic& clinic = setup.clinic;
  const auto* service = setup.FindService(appointment.service);
  const auto* practitioner = setup.FindPractitioner(appointment.practitioner);
  const auto year = date::year_month_day{date::floor<date::days>(appointment.time.start())}.year();

  Lines lines;
  AddCalendarHead(lines, invite.method);
  lines.AddRaw(VTimeZone(zone, year));
  EventText text;
  text.summary =
      (service != nullptr ? service->name : "Appointment") + " \xE2\x80\x93 " + clinic.name;
  text.location = AddressLine(clinic.address);
  if (practitioner != nullptr) text.description = "With " + practitioner->display_name + ". ";
  text.description += kWhatToBring;
  if (!manage_url.empty()) text.description += "\nChange or cancel: " + std::string(manage_url);
  text.description += "\nQuestions: " + clinic.phone;
  text.url = manage_url;
  AddEvent(lines, clinic, zone, appointment, text, invite);
  lines.Add("END:VCALENDAR");
  return lines.Take();
}

std::string PractitionerFeedIcs(const core::clinic::ClinicSetup& setup, const core::TimeZone& zone,
                                const core::clinic::Practitioner& practitioner,
                                const std::vector<FeedEvent>& events, core::Instant now) {
  const core::clinic::Clinic& clinic = setup.clinic;
  Lines lines;
  AddCalendarHead(lines);
  lines.Add("X-WR-CALNAME:" +
            EscapeText(practitioner.display_name + " \xE2\x80\x93 " + clinic.name));
  lines.Add("X-WR-TIMEZONE:" + std::string(zone.name()));
  // How often a subscribing calendar should fetch it again (RFC 7986, and Outlook's own name).
  lines.Add("REFRESH-INTERVAL;VALUE=DURATION:PT15M");
  lines.Add("X-PUBLISHED-TTL:PT15M");
  // The feed covers `now` to at most a few months on: the observances around now's year do.
  lines.AddRaw(VTimeZone(zone, date::year_month_day{date::floor<date::days>(now)}.year()));
  for (const FeedEvent& event : events) {
    const scheduling::Appointment& a = event.appointment;
    const auto* service = setup.FindService(a.service);
    const auto* room = setup.FindRoom(a.room);
    EventText text;
    const std::string service_name = service != nullptr ? service->name : "Appointment";
    text.summary = service_name + " \xE2\x80\x93 " + event.patient_label;
    text.location = AddressLine(clinic.address);
    if (room != nullptr) text.location += " (" + room->name + ")";
    text.description = "Patient: " + event.patient_label + "\nService: " + service_name;
    if (room != nullptr) text.description += "\nRoom: " + room->name;
    if (a.status == scheduling::AppointmentStatus::kRequested) {
      text.description += "\nRequested online: waiting for the front desk's approval.";
    }
    AddEvent(lines, clinic, zone, a, text);
  }
  lines.Add("END:VCALENDAR");
  return lines.Take();
}

}  // namespace unknot::api::ical
