#include "api/http/server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace unknot::api::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ErrorCode = boost::system::error_code;
using ClientResponse = bhttp::response<bhttp::string_body>;

constexpr std::chrono::seconds kClientTimeout{5};

// A blocking HTTP/1.1 client on one connection. Every operation is bounded by kClientTimeout,
// so a misbehaving server fails the test instead of hanging it.
class Client {
 public:
  explicit Client(std::uint16_t port) : stream_(io_) {
    stream_.expires_after(kClientTimeout);
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  ClientResponse Send(bhttp::verb method, std::string target, std::string body = "",
                      bool keep_alive = true) {
    bhttp::request<bhttp::string_body> request(method, target, 11);
    request.set(bhttp::field::host, "localhost");
    request.keep_alive(keep_alive);
    if (!body.empty() || method == bhttp::verb::post) {
      // The router takes only JSON bodies on writes; the echo handler does not parse them.
      if (!body.empty()) request.set(bhttp::field::content_type, "application/json");
      request.body() = std::move(body);
      request.prepare_payload();
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16 << 20);
    parser.skip(method == bhttp::verb::head);
    Run([&](auto done) {
      bhttp::async_write(stream_, request, [&, done](ErrorCode ec, std::size_t) {
        if (ec) return done(ec);
        bhttp::async_read(stream_, buffer_, parser,
                          [done](ErrorCode read_ec, std::size_t) { done(read_ec); });
      });
    });
    return parser.release();
  }

  // Writes raw bytes and reads one response.
  ClientResponse SendRaw(std::string bytes) {
    bhttp::response_parser<bhttp::string_body> parser;
    Run([&](auto done) {
      net::async_write(stream_, net::buffer(bytes), [&, done](ErrorCode ec, std::size_t) {
        if (ec) return done(ec);
        bhttp::async_read(stream_, buffer_, parser,
                          [done](ErrorCode read_ec, std::size_t) { done(read_ec); });
      });
    });
    return parser.release();
  }

  // Reads one response without writing first.
  ClientResponse Read() {
    bhttp::response_parser<bhttp::string_body> parser;
    Run([&](auto done) {
      bhttp::async_read(stream_, buffer_, parser, [done](ErrorCode ec, std::size_t) { done(ec); });
    });
    return parser.release();
  }

  void WriteRaw(std::string bytes) {
    Run([&](auto done) {
      net::async_write(stream_, net::buffer(bytes),
                       [done](ErrorCode ec, std::size_t) { done(ec); });
    });
  }

  // Whether the server has closed the connection (the next read sees end of stream).
  bool ClosedByServer() {
    char byte;
    ErrorCode result;
    stream_.expires_after(kClientTimeout);
    stream_.async_read_some(net::buffer(&byte, 1), [&](ErrorCode ec, std::size_t) { result = ec; });
    io_.restart();
    io_.run();
    return result == net::error::eof || result == net::error::connection_reset;
  }

 private:
  // Starts an operation chain that calls done(ec) at its end, and runs it to completion.
  template <typename Start>
  void Run(Start start) {
    ErrorCode result;
    stream_.expires_after(kClientTimeout);
    start([&result](ErrorCode ec) { result = ec; });
    io_.restart();
    io_.run();
    if (result) throw boost::system::system_error(result);
  }

  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

std::mutex& LaterMutex() {
  static std::mutex m;
  return m;
}
std::condition_variable& LaterCv() {
  static std::condition_variable cv;
  return cv;
}
std::thread& LaterThread() {
  static std::thread thread;
  return thread;
}
bool& LaterReleased() {
  static bool released = false;
  return released;
}

Router TestRouter(Metrics& metrics) {
  Router router;
  router.Add(Method::kGet, "/hello", [](Request&) { return Response::Text(200, "hello"); });
  router.Add(Method::kPost, "/echo", [](Request& request) {
    Response response = Response::Text(200, request.body);
    response.headers.emplace_back("X-Seen-Path", request.path);
    return response;
  });
  router.Add(Method::kGet, "/clinics/{clinic}", [](Request& request) {
    return Response::Json(200, nlohmann::json{{"clinic", request.PathParam("clinic")},
                                              {"q", request.QueryParam("q").value_or("")}}
                                   .dump());
  });
  router.Add(Method::kGet, "/metrics", [&metrics](Request&) {
    return Response::Text(200, metrics.Render("test"), "text/plain; version=0.0.4");
  });
  router.Add(Method::kGet, "/empty", [](Request&) { return Response::Text(204, ""); });
  // Answers from another thread once /release is called: while it waits, the one I/O thread must
  // keep serving other requests.
  router.AddAsync(Method::kGet, "/later", [](Request& request, Respond respond) {
    std::string id = request.request_id;
    LaterThread() = std::thread([respond, id] {
      std::unique_lock lock(LaterMutex());
      LaterCv().wait(lock, [] { return LaterReleased(); });
      respond(Response::Text(200, "later " + id));
    });
  });
  router.Add(Method::kPost, "/release", [](Request&) {
    {
      std::lock_guard lock(LaterMutex());
      LaterReleased() = true;
    }
    LaterCv().notify_all();
    return Response::Text(200, "released");
  });
  router.Add(Method::kGet, "/whoami",
             [](Request& request) { return Response::Text(200, request.client_address); });
  return router;
}

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.port = 0;
    auto server = Server::Create(std::move(options), TestRouter(metrics_), metrics_);
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  std::uint16_t port() const { return server_->port(); }

  Metrics metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, AnswersSeveralRequestsOnOneConnection) {
  Start();
  Client client(port());

  ClientResponse hello = client.Send(bhttp::verb::get, "/hello");
  EXPECT_EQ(hello.result_int(), 200u);
  EXPECT_EQ(hello.body(), "hello");
  EXPECT_EQ(hello[bhttp::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(hello[bhttp::field::content_length], "5");
  EXPECT_EQ(hello[bhttp::field::server], "unknot");
  EXPECT_TRUE(hello.keep_alive());

  ClientResponse echo = client.Send(bhttp::verb::post, "/echo", "ping");
  EXPECT_EQ(echo.result_int(), 200u);
  EXPECT_EQ(echo.body(), "ping");
  EXPECT_EQ(echo["X-Seen-Path"], "/echo");

  ClientResponse clinic = client.Send(bhttp::verb::get, "/clinics/caf%C3%A9?q=a+b%21");
  EXPECT_EQ(clinic[bhttp::field::content_type], "application/json");
  auto body = nlohmann::json::parse(clinic.body());
  EXPECT_EQ(body["clinic"], "café");
  EXPECT_EQ(body["q"], "a b!");
}

TEST_F(ServerTest, HeadSendsHeadersWithoutBody) {
  Start();
  Client client(port());

  ClientResponse head = client.Send(bhttp::verb::head, "/hello");
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[bhttp::field::content_length], "5");
  EXPECT_EQ(head.body(), "");
  // Had the server sent a body, it would be read as the start of this response.
  ClientResponse next = client.Send(bhttp::verb::get, "/hello");
  EXPECT_EQ(next.result_int(), 200u);
  EXPECT_EQ(next.body(), "hello");
}

TEST_F(ServerTest, NoContentHasNoBodyOrLength) {
  Start();
  Client client(port());

  ClientResponse response = client.Send(bhttp::verb::get, "/empty");
  EXPECT_EQ(response.result_int(), 204u);
  EXPECT_EQ(response.count(bhttp::field::content_length), 0u);
  EXPECT_EQ(client.Send(bhttp::verb::get, "/hello").body(), "hello");
}

TEST_F(ServerTest, UnknownPathIsProblemJson) {
  Start();
  Client client(port());

  ClientResponse response = client.Send(bhttp::verb::get, "/nope");

  EXPECT_EQ(response.result_int(), 404u);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/not-found");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  Start();
  Client client(port());

  ClientResponse response = client.Send(bhttp::verb::delete_, "/hello");

  EXPECT_EQ(response.result_int(), 405u);
  EXPECT_EQ(response[bhttp::field::allow], "GET, HEAD");
}

TEST_F(ServerTest, OversizedBodyIs413AndCloses) {
  ServerOptions options;
  options.body_limit = 1024;
  Start(options);
  Client client(port());

  ClientResponse response = client.Send(bhttp::verb::post, "/echo", std::string(4096, 'x'));

  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(response.body())["status"], 413);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(ServerTest, BodyAtTheLimitIsAccepted) {
  ServerOptions options;
  options.body_limit = 1024;
  Start(options);
  Client client(port());

  EXPECT_EQ(client.Send(bhttp::verb::post, "/echo", std::string(1024, 'x')).result_int(), 200u);
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  Start();
  Client client(port());

  ClientResponse response = client.SendRaw("GET /hello HTTP/1.1\r\nBad Header\r\n\r\n");

  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(ServerTest, UndecodablePathIs400) {
  Start();
  Client client(port());

  EXPECT_EQ(client.Send(bhttp::verb::get, "/hello%zz").result_int(), 400u);
  EXPECT_EQ(client.Send(bhttp::verb::get, "/hello%00").result_int(), 400u);
  ClientResponse absolute = client.Send(bhttp::verb::get, "http://example.com/hello");
  EXPECT_EQ(absolute.result_int(), 400u);
  EXPECT_EQ(absolute[bhttp::field::content_type], "application/problem+json");
}

TEST_F(ServerTest, AnAsynchronousRouteDoesNotHoldTheIoThread) {
  ServerOptions one_thread;
  one_thread.threads = 1;
  Start(one_thread);
  std::future<ClientResponse> later = std::async(std::launch::async, [this] {
    Client client(port());
    return client.Send(bhttp::verb::get, "/later");
  });
  // The only I/O thread answers others while /later waits, and /release lets it finish.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Client other(port());
  EXPECT_EQ(other.Send(bhttp::verb::get, "/hello").result_int(), 200u);
  ClientResponse released = other.Send(bhttp::verb::post, "/release");
  EXPECT_EQ(released.result_int(), 200u);
  ClientResponse answer = later.get();
  EXPECT_EQ(answer.result_int(), 200u);
  // Each request has its own id, sent back as X-Request-Id and seen by the handler.
  std::string id(answer["X-Request-Id"]);
  EXPECT_EQ(answer.body(), "later " + id);
  EXPECT_FALSE(id.empty());
  EXPECT_NE(id, std::string(released["X-Request-Id"]));
  LaterThread().join();  // it holds a Respond: done before the server goes
}

TEST_F(ServerTest, AnswersExpectContinue) {
  Start();
  Client client(port());

  client.WriteRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 100u);
  ClientResponse response = client.SendRaw("pong");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "pong");
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  Start();
  Client client(port());

  ClientResponse response = client.Send(bhttp::verb::get, "/hello", "", /*keep_alive=*/false);

  EXPECT_EQ(response.body(), "hello");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(ServerTest, CountsRequestsInMetrics) {
  Start();
  Client client(port());
  client.Send(bhttp::verb::get, "/hello");
  client.Send(bhttp::verb::get, "/hello");
  client.Send(bhttp::verb::get, "/nope");
  client.Send(bhttp::verb::post, "/echo", "x");

  std::string text = client.Send(bhttp::verb::get, "/metrics").body();

  EXPECT_THAT(text, HasSubstr("unknot_http_requests_total{method=\"GET\",code=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("unknot_http_requests_total{method=\"GET\",code=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("unknot_http_requests_total{method=\"POST\",code=\"200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("unknot_http_request_duration_seconds_count 4\n"));
  EXPECT_THAT(text, HasSubstr("unknot_http_requests_in_flight 1\n"));  // this very request
}

TEST_F(ServerTest, ServesConcurrentClientsOnSeveralThreads) {
  ServerOptions options;
  options.threads = 2;
  Start(options);

  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([this, &ok] {
      Client client(port());
      for (int i = 0; i < 10; ++i) {
        if (client.Send(bhttp::verb::get, "/hello").body() == "hello") ++ok;
      }
    });
  }
  for (auto& thread : clients) thread.join();

  EXPECT_EQ(ok, 40);
}

TEST_F(ServerTest, SecondServerOnSamePortIsUnavailable) {
  Start();
  ServerOptions options;
  options.port = port();

  auto second = Server::Create(options, Router(), metrics_);

  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), core::ErrorCode::kUnavailable);
  EXPECT_THAT(second.error().message(),
              StartsWith("cannot listen on 127.0.0.1:" + std::to_string(port()) + ": "));
  EXPECT_THAT(second.error().message(), HasSubstr("address already in use"));
}

constexpr std::string_view kForwardedRequest =
    "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.7\r\n"
    "x-forwarded-for: 127.0.0.2\r\n\r\n";

TEST_F(ServerTest, TheClientAddressIsThePeerWhenNoProxyIsTrusted) {
  Start();
  Client client(port());

  EXPECT_EQ(client.Send(bhttp::verb::get, "/whoami").body(), "127.0.0.1");
  EXPECT_EQ(client.SendRaw(std::string(kForwardedRequest)).body(), "127.0.0.1");
}

TEST_F(ServerTest, ATrustedProxyNamesTheClientInXForwardedFor) {
  ServerOptions options;
  options.trusted_proxies = *TrustedProxies::Create({"127.0.0.0/8"});
  Start(std::move(options));
  Client client(port());

  // 127.0.0.2 is a trusted hop too; the forged 198.51.100.1 is never reached.
  EXPECT_EQ(client.SendRaw(std::string(kForwardedRequest)).body(), "203.0.113.7");
  EXPECT_EQ(client.Send(bhttp::verb::get, "/whoami").body(), "127.0.0.1");
}

TEST(ServerCreateTest, HostMustBeAnIpAddress) {
  Metrics metrics;
  ServerOptions options;
  options.host = "localhost";
  options.port = 0;

  auto server = Server::Create(options, Router(), metrics);

  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(server.error().message(), "invalid listen address 'localhost'");
}

TEST(ServerCreateTest, ListensOnIpv6Loopback) {
  Metrics metrics;
  ServerOptions options;
  options.host = "::1";
  options.port = 0;

  auto server = Server::Create(options, Router(), metrics);

  // Some sandboxes have no IPv6; then the failure must still be a value.
  if (!server) {
    EXPECT_EQ(server.error().code(), core::ErrorCode::kUnavailable);
    EXPECT_THAT(server.error().message(), StartsWith("cannot listen on [::1]:0: "));
  } else {
    EXPECT_NE((*server)->port(), 0);
  }
}

TEST_F(ServerTest, StopClosesIdleConnectionsAndRunReturns) {
  Start();
  Client client(port());
  ASSERT_EQ(client.Send(bhttp::verb::get, "/hello").body(), "hello");  // now idle, kept alive

  auto before = std::chrono::steady_clock::now();
  server_->Stop();
  thread_.join();

  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(ServerTest, StopWaitsForARequestInProgress) {
  std::promise<void> entered;
  std::promise<void> release;
  Router router;
  router.Add(Method::kGet, "/slow", [&](Request&) {
    entered.set_value();
    release.get_future().wait();
    return Response::Text(200, "done");
  });
  ServerOptions options;
  options.port = 0;
  auto server = Server::Create(options, std::move(router), metrics_);
  ASSERT_TRUE(server);
  server_ = std::move(*server);
  thread_ = std::thread([this] { server_->Run(); });
  Client client(port());

  std::thread requester([&] {
    ClientResponse response = client.Send(bhttp::verb::get, "/slow");
    EXPECT_EQ(response.body(), "done");
    EXPECT_FALSE(response.keep_alive());  // the server is going away
  });
  entered.get_future().wait();
  server_->Stop();
  release.set_value();
  requester.join();
  thread_.join();
}

// The timeout bounds each read and write (ServerOptions::timeout); the server's sweep closes a
// connection whose operation outlived it, up to a quarter of the timeout late.
TEST_F(ServerTest, ARequestThatDoesNotArriveWholeIsCutOffAfterTheTimeout) {
  ServerOptions options;
  options.timeout = std::chrono::seconds(1);
  Start(options);
  Client client(port());

  auto before = std::chrono::steady_clock::now();
  client.WriteRaw("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never the blank line
  EXPECT_TRUE(client.ClosedByServer());
  auto waited = std::chrono::steady_clock::now() - before;

  EXPECT_GE(waited, std::chrono::milliseconds(950));
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
}

TEST_F(ServerTest, AnIdleConnectionIsClosedAfterTheTimeout) {
  ServerOptions options;
  options.timeout = std::chrono::seconds(1);
  Start(options);
  Client client(port());
  ASSERT_EQ(client.Send(bhttp::verb::get, "/hello").body(), "hello");
  auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ClosedByServer());
  auto waited = std::chrono::steady_clock::now() - before;

  EXPECT_GE(waited, std::chrono::milliseconds(950));
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
}

TEST_F(ServerTest, AClientThatDoesNotReadItsAnswerIsCutOffAfterTheTimeout) {
  constexpr std::size_t kBig = 16 << 20;  // far more than the socket buffers hold
  Router router;
  router.Add(Method::kGet, "/big",
             [](Request&) { return Response::Text(200, std::string(kBig, 'x')); });
  router.Add(Method::kGet, "/slow", [](Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    return Response::Text(200, "slow");
  });
  ServerOptions options;
  options.port = 0;
  options.timeout = std::chrono::seconds(1);
  auto server = Server::Create(options, std::move(router), metrics_);
  ASSERT_TRUE(server);
  server_ = std::move(*server);
  thread_ = std::thread([this] { server_->Run(); });

  // A handler slower than the timeout is not cut off: the timeout bounds reads and writes.
  EXPECT_EQ(Client(port()).Send(bhttp::verb::get, "/slow").body(), "slow");

  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.open(net::ip::tcp::v4());
  socket.set_option(net::socket_base::receive_buffer_size(4096));
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  net::write(socket,
             net::buffer(std::string("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // not reading

  std::size_t received = 0;
  std::array<char, 65536> chunk{};
  ErrorCode ec;
  while (!ec) received += socket.read_some(net::buffer(chunk), ec);

  EXPECT_GT(received, 0u);
  EXPECT_LT(received, kBig);  // the server gave up before the end
}

TEST(ServerStopTest, StopBeforeRunMakesRunReturn) {
  Metrics metrics;
  ServerOptions options;
  options.port = 0;
  auto server = Server::Create(options, Router(), metrics);
  ASSERT_TRUE(server);

  (*server)->Stop();
  (*server)->Run();  // returns at once
}

}  // namespace
}  // namespace unknot::api::http
