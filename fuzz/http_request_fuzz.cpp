// The HTTP request path of `unknot serve` from raw bytes: Beast's request parser (as the server
// configures it), ToRequest (target split, path percent-decoding, headers), the router with every
// route of the server (routing, path parameters, query parameters) over the demo clinic, and
// ToBeastResponse with serialization. Several requests in one input are read one after another,
// as on a keep-alive connection. DemoApi::Dispatch holds the checks every answer must pass.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "api/http/beast_messages.hpp"
#include "api/http/server.hpp"
#include "demo_api.hpp"

namespace {

namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using unknot::api::http::BeastRequest;
using unknot::api::http::BeastResponse;

constexpr int kMaxRequestsPerInput = 4;

// Feeds `input` to `parser` as the server's reads would; returns the bytes it consumed. The parser
// always gets everything left, so when it needs more the client has closed the connection (Beast
// requires more bytes than before on the next put: giving it the same ones again trips its
// assertions).
std::size_t Parse(std::string_view input, bhttp::request_parser<bhttp::string_body>& parser,
                  boost::system::error_code& ec) {
  std::size_t used = 0;
  while (!parser.is_done()) {
    std::size_t n = parser.put(net::buffer(input.data() + used, input.size() - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) {
      ec = {};
      parser.put_eof(ec);
      break;
    }
    if (ec || n == 0) break;
  }
  return used;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  unknot::fuzz::DemoApi& api = unknot::fuzz::DemoApi::Get();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxRequestsPerInput && !input.empty(); ++i) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(unknot::api::http::ServerOptions{}.body_limit);
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t used = Parse(input, parser, ec);
    if (ec || !parser.is_done()) return 0;  // the server answers 4xx or closes; no handler runs
    input.remove_prefix(used);

    bool keep_alive = parser.get().keep_alive();
    unsigned version = parser.get().version();
    bool head = parser.get().method() == bhttp::verb::head;
    auto request = unknot::api::http::ToRequest(parser.release());
    unknot::api::http::Response response =
        request ? api.Dispatch(*request)
                : unknot::api::http::Problem(400, "", request.error().message());
    BeastResponse message = unknot::api::http::ToBeastResponse(
        std::move(response),
        {.version = version, .keep_alive = keep_alive, .head = head, .server_name = "unknot"});
    std::ostringstream wire;
    wire << message;
    if (!keep_alive) break;
  }
  return 0;
}
