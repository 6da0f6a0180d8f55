#pragma once

// The security headers of every answer (docs/api.md, "Security headers"): the browser must not
// guess content types, must not send our URLs on in a Referer, and runs only the scripts, styles
// and connections a Content-Security-Policy allows.

#include <functional>
#include <string_view>

#include "api/http/message.hpp"

namespace unknot::api::http {

// The policy of the web app's HTML and of every file it is built from: its own origin only, no
// inline script or style, no plugins, no framing, forms and <base> to its own origin. `data:`
// images cover the empty favicon in index.html.
inline constexpr std::string_view kAppContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

// The policy of everything else (JSON, problem details, metrics): nothing may load or run, and
// nobody may frame it, should a browser ever render one as a document.
inline constexpr std::string_view kLockedContentSecurityPolicy =
    "default-src 'none'; frame-ancestors 'none'";

// Sets Content-Security-Policy to the app's policy (replacing any other).
void SetAppContentSecurityPolicy(Response& response);

// Adds `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and, when the response
// carries no Content-Security-Policy of its own, kLockedContentSecurityPolicy. Headers the
// response already has (by case-insensitive name) are left as they are. The server calls this on
// every answer, so handlers only set the app policy where it applies.
void AddSecurityHeaders(Response& response);

// Calls add(name, value) for each header AddSecurityHeaders would add to `response`, in the same
// order, without changing the response: for the server, which writes them straight into the
// outgoing message instead of copying them into the response first.
void ForEachMissingSecurityHeader(
    const Response& response, const std::function<void(std::string_view, std::string_view)>& add);

}  // namespace unknot::api::http
