#pragma once

// Server-sent events framing (HTML Living Standard, "server-sent events"): what a
// text/event-stream body is made of.

#include <string>
#include <string_view>

namespace unknot::api::http {

// One event: "id: <id>\nevent: <event>\ndata: <line>\n...\n\n". Each line of `data` becomes its own
// data field (a client joins them with "\n"); CR and CRLF count as line ends. An empty `id` or
// `event` leaves that field out. `id` and `event` must not contain a line end (they are ours,
// never a client's).
std::string SseEvent(std::string_view id, std::string_view event, std::string_view data);

// A comment line, which clients ignore: ": <text>\n\n". For keep-alives.
std::string SseComment(std::string_view text);

}  // namespace unknot::api::http
