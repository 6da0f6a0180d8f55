#pragma once

// The live calendar (issue 14): GET /api/v1/clinics/{clinic}/calendar/events, a text/event-stream
// of the clinic's appointment changes for staff (action kViewSchedule; a practitioner sees the
// appointments on their own schedule only). docs/api.md describes the events and how to resume.

#include <cstdint>
#include <optional>
#include <string>

#include "api/http/message.hpp"
#include "api/v1/staff_gate.hpp"
#include "app/live_changes.hpp"
#include "core/ports/appointment_changes.hpp"

namespace unknot::api::v1 {

inline constexpr std::string_view kCalendarEventsPattern =
    "/api/v1/clinics/{clinic}/calendar/events";

// Where a stream resumes: after the change number in the Last-Event-ID header (what a browser's
// EventSource sends when it reconnects), else in the `after` query parameter; nullopt when there
// is neither (the stream starts at the clinic's latest change). A number is plain decimal digits,
// 0 or more. kInvalidArgument naming "Last-Event-ID" or "after" for anything else.
core::Result<std::optional<std::int64_t>> ResumeAfter(const http::Request& request);

// The SSE event of one change: id the change number, event "appointment", data a small JSON object
// (id, change, status, source, practitioner, room, service, start, end).
std::string AppointmentEvent(const core::ports::AppointmentChange& change);

// The first event of every stream: "ready" with id the change number it starts after (so a client
// that reconnects before any change resumes from there) and the client's reconnection delay.
std::string ReadyEvent(std::int64_t after);

// Registers the route behind the gate. `live` and `feed` must outlive the router.
void AddCalendarStreamRoutes(StaffRoutes& staff, app::LiveChanges& live,
                             core::ports::AppointmentChangeFeed& feed);

}  // namespace unknot::api::v1
