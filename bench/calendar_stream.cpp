// Live calendar fan-out: STREAMS staff calendars open on one server (GET …/calendar/events,
// server-sent events), then ROUNDS bookings through the public API, one at a time; for each, the
// time from sending the booking until the first and until the last of the streams got its event.
// With SERVER_PID, the server's resident memory before and with the streams open. With
// BOOK_PORT, the bookings go to another server (on the same PostgreSQL database) than the one the
// streams are open on.
//
// Each booking takes a free slot of the demo's ART session from the availability API, as a
// client of its own (X-Forwarded-For 10.88.x.y: start the server with --trusted-proxy 127.0.0.1
// so the per-address limit sees many clients) with an email of its own.
//
// usage: unknot_bench_calendar_stream PORT EMAIL PASSWORD [STREAMS] [ROUNDS] [SERVER_PID]
//                                     [BOOK_PORT]

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "sse_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;
using unknot::testing::HttpRequest;
using unknot::testing::SseClient;

const std::string kBase = "/api/v1/clinics/mission-sports-chiro";

long RssKib(const std::string& pid) {
  std::ifstream status("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::string DateInDays(int days) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s PORT EMAIL PASSWORD [STREAMS] [ROUNDS] [SERVER_PID] [BOOK_PORT]\n",
                 argv[0]);
    return 2;
  }
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  const std::string email = argv[2];
  const std::string password = argv[3];
  const int streams = argc > 4 ? std::atoi(argv[4]) : 200;
  const int rounds = argc > 5 ? std::atoi(argv[5]) : 10;
  const std::string pid = argc > 6 ? argv[6] : "";
  const auto book_port = argc > 7 ? static_cast<std::uint16_t>(std::atoi(argv[7])) : port;

  auto signed_in = HttpRequest(port, "POST", kBase + "/session",
                               Json{{"email", email}, {"password", password}}.dump());
  if (signed_in.status != 201) {
    std::fprintf(stderr, "sign-in failed: %u %s\n", signed_in.status, signed_in.body.c_str());
    return 1;
  }
  const std::string cookie =
      signed_in.headers["set-cookie"].substr(0, signed_in.headers["set-cookie"].find(';'));

  std::int64_t service = 0;
  const Json services = Json::parse(HttpRequest(port, "GET", kBase + "/services").body);
  for (const auto& s : services["services"]) {
    if (s["slug"] == "art-session") service = s["id"];
  }
  auto availability = HttpRequest(port, "GET",
                                  kBase + "/availability?service=" + std::to_string(service) +
                                      "&from=" + DateInDays(14) + "&to=" + DateInDays(40));
  std::vector<std::string> starts;
  const Json days = Json::parse(availability.body);
  for (const auto& day : days["days"]) {
    for (const auto& slot : day["slots"]) starts.push_back(slot["start"]);
  }
  if (static_cast<int>(starts.size()) < rounds) {
    std::fprintf(stderr, "only %zu free slots (service %lld, availability %u)\n", starts.size(),
                 static_cast<long long>(service), availability.status);
    return 1;
  }

  const long rss_before = pid.empty() ? -1 : RssKib(pid);
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < streams; ++i) {
    auto client = SseClient::Open(port, kBase + "/calendar/events", {{"Cookie", cookie}});
    if (!client || !client->WaitForHead(std::chrono::seconds(5)) || client->status() != 200) {
      std::fprintf(stderr, "stream %d did not open (%u)\n", i, client ? client->status() : 0);
      return 1;
    }
    auto ready = client->Next(std::chrono::seconds(5));
    if (!ready || ready->event != "ready") {
      std::fprintf(stderr, "stream %d sent no ready event\n", i);
      return 1;
    }
    clients.push_back(std::move(client));
  }
  const long rss_open = pid.empty() ? -1 : RssKib(pid);

  std::vector<double> booking_ms, first_ms, all_ms;
  for (int round = 0; round < rounds; ++round) {
    // Spread over the slots so consecutive bookings do not collide.
    const std::string start =
        starts[static_cast<std::size_t>(round) * starts.size() / static_cast<std::size_t>(rounds)];
    Json body = {{"service", service},
                 {"start", start},
                 {"patient",
                  {{"given_name", "Bench"},
                   {"family_name", std::to_string(round)},
                   {"email", "stream" + std::to_string(round) + "@bench.example"},
                   {"phone", "+14155550100"}}}};
    const std::string forwarded =
        "10.88." + std::to_string(round / 250) + "." + std::to_string(round % 250 + 1);
    const Clock::time_point sent = Clock::now();
    auto booked = HttpRequest(book_port, "POST", kBase + "/appointments", body.dump(),
                              {{"X-Forwarded-For", forwarded}});
    const Clock::time_point answered = Clock::now();
    if (booked.status != 201) {
      std::fprintf(stderr, "booking failed: %u %s\n", booked.status, booked.body.c_str());
      return 1;
    }
    const std::int64_t id = Json::parse(booked.body)["appointment"]["id"];
    std::vector<bool> got(clients.size(), false);
    std::size_t remaining = clients.size();
    Clock::time_point first{}, last{};
    const Clock::time_point deadline = sent + std::chrono::seconds(10);
    std::vector<pollfd> fds(clients.size());
    while (remaining > 0 && Clock::now() < deadline) {
      for (std::size_t i = 0; i < clients.size(); ++i) {
        auto& pending = clients[i]->pending();
        while (!pending.empty()) {
          auto event = std::move(pending.front());
          pending.pop_front();
          if (!got[i] && event.event == "appointment" && Json::parse(event.data)["id"] == id) {
            got[i] = true;
            --remaining;
            const auto now = Clock::now();
            if (first == Clock::time_point{}) first = now;
            last = now;
          }
        }
        fds[i] = {clients[i]->fd(), got[i] ? short{0} : short{POLLIN}, 0};
      }
      if (remaining == 0) break;
      if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
      for (std::size_t i = 0; i < clients.size(); ++i) {
        if (fds[i].revents != 0) clients[i]->ReadAvailable();
      }
    }
    if (remaining > 0) {
      std::fprintf(stderr, "round %d: %zu of %zu streams never got the booking\n", round, remaining,
                   clients.size());
      return 1;
    }
    booking_ms.push_back(Ms(answered - sent));
    first_ms.push_back(Ms(first - sent));
    all_ms.push_back(Ms(last - sent));
    std::printf(
        "round %2d: booking answered %6.1f ms, first stream %6.1f ms, all %d streams "
        "%6.1f ms after it was sent\n",
        round, booking_ms.back(), first_ms.back(), streams, all_ms.back());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf(
      "streams %d, rounds %d: all told in median %.1f ms, max %.1f ms (booking answered "
      "in median %.1f ms)\n",
      streams, rounds, median(all_ms), *std::max_element(all_ms.begin(), all_ms.end()),
      median(booking_ms));
  if (!pid.empty()) {
    const long rss_after = RssKib(pid);
    std::printf(
        "server RSS: %ld KiB before the streams, %ld KiB with %d open (%.1f KiB each), "
        "%ld KiB after the rounds\n",
        rss_before, rss_open, streams, static_cast<double>(rss_open - rss_before) / streams,
        rss_after);
  }
  return 0;
}
