// The client of the latency benchmark (issue 18, bench/latency/run.sh): the time of one request on
// a fresh TCP connection (from before connect() to the answer's last byte), for the bare server
// (bench/latency/bare_server.c) and for `unknot serve`, in interleaved rounds so that both see the
// same machine at the same moment and the figure that counts is the difference.
//
// Each round makes one request of every kind, in an order that changes from round to round (all
// the orders in turn):
//   bare               GET / on the bare server
//   healthz            GET /healthz on unknot
//   avail_cached       GET one day's availability, twice; the second (from the 1 s cache) is timed
//   avail_after_write  a write on that day and practitioner through the public API (a booking of
//                      a free start as a new patient, or the cancellation of the previous one with
//                      its manage token; not timed, must answer 2xx), then the timed GET of that
//                      day's availability (recomputed, since a booking clears the cache)
//   avail_after_other_write  the same write on another day (--other-start), then the timed GET of
//                      the first day, which that write cannot change: from the cache
// Printed: per kind the median and p95 in µs, net of bare (the median and p95 of the per-round
// differences kind − bare), the median of the per-round ratios kind / bare, and the requests that
// failed.
//
// No project libraries: plain sockets with TCP_NODELAY, one connection per request, closed after
// the server's FIN (the server, asked for `Connection: close`, closes first).
//
// Usage: unknot_bench_latency_client --bare-port P --port P --clinic SLUG --service ID
//          --practitioner ID --day YYYY-MM-DD --start RFC3339 [--other-start RFC3339]
//          [--rounds 2000] [--warmup 200]
//          [--only KIND] [--seconds S] [--gap-us G]
// --only KIND runs only that kind (no bare, no net), e.g. while a profiler watches the server;
// --seconds S then stops after S seconds instead of after the rounds. --gap-us G sleeps G µs
// before each timed request (untimed), so that it finds both servers idle.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Answer {
  int status = 0;
  std::string head;  // status line and header fields
  std::string body;
  double micros = 0;  // before connect() to the last byte of the body
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "latency_client: %s\n", message.c_str());
  std::exit(1);
}

// Waits for the socket to be readable for at most `ms`; false on timeout.
bool WaitReadable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    int ready = poll(&p, 1, ms);
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

// One request on a new connection. nullopt if the connection or the answer failed.
std::optional<Answer> Exchange(int port, const std::string& request) {
  Clock::time_point started = Clock::now();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return std::nullopt;
  }
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t put = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      close(fd);
      return std::nullopt;
    }
    sent += static_cast<size_t>(put);
  }
  std::string in;
  std::array<char, 65536> buffer{};
  size_t header_end = std::string::npos;
  std::optional<size_t> length;
  Answer answer;
  bool complete = false;
  while (!complete) {
    if (!WaitReadable(fd, 5000)) break;
    ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      complete = header_end != std::string::npos && !length;  // no length: the body ends at EOF
      break;
    }
    in.append(buffer.data(), static_cast<size_t>(got));
    if (header_end == std::string::npos) {
      header_end = in.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        header_end += 4;
        std::string head = in.substr(0, header_end);
        std::transform(head.begin(), head.end(), head.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        size_t at = head.find("\r\ncontent-length:");
        if (at != std::string::npos) length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
      }
    }
    if (header_end != std::string::npos && length && in.size() >= header_end + *length) {
      complete = true;
    }
  }
  Clock::time_point finished = Clock::now();
  if (complete) {
    // Untimed: wait for the server's FIN so that it, not this client, holds the TIME_WAIT.
    while (WaitReadable(fd, 1000)) {
      ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
    }
  }
  close(fd);
  if (!complete || in.size() < 12 || in.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  answer.status = std::atoi(in.c_str() + 9);
  answer.head = in.substr(0, header_end);
  answer.body = in.substr(header_end);
  answer.micros = std::chrono::duration<double, std::micro>(finished - started).count();
  return answer;
}

std::string Get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: unknot-latency\r\n" +
         "Accept: */*\r\nConnection: close\r\n\r\n";
}

std::string Post(const std::string& target, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: unknot-latency\r\n" +
         "Accept: */*\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// The string value of "key":"…" in a JSON body (no escapes expected), or "".
std::string StringField(const std::string& body, const std::string& key) {
  std::string needle = "\"" + key + "\":\"";
  size_t at = body.find(needle);
  if (at == std::string::npos) return "";
  at += needle.size();
  size_t end = body.find('"', at);
  return end == std::string::npos ? "" : body.substr(at, end - at);
}

// The appointment's id in a booking's answer: the last segment of its Location header, or "".
std::string AppointmentId(const std::string& head) {
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t at = lower.find("\r\nlocation:");
  if (at == std::string::npos) return "";
  size_t end = head.find("\r\n", at + 2);
  size_t slash = head.rfind('/', end);
  if (slash == std::string::npos || slash < at) return "";
  return head.substr(slash + 1, end - slash - 1);
}

struct Options {
  int bare_port = 0;
  int port = 0;
  std::string clinic;
  std::string service;
  std::string practitioner;
  std::string day;
  std::string start;
  std::string other_start;  // empty: no avail_after_other_write
  int rounds = 2000;
  int warmup = 200;
  std::string only;
  double seconds = 0;
  int gap_us = 0;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (i + 1 >= argc) Die("missing value for " + name);
    std::string value = argv[++i];
    if (name == "--bare-port") {
      o.bare_port = std::atoi(value.c_str());
    } else if (name == "--port") {
      o.port = std::atoi(value.c_str());
    } else if (name == "--clinic") {
      o.clinic = value;
    } else if (name == "--service") {
      o.service = value;
    } else if (name == "--practitioner") {
      o.practitioner = value;
    } else if (name == "--day") {
      o.day = value;
    } else if (name == "--start") {
      o.start = value;
    } else if (name == "--other-start") {
      o.other_start = value;
    } else if (name == "--rounds") {
      o.rounds = std::atoi(value.c_str());
    } else if (name == "--warmup") {
      o.warmup = std::atoi(value.c_str());
    } else if (name == "--only") {
      o.only = value;
    } else if (name == "--seconds") {
      o.seconds = std::atof(value.c_str());
    } else if (name == "--gap-us") {
      o.gap_us = std::atoi(value.c_str());
    } else {
      Die("unknown option " + name);
    }
  }
  if (o.port <= 0 || o.clinic.empty() || o.service.empty() || o.practitioner.empty() ||
      o.day.empty() || o.start.empty() || o.rounds <= 0 || o.warmup < 0) {
    Die("need --port, --clinic, --service, --practitioner, --day, --start (see the source)");
  }
  if (o.only.empty() && o.bare_port <= 0) Die("need --bare-port (or --only KIND)");
  return o;
}

const std::vector<std::string> kKinds = {"bare", "healthz", "avail_cached", "avail_after_write",
                                         "avail_after_other_write"};

class Bench {
 public:
  explicit Bench(Options options) : o_(std::move(options)) {
    base_ = "/api/v1/clinics/" + o_.clinic;
    availability_ =
        base_ + "/availability?service=" + o_.service + "&from=" + o_.day + "&to=" + o_.day;
  }

  // Runs one request of `kind`; its time in µs, or nullopt when it failed (counted).
  // `gap_us`: a pause before the timed request.
  std::optional<double> Run(const std::string& kind, int gap_us) {
    if (kind == "avail_cached") {
      Timed(o_.port, Get(availability_));
    } else if (kind == "avail_after_write") {
      Write(0);
    } else if (kind == "avail_after_other_write") {
      Write(1);
    }
    if (gap_us > 0) usleep(static_cast<useconds_t>(gap_us));
    if (kind == "bare") return Timed(o_.bare_port, Get("/"));
    if (kind == "healthz") return Timed(o_.port, Get("/healthz"));
    if (kind == "avail_cached" || kind == "avail_after_write" ||
        kind == "avail_after_other_write") {
      return Timed(o_.port, Get(availability_));
    }
    Die("unknown kind " + kind);
  }

  // Cancels the bookings left over by the last round, so the days are as they were.
  void Finish() {
    for (int which = 0; which < 2; ++which) {
      if (!booked_[which].token.empty()) Write(which);
    }
  }

  int failed() const { return failed_; }
  int writes() const { return writes_; }

 private:
  std::optional<double> Timed(int port, const std::string& request) {
    std::optional<Answer> answer = Exchange(port, request);
    if (!answer || answer->status != 200) {
      ++failed_;
      if (failed_ <= 5) {
        std::fprintf(stderr, "failed: port %d, %s\n", port,
                     answer ? ("status " + std::to_string(answer->status)).c_str() : "no answer");
      }
      return std::nullopt;
    }
    return answer->micros;
  }

  // Books o_.start (which 0) or o_.other_start (1) with o_.practitioner as a new patient, or
  // cancels the previous booking of that start.
  void Write(int which) {
    ++writes_;
    std::string& token = booked_[which].token;
    std::string& id = booked_[which].id;
    const std::string& start = which == 0 ? o_.start : o_.other_start;
    if (token.empty()) {
      std::string email = "latency-" + std::to_string(getpid()) + "-" +
                          std::to_string(++patients_) + "@example.org";
      std::string body = R"({"service":)" + o_.service + R"(,"practitioner":)" + o_.practitioner +
                         R"(,"start":")" + start +
                         R"(","patient":{"given_name":"Lat","family_name":"Ency","email":")" +
                         email + R"(","phone":"+14155550142"}})";
      std::optional<Answer> answer = Exchange(o_.port, Post(base_ + "/appointments", body));
      if (!answer || answer->status / 100 != 2) {
        Die("booking refused: " + (answer ? std::to_string(answer->status) + " " + answer->body
                                          : std::string("no answer")));
      }
      token = StringField(answer->body, "manage_token");
      id = AppointmentId(answer->head);
      if (token.empty() || id.empty()) Die("booking answer without token or id");
    } else {
      std::string body = R"({"token":")" + token + R"("})";
      std::optional<Answer> answer =
          Exchange(o_.port, Post(base_ + "/appointments/" + id + "/cancel", body));
      if (!answer || answer->status / 100 != 2) {
        Die("cancellation refused: " + (answer ? std::to_string(answer->status) + " " + answer->body
                                               : std::string("no answer")));
      }
      token.clear();
      id.clear();
    }
  }

  Options o_;
  std::string base_;
  std::string availability_;
  struct Booked {
    std::string token;
    std::string id;
  };
  Booked booked_[2];
  int patients_ = 0;
  int failed_ = 0;
  int writes_ = 0;
};

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least q of the values at or below it.
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  Options options = Parse(argc, argv);
  std::vector<std::string> kinds = kKinds;
  if (!options.only.empty()) {
    if (std::find(kKinds.begin(), kKinds.end(), options.only) == kKinds.end()) {
      Die("unknown kind " + options.only);
    }
    kinds = {options.only};
  }
  if (options.other_start.empty()) {
    kinds.erase(std::remove(kinds.begin(), kinds.end(), "avail_after_other_write"), kinds.end());
    if (kinds.empty()) Die("avail_after_other_write needs --other-start");
  }
  Bench bench(options);
  std::map<std::string, std::vector<double>> times;
  std::map<std::string, std::vector<double>> net;
  std::map<std::string, std::vector<double>> ratio;  // kind / bare, per round
  Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                         options.seconds > 0 ? options.seconds : 1e9));
  int rounds = 0;
  for (int round = 0; round < options.warmup + options.rounds || options.seconds > 0; ++round) {
    if (options.seconds > 0 && Clock::now() >= deadline) break;
    std::map<std::string, std::optional<double>> got;
    // Every order of the kinds in turn (120 for 5 kinds), so each kind follows each other one (a
    // write's after-effects, a warm cache) as often, and no position in the round favours one.
    std::next_permutation(kinds.begin(), kinds.end());
    for (const std::string& kind : kinds) got[kind] = bench.Run(kind, options.gap_us);
    if (round < options.warmup) continue;
    ++rounds;
    for (const auto& [kind, micros] : got) {
      if (micros) times[kind].push_back(*micros);
      if (kind != "bare" && micros && got.count("bare") && got["bare"]) {
        net[kind].push_back(*micros - *got["bare"]);
        ratio[kind].push_back(*micros / *got["bare"]);
      }
    }
  }
  bench.Finish();

  std::printf("rounds %d (after %d warm-up), a new connection per request, times in µs\n", rounds,
              options.warmup);
  std::printf("%-18s %8s %8s %12s %12s %7s %7s\n", "kind", "median", "p95", "net_median", "net_p95",
              "ratio", "n");
  for (const std::string& kind : kKinds) {
    if (!times.count(kind)) continue;
    const std::vector<double>& t = times[kind];
    if (kind == "bare" || !net.count(kind)) {
      std::printf("%-18s %8.1f %8.1f %12s %12s %7s %7zu\n", kind.c_str(), Quantile(t, 0.5),
                  Quantile(t, 0.95), "-", "-", "-", t.size());
    } else {
      std::printf("%-18s %8.1f %8.1f %12.1f %12.1f %7.2f %7zu\n", kind.c_str(), Quantile(t, 0.5),
                  Quantile(t, 0.95), Quantile(net[kind], 0.5), Quantile(net[kind], 0.95),
                  Quantile(ratio[kind], 0.5), t.size());
    }
  }
  std::printf("writes (untimed) %d, failed requests %d\n", bench.writes(), bench.failed());
  return bench.failed() == 0 ? 0 : 1;
}
