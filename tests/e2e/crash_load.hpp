#pragma once

// Booking load for the crash-consistency tests (crash_sqlite_test.cpp, crash_postgres_test.cpp):
// clients that book free slots of the demo clinic over HTTP and remember every booking the
// server acknowledged with 201, so that a test can crash the server or its database and then
// check that each of them is still there.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"

namespace unknot::testing {

inline const std::string kCrashClinicBase = "/api/v1/clinics/mission-sports-chiro";

// How many crash cycles a test runs: $UNKNOT_CRASH_CYCLES (`make crash-test` raises it), else 3.
int CrashCycles();

// The seed of a test's random choices (kill moments, slot order): $UNKNOT_CRASH_SEED, else a
// fresh one. Tests print it, so that a failing run's choices can be repeated.
unsigned CrashSeed();

// Polls `done` every 10 ms until it holds or `timeout` passes; whether it held.
bool PollUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// A bookable start of a service with one practitioner, as the availability API lists it.
struct Slot {
  std::int64_t service = 0;
  std::int64_t practitioner = 0;
  std::string start;
};

// Free slots of every service of the demo clinic over the next 58 days, read from the
// availability API of the server at `port`; of each practitioner's slots only ones that do not
// overlap each other (so most bookings succeed), in an order shuffled by `random`. Fails the
// calling test when the API does not answer.
std::vector<Slot> FreeSlots(std::uint16_t port, std::mt19937& random);

// A booking the server answered with 201.
struct Acknowledgement {
  std::int64_t id = 0;
  std::string token;  // the manage token, to read it back over the API
  std::string start;  // as the 201 said, RFC 3339
  std::int64_t start_seconds = 0;
  std::int64_t practitioner = 0;
  std::int64_t room = 0;
};

// What the clients were answered.
struct LoadTally {
  int created = 0;      // 201
  int conflicts = 0;    // 409 or 422: the slot was no longer free
  int unavailable = 0;  // 503
  int no_answer = 0;    // no HTTP answer: the server was gone (that client then stops)
  int other = 0;        // anything else
  std::string first_other;
  int read_backs = 0;      // acknowledged bookings read back at once over the API
  int read_back_lost = 0;  // ...that the server then did not know (404)
};

// `clients` threads that book `slots` one after another (each slot once; each request with a
// patient and a forwarded client address of its own, so the server must trust the loopback as a
// proxy: `--trusted-proxy 127.0.0.1`) on the server at `port`, until Stop() or until no slot is
// left. A slot answered 503 is tried again after 20 ms; a client whose request gets no answer at
// all (the server is gone) stops. After each 201 the client reads the booking back (so the
// server opens read connections while it writes).
class BookingLoad {
 public:
  BookingLoad(std::uint16_t port, std::vector<Slot> slots, int clients, int patient_base);
  ~BookingLoad();
  BookingLoad(const BookingLoad&) = delete;
  BookingLoad& operator=(const BookingLoad&) = delete;

  // Stops the clients after their current request and waits for them.
  void Stop();
  // Every client has stopped: no slot was left, or the server did not answer.
  bool Finished() const { return running_.load() == 0; }
  int created() const { return created_.load(); }
  int unavailable() const { return unavailable_.load(); }
  LoadTally Tally() const;
  std::vector<Acknowledgement> Acknowledged() const;

 private:
  void Client();
  // Records a 201 and reads the booking back.
  void Record(const HttpResult& r);

  std::uint16_t port_;
  std::vector<Slot> slots_;
  int patient_base_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> next_{0};
  std::atomic<int> attempts_{0};
  std::atomic<int> running_{0};
  std::atomic<int> created_{0};
  std::atomic<int> unavailable_{0};
  mutable std::mutex mutex_;
  LoadTally tally_;
  std::vector<Acknowledgement> acknowledged_;
  std::vector<std::thread> threads_;
};

// Reads every acknowledged booking back over the API of the server at `port`; one line for
// each that is missing, not booked any more, or at another start or with another practitioner.
std::vector<std::string> MissingOverApi(std::uint16_t port,
                                        const std::vector<Acknowledgement>& acknowledged);

// "id 17 at 2026-12-08T17:00:00Z with practitioner 2": how the tests name a booking.
std::string Describe(const Acknowledgement& a);

}  // namespace unknot::testing
