#pragma once

// Percent-decoding (RFC 3986 section 2.1) for request targets. Two flavours because paths and
// query strings are held to different standards: a malformed path is a bad request, while query
// parameters are read leniently.

#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace unknot::api::http {

// Decodes %XY escapes in a path. '+' stays '+'. Fails with kInvalidArgument when an escape is
// malformed (not two hex digits) or the result would contain a NUL byte.
core::Result<std::string> DecodePath(std::string_view encoded);

// Encodes one path segment for a URL we send (e.g. a Location header): every byte but the
// unreserved characters, the sub-delimiters, ':' and '@' (RFC 3986 section 3.3) becomes %XY, so
// '/', '?', '#', '%', spaces, control characters and non-ASCII bytes are all escaped.
// DecodePath(EncodePathSegment(s)) == s for every s without a NUL.
std::string EncodePathSegment(std::string_view segment);

// Decodes one query-string name or value: %XY escapes and '+' as a space. Never fails: a
// malformed escape is kept literally ("%zz" stays "%zz").
std::string DecodeQueryComponent(std::string_view encoded);

}  // namespace unknot::api::http
