#pragma once

// A client of one server-sent events stream over a loopback socket, for tests and benchmarks:
// sends the request, reads the response head, then the (chunked) body as it comes and splits it
// into events. Plain sockets and poll(), so a benchmark can watch hundreds at once.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace unknot::testing {

struct SseMessage {
  std::string id;     // the event's id field ("" when none)
  std::string event;  // its type ("" when none, which a browser dispatches as "message")
  std::string data;   // data lines joined with '\n'
};

class SseClient {
 public:
  // Connects to 127.0.0.1:`port` and sends GET `target` with `headers` (e.g. Cookie,
  // Last-Event-ID). nullptr when the connection cannot be made.
  static std::unique_ptr<SseClient> Open(
      std::uint16_t port, const std::string& target,
      const std::vector<std::pair<std::string, std::string>>& headers = {});
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // Waits up to `timeout` for the response head; false when it did not come.
  bool WaitForHead(std::chrono::milliseconds timeout);
  unsigned status() const { return status_; }
  // Header values by lower-case name.
  const std::map<std::string, std::string>& headers() const { return headers_; }
  // The body of a response that is not a stream (read until the connection closes).
  const std::string& body() const { return body_; }

  // The next event (comments are counted, not returned), waiting up to `timeout`; nullopt when
  // none came in time or the stream ended.
  std::optional<SseMessage> Next(std::chrono::milliseconds timeout);

  // Reads what has arrived without waiting (for poll loops); false once the stream has ended.
  bool ReadAvailable();
  // Events parsed and not yet taken by Next.
  std::deque<SseMessage>& pending() { return events_; }
  int fd() const { return fd_; }
  bool ended() const { return ended_; }
  int comments() const { return comments_; }

 private:
  explicit SseClient(int fd) : fd_(fd) {}
  void Parse();
  void ParseBody(const std::string& text);

  int fd_ = -1;
  bool ended_ = false;
  std::string raw_;  // bytes read and not yet parsed
  bool have_head_ = false;
  bool chunked_ = false;
  unsigned status_ = 0;
  std::map<std::string, std::string> headers_;
  std::string body_;
  std::string text_;  // body text not yet split into events
  std::deque<SseMessage> events_;
  int comments_ = 0;
};

}  // namespace unknot::testing
