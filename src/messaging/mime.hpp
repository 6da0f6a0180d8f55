#pragma once

// An RFC 5322 / MIME e-mail built from a rendered message: multipart/mixed holding a
// multipart/alternative (text/plain, text/html) and the .ics (text/calendar with its iTIP method).
// Every part is base64, so no body line can start an SMTP end-of-data or be too long; header
// values are single lines, and the free-text ones (names, subject) RFC 2047 encoded-words, so
// nothing a patient typed can add or end a header.

#include <string>
#include <string_view>

#include "core/common/time.hpp"
#include "messaging/render.hpp"

namespace unknot::messaging {

struct Envelope {
  std::string from_address;  // e.g. "bookings@clinic.example"
  std::string from_name;     // the clinic's name
  std::string message_id;    // with its angle brackets: the outbox key
  core::Instant date;
};

// The whole message, CRLF line ends.
std::string BuildMime(const RenderedEmail& email, const Envelope& envelope);

std::string Base64(std::string_view bytes);
// Base64 in lines of 76 characters, each ended with CRLF.
std::string Base64Lines(std::string_view bytes);
// "=?UTF-8?B?...?=" for text that is not plain printable ASCII without specials, else the text.
std::string EncodedWord(std::string_view text);
// Whether `address` is one plain addr-spec (local@domain, printable ASCII, no spaces, no
// brackets, quotes, commas or control characters): what the envelope and headers accept.
bool IsPlainAddress(std::string_view address);

}  // namespace unknot::messaging
