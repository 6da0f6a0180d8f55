#pragma once

// The HTTP/1.1 server: Boost.Beast with C++20 coroutines behind a small interface, so the
// composition root never includes Beast.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http/client_address.hpp"
#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "core/common/result.hpp"

namespace unknot::api::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address, not a host name
  std::uint16_t port = 8080;       // 0 picks a free port; see Server::port()
  unsigned threads = 1;            // I/O threads; handlers run on them
  std::size_t body_limit = 1 << 20;
  // Per read or write, against slow or idle clients; enforced by a sweep that looks every quarter
  // of it (100 ms to 1 s), so a connection is closed up to that much after the timeout.
  std::chrono::seconds timeout{30};
  // Streams (Router::AddStream) open at once; a request for one more gets 503 with Retry-After.
  std::size_t max_streams = 1000;
  // What a stream may hold queued for a client that does not read before it is cut off.
  std::size_t stream_queue_limit = 1 << 20;
  std::string server_name = "unknot";
  // Reverse proxies whose X-Forwarded-For is believed when they are the peer (Request::
  // client_address); none by default.
  TrustedProxies trusted_proxies;
};

class Server {
 public:
  // Binds and listens before returning, so a bad address or a taken port comes back as a value:
  // kInvalidArgument "invalid listen address 'x'" when host is not an IP address (or threads is
  // 0); kUnavailable "cannot listen on 127.0.0.1:8080: address already in use" (or the system's
  // reason) when the socket cannot be bound. `metrics` must outlive the server.
  static core::Result<std::unique_ptr<Server>> Create(ServerOptions options, Router router,
                                                      Metrics& metrics);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // The bound port, which is the chosen one when ServerOptions::port was 0.
  std::uint16_t port() const;

  // Serves on `threads` I/O threads, the caller's among them, until Stop() or SIGINT/SIGTERM.
  // Call at most once.
  void Run();

  // Thread-safe and graceful: stops accepting, closes idle keep-alive connections, lets requests
  // in progress finish (their responses say `Connection: close`), ends open streams once what
  // they queued is sent; Run() then returns. May be
  // called before Run(), in which case Run() returns at once.
  void Stop();

  // Streams open now.
  std::size_t open_streams() const;

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace unknot::api::http
