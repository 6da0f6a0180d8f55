#pragma once

// The `unknot` subcommands. Each returns the process exit code: 0 on success, 1 when the command
// could not do its work (after printing one line that says why to stderr).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace unknot::server {

inline constexpr std::string_view kVersion = UNKNOT_VERSION;

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT" with an IPv4 address, or "[IPv6]:PORT"; port 0 to 65535 (0 picks a free one).
core::Result<ListenAddress> ParseListenAddress(std::string_view text);

// `--database`: a SQLite file path, or a PostgreSQL libpq URI (postgresql://...).
struct DatabaseOptions {
  std::string database;
  std::size_t pool_size = 8;  // PostgreSQL connections per process
};

// How patient messages are delivered (issue 16; server/delivery_command.hpp).
struct DeliveryFlags {
  std::string smtp;               // smtp://host:port (smtps:// for TLS from the start); "": none
  std::string smtp_tls = "none";  // none | starttls (required)
  std::string smtp_credentials;   // a file: username line, password line
  std::string mail_from = "no-reply@localhost";
  std::string public_url = "http://localhost:8080";  // the links in messages
  int batch = 50;
  int lease_seconds = 120;
  int idle_ms = 1000;
  int retry_seconds = 30;  // the first retry's delay; doubles after each failure
};

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string database;
  std::size_t pool_size = 8;
  std::string web_root;
  std::string data = "data";  // the clinical knowledge (data/README.md)
  // Handlers wait for database commits, so a few threads let concurrent bookings share one.
  unsigned threads = 4;
  // Reverse proxies (CIDR ranges or addresses) whose X-Forwarded-For names the client that rate
  // limits count; empty: every client is its TCP peer.
  std::vector<std::string> trusted_proxies;
  // Staff session cookies with Secure and the __Host- name (the server is reached over HTTPS).
  bool secure_cookies = false;
  // Origins besides the Host header's that staff writes may come from (a public name behind a
  // proxy), e.g. https://clinic.example.
  std::vector<std::string> allowed_origins;
  // Live calendar streams open at once; one more is refused with 503.
  std::size_t max_streams = 1000;
  // Patient messages: sent by a worker thread when `delivery.smtp` is set and not no_delivery;
  // else only queued (the outbox keeps them for `unknot deliver`).
  DeliveryFlags delivery;
  bool no_delivery = false;
};

int Migrate(const DatabaseOptions& database);
int LoadDemo(const DatabaseOptions& database);
// Copies a SQLite database, possibly in use by `serve`, to the new file `destination`.
int Backup(const std::string& database, const std::string& destination);
int Serve(const ServeOptions& options);

}  // namespace unknot::server
