// Streaming responses (Router::AddStream) over real sockets: the head goes out at once, the body
// as the producer queues it (chunked), heartbeats while idle; the stream ends when the producer
// closes it, the client leaves, the client stops reading, or the server stops; streams beyond
// max_streams get 503. A producer that waits for WhenDrained is never cut off and never ahead by
// more than a piece; Abort ends a body without its last chunk.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "api/http/server.hpp"
#include "api/http/sse.hpp"
#include "sse_client.hpp"

namespace unknot::api::http {
namespace {

using namespace std::chrono_literals;
using unknot::testing::SseClient;

// The sinks the route handed out, in order.
class Sinks {
 public:
  void Add(std::shared_ptr<StreamSink> sink) {
    {
      std::lock_guard lock(mutex_);
      sinks_.push_back(std::move(sink));
    }
    cv_.notify_all();
  }
  // The n-th sink (0-based), waiting up to 5 s for it.
  std::shared_ptr<StreamSink> Get(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, 5s, [&] { return sinks_.size() > n; });
    return sinks_.size() > n ? sinks_[n] : nullptr;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<StreamSink>> sinks_;
};

bool Eventually(const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

class StreamTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}, std::chrono::milliseconds heartbeat = 15s) {
    Router router;
    router.AddStream(Method::kGet, "/events", [this, heartbeat](Request& request) -> StreamReply {
      if (request.QueryParam("refuse")) return Problem(403, "", "no");
      StreamStart start;
      start.content_type = "text/event-stream";
      start.headers = {{"X-Test", "yes"}};
      start.heartbeat = SseComment("hb");
      start.heartbeat_interval = heartbeat;
      start.on_open = [this](std::shared_ptr<StreamSink> sink) { sinks_.Add(std::move(sink)); };
      return start;
    });
    // `n` SSE events of 16 KiB made one at a time, each when the one before was written out;
    // with abort=1 the producer gives up after half of them.
    router.AddStream(Method::kGet, "/pieces", [this](Request& request) -> StreamReply {
      StreamStart start;
      start.content_type = "text/event-stream";
      start.heartbeat.clear();
      const int n = std::stoi(std::string(request.QueryParam("n").value_or("0")));
      const bool abort = request.QueryParam("abort").has_value();
      start.on_open = [this, n, abort](std::shared_ptr<StreamSink> sink) {
        sinks_.Add(sink);
        auto next = std::make_shared<std::function<void()>>();
        *next = [this, n, abort, weak = std::weak_ptr<StreamSink>(sink),
                 weak_next = std::weak_ptr<std::function<void()>>(next)] {
          auto live = weak.lock();
          auto self = weak_next.lock();
          if (!live || !self) return;
          const int i = produced_.fetch_add(1);
          if (abort && i == n / 2) return live->Abort();
          if (i == n) return live->Close();
          if (!live->Send(SseEvent(std::to_string(i), "", std::string(16 * 1024, 'x')))) return;
          live->WhenDrained([self] { (*self)(); });
        };
        (*next)();
      };
      return start;
    });
    options.port = 0;
    auto server = Server::Create(std::move(options), std::move(router), metrics_);
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  std::unique_ptr<SseClient> Open(const std::string& target = "/events") {
    auto client = SseClient::Open(server_->port(), target);
    EXPECT_TRUE(client && client->WaitForHead(5s));
    return client;
  }

  Metrics metrics_;
  Sinks sinks_;
  std::atomic<int> produced_{0};
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(StreamTest, TheHeadGoesOutAtOnceAndTheBodyAsItIsQueued) {
  Start();
  auto client = Open();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->status(), 200u);
  EXPECT_EQ(client->headers().at("content-type"), "text/event-stream");
  EXPECT_EQ(client->headers().at("transfer-encoding"), "chunked");
  EXPECT_EQ(client->headers().at("x-test"), "yes");
  EXPECT_FALSE(client->headers().at("x-request-id").empty());
  auto sink = sinks_.Get(0);
  ASSERT_TRUE(sink);
  EXPECT_EQ(server_->open_streams(), 1u);
  EXPECT_EQ(metrics_.open_streams(), 1);

  EXPECT_TRUE(sink->Send(SseEvent("1", "note", "first")));
  auto first = client->Next(2s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, "1");
  EXPECT_EQ(first->data, "first");
  EXPECT_TRUE(sink->Send(SseEvent("2", "note", "second\nline")));
  auto second = client->Next(2s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->data, "second\nline");

  // The producer ends it: the body ends (last chunk), the place is free again.
  sink->Close();
  EXPECT_FALSE(sink->Send("late"));
  EXPECT_FALSE(client->Next(2s));
  EXPECT_TRUE(client->ended());
  EXPECT_TRUE(Eventually([&] { return server_->open_streams() == 0; }));
  EXPECT_TRUE(Eventually([&] { return metrics_.open_streams() == 0; }));
  EXPECT_NE(metrics_.Render("test").find("unknot_http_open_streams 0\n"), std::string::npos);
}

TEST_F(StreamTest, ARefusalIsAnOrdinaryResponse) {
  Start();
  auto client = Open("/events?refuse=1");
  ASSERT_TRUE(client);
  EXPECT_EQ(client->status(), 403u);
  EXPECT_EQ(server_->open_streams(), 0u);
}

TEST_F(StreamTest, AnIdleStreamSendsHeartbeats) {
  Start({}, 50ms);
  auto client = Open();
  ASSERT_TRUE(client);
  EXPECT_TRUE(Eventually([&] {
    client->ReadAvailable();
    return client->comments() >= 3;
  }));
}

TEST_F(StreamTest, AClientThatLeavesClosesTheSink) {
  Start();
  auto client = Open();
  ASSERT_TRUE(client);
  auto sink = sinks_.Get(0);
  ASSERT_TRUE(sink);
  EXPECT_TRUE(sink->open());
  client.reset();
  EXPECT_TRUE(Eventually([&] { return !sink->open(); }));
  EXPECT_TRUE(Eventually([&] { return server_->open_streams() == 0; }));
}

TEST_F(StreamTest, AClientThatDoesNotReadIsCutOff) {
  ServerOptions options;
  options.stream_queue_limit = 64 * 1024;
  Start(options);
  auto client = Open();  // and never read again
  ASSERT_TRUE(client);
  auto sink = sinks_.Get(0);
  ASSERT_TRUE(sink);
  const std::string piece(16 * 1024, 'x');
  bool cut_off = false;
  // Kernel buffers take a few MiB first; past them the queue fills and Send says no.
  for (int i = 0; i < 100'000 && !cut_off; ++i) {
    cut_off = !sink->Send("data: " + piece + "\n\n");
    if (i % 64 == 0) std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(cut_off);
  EXPECT_FALSE(sink->open());
}

TEST_F(StreamTest, StreamsBeyondTheCapGet503) {
  ServerOptions options;
  options.max_streams = 2;
  Start(options);
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status(), 200u);
  EXPECT_EQ(second->status(), 200u);
  auto third = Open();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status(), 503u);
  EXPECT_EQ(third->headers().count("retry-after"), 1u);
  first.reset();
  EXPECT_TRUE(Eventually([&] { return server_->open_streams() == 1; }));
  auto fourth = Open();
  ASSERT_TRUE(fourth);
  EXPECT_EQ(fourth->status(), 200u);
}

TEST_F(StreamTest, StopEndsOpenStreamsAfterWhatWasQueued) {
  Start();
  auto client = Open();
  ASSERT_TRUE(client);
  auto sink = sinks_.Get(0);
  ASSERT_TRUE(sink);
  EXPECT_TRUE(sink->Send(SseEvent("7", "", "before stop")));
  server_->Stop();
  thread_.join();  // Run() returns: nothing holds it
  auto last = client->Next(2s);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->data, "before stop");
  EXPECT_FALSE(client->Next(2s));
  EXPECT_TRUE(client->ended());
  EXPECT_FALSE(sink->Send("after"));
}

TEST_F(StreamTest, AProducerThatWaitsForTheDrainIsNeverCutOff) {
  ServerOptions options;
  options.stream_queue_limit = 64 * 1024;  // four pieces; the body is 400
  Start(options);
  auto client = Open("/pieces?n=400");
  ASSERT_TRUE(client);
  for (int i = 0; i < 400; ++i) {
    auto event = client->Next(5s);
    ASSERT_TRUE(event) << i;
    EXPECT_EQ(event->id, std::to_string(i));
  }
  EXPECT_FALSE(client->Next(5s));
  EXPECT_TRUE(client->ended());
  EXPECT_EQ(produced_.load(), 401);  // and the call that closed it
}

TEST_F(StreamTest, AProducerThatWaitsForTheDrainWaitsForASlowClient) {
  ServerOptions options;
  options.stream_queue_limit = 64 * 1024;
  Start(options);
  auto client = Open("/pieces?n=2000");  // 32 MiB: far more than the kernel's buffers hold
  ASSERT_TRUE(client);
  auto sink = sinks_.Get(0);
  ASSERT_TRUE(sink);
  // The client reads nothing: production stops once the socket's buffers are full.
  int before = 0;
  EXPECT_TRUE(Eventually([&] {
    int now = produced_.load();
    bool still = now == before && now > 0;
    before = now;
    std::this_thread::sleep_for(100ms);
    return still;
  }));
  EXPECT_LT(produced_.load(), 2000);
  EXPECT_TRUE(sink->open());  // waiting, not cut off
  for (int i = 0; i < 2000; ++i) {
    auto event = client->Next(5s);
    ASSERT_TRUE(event) << i;
    ASSERT_EQ(event->id, std::to_string(i));
  }
  EXPECT_FALSE(client->Next(5s));
  EXPECT_TRUE(client->ended());
}

TEST_F(StreamTest, AnAbortedStreamEndsWithoutItsLastChunk) {
  Start();
  // A raw client, to see the bytes on the wire up to the connection's end.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server_->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string request = "GET /pieces?n=6&abort=1 HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string received;
  char buffer[16384];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_NE(received.find("id: 2\n"), std::string::npos);  // what was made before the failure
  EXPECT_EQ(received.find("id: 3\n"), std::string::npos);
  EXPECT_FALSE(received.ends_with("\r\n0\r\n\r\n"));  // no last chunk: a broken body
}

}  // namespace
}  // namespace unknot::api::http
