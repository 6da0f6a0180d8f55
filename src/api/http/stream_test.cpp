// Streaming responses (Router::AddStream) over real sockets: the head goes out at once, the body
// as the producer queues it (chunked), heartbeats while idle; the stream ends when the producer
// closes it, the client leaves, the client stops reading, or the server stops; streams beyond
// max_streams get 503.

#include <gtest/gtest.h>

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
using testing::SseClient;

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

}  // namespace
}  // namespace unknot::api::http
