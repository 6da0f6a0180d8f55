#pragma once

// The product's one iCalendar (RFC 5545) writer: an appointment as a VCALENDAR with one VEVENT,
// its times written as clinic-local DATE-TIMEs with a TZID and the VTIMEZONE that RFC 5545
// requires for it, derived from the system tz database (the same one the engine uses). The patient
// app downloads this file; it writes no iCalendar of its own.

#include <string>
#include <string_view>

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

// The VTIMEZONE component (CRLF-terminated lines) for `zone` with one observance per UTC-offset
// change from 1 January of year - 1 to 1 January of year + 2 (the years around an event), or a
// single STANDARD observance for a zone without changes then.
std::string VTimeZone(const core::TimeZone& zone, date::year year);

// RFC 5545 3.3.11 TEXT escaping: backslash, ';', ',' and newlines.
std::string EscapeText(std::string_view text);

// Folds one content line (without its CRLF) at 75 octets, never inside a UTF-8 sequence.
std::string FoldLine(std::string_view line);

}  // namespace unknot::api::ical
