#include "security/session_cookie.hpp"

#include <algorithm>

namespace unknot::security {

namespace {

// RFC 6265 section 4.1.1: cookie-octet.
bool IsCookieOctet(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte == 0x21 || (byte >= 0x23 && byte <= 0x2B) || (byte >= 0x2D && byte <= 0x3A) ||
         (byte >= 0x3C && byte <= 0x5B) || (byte >= 0x5D && byte <= 0x7E);
}

std::string Attributes(CookieSecurity security, std::chrono::seconds max_age) {
  std::string out = "; Path=/; Max-Age=" + std::to_string(std::max<long long>(max_age.count(), 0));
  out += "; HttpOnly; SameSite=Strict";
  if (security == CookieSecurity::kSecure) out += "; Secure";
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view SessionCookieName(CookieSecurity security) {
  return security == CookieSecurity::kSecure ? "__Host-unknot_session" : "unknot_session";
}

core::Result<std::string> SessionCookie(std::string_view session_id, CookieSecurity security,
                                        std::chrono::seconds max_age) {
  if (session_id.empty() || !std::all_of(session_id.begin(), session_id.end(), IsCookieOctet)) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "a session cookie value must be non-empty cookie-octets (RFC 6265)");
  }
  std::string out(SessionCookieName(security));
  out += '=';
  out += session_id;
  out += Attributes(security, max_age);
  return out;
}

std::string ExpiredSessionCookie(CookieSecurity security) {
  return std::string(SessionCookieName(security)) + "=" +
         Attributes(security, std::chrono::seconds(0));
}

std::optional<std::string_view> FindCookie(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const auto end = cookie_header.find(';');
    const std::string_view pair = Trim(cookie_header.substr(0, end));
    cookie_header =
        end == std::string_view::npos ? std::string_view() : cookie_header.substr(end + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (Trim(pair.substr(0, equals)) == name) return Trim(pair.substr(equals + 1));
  }
  return std::nullopt;
}

}  // namespace unknot::security
