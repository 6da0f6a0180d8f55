#pragma once

// Conversions between Beast's HTTP messages and Unknot's own Request/Response. Only the server
// includes this header; handlers never see Beast.

#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http/message.hpp"

namespace unknot::api::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

Method ToMethod(boost::beast::http::verb verb);

// Moves the body out of `message`. The target must be origin-form ("/path?query"); the path is
// percent-decoded. kInvalidArgument when the target is not origin-form or the path has a
// malformed escape or a NUL.
core::Result<Request> ToRequest(BeastRequest&& message);

struct ResponseOptions {
  unsigned version = 11;   // of the request: 10 or 11
  bool keep_alive = true;  // leave the connection open after this response
  bool head = false;       // answering HEAD: headers with the would-be Content-Length, no body
  std::string_view server_name;
};

// Content-Type, Content-Length, Server, the extra headers and the security headers
// (AddSecurityHeaders: nosniff, no-referrer, a locked-down CSP unless the response has its own).
// 1xx, 204 and 304 responses carry neither body nor Content-Length/Content-Type. A status outside
// 100..999, or a header name or value (or Content-Type) with CR, LF or NUL, or an empty header
// name (handler bugs) becomes a 500 problem.
BeastResponse ToBeastResponse(Response response, const ResponseOptions& options);

// The status line and header fields of `message` as Beast's serializer writes them (the same
// bytes, e.g. "HTTP/1.1 200 OK\r\nServer: unknot\r\n...\r\n\r\n"), in one string: the server
// sends it and the body as two buffers instead of the dozens of small ones the serializer makes.
std::string ResponseHead(const BeastResponse& message);

}  // namespace unknot::api::http
