// Sign-in bursts: CONCURRENCY staff sign-ins sent at the same moment, one per connection, then,
// once every one of them is answered (and at least PERIOD_MS after the burst began), the next
// burst, until SECONDS have passed. The load behind "availability while 50 sign-ins arrive at
// once" in bench/run.sh (BENCH_ONLY=staff).
//
// Connection i signs in as signin<i % ACCOUNTS>@bench.example (bench/staff_fixture.cpp) from
// X-Forwarded-For 192.0.2.<i+1> (start the server with --trusted-proxy 127.0.0.1): 50 people at
// 50 browsers, so the per-address throttle sees each address once. Each connection alternates
// the right and a wrong password (after a 201 a wrong one, after a 401 the right one; a refused
// request is retried as it was), so both kinds cost a hash and no account or address ever has
// more than one failure in a row: the throttle never answers instead of the hasher.
//
// Prints the answers by status, per second of the run, with their latencies.
//
// usage: unknot_bench_signin_burst HOST PORT CLINIC PASSWORD SECONDS [CONCURRENCY] [PERIOD_MS]
//                                  [ACCOUNTS]

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: %s HOST PORT CLINIC PASSWORD SECONDS [CONCURRENCY] [PERIOD_MS] "
                 "[ACCOUNTS]\n",
                 argv[0]);
    return 2;
  }
  const std::string host = argv[1];
  const std::string port = argv[2];
  const std::string target = std::string("/api/v1/clinics/") + argv[3] + "/session";
  const std::string password = argv[4];
  const double seconds = std::atof(argv[5]);
  const int concurrency = argc > 6 ? std::atoi(argv[6]) : 50;
  const auto period = std::chrono::milliseconds(argc > 7 ? std::atoi(argv[7]) : 1000);
  const int accounts = argc > 8 ? std::atoi(argv[8]) : 50;

  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Clock::time_point fire_at = start;
  bool stop = false;
  int bursts = 0;
  // Runs once all connections have their answer: when the next burst goes, or that none does.
  auto next_burst = [&]() noexcept {
    const Clock::time_point now = Clock::now();
    if (now >= end) {
      stop = true;
      return;
    }
    if (bursts > 0) fire_at = std::max(now, fire_at + period);
    ++bursts;
  };
  std::barrier sync(concurrency, next_burst);

  std::mutex mutex;
  std::map<int, std::vector<double>> latencies_ms;  // by status; 0: connection failed
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) {
    threads.emplace_back([&, i] {
      net::io_context io;
      net::ip::tcp::resolver resolver(io);
      const auto endpoints = resolver.resolve(host, port);
      std::optional<beast::tcp_stream> stream;
      beast::flat_buffer buffer;
      const std::string email = "signin" + std::to_string(i % accounts) + "@bench.example";
      const std::string address = "192.0.2." + std::to_string(i % 254 + 1);
      bool right = i % 2 == 0;
      std::map<int, std::vector<double>> mine;
      sync.arrive_and_wait();  // the first burst
      while (!stop) {
        std::this_thread::sleep_until(fire_at);
        const Clock::time_point sent = Clock::now();
        int status = 0;
        try {
          if (!stream) {
            stream.emplace(io);
            stream->connect(endpoints);
            buffer.clear();
          }
          http::request<http::string_body> request{http::verb::post, target, 11};
          request.set(http::field::host, host);
          request.set(http::field::content_type, "application/json");
          request.set("X-Forwarded-For", address);
          request.body() = R"({"email":")" + email + R"(","password":")" +
                           (right ? password : password + "-wrong") + R"("})";
          request.prepare_payload();
          http::write(*stream, request);
          http::response<http::string_body> response;
          http::read(*stream, buffer, response);
          status = static_cast<int>(response.result_int());
          if (!response.keep_alive()) stream.reset();
        } catch (const std::exception&) {
          stream.reset();
        }
        mine[status].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        if (status == 201) right = false;
        if (status == 401) right = true;
        sync.arrive_and_wait();
      }
      std::lock_guard lock(mutex);
      for (auto& [status, times] : mine) {
        auto& all = latencies_ms[status];
        all.insert(all.end(), times.begin(), times.end());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  long total = 0;
  for (auto& [status, times] : latencies_ms) total += static_cast<long>(times.size());
  std::printf("sign-in bursts: %d bursts of %d in %.1f s, %ld answers (%.1f/s)\n", bursts,
              concurrency, elapsed, total, static_cast<double>(total) / elapsed);
  for (auto& [status, times] : latencies_ms) {
    std::sort(times.begin(), times.end());
    auto at = [&](double q) {
      return times[static_cast<std::size_t>(q * static_cast<double>(times.size() - 1))];
    };
    std::printf("  status %d: %zu (%.1f/s), latency p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
                status, times.size(), static_cast<double>(times.size()) / elapsed, at(0.5),
                at(0.99), times.back());
  }
  return 0;
}
