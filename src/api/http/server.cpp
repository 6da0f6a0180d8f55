#include "api/http/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <csignal>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "api/http/beast_messages.hpp"

namespace unknot::api::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using ErrorCode = boost::system::error_code;

// Every asynchronous call reports its error as a value instead of throwing.
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

// How long a connection we are closing after an error may keep sending before we hang up.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerMaxBytes = 1 << 20;

// The completion handler of a detached coroutine: an exception that escaped it is logged.
auto LogEscapedException(std::string_view what) {
  return [what](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("{} failed: {}", what, e.what());
    } catch (...) {
      spdlog::error("{} failed with a non-standard exception", what);
    }
  };
}

// The response to a failed read, or nothing when the connection should just close (the peer
// left, timed out or we are stopping).
std::optional<Response> ProblemForReadError(const ErrorCode& ec) {
  if (ec == bhttp::error::body_limit) {
    return Problem(413, "", "the request body is larger than the server accepts");
  }
  if (ec == bhttp::error::header_limit) {
    return Problem(431, "", "the request header is larger than the server accepts");
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return std::nullopt;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
    return Problem(400, "", "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;
}

// "127.0.0.1:8080" or "[::1]:8080".
std::string DescribeEndpoint(const net::ip::address& address, std::uint16_t port) {
  if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), port);
  return fmt::format("{}:{}", address.to_string(), port);
}

// System messages start with a capital ("Address already in use"); ours continue a sentence.
std::string LowerFirst(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

bool ExpectsContinue(const BeastRequest& request) {
  auto expect = request[bhttp::field::expect];
  return request.version() >= 11 && expect.size() == 12 &&
         std::equal(expect.begin(), expect.end(), "100-continue", [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// The shared state of one open stream: the StreamSink its producer holds, and what the
// connection's coroutine sends. The producer's side holds no asio object but a copy of the
// connection's executor, which is dropped (under the mutex) before the coroutine ends, so a late
// Send touches nothing of the server. The timer pointer is used on that executor only.
class StreamState final : public StreamSink, public std::enable_shared_from_this<StreamState> {
 public:
  explicit StreamState(std::size_t queue_limit) : queue_limit_(queue_limit) {}

  bool Send(std::string data) override {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    if (queued_.size() + data.size() > queue_limit_) {
      // The client does not read: cut it off rather than hold ever more for it.
      closed_ = true;
      WakeLocked();
      return false;
    }
    queued_ += data;
    WakeLocked();
    return true;
  }

  void Close() override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    WakeLocked();
  }

  bool open() const override {
    std::lock_guard lock(mutex_);
    return !closed_;
  }

  void WhenDrained(std::function<void()> ready) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;  // dropped unrun (destroyed by the caller, outside the lock)
    std::swap(drained_, ready);
    WakeLocked();
  }

  void Abort() override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    aborted_ = true;
    WakeLocked();
  }

  bool aborted() const {
    std::lock_guard lock(mutex_);
    return aborted_;
  }

  // On the connection's executor: the coroutine waits on `timer` while nothing is queued.
  void Attach(net::any_io_executor executor, net::steady_timer* timer) {
    std::lock_guard lock(mutex_);
    executor_ = std::move(executor);
    timer_ = timer;
  }
  // On the connection's executor, before the coroutine's frame goes: no more wake-ups, Send fails.
  // The producer's waiting callback (which may hold the sink) is let go, outside the lock.
  void Detach() {
    std::function<void()> drained;
    std::lock_guard lock(mutex_);
    closed_ = true;
    executor_ = net::any_io_executor();
    timer_ = nullptr;
    std::swap(drained, drained_);
  }

  struct Taken {
    std::string data;
    bool closed = false;
    std::function<void()> drained;  // set when nothing is queued and the producer waits for that
  };
  // On the connection's executor: what is queued, and whether the stream is to end after it.
  Taken Take() {
    std::lock_guard lock(mutex_);
    wake_posted_ = false;
    Taken taken{.data = std::move(queued_), .closed = closed_, .drained = {}};
    queued_.clear();
    if (taken.data.empty() && !closed_) std::swap(taken.drained, drained_);
    return taken;
  }

  // On the connection's executor: wakes the coroutine now (the client left, the server stops).
  void WakeOnStrand() {
    std::lock_guard lock(mutex_);
    if (timer_ != nullptr) timer_->cancel();
  }

  // A buffer for the read that notices the client leaving; it lives as long as the read may.
  std::array<char, 512> discard{};

 private:
  void WakeLocked() {
    if (wake_posted_ || !executor_) return;
    wake_posted_ = true;
    net::post(executor_, [self = shared_from_this()] { self->WakeOnStrand(); });
  }

  const std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::string queued_;                  // guarded by mutex_
  bool closed_ = false;                 // guarded by mutex_
  bool aborted_ = false;                // guarded by mutex_
  std::function<void()> drained_;       // guarded by mutex_; WhenDrained's waiting callback
  bool wake_posted_ = false;            // guarded by mutex_
  net::any_io_executor executor_;       // guarded by mutex_; empty when not attached
  net::steady_timer* timer_ = nullptr;  // guarded by mutex_; dereferenced on that executor only
};

// One accepted connection. Lives in its coroutine's frame; touched only on its executor (a strand
// when several threads run the server, see ConnectionExecutor).
struct Connection {
  explicit Connection(tcp::socket accepted) : socket(std::move(accepted)) {}

  // Bounds the operations started from now on: once `timeout` has passed, the server's sweep
  // (Server::Impl::SweepTimeouts) closes the socket, which ends them. Storing a time costs
  // nothing like arming a timer (a timerfd_settime system call, twice a request).
  void ExpiresAfter(std::chrono::steady_clock::duration timeout) {
    deadline.store((std::chrono::steady_clock::now() + timeout).time_since_epoch().count(),
                   std::memory_order_relaxed);
  }
  // No bound: between operations, and while a stream waits for its producer.
  void ExpiresNever() { deadline.store(kNoDeadline, std::memory_order_relaxed); }
  bool Overdue(std::chrono::steady_clock::time_point now) const {
    return deadline.load(std::memory_order_relaxed) <= now.time_since_epoch().count();
  }

  static constexpr std::chrono::steady_clock::rep kNoDeadline =
      std::numeric_limits<std::chrono::steady_clock::rep>::max();

  tcp::socket socket;
  // When the operation under way must be over (steady_clock ticks), or kNoDeadline. Written on
  // the connection's executor, read by the sweep.
  std::atomic<std::chrono::steady_clock::rep> deadline{kNoDeadline};
  bool idle = false;                       // waiting for the next request, so Stop() may close it
  bool fresh = true;                       // its first request is yet to be read
  std::shared_ptr<StreamState> streaming;  // set while it serves a stream, so Stop() may end it
};

// Keeps the in-flight gauge up while a request is being answered.
class InFlight {
 public:
  explicit InFlight(Metrics& metrics) : metrics_(metrics) { metrics_.IncrementInFlight(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  ~InFlight() { metrics_.DecrementInFlight(); }

 private:
  Metrics& metrics_;
};

// The canonical text of a peer's address, as CanonicalAddress would give it (an IPv4-mapped IPv6
// address as IPv4), from the address accept() returned: no getpeername, no re-parsing.
std::string PeerText(const net::ip::address& address) {
  if (address.is_v6() && !address.to_v6().is_v4_mapped()) return address.to_v6().to_string();
  const net::ip::address_v4 v4 =
      address.is_v4() ? address.to_v4()
                      : net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  std::string text;
  text.reserve(15);
  for (std::uint8_t byte : v4.to_bytes()) {
    if (!text.empty()) text += '.';
    if (byte >= 100) text += static_cast<char>('0' + byte / 100);
    if (byte >= 10) text += static_cast<char>('0' + byte / 10 % 10);
    text += static_cast<char>('0' + byte % 10);
  }
  return text;
}

// What the acceptor, the signals and the timeout sweep run on. With one I/O thread that thread
// already runs them one at a time; a strand would add a hop to every accept (its completion is
// queued to the strand, and the reactor polled once more before the new connection is read).
net::any_io_executor ControlExecutor(net::io_context& io, unsigned threads) {
  if (threads == 1) return io.get_executor();
  return net::make_strand(io);
}

// 16 hex digits from the system's randomness: a request-id prefix no other process shares.
std::string RandomHex64() {
  std::random_device device;
  std::uint64_t value = (std::uint64_t{device()} << 32) | device();
  return fmt::format("{:016x}", value);
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Router router, Metrics& metrics)
      : options_(std::move(options)),
        router_(std::move(router)),
        metrics_(metrics),
        io_(static_cast<int>(options_.threads)),
        control_(ControlExecutor(io_, options_.threads)),
        acceptor_(control_),
        signals_(control_),
        sweep_timer_(control_) {}

  core::Result<void> Listen(const net::ip::address& address);
  std::uint16_t port() const { return port_; }
  void Run();
  void Stop();
  std::size_t open_streams() const { return open_streams_; }

 private:
  struct Registered {
    Connection* connection;
    net::any_io_executor executor;
  };

  // Registers a connection for Stop() for as long as it lives.
  class Registration {
   public:
    Registration(Impl& impl, std::uint64_t id, Connection& connection) : impl_(impl), id_(id) {
      std::lock_guard lock(impl_.connections_mutex_);
      impl_.connections_[id_] = {&connection, connection.socket.get_executor()};
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() {
      std::lock_guard lock(impl_.connections_mutex_);
      impl_.connections_.erase(id_);
    }

   private:
    Impl& impl_;
    std::uint64_t id_;
  };

  net::awaitable<void> AcceptLoop();
  // Closes every connection whose operation has outlived its deadline (Connection::ExpiresAfter),
  // looking every quarter of the timeout (at least every second, at most every 100 ms): a
  // timeout fires up to that much late, and a request arms no timer at all.
  net::awaitable<void> SweepTimeouts();
  // What a new connection's handlers run on. With one I/O thread that thread already runs them
  // one at a time, so the io_context's own executor serializes them; a strand per connection
  // would only add its locking, queueing and reference counts to every step of every request.
  // With more threads each connection gets a strand.
  net::any_io_executor ConnectionExecutor();
  // Serves one connection from `peer` (the canonical text of its address, as accept gave it).
  net::awaitable<void> ServeConnection(tcp::socket socket, std::uint64_t id, std::string peer);
  // Reads one request into `parser`, answering "Expect: 100-continue" on the way.
  net::awaitable<ErrorCode> ReadRequest(Connection& connection, beast::flat_buffer& buffer,
                                        bhttp::request_parser<bhttp::string_body>& parser);
  // What Answer produced: a response to write, or else the head of a stream to open (one of
  // the max_streams places is then taken; ServeStream gives it back).
  struct Answered {
    BeastResponse response;
    std::optional<StreamStart> stream;
    unsigned version = 11;
    std::string request_id;
  };
  // Dispatches a request that was read whole from `peer` (an IP address) and records it in the
  // metrics.
  net::awaitable<Answered> Answer(BeastRequest&& message, bool keep_alive, std::string_view peer);
  // Writes a stream's head, hands its sink to the route, then sends what the route queues until
  // the route closes it, the client leaves or the server stops.
  net::awaitable<void> ServeStream(Connection& connection, Answered answered);
  // A request id: this process's random prefix and a counter.
  std::string NextRequestId();
  // Records and logs a response; `started` is when the request had been read.
  void Account(Method method, std::string_view target, unsigned status,
               std::chrono::steady_clock::time_point started);
  // Half-closes, then reads and discards what the client still sends for a short while, so
  // closing does not reset the connection before the client has read our response.
  net::awaitable<void> LingeringClose(Connection& connection);
  void CloseIdleConnections();

  const ServerOptions options_;
  const Router router_;
  Metrics& metrics_;
  std::atomic<bool> stopping_{false};
  const std::string request_id_prefix_ = RandomHex64();
  std::atomic<std::uint64_t> next_request_{0};
  std::atomic<std::size_t> open_streams_{0};

  // Declared before io_: coroutine frames destroyed with io_ unregister themselves.
  std::mutex connections_mutex_;
  std::map<std::uint64_t, Registered> connections_;  // guarded by connections_mutex_
  std::uint64_t next_connection_id_ = 0;             // used on control_ only

  net::io_context io_;
  // For acceptor_, signals_ and the sweep: a strand, or with one I/O thread the io_context's own
  // executor (see ControlExecutor).
  net::any_io_executor control_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer sweep_timer_;  // SweepTimeouts' pause; used on control_ only
  std::uint16_t port_ = 0;
};

core::Result<void> Server::Impl::Listen(const net::ip::address& address) {
  tcp::endpoint endpoint(address, options_.port);
  ErrorCode ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    return core::Error(
        core::ErrorCode::kUnavailable,
        fmt::format("cannot listen on {}: {}", DescribeEndpoint(address, options_.port),
                    LowerFirst(ec.message())));
  }
  return core::Ok();
}

void Server::Impl::Run() {
  ErrorCode ec;
  signals_.add(SIGINT, ec);
  signals_.add(SIGTERM, ec);
  signals_.async_wait([this](const ErrorCode& wait_error, int signal_number) {
    if (wait_error) return;
    spdlog::info("received signal {}, stopping", signal_number);
    Stop();
  });
  net::co_spawn(control_, AcceptLoop(), LogEscapedException("accept loop"));
  net::co_spawn(control_, SweepTimeouts(), LogEscapedException("timeout sweep"));
  spdlog::info("listening on {}", DescribeEndpoint(acceptor_.local_endpoint(ec).address(), port_));

  std::vector<std::thread> extra_threads;
  for (unsigned i = 1; i < options_.threads; ++i) extra_threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (std::thread& thread : extra_threads) thread.join();
}

void Server::Impl::Stop() {
  if (stopping_.exchange(true)) return;
  net::post(control_, [this] {
    ErrorCode ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    signals_.clear(ignored);
    sweep_timer_.cancel();
  });
  CloseIdleConnections();
}

void Server::Impl::CloseIdleConnections() {
  std::lock_guard lock(connections_mutex_);
  for (const auto& [id, registered] : connections_) {
    // Runs on the connection's executor, so the connection is either suspended or gone.
    net::post(registered.executor, [this, connection_id = id] {
      std::lock_guard inner_lock(connections_mutex_);
      auto it = connections_.find(connection_id);
      if (it == connections_.end()) return;
      Connection& connection = *it->second.connection;
      if (connection.idle) {
        ErrorCode ignored;
        connection.socket.cancel(ignored);
      } else if (connection.streaming) {
        connection.streaming->Close();
      }
    });
  }
}

net::awaitable<void> Server::Impl::SweepTimeouts() {
  using std::chrono::milliseconds;
  const auto period = std::clamp<std::chrono::steady_clock::duration>(
      options_.timeout / 4, milliseconds(100), std::chrono::seconds(1));
  while (!stopping_) {
    sweep_timer_.expires_after(period);
    co_await sweep_timer_.async_wait(kNoThrow);
    if (stopping_) break;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(connections_mutex_);
    for (const auto& [id, registered] : connections_) {
      if (!registered.connection->Overdue(now)) continue;
      // On the connection's executor, where it is suspended in the late operation, has moved on
      // (and set a new deadline) or is gone.
      net::post(registered.executor, [this, connection_id = id] {
        std::lock_guard inner_lock(connections_mutex_);
        auto it = connections_.find(connection_id);
        if (it == connections_.end()) return;
        Connection& connection = *it->second.connection;
        if (!connection.Overdue(std::chrono::steady_clock::now())) return;
        // As a timed-out beast::tcp_stream does: the operation ends with an error, and so does
        // the connection.
        ErrorCode ignored;
        connection.socket.close(ignored);
      });
    }
  }
}

net::any_io_executor Server::Impl::ConnectionExecutor() {
  if (options_.threads == 1) return io_.get_executor();
  return net::make_strand(io_);
}

net::awaitable<void> Server::Impl::AcceptLoop() {
  while (!stopping_) {
    tcp::endpoint peer;
    auto [ec, socket] = co_await acceptor_.async_accept(ConnectionExecutor(), peer, kNoThrow);
    if (ec) {
      if (stopping_ || !acceptor_.is_open()) break;
      // E.g. out of file descriptors: pause rather than spin.
      spdlog::warn("accept failed: {}", ec.message());
      net::steady_timer pause(control_, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    net::any_io_executor executor = socket.get_executor();
    net::co_spawn(
        executor,
        ServeConnection(std::move(socket), next_connection_id_++, PeerText(peer.address())),
        LogEscapedException("connection"));
    // Let the new connection read and answer its request before this loop tries the next accept
    // (which, with no connection waiting, fails and re-arms the acceptor in the reactor): on one
    // thread that came first and delayed every answer on a fresh connection by both system calls.
    co_await net::post(co_await net::this_coro::executor, net::use_awaitable);
  }
}

net::awaitable<void> Server::Impl::ServeConnection(tcp::socket socket, std::uint64_t id,
                                                   std::string peer) {
  Connection connection(std::move(socket));
  Registration registration(*this, id, connection);
  beast::flat_buffer buffer;
  while (true) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options_.body_limit);
    // No suspension between this check and the read: Stop() either sees us idle or we see it.
    if (stopping_) break;
    ErrorCode ec = co_await ReadRequest(connection, buffer, parser);
    if (ec) {
      std::optional<Response> problem = ProblemForReadError(ec);
      if (!problem) break;
      auto started = std::chrono::steady_clock::now();
      // The start line may have been parsed even when the header was not (e.g. too large).
      Method method = ToMethod(parser.get().method());
      std::string_view target(parser.get().target().data(), parser.get().target().size());
      unsigned status = problem->status;
      BeastResponse response = ToBeastResponse(
          std::move(*problem), {.keep_alive = false, .server_name = options_.server_name});
      Account(method, target, status, started);
      connection.ExpiresAfter(options_.timeout);
      auto [write_error, written] =
          co_await bhttp::async_write(connection.socket, response, kNoThrow);
      connection.ExpiresNever();
      if (!write_error) co_await LingeringClose(connection);
      co_return;
    }

    bool keep_alive = parser.get().keep_alive();
    Answered answered = co_await Answer(parser.release(), keep_alive, peer);
    if (answered.stream) {
      co_await ServeStream(connection, std::move(answered));
      co_return;
    }
    BeastResponse& response = answered.response;
    // The head in one piece and the body: Beast's serializer would hand the socket ~25 small
    // buffers and walk them several times on the way.
    const std::string head = ResponseHead(response);
    const std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(response.body())};
    connection.ExpiresAfter(options_.timeout);
    auto [write_error, written] = co_await net::async_write(connection.socket, buffers, kNoThrow);
    connection.ExpiresNever();
    if (write_error) co_return;
    if (!response.keep_alive()) break;
  }
  ErrorCode ignored;
  connection.socket.shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<ErrorCode> Server::Impl::ReadRequest(
    Connection& connection, beast::flat_buffer& buffer,
    bhttp::request_parser<bhttp::string_body>& parser) {
  bool header_read = false;
  if (connection.fresh) {
    connection.fresh = false;
    // A new connection's first request has usually arrived with it (clients send right after
    // connecting): read what is there now, without a trip through the reactor (a posted
    // completion and an epoll_wait before the answer can start). The socket is made
    // non-blocking here, as asio would before its first asynchronous operation (one ioctl
    // either way), so a read that finds too little says would_block, and the asynchronous read
    // below carries on from there: the parser and the buffer keep what was read.
    ErrorCode ec;
    connection.socket.non_blocking(true, ec);
    if (!ec) {
      bhttp::read_header(connection.socket, buffer, parser, ec);
      if (ec != net::error::would_block) {
        if (ec || parser.is_done()) co_return ec;
        header_read = true;
      }
    }
  }
  if (!header_read) {
    connection.idle = true;
    connection.ExpiresAfter(options_.timeout);
    auto [ec, header_bytes] =
        co_await bhttp::async_read_header(connection.socket, buffer, parser, kNoThrow);
    connection.ExpiresNever();
    connection.idle = false;
    if (ec || parser.is_done()) co_return ec;
  }
  if (ExpectsContinue(parser.get())) {
    bhttp::response<bhttp::empty_body> go_on(bhttp::status::continue_, parser.get().version());
    connection.ExpiresAfter(options_.timeout);
    auto [write_error, written] = co_await bhttp::async_write(connection.socket, go_on, kNoThrow);
    connection.ExpiresNever();
    if (write_error) co_return write_error;
  }
  connection.ExpiresAfter(options_.timeout);
  auto [body_error, body_bytes] =
      co_await bhttp::async_read(connection.socket, buffer, parser, kNoThrow);
  connection.ExpiresNever();
  co_return body_error;
}

std::string Server::Impl::NextRequestId() {
  std::array<char, 16> digits{};
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(),
                           next_request_.fetch_add(1) + 1, 16)
                 .ptr;
  std::string id;
  id.reserve(request_id_prefix_.size() + 1 + digits.size());
  id += request_id_prefix_;
  id += '-';
  id.append(digits.data(), end);
  return id;
}

namespace {

// Waits, without holding the thread, for an asynchronous route's response. The route answers on
// any thread; the answer is handed over on the coroutine's own executor (a strand, or the one I/O
// thread), where a timer that never expires by itself is cancelled to wake the coroutine. What the
// route's thread keeps (the Respond) holds no asio object, so nothing of the server outlives its
// io_context.
net::awaitable<Response> AwaitResponse(Router::Start start) {
  struct Slot {
    std::optional<Response> response;
    net::steady_timer* timer = nullptr;  // set while the coroutine waits; used on its executor
  };
  auto executor = co_await net::this_coro::executor;
  net::steady_timer timer(executor, net::steady_timer::time_point::max());
  auto slot = std::make_shared<Slot>();
  slot->timer = &timer;
  struct Leave {
    Slot& slot;
    ~Leave() { slot.timer = nullptr; }
  } leave{*slot};
  start([slot, executor](Response response) {
    net::post(executor, [slot, response = std::move(response)]() mutable {
      slot->response = std::move(response);
      if (slot->timer != nullptr) slot->timer->cancel();
    });
  });
  while (!slot->response) {
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  }
  co_return std::move(*slot->response);
}

}  // namespace

net::awaitable<Server::Impl::Answered> Server::Impl::Answer(BeastRequest&& message, bool keep_alive,
                                                            std::string_view peer) {
  InFlight in_flight(metrics_);
  auto started = std::chrono::steady_clock::now();
  Method method = ToMethod(message.method());
  unsigned version = message.version();
  std::string target(message.target().data(), message.target().size());

  // Only the server sees the socket, so it resolves the client; handlers read client_address.
  std::vector<std::string_view> forwarded_for;
  if (!options_.trusted_proxies.empty()) {
    for (const auto& field : message) {
      if (beast::iequals(field.name_string(), "x-forwarded-for")) {
        forwarded_for.emplace_back(field.value().data(), field.value().size());
      }
    }
  }
  // The peer's text is already canonical: without trusted proxies it is the client.
  std::string client = options_.trusted_proxies.empty()
                           ? std::string(peer)
                           : options_.trusted_proxies.ClientAddress(peer, forwarded_for);

  std::string request_id = NextRequestId();
  core::Result<Request> request = ToRequest(std::move(message));
  Response response;
  if (request) {
    request->client_address = std::move(client);
    request->request_id = request_id;
    auto routed = router_.Route(*request);
    if (auto* ready = std::get_if<Response>(&routed)) {
      response = std::move(*ready);
    } else if (auto* start = std::get_if<Router::Start>(&routed)) {
      response = co_await AwaitResponse(std::move(*start));
    } else {
      StreamStart& stream = std::get<StreamStart>(routed);
      if (method == Method::kHead) {
        response.status = stream.status;
        response.content_type = std::move(stream.content_type);
        response.headers = std::move(stream.headers);
      } else if (stopping_) {
        response = Problem(503, "", "the server is stopping");
        response.headers.emplace_back("Retry-After", "1");
      } else if (open_streams_.fetch_add(1) >= options_.max_streams) {
        open_streams_.fetch_sub(1);
        response = Problem(503, "", "the server has as many open streams as it serves; try later");
        response.headers.emplace_back("Retry-After", "5");
      } else {
        Account(method, target, stream.status, started);
        co_return Answered{.response = BeastResponse(),
                           .stream = std::move(stream),
                           .version = version,
                           .request_id = std::move(request_id)};
      }
    }
  } else {
    response = Problem(400, "", request.error().message());
  }
  response.headers.emplace_back("X-Request-Id", std::move(request_id));
  unsigned status = response.status;
  BeastResponse beast_response =
      ToBeastResponse(std::move(response), {.version = version,
                                            .keep_alive = keep_alive && !stopping_,
                                            .head = method == Method::kHead,
                                            .server_name = options_.server_name});
  // Recorded before the write, so a client that has its response also sees it counted.
  Account(method, target, status, started);
  co_return Answered{.response = std::move(beast_response),
                     .stream = std::nullopt,
                     .version = version,
                     .request_id = std::string()};
}

net::awaitable<void> Server::Impl::ServeStream(Connection& connection, Answered answered) {
  metrics_.IncrementStreams();
  struct GiveBack {
    std::atomic<std::size_t>& open;
    Metrics& metrics;
    ~GiveBack() {
      open.fetch_sub(1);
      metrics.DecrementStreams();
    }
  } give_back{open_streams_, metrics_};
  StreamStart& start = *answered.stream;
  auto state = std::make_shared<StreamState>(options_.stream_queue_limit);
  auto executor = co_await net::this_coro::executor;
  net::steady_timer timer(executor);
  state->Attach(executor, &timer);
  connection.streaming = state;
  // Whatever ends the coroutine (also the io_context going away with it suspended), the
  // producer's sink stops reaching into it first.
  struct Detach {
    StreamState& state;
    Connection& connection;
    ~Detach() {
      state.Detach();
      connection.streaming.reset();
    }
  } detach{*state, connection};
  // Stop() either ran before `streaming` was set, and then stopping_ is seen here, or it will
  // find the stream and close it (both on this executor).
  if (stopping_) co_return;

  // HTTP/1.1 gets a chunked body; HTTP/1.0 a body that ends when the connection closes.
  const bool chunked = answered.version >= 11;
  bhttp::response<bhttp::empty_body> head(static_cast<bhttp::status>(start.status),
                                          answered.version);
  head.set(bhttp::field::server, options_.server_name);
  head.set(bhttp::field::content_type, start.content_type);
  for (const auto& [name, value] : start.headers) head.insert(name, value);
  head.set("X-Request-Id", answered.request_id);
  head.keep_alive(false);
  if (chunked) head.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  connection.ExpiresAfter(options_.timeout);
  auto [head_error, head_bytes] =
      co_await bhttp::async_write_header(connection.socket, serializer, kNoThrow);
  connection.ExpiresNever();
  if (head_error) co_return;

  // The client sends nothing more on a stream: a read that completes means it left (or broke the
  // protocol); either way the stream ends. The handler touches only the shared state.
  connection.socket.async_read_some(net::buffer(state->discard),
                                    [state](const ErrorCode&, std::size_t) {
                                      state->Close();
                                      state->WakeOnStrand();
                                    });
  if (start.on_open) start.on_open(state);

  auto write = [&](std::string data) -> net::awaitable<bool> {
    connection.ExpiresAfter(options_.timeout);
    ErrorCode ec;
    std::size_t written = 0;
    if (chunked) {
      std::tie(ec, written) = co_await net::async_write(
          connection.socket, bhttp::make_chunk(net::buffer(data)), kNoThrow);
    } else {
      std::tie(ec, written) =
          co_await net::async_write(connection.socket, net::buffer(data), kNoThrow);
    }
    connection.ExpiresNever();
    co_return !ec;
  };

  auto last_sent = std::chrono::steady_clock::now();
  bool healthy = true;
  while (healthy) {
    StreamState::Taken taken = state->Take();
    if (!taken.data.empty()) {
      healthy = co_await write(std::move(taken.data));
      last_sent = std::chrono::steady_clock::now();
      continue;
    }
    if (taken.closed || stopping_) break;
    if (taken.drained) {
      // All that was queued is written: the producer makes its next piece now.
      try {
        taken.drained();
      } catch (const std::exception& e) {
        spdlog::error("a stream's producer failed: {}", e.what());
        state->Abort();
      }
      continue;
    }
    if (!start.heartbeat.empty()) {
      auto due = last_sent + start.heartbeat_interval;
      if (std::chrono::steady_clock::now() >= due) {
        healthy = co_await write(start.heartbeat);
        last_sent = std::chrono::steady_clock::now();
        continue;
      }
      timer.expires_at(due);
    } else {
      timer.expires_at(net::steady_timer::time_point::max());
    }
    co_await timer.async_wait(kNoThrow);
  }
  state->Close();
  if (healthy && chunked && !state->aborted()) {
    connection.ExpiresAfter(options_.timeout);
    co_await net::async_write(connection.socket, bhttp::make_chunk_last(), kNoThrow);
    connection.ExpiresNever();
  }
  ErrorCode ignored;
  connection.socket.shutdown(tcp::socket::shutdown_send, ignored);
}

void Server::Impl::Account(Method method, std::string_view target, unsigned status,
                           std::chrono::steady_clock::time_point started) {
  auto elapsed = std::chrono::steady_clock::now() - started;
  metrics_.Record(method, status, elapsed);
  // Below the level (e.g. `--log-level warn`) the line is not built at all.
  if (!spdlog::should_log(spdlog::level::info)) return;
  // One line per request (docs/operations.md). The query may hold personal data (manage
  // tokens, search terms): log the path only, as received (still percent-encoded), with control
  // characters escaped so a request cannot forge log lines. No client address: it is personal.
  spdlog::info("{} {} {} {}us", ToString(method), LoggablePath(target), status,
               std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
}

net::awaitable<void> Server::Impl::LingeringClose(Connection& connection) {
  ErrorCode ec;
  connection.socket.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  connection.ExpiresAfter(kLingerTimeout);
  std::vector<char> discard(16 * 1024);
  std::size_t total = 0;
  while (total < kLingerMaxBytes) {
    auto [read_error, n] =
        co_await connection.socket.async_read_some(net::buffer(discard), kNoThrow);
    if (read_error) break;
    total += n;
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() = default;

core::Result<std::unique_ptr<Server>> Server::Create(ServerOptions options, Router router,
                                                     Metrics& metrics) {
  ErrorCode ec;
  net::ip::address address = net::ip::make_address(options.host, ec);
  if (ec) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       fmt::format("invalid listen address '{}'", options.host));
  }
  if (options.threads == 0) {
    return core::Error(core::ErrorCode::kInvalidArgument, "the server needs at least one thread");
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(router), metrics);
  UNKNOT_TRY(impl->Listen(address));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->port(); }

void Server::Run() { impl_->Run(); }

void Server::Stop() { impl_->Stop(); }

std::size_t Server::open_streams() const { return impl_->open_streams(); }

}  // namespace unknot::api::http
