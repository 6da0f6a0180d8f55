#pragma once

// Many clients booking at once, for the end-to-end race tests on both storage backends.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace unknot::testing {

// A booking of `service` at `start` by client number `client`, who has a name and email of
// their own (so each request is a different patient).
inline std::string ClientBookingBody(std::int64_t service, const std::string& start, int client) {
  nlohmann::json body = {{"service", service},
                         {"start", start},
                         {"patient",
                          {{"given_name", "Client"},
                           {"family_name", std::to_string(client)},
                           {"email", "client" + std::to_string(client) + "@example.org"},
                           {"phone", "+14155550100"}}}};
  return body.dump();
}

// The servers of the many-clients tests trust 127.0.0.1 as a reverse proxy
// (`--trusted-proxy 127.0.0.1`), and each client says who it is in X-Forwarded-For, so the rate
// limits count each client on its own as they would behind a real proxy.
inline constexpr const char* kTrustLoopback = "127.0.0.1";

// Client number `client` (0 to 60000) forwarded from an address of its own in 10.77.0.0/16.
inline HttpHeaders ForwardedFor(int client) {
  return {{"X-Forwarded-For",
           "10.77." + std::to_string(client / 250) + "." + std::to_string(client % 250 + 1)}};
}

struct RaceTally {
  int created = 0;          // 201
  int conflicts = 0;        // 409
  int other = 0;            // anything else
  std::string first_other;  // the first such answer, for the failure message
};

// Sends `request(i)` for every i in [0, clients), each from a thread of its own, all at once,
// and counts the answers.
inline RaceTally Race(int clients, const std::function<HttpResult(int)>& request) {
  RaceTally tally;
  std::mutex mutex;
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(clients));
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = request(i);
      std::lock_guard lock(mutex);
      if (r.status == 201) {
        ++tally.created;
      } else if (r.status == 409) {
        ++tally.conflicts;
      } else {
        if (tally.other++ == 0) tally.first_other = std::to_string(r.status) + " " + r.body;
      }
    });
  }
  for (auto& t : threads) t.join();
  return tally;
}

}  // namespace unknot::testing
