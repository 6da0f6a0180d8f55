// FHIR benchmarks against a running `unknot serve` (bench/run.sh BENCH_ONLY=fhir), on loopback.
//
//   unknot_bench_fhir bulk PORT CLINIC SERVER_PID
//     Downloads /fhir/CLINIC/$bulk-publish/Slot.ndjson once, reading as fast as it can: the time
//     to the response's first byte and to its last, its lines and bytes, and the server's memory:
//     VmHWM (peak resident set) before and after, and VmRSS sampled every 20 ms meanwhile.
//   unknot_bench_fhir search PORT CLINIC SERVICE_SLUG DAY NEXT_DAY ROUNDS [expired]
//     ROUNDS times each, one after the other, on a fresh connection each: the FHIR Slot search
//     for that service on DAY (start=geDAY&start=ltNEXT_DAY, every page, _count=1000) and the JSON
//     availability of the same service on the same day; medians and 90th percentiles, and how many
//     slots each answered. Both answers are cached for a second while nothing is written; with a
//     last argument "expired", each request first waits that second out, so both are computed.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A line of /proc/PID/status in KiB ("VmHWM", "VmRSS"), or -1.
long StatusKib(const std::string& pid, const std::string& field) {
  std::ifstream status("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

double Mib(long kib) { return static_cast<double>(kib) / 1024.0; }

int Bulk(std::uint16_t port, const std::string& clinic, const std::string& pid) {
  const long hwm_before = StatusKib(pid, "VmHWM");
  const long rss_before = StatusKib(pid, "VmRSS");
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::fprintf(stderr, "cannot connect to port %u\n", port);
    return 1;
  }
  const std::string request = "GET /fhir/" + clinic +
                              "/$bulk-publish/Slot.ndjson HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n";
  const auto started = Clock::now();
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    std::fprintf(stderr, "cannot send the request\n");
    return 1;
  }
  std::vector<char> buffer(1 << 16);
  Clock::time_point first_byte{};
  auto last_sample = started;
  long rss_peak = rss_before;
  std::size_t bytes = 0, lines = 0;
  char previous = 0;
  std::string head, tail;
  while (true) {
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) break;
    auto now = Clock::now();
    if (bytes == 0) first_byte = now;
    for (ssize_t i = 0; i < n; ++i) {
      // A body line ends in '\n' after '}'; the head's and the chunks' framing in "\r\n".
      if (buffer[i] == '\n' && previous != '\r') ++lines;
      previous = buffer[i];
    }
    if (head.size() < 512) head.append(buffer.data(), static_cast<std::size_t>(n));
    tail.append(buffer.data(), static_cast<std::size_t>(n));
    if (tail.size() > 64) tail.erase(0, tail.size() - 64);
    bytes += static_cast<std::size_t>(n);
    if (now - last_sample >= std::chrono::milliseconds{20}) {
      rss_peak = std::max(rss_peak, StatusKib(pid, "VmRSS"));
      last_sample = now;
    }
  }
  const auto ended = Clock::now();
  ::close(fd);
  const bool ok = head.rfind("HTTP/1.1 200", 0) == 0 && tail.ends_with("\r\n0\r\n\r\n");
  std::printf(
      "%s Slot.ndjson: %s, %zu lines, %.1f MiB on the wire; first byte %.1f ms, last byte %.1f ms; "
      "server VmHWM %.1f -> %.1f MiB, VmRSS %.1f MiB before, peak sampled %.1f MiB\n",
      clinic.c_str(), ok ? "200 complete" : "INCOMPLETE", lines,
      static_cast<double>(bytes) / (1024.0 * 1024.0), Ms(first_byte - started), Ms(ended - started),
      Mib(hwm_before), Mib(StatusKib(pid, "VmHWM")), Mib(rss_before), Mib(rss_peak));
  return ok ? 0 : 1;
}

// One GET over a fresh loopback connection, read to the end with a plain recv loop, as curl
// does: Beast's synchronous client (tests/support) takes longer than the server to read a
// half-megabyte answer, which measured the client, not the server. Connection: close and a
// Content-Length answer: the body is everything after the head.
struct RawAnswer {
  unsigned status = 0;
  std::string body;
};
RawAnswer RawGet(std::uint16_t port, const std::string& target) {
  RawAnswer answer;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) ::close(fd);
    return answer;
  }
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return answer;
  }
  std::string all;
  std::vector<char> buffer(1 << 20);
  while (true) {
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) break;
    all.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  const std::size_t end_of_head = all.find("\r\n\r\n");
  if (!all.starts_with("HTTP/1.1 ") || end_of_head == std::string::npos) return answer;
  answer.status = static_cast<unsigned>(std::atoi(all.c_str() + 9));
  answer.body = all.substr(end_of_head + 4);
  return answer;
}

struct Timings {
  std::vector<double> ms;
  double Percentile(double p) {
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  }
};

int Search(std::uint16_t port, const std::string& clinic, const std::string& service_slug,
           const std::string& day, const std::string& next_day, int rounds, bool expired) {
  // "expired": every request waits out both answer caches (one second) first, so both answers
  // are computed afresh, as right after a write.
  auto wait_out_cache = [expired] {
    if (expired) std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  };
  using unknot::testing::HttpGet;
  auto services = HttpGet(port, "/api/v1/clinics/" + clinic + "/services");
  std::int64_t service = 0;
  const Json listed = Json::parse(services.body);  // kept: the loop reads into it
  for (const auto& s : listed["services"]) {
    if (s["slug"] == service_slug) service = s["id"];
  }
  if (service == 0) {
    std::fprintf(stderr, "no service %s at %s\n", service_slug.c_str(), clinic.c_str());
    return 1;
  }
  const std::string fhir_first = "/fhir/" + clinic + "/Slot?service-type=" + service_slug +
                                 "&start=ge" + day + "&start=lt" + next_day + "&_count=1000";
  const std::string json = "/api/v1/clinics/" + clinic +
                           "/availability?service=" + std::to_string(service) + "&from=" + day +
                           "&to=" + day;
  Timings fhir_times, json_times;
  std::size_t fhir_slots = 0, json_options = 0, fhir_bytes = 0, json_bytes = 0;
  for (int round = 0; round < rounds; ++round) {
    // The FHIR search, every page. The next page's link is found in the text, as a client that
    // streams would; the pages are parsed after the clock stops (the JSON answer is parsed after
    // its clock stops too).
    wait_out_cache();
    auto started = Clock::now();
    std::string target = fhir_first;
    std::vector<std::string> pages;
    while (!target.empty()) {
      auto page = RawGet(port, target);
      if (page.status != 200) {
        std::fprintf(stderr, "FHIR search: %u %s\n", page.status, page.body.c_str());
        return 1;
      }
      target.clear();
      static constexpr std::string_view kNext = R"({"relation":"next","url":")";
      if (auto at = page.body.find(kNext); at != std::string::npos) {
        const std::size_t from = page.body.find("/fhir/", at + kNext.size());
        target = page.body.substr(from, page.body.find('"', from) - from);
      }
      pages.push_back(std::move(page.body));
    }
    fhir_times.ms.push_back(Ms(Clock::now() - started));
    std::size_t slots = 0, bytes = 0;
    for (const auto& page : pages) {
      bytes += page.size();
      slots += Json::parse(page).value("entry", Json::array()).size();
    }
    fhir_slots = slots;
    fhir_bytes = bytes;
    // The JSON availability of the same day.
    wait_out_cache();
    started = Clock::now();
    auto answer = RawGet(port, json);
    json_times.ms.push_back(Ms(Clock::now() - started));
    if (answer.status != 200) {
      std::fprintf(stderr, "availability: %u %s\n", answer.status, answer.body.c_str());
      return 1;
    }
    json_bytes = answer.body.size();
    std::size_t options = 0;
    const Json days = Json::parse(answer.body);
    for (const auto& d : days["days"]) {
      for (const auto& slot : d["slots"]) {
        options += slot["options"].size();
      }
    }
    json_options = options;
  }
  const double fhir_median = fhir_times.Percentile(0.5), json_median = json_times.Percentile(0.5);
  std::printf(
      "%s %s on %s, %d rounds: FHIR Slot search median %.2f ms (p90 %.2f), %zu Slots, %zu bytes; "
      "JSON availability median %.2f ms (p90 %.2f), %zu practitioner options, %zu bytes; "
      "FHIR / JSON = %.2fx\n",
      clinic.c_str(), service_slug.c_str(), day.c_str(), rounds, fhir_median,
      fhir_times.Percentile(0.9), fhir_slots, fhir_bytes, json_median, json_times.Percentile(0.9),
      json_options, json_bytes, fhir_median / json_median);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "bulk" && argc == 5) {
    return Bulk(static_cast<std::uint16_t>(std::atoi(argv[2])), argv[3], argv[4]);
  }
  if (mode == "search" && (argc == 8 || (argc == 9 && std::string(argv[8]) == "expired"))) {
    return Search(static_cast<std::uint16_t>(std::atoi(argv[2])), argv[3], argv[4], argv[5],
                  argv[6], std::atoi(argv[7]), argc == 9);
  }
  std::fprintf(stderr,
               "usage: %s bulk PORT CLINIC SERVER_PID\n"
               "       %s search PORT CLINIC SERVICE_SLUG DAY NEXT_DAY ROUNDS [expired]\n",
               argv[0], argv[0]);
  return 2;
}
