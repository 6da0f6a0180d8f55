// The live calendar across servers (issue 14): two `unknot serve` on one PostgreSQL database; a
// booking through server A reaches a stream opened on server B (LISTEN/NOTIFY) within 2 s, and a
// stream on B resumed with Last-Event-ID after a dropped connection misses nothing written
// through A meanwhile.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calendar_stream_support.hpp"
#include "demo_time.hpp"
#include "postgres_scratch.hpp"
#include "process.hpp"
#include "sse_client.hpp"

namespace unknot::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kLive = 2000ms;

std::unique_ptr<Child> Serve(const std::string& uri, std::uint16_t& port) {
  auto server = std::make_unique<Child>(std::vector<std::string>{
      UnknotBinary(), "serve", "--database", uri, "--listen", "127.0.0.1:0", "--threads", "2",
      "--pool-size", "4", "--trusted-proxy", kTrustLoopback});
  port = WaitForServePort(*server);
  return server;
}

std::unique_ptr<SseClient> OpenStream(std::uint16_t port, const std::string& cookie,
                                      HttpHeaders headers = {}) {
  headers.emplace_back("Cookie", cookie);
  auto client = SseClient::Open(port, kCalendarEvents, headers);
  if (client && !client->WaitForHead(5s)) return nullptr;
  return client;
}

TEST(CalendarStreamPostgresTest, ABookingThroughServerAReachesAStreamOnServerB) {
  ScratchDatabase db;
  ASSERT_FALSE(db.uri().empty());
  for (const char* command : {"migrate", "demo"}) {
    auto done = RunProcess({UnknotBinary(), command, "--database", db.uri()});
    ASSERT_EQ(done.exit_code, 0) << done.err;
  }
  std::uint16_t a = 0, b = 0;
  auto server_a = Serve(db.uri(), a);
  auto server_b = Serve(db.uri(), b);
  ASSERT_NE(a, 0);
  ASSERT_NE(b, 0);
  const std::int64_t service = DemoServiceId(a, "art-session");
  ASSERT_NE(service, 0);

  const std::string cookie = SignInDemo(b, "desk");
  auto stream = OpenStream(b, cookie);
  ASSERT_TRUE(stream);
  ASSERT_EQ(stream->status(), 200u);
  auto ready = stream->Next(5s);
  ASSERT_TRUE(ready && ready->event == "ready");

  Json booked = BookDemo(a, service, DemoTime(0, 10, 0), 1);
  ASSERT_FALSE(booked.is_null());
  auto booked_at = std::chrono::steady_clock::now();
  auto event = stream->Next(kLive);
  ASSERT_TRUE(event.has_value()) << "server B's stream did not hear of server A's booking";
  EXPECT_LT(std::chrono::steady_clock::now() - booked_at, kLive);
  EXPECT_EQ(event->event, "appointment");
  EXPECT_EQ(Json::parse(event->data)["id"], booked["appointment"]["id"]);
  const std::int64_t last_seen = std::stoll(event->id);

  // The connection to B drops; three bookings go through A, then the stream resumes on B.
  stream.reset();
  std::set<std::int64_t> missed;
  for (int i = 0; i < 3; ++i) {
    Json more = BookDemo(a, service, DemoTime(1, 10 + i, 0), 2 + i);
    ASSERT_FALSE(more.is_null());
    missed.insert(more["appointment"]["id"].get<std::int64_t>());
  }
  auto resumed = OpenStream(b, cookie, {{"Last-Event-ID", std::to_string(last_seen)}});
  ASSERT_TRUE(resumed);
  ASSERT_EQ(resumed->status(), 200u);
  auto again = resumed->Next(5s);
  ASSERT_TRUE(again && again->event == "ready");
  EXPECT_EQ(again->id, std::to_string(last_seen));
  std::int64_t previous = last_seen;
  for (int i = 0; i < 3; ++i) {
    auto next = resumed->Next(kLive);
    ASSERT_TRUE(next.has_value()) << "missed change " << i;
    EXPECT_GT(std::stoll(next->id), previous);
    previous = std::stoll(next->id);
    EXPECT_EQ(missed.erase(Json::parse(next->data)["id"].get<std::int64_t>()), 1u);
  }
  // And live again: one more through A.
  Json last = BookDemo(a, service, DemoTime(2, 10, 0), 9);
  ASSERT_FALSE(last.is_null());
  auto live = resumed->Next(kLive);
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(Json::parse(live->data)["id"], last["appointment"]["id"]);
  EXPECT_EQ(server_a->Stop(), 0);
  EXPECT_EQ(server_b->Stop(), 0);
}

}  // namespace
}  // namespace unknot::testing
