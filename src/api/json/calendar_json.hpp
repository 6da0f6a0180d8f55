#pragma once

// JSON shapes of the front desk's calendar (API v1, docs/api.md "Front desk calendar").

#include <string>

#include <nlohmann/json.hpp>

#include "app/staff_booking.hpp"

namespace unknot::api::json {

// {id, version, status, source, start, end, blocked_until, practitioner, room,
//  service: {id, name}, patient: {id, given_name, family_name}, assessment, overbooked,
//  cancel_reason, declined}; times RFC 3339 UTC.
nlohmann::json CalendarAppointmentJson(const app::ClinicContext& clinic,
                                       const core::ports::CalendarAppointment& entry);

// The body of GET .../calendar: {time_zone, from, to, practitioners: [{id, slug, name,
// allow_overbooking, working: [{start, end}], free: [{start, end}]}], rooms: [{id, name}],
// appointments: [CalendarAppointmentJson...]}, written directly as JSON text.
std::string CalendarBody(const app::ClinicContext& clinic, const app::CalendarView& view);

}  // namespace unknot::api::json
