#pragma once

// gzip (RFC 1952) for answers worth compressing once and serving many times, and the
// Accept-Encoding check that decides whether a client may receive it.

#include <string>
#include <string_view>

#include "api/http/message.hpp"

namespace unknot::api::http {

// The gzip member holding `data`, compressed at zlib's default level.
std::string Gzip(std::string_view data);

// True when the request's Accept-Encoding lists gzip (or `*`) with a q-value above zero
// (RFC 9110 §12.5.3). No header means identity only.
bool AcceptsGzip(const Request& request);

}  // namespace unknot::api::http
