#pragma once

// Patient messages rendered from the appointment they announce (issue 16): pure functions, no
// I/O, no clock. An e-mail has a plain-text part, an HTML part and the appointment's .ics (the
// product's one iCalendar writer, api/ical); an SMS is one short text. The wording comes from
// templates with {{placeholders}} (the built-in defaults below; a clinic's own later), and every
// value is escaped for where it lands: HTML-escaped in the HTML part, control characters removed
// from one-line values, so a patient's name with `<`, `&` or a newline can neither break the HTML
// nor add a mail header.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/clinic/patient.hpp"
#include "core/common/time.hpp"
#include "core/ports/outbox.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::messaging {

// What a message is rendered from: the stored state when its turn comes.
struct MessageContext {
  const core::clinic::ClinicSetup& setup;
  const core::TimeZone& zone;
  const core::scheduling::Appointment& appointment;
  const core::clinic::Patient& patient;
  std::string manage_url;  // absolute link to the appointment's page; "" when unknown
};

struct RenderedEmail {
  std::string to;          // the patient's address
  std::string to_name;     // the patient's name, one line
  std::string subject;     // one line
  std::string text;        // the plain-text part
  std::string html;        // the HTML part
  std::string ics;         // the attached calendar file
  std::string ics_method;  // "REQUEST" or "CANCEL"
};

// The wording of one kind of message (core/ports/outbox.hpp): the subject, the text (also the
// HTML part's body: paragraphs split at blank lines) and the SMS. Placeholders
// (core::ports::kMessagePlaceholders): {{given_name}}, {{family_name}}, {{clinic}}, {{service}},
// {{practitioner}}, {{date}} ("Tuesday, 1 December 2026"), {{time}} ("09:00"), {{zone}}
// ("PST, America/Los_Angeles"), {{address}}, {{phone}}, {{manage_url}}, {{what_to_bring}},
// {{short_date}} ("Tue 1 Dec"). An unknown placeholder renders empty (a clinic's own wording is
// refused with one when it is saved).
using Template = core::ports::MessageWording;

// The built-in template of a kind.
const Template& DefaultTemplate(core::ports::MessageKind kind);

// The clinic's own wording of `kind` among `own` (ListMessageTemplates), else the built-in one.
const Template& WordingFor(core::ports::MessageKind kind,
                           const std::vector<core::ports::MessageTemplate>& own);

// The values the placeholders stand for, unescaped.
std::map<std::string, std::string, std::less<>> TemplateValues(const MessageContext& context);

// Replaces each {{name}} of `text` with escape(value).
enum class Escape { kNone, kHtml, kOneLine };
std::string Fill(std::string_view text,
                 const std::map<std::string, std::string, std::less<>>& values, Escape escape);

std::string HtmlEscape(std::string_view text);
// Drops CR, LF and other control characters (tabs become spaces): safe inside a header.
std::string OneLine(std::string_view text);

// The e-mail of `kind` (the organizer of its .ics is `from_address`).
RenderedEmail RenderEmail(core::ports::MessageKind kind, const MessageContext& context,
                          std::string_view from_address, const Template& wording);
inline RenderedEmail RenderEmail(core::ports::MessageKind kind, const MessageContext& context,
                                 std::string_view from_address) {
  return RenderEmail(kind, context, from_address, DefaultTemplate(kind));
}

// The SMS of `kind`: at most 160 characters when it can be (a long clinic or practitioner name
// is shortened first, then the link dropped, never the time).
std::string RenderSms(core::ports::MessageKind kind, const MessageContext& context,
                      const Template& wording);
inline std::string RenderSms(core::ports::MessageKind kind, const MessageContext& context) {
  return RenderSms(kind, context, DefaultTemplate(kind));
}

}  // namespace unknot::messaging
