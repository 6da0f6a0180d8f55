#include "messaging/render.hpp"

#include <fmt/format.h>

#include "api/ical/ics_writer.hpp"

namespace unknot::messaging {
namespace {

using core::ports::MessageKind;

constexpr std::string_view kWhatToBring =
    "Wear or bring loose, comfortable clothes; bring a list of your medicines and any scans or "
    "reports about your back; arrive 10 minutes early.";

constexpr std::string_view kDetails =
    "When: {{date}} at {{time}} ({{zone}})\n"
    "Service: {{service}}\n"
    "With: {{practitioner}}\n"
    "Where: {{clinic}}, {{address}}\n"
    "\n"
    "What to bring: {{what_to_bring}}\n"
    "\n"
    "See, change or cancel it: {{manage_url}}\n"
    "Questions? Call us on {{phone}}.\n"
    "\n"
    "{{clinic}}";

Template Make(std::string subject, std::string_view lead, std::string sms) {
  return Template{std::move(subject),
                  "Hello {{given_name}},\n\n" + std::string(lead) + "\n\n" + std::string(kDetails),
                  std::move(sms)};
}

std::string AddressLine(const core::clinic::Address& a) {
  std::string line = a.line1;
  if (!a.line2.empty()) line += ", " + a.line2;
  line += ", " + a.city + ", " + a.region + " " + a.postal_code;
  return line;
}

bool IsCancel(MessageKind kind) {
  return kind == MessageKind::kCancelled || kind == MessageKind::kDeclined;
}

}  // namespace

const Template& DefaultTemplate(MessageKind kind) {
  static const Template booked =
      Make("Your appointment at {{clinic}} on {{short_date}} at {{time}}",
           "your appointment is booked. We look forward to seeing you.",
           "{{clinic}}: booked {{short_date}} {{time}} with {{practitioner}}. {{manage_url}}");
  static const Template requested = Make(
      "We have your request for {{short_date}} at {{time}} – {{clinic}}",
      "we have your request for this time. The front desk will confirm it soon; until then the "
      "time is kept for you.",
      "{{clinic}}: request for {{short_date}} {{time}} received, we will confirm. {{manage_url}}");
  static const Template approved =
      Make("Confirmed: {{short_date}} at {{time}} – {{clinic}}",
           "the front desk has confirmed your requested appointment.",
           "{{clinic}}: confirmed {{short_date}} {{time}} with {{practitioner}}. {{manage_url}}");
  static const Template declined = Make(
      "Your request for {{short_date}} could not be booked – {{clinic}}",
      "we are sorry: the front desk could not confirm this requested time, so it is not booked. "
      "Please choose another time or call us.",
      "{{clinic}}: sorry, {{short_date}} {{time}} could not be booked. Call {{phone}}.");
  static const Template cancelled =
      Make("Cancelled: {{short_date}} at {{time}} – {{clinic}}",
           "this appointment is cancelled. If you did not ask for this, please call us.",
           "{{clinic}}: your visit {{short_date}} {{time}} is cancelled. Call {{phone}}.");
  static const Template moved =
      Make("Moved: your appointment is now {{short_date}} at {{time}} – {{clinic}}",
           "your appointment has a new time. These are the new details.",
           "{{clinic}}: moved to {{short_date}} {{time}} with {{practitioner}}. {{manage_url}}");
  static const Template reminder =
      Make("Reminder: {{short_date}} at {{time}} – {{clinic}}", "a reminder of your appointment.",
           "{{clinic}}: reminder {{short_date}} {{time}} with {{practitioner}}. {{manage_url}}");
  // A freed time offered to a waitlist entry: {{manage_url}} is the offer's link.
  static const Template waitlist_offer{
      "A time has opened up: {{short_date}} at {{time}} – {{clinic}}",
      "Hello {{given_name}},\n\n"
      "a time you were waiting for has opened up, and we are keeping it for you for a short "
      "while. Whoever confirms first gets it.\n\n"
      "When: {{date}} at {{time}} ({{zone}})\n"
      "Service: {{service}}\n"
      "With: {{practitioner}}\n"
      "Where: {{clinic}}, {{address}}\n"
      "\n"
      "Confirm it here: {{manage_url}}\n"
      "Questions? Call us on {{phone}}.\n"
      "\n"
      "{{clinic}}",
      "{{clinic}}: a time opened up {{short_date}} {{time}} with {{practitioner}}. Confirm: "
      "{{manage_url}}"};
  switch (kind) {
    case MessageKind::kBooked:
      return booked;
    case MessageKind::kRequested:
      return requested;
    case MessageKind::kApproved:
      return approved;
    case MessageKind::kDeclined:
      return declined;
    case MessageKind::kCancelled:
      return cancelled;
    case MessageKind::kMoved:
      return moved;
    case MessageKind::kWaitlistOffer:
      return waitlist_offer;
    case MessageKind::kReminder:
      break;
  }
  return reminder;
}

const Template& WordingFor(MessageKind kind, const std::vector<core::ports::MessageTemplate>& own) {
  for (const core::ports::MessageTemplate& t : own) {
    if (t.kind == kind) return t.wording;
  }
  return DefaultTemplate(kind);
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\t') {
      out += ' ';
    } else if (u >= 0x20 && u != 0x7F) {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string, std::less<>> TemplateValues(const MessageContext& context) {
  const auto& setup = context.setup;
  const auto& a = context.appointment;
  const auto* service = setup.FindService(a.service);
  const auto* practitioner = setup.FindPractitioner(a.practitioner);
  const core::LocalDateTime local = core::UtcToLocal(context.zone, a.time.start());
  const date::sys_info info = context.zone.get()->get_info(a.time.start());
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::weekday weekday{day};
  std::map<std::string, std::string, std::less<>> values;
  values["given_name"] = OneLine(context.patient.given_name);
  values["family_name"] = OneLine(context.patient.family_name);
  values["clinic"] = OneLine(setup.clinic.name);
  values["service"] = OneLine(service != nullptr ? service->name : "Appointment");
  values["practitioner"] = OneLine(practitioner != nullptr ? practitioner->display_name : "");
  values["date"] = date::format("%A, ", weekday) +
                   std::to_string(static_cast<unsigned>(ymd.day())) + date::format(" %B %Y", ymd);
  values["short_date"] = date::format("%a ", weekday) +
                         std::to_string(static_cast<unsigned>(ymd.day())) +
                         date::format(" %b", ymd);
  values["time"] = date::format("%H:%M", local);
  values["zone"] = info.abbrev + ", " + std::string(context.zone.name());
  values["address"] = OneLine(AddressLine(setup.clinic.address));
  values["phone"] = OneLine(setup.clinic.phone);
  values["manage_url"] = OneLine(context.manage_url);
  values["what_to_bring"] = std::string(kWhatToBring);
  return values;
}

std::string Fill(std::string_view text,
                 const std::map<std::string, std::string, std::less<>>& values, Escape escape) {
  std::string out;
  out.reserve(text.size() * 2);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find("{{", i);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    std::string_view literal = text.substr(i, open - i);
    out += escape == Escape::kHtml ? HtmlEscape(literal) : std::string(literal);
    auto found = values.find(text.substr(open + 2, close - open - 2));
    if (found != values.end()) {
      switch (escape) {
        case Escape::kHtml:
          out += HtmlEscape(found->second);
          break;
        case Escape::kOneLine:
          out += OneLine(found->second);
          break;
        case Escape::kNone:
          out += found->second;
          break;
      }
    }
    i = close + 2;
  }
  std::string_view rest = text.substr(i);
  out += escape == Escape::kHtml ? HtmlEscape(rest) : std::string(rest);
  return out;
}

RenderedEmail RenderEmail(MessageKind kind, const MessageContext& context,
                          std::string_view from_address, const Template& wording) {
  auto values = TemplateValues(context);
  RenderedEmail email;
  email.to = OneLine(context.patient.email);
  email.to_name = OneLine(context.patient.given_name + " " + context.patient.family_name);
  email.subject = Fill(wording.subject, values, Escape::kOneLine);
  email.text = Fill(wording.text, values, Escape::kNone);
  // The HTML part: the same text, each blank-line-separated block a paragraph, lines joined with
  // <br>, every value escaped; the manage link is a link.
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                     Fill(wording.subject, values, Escape::kHtml) + "</title></head><body>\n";
  std::string filled = Fill(wording.text, values, Escape::kHtml);
  std::size_t start = 0;
  while (start <= filled.size()) {
    std::size_t end = filled.find("\n\n", start);
    std::string block = filled.substr(start, end == std::string::npos ? end : end - start);
    std::string para;
    std::size_t line_start = 0;
    while (line_start <= block.size()) {
      std::size_t line_end = block.find('\n', line_start);
      if (!para.empty()) para += "<br>\n";
      para += block.substr(line_start,
                           line_end == std::string::npos ? line_end : line_end - line_start);
      if (line_end == std::string::npos) break;
      line_start = line_end + 1;
    }
    if (!para.empty()) html += "<p>" + para + "</p>\n";
    if (end == std::string::npos) break;
    start = end + 2;
  }
  if (!context.manage_url.empty()) {
    const std::string url = HtmlEscape(OneLine(context.manage_url));
    html +=
        "<p><a href=\"" + url + "\">" +
        (kind == MessageKind::kWaitlistOffer ? "Confirm this time" : "Manage your appointment") +
        "</a></p>\n";
  }
  html += "</body></html>\n";
  email.html = std::move(html);
  // An offer is not an appointment yet: no calendar file.
  if (kind == MessageKind::kWaitlistOffer) return email;
  api::ical::IcsInvite invite;
  invite.method = IsCancel(kind) ? api::ical::IcsMethod::kCancel : api::ical::IcsMethod::kRequest;
  invite.organizer_email = OneLine(from_address);
  invite.attendee_email = email.to;
  email.ics_method = IsCancel(kind) ? "CANCEL" : "REQUEST";
  email.ics = api::ical::AppointmentIcs(context.setup, context.zone, context.appointment,
                                        context.manage_url, invite);
  return email;
}

std::string RenderSms(MessageKind /*kind*/, const MessageContext& context,
                      const Template& wording) {
  constexpr std::size_t kLimit = 160;
  auto values = TemplateValues(context);
  auto length = [](const std::string& s) {
    // Characters, not bytes: UTF-8 continuation bytes do not count.
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
  };
  std::string text = Fill(wording.sms, values, Escape::kOneLine);
  if (length(text) <= kLimit) return text;
  // Shorten the names first, then drop the link; the time always stays.
  auto shorten = [](std::string& value, std::size_t at) {
    if (value.size() <= at) return;
    // Never inside a UTF-8 sequence.
    while (at > 0 && (static_cast<unsigned char>(value[at]) & 0xC0) == 0x80) --at;
    value = value.substr(0, at) + ".";
  };
  shorten(values["clinic"], 24);
  shorten(values["practitioner"], 20);
  text = Fill(wording.sms, values, Escape::kOneLine);
  if (length(text) <= kLimit) return text;
  values["manage_url"] = "";
  text = Fill(wording.sms, values, Escape::kOneLine);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace unknot::messaging
