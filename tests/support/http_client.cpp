#include "http_client.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace unknot::testing {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

HttpResult HttpRequest(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body, const HttpHeaders& headers) {
  HttpResult result;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds{10});
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.body() = body;
    // A body is JSON unless `headers` say otherwise (a test of what else a client may send).
    bool typed = false;
    for (const auto& [name, value] : headers) typed = typed || beast::iequals(name, "content-type");
    if (!body.empty() && !typed) request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.insert(name, value);
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    result.status = response.result_int();
    for (const auto& field : response) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      result.headers[name] = std::string(field.value());
    }
    result.body = std::move(response.body());
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception&) {
    result.status = 0;
  }
  return result;
}

}  // namespace unknot::testing
