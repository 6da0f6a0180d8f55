#pragma once

// The staff session cookie as text (RFC 6265), with no I/O: the Set-Cookie value that starts or
// ends a session, and finding the session id in a request's Cookie header.
//
// Always HttpOnly (scripts cannot read it), SameSite=Strict (no other site's page can make the
// browser send it) and Path=/. With CookieSecurity::kSecure (serve --secure-cookies, or TLS) it
// also carries Secure and its name the __Host- prefix, which browsers accept only from a secure
// origin, with Path=/ and no Domain: a neighbouring subdomain cannot plant or shadow it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace unknot::security {

enum class CookieSecurity {
  kSecure,     // HTTPS: Secure, and the __Host- name
  kPlainHttp,  // local development over http://; the cookie would not be sent back with Secure
};

// "__Host-unknot_session" with kSecure, "unknot_session" without.
std::string_view SessionCookieName(CookieSecurity security);

// The Set-Cookie header value that stores `session_id` for `max_age` (negative counts as 0):
// "NAME=ID; Path=/; Max-Age=N; HttpOnly; SameSite=Strict[; Secure]". kInvalidArgument when the
// value holds a character a cookie cannot carry (RFC 6265 cookie-octet): space, '"', ',', ';',
// '\\', a control character or a non-ASCII byte.
core::Result<std::string> SessionCookie(std::string_view session_id, CookieSecurity security,
                                        std::chrono::seconds max_age);

// The Set-Cookie header value that makes the browser forget the session cookie (sign-out).
std::string ExpiredSessionCookie(CookieSecurity security);

// The value of the first cookie called `name` in a Cookie request header ("a=1; b=2"), or
// nullopt. Names compare exactly (case-sensitive); surrounding double quotes are not removed.
std::optional<std::string_view> FindCookie(std::string_view cookie_header, std::string_view name);

}  // namespace unknot::security
