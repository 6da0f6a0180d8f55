#pragma once

// The product's one iCalendar (RFC 5545) writer: an appointment as a VCALENDAR with one VEVENT,
// its times written as clinic-local DATE-TIMEs with a TZID and the VTIMEZONE that RFC 5545
// requires for it, derived from the system tz database (the same one the engine uses). The patient
// app downloads this file; it writes no iCalendar of its own.

#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/time.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::api::ical {

// The file for `appointment` of the clinic whose setup and zone are given. `manage_url` (the
// patient's link to see, move or cancel it) goes into URL and DESCRIPTION. SEQUENCE is the stored
// version less one: 0 as booked, raised by every change (reschedule, cancellation), as RFC 5545
// asks of a revised event. DTSTAMP and LAST-MODIFIED are updated_at, so the file is a function of
// the stored appointment (no clock). STATUS is CONFIRMED, TENTATIVE for a request the front desk
// has not approved, or CANCELLED.
std::string AppointmentIcs(const core::clinic::ClinicSetup& setup, const core::TimeZone& zone,
                           const core::scheduling::Appointment& appointment,
                           std::string_view manage_url);

// The iTIP method (RFC 5546) of a file that travels by e-mail (issue 16): kRequest for a
// confirmation, a reminder or a moved time, kCancel for a cancellation (same UID, the higher
// SEQUENCE the cancel stored). Such a file names the clinic as ORGANIZER (`organizer_email`) and
// the patient as ATTENDEE (`attendee_email`) when they are given.
enum class IcsMethod { kPublish, kRequest, kCancel };
struct IcsInvite {
  IcsMethod method = IcsMethod::kPublish;
  std::string organizer_email;  // "": no ORGANIZER
  std::string attendee_email;   // "": no ATTENDEE
};

// AppointmentIcs with the given method and parties; with a default IcsInvite the two are equal.
std::string AppointmentIcs(const core::clinic::ClinicSetup& setup, const core::TimeZone& zone,
                           const core::scheduling::Appointment& appointment,
                           std::string_view manage_url, const IcsInvite& invite);

// One appointment of a practitioner's calendar feed and how the feed names its patient (initials,
// or the name when the clinic allows it).
struct FeedEvent {
  core::scheduling::Appointment appointment;
  std::string patient_label;
};

// A practitioner's calendar feed (issue 17): one VCALENDAR with the clinic's VTIMEZONE (around
// the year of `now`) and one VEVENT per event, in the order given. Each VEVENT has the UID,
// SEQUENCE, times and STATUS of the patient's file of the same appointment (AppointmentIcs);
// SUMMARY is the service and the patient label, LOCATION the clinic's address and the room. It
// carries no manage link: that is the patient's secret.
std::string PractitionerFeedIcs(const core::clinic::ClinicSetup& setup, const core::TimeZone& zone,
                                const core::clinic::Practitioner& practitioner,
                                const std::vector<FeedEvent>& events, core::Instant now);

// The VTIMEZONE component (CRLF-terminated lines) for `zone` with one observance per UTC-offset
// change from 1 January of year - 1 to 1 January of year + 2 (the years around an event), or a
// single STANDARD observance for a zone without changes then.
std::string VTimeZone(const core::TimeZone& zone, date::year year);

// RFC 5545 3.3.11 TEXT escaping: backslash, ';', ',' and newlines.
std::string EscapeText(std::string_view text);

// Folds one content line (without its CRLF) at 75 octets, never inside a UTF-8 sequence.
std::string FoldLine(std::string_view line);

}  // namespace unknot::api::ical
