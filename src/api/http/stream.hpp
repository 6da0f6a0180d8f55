#pragma once

// Long-lived responses written piece by piece, such as server-sent events. A streaming route
// (Router::AddStream) answers with a StreamStart; the server sends its head at once, then hands a
// StreamSink to StreamStart::on_open. Whoever produces the body (any thread) queues data with
// Send; the server writes it out on the connection's strand, so no I/O thread waits for data. The
// stream ends when the producer closes it, the client goes away (or stops reading), or the
// server stops.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/http/message.hpp"

namespace unknot::api::http {

// The writing end of one open stream. Thread-safe.
class StreamSink {
 public:
  virtual ~StreamSink() = default;

  // Queues `data` to be sent after everything queued before. False when the stream has ended
  // (the client left, the server is stopping, Close was called, or the client has not read what
  // was queued before and fell too far behind, which ends it): `data` is dropped and the producer
  // should let go of the sink.
  virtual bool Send(std::string data) = 0;

  // Ends the response once what is queued has been sent. Later Sends return false.
  virtual void Close() = 0;

  // Back-pressure: calls `ready` once everything queued before has been written to the client,
  // so a producer makes its next piece only then, instead of queueing ahead until a slow client
  // is cut off. One callback waits at a time (a later call replaces it); it is dropped unrun when
  // the stream ends first. The server calls it on the stream's strand with no lock held; this
  // default, for sinks without a queue, calls it at once.
  virtual void WhenDrained(std::function<void()> ready) { ready(); }

  // Ends the response as broken (the producer failed midway): what is queued is sent, then the
  // connection closes without the body's proper end (no last chunk), so the client cannot take a
  // truncated body for a whole one. This default, for sinks without that notion, closes.
  virtual void Abort() { Close(); }

  // Whether Send may still succeed.
  virtual bool open() const = 0;
};

// A streaming route's acceptance: the response's head, then the body as it comes.
struct StreamStart {
  unsigned status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // Sent whenever nothing else was for `heartbeat_interval` (e.g. an SSE comment line), so
  // proxies keep the connection and a client that left is noticed; empty for none.
  std::string heartbeat;
  std::chrono::milliseconds heartbeat_interval{std::chrono::seconds(15)};
  // Called once, after the head was written, with the stream's sink (not called when the client
  // left before or the server is stopping). It keeps the sink for as long as it produces.
  std::function<void(std::shared_ptr<StreamSink>)> on_open;
};

// What a streaming route answers: a whole response (a refusal, an error), or a stream.
using StreamReply = std::variant<Response, StreamStart>;
using StreamHandler = std::function<StreamReply(Request&)>;

}  // namespace unknot::api::http
