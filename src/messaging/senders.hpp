#pragma once

// Where rendered messages go (issue 16): the ports the delivery worker sends through, and their
// adapters: SMTP over libcurl (STARTTLS and AUTH when the settings say so) and an SMS provider
// reached by a JSON webhook signed with HMAC-SHA256. A send that fails returns the reason in one
// line (never the message, never a credential); the worker retries it later.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace unknot::messaging {

class EmailSender {
 public:
  virtual ~EmailSender() = default;
  // Sends one MIME message (CRLF lines) from `from` to `to` (plain addresses). When it was not
  // accepted, the server's or the network's reason in one line, with the code telling what to do:
  // kInvalidArgument when the server refused the recipient for good (SMTP 5xx to RCPT TO: a
  // bounce, not to be retried); kUnavailable when a later try may pass (4xx, network, ...).
  virtual core::Result<void> Send(std::string_view from, std::string_view to,
                                  std::string_view mime) = 0;
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  // Sends `text` to `phone` (E.164) through the clinic's webhook `url`, signed with `secret`;
  // `key` is the idempotency key the provider uses to drop a repeat. kUnavailable on failure.
  virtual core::Result<void> Send(std::string_view url, std::string_view secret,
                                  std::string_view key, std::string_view phone,
                                  std::string_view text) = 0;
};

enum class SmtpTls {
  kNone,      // plain SMTP (a relay on loopback or the local network)
  kStartTls,  // STARTTLS required: never send over an unencrypted connection
  kImplicit   // smtps:// (TLS from the first byte)
};

struct SmtpSettings {
  std::string url;  // smtp://host:port (or smtps://host:port)
  SmtpTls tls = SmtpTls::kNone;
  std::string username;  // "": no AUTH
  std::string password;
  std::chrono::seconds timeout{30};
};

// Reads SMTP credentials from a file with "username" on the first line and "password" on the
// second (never from the command line). kInvalidArgument naming the file when it cannot.
core::Result<void> ReadSmtpCredentials(const std::string& path, SmtpSettings& settings);

// The SMTP adapter. Not thread-safe: one per delivery thread (it keeps its connection open
// between messages, as libcurl reuses it).
std::unique_ptr<EmailSender> MakeSmtpSender(const SmtpSettings& settings);

// The JSON webhook adapter: POST {"to", "text", "idempotency_key"} with the headers
// Idempotency-Key and X-Unknot-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>.
// A 2xx answer is success. Not thread-safe: one per delivery thread.
std::unique_ptr<SmsSender> MakeWebhookSmsSender(std::chrono::seconds timeout);

// The signature header's value for `body` (exposed for tests and receivers).
std::string WebhookSignature(std::string_view secret, std::string_view body);

}  // namespace unknot::messaging
