#pragma once

// Absolute links the server writes into documents that leave the browser (calendar files, FHIR
// resources, bulk-publish manifests): the origin the client used to reach us.

#include <string>

#include "api/http/message.hpp"

namespace unknot::api {

// "http://host[:port]" from the request's Host header, or "https://…" when a reverse proxy says
// X-Forwarded-Proto: https. A missing Host, or one with characters a host name or address never
// has, gives "http://localhost" rather than echoing it into a document.
std::string PublicOrigin(const http::Request& request);

}  // namespace unknot::api
