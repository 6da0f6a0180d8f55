// Patient messages (issue 16), two figures:
//  (a) durable bookings per second through the storage port with the outbox on (the insert
//      trigger of SQLite migration 20 queues each booking's confirmation and reminder as one
//      pending row) and off (the same database with the outbox's two appointment triggers
//      dropped, so the same bookings write no message rows); THREADS threads book COUNT
//      non-overlapping appointments of new patients each; three rounds, off and on alternating;
//  (b) delivery with one worker: COUNT booked confirmations sent by one Deliverer (SMTP over
//      libcurl, a fresh manage token stored per message) to a local aiosmtpd
//      (tests/messages/smtp_sink.py, started here) until the outbox is empty. Its first claim
//      makes the outbox rows of all COUNT pending bookings, so (b) includes the work (a) left.
//
// usage: unknot_bench_messages DIR [COUNT=2000] [THREADS=16]    (DIR: an empty scratch directory)

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "app/demo_clinic.hpp"
#include "messaging/deliverer.hpp"
#include "security/sodium_tokens.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

using namespace unknot;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

enum class Outbox { kOff, kOn };

core::ports::NewBooking Booking(const core::clinic::ClinicSetup& setup, core::Instant start,
                                long n) {
  return core::ports::NewBooking{
      .patient = {core::PatientId{},
                  "Bench",
                  "Patient " + std::to_string(n),
                  "p" + std::to_string(n) + "@example.org",
                  "+14155550142",
                  {}},
      .appointment = {.id = {},
                      .patient = {},
                      .practitioner = setup.practitioners[0].id,
                      .service = setup.services[1].id,
                      .room = setup.rooms[0].id,
                      .time = core::Interval::Create(start, start + 30min).value(),
                      .blocked_until = start + 30min,
                      .status = core::scheduling::AppointmentStatus::kBooked,
                      .source = core::scheduling::BookingSource::kOnline,
                      .created_at = {},
                      .updated_at = {},
                      .cancelled_at = std::nullopt,
                      .assessment = std::nullopt},
      .other_rooms = {},
      .manage_token_hash = "hash-" + std::to_string(n),
      .idempotency = std::nullopt,
      .max_future_online = std::nullopt};
}

struct Prepared {
  std::unique_ptr<storage::sqlite::SqliteStorage> storage;
  core::clinic::ClinicSetup setup;
};

Prepared Prepare(const std::string& path, const core::Clock& clock, Outbox outbox) {
  storage::sqlite::MigrateDatabase(path, clock).value();
  if (outbox == Outbox::kOff) {
    auto db =
        storage::sqlite::Connection::Open(path, storage::sqlite::Connection::OpenMode::kReadWrite)
            .value();
    db.Exec(
          "DROP TRIGGER appointments_outbox_on_insert; "
          "DROP TRIGGER appointments_outbox_on_update;")
        .value();
  }
  Prepared p;
  p.storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
  p.setup = p.storage->CreateClinic(app::DemoClinicSetup(clock.Now()).value()).value();
  return p;
}

// Bookings per second: `threads` threads, `count` bookings in all, none overlapping.
double BookingRate(const std::string& path, const core::Clock& clock, Outbox outbox, long count,
                   int threads) {
  Prepared p = Prepare(path, clock, outbox);
  const core::Instant first = std::chrono::floor<std::chrono::days>(clock.Now()) + 24h * 30;
  std::atomic<long> next{0};
  std::atomic<long> failed{0};
  const auto began = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (long n = next++; n < count; n = next++) {
        if (!p.storage->Book(p.setup.clinic.id, Booking(p.setup, first + n * 30min, n))) ++failed;
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  if (failed > 0) std::fprintf(stderr, "%ld bookings failed\n", failed.load());
  return static_cast<double>(count - failed) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [COUNT] [THREADS]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const long count = argc > 2 ? std::atol(argv[2]) : 2000;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 16;
  std::filesystem::create_directories(dir);
  core::SystemClock clock;

  // (a) Alternating runs so that disk and cache effects fall on both alike.
  constexpr int kRounds = 3;
  double off = 0, on = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string tag = std::to_string(round);
    const double round_off =
        BookingRate(dir + "/off" + tag + ".db", clock, Outbox::kOff, count, threads);
    const double round_on =
        BookingRate(dir + "/on" + tag + ".db", clock, Outbox::kOn, count, threads);
    std::printf("  round %d: outbox off %.0f, on %.0f bookings/s (%.1f %%)\n", round + 1, round_off,
                round_on, 100.0 * round_on / round_off);
    off += round_off;
    on += round_on;
  }
  off /= kRounds;
  on /= kRounds;
  std::printf("bookings/s, %d threads, %ld bookings: outbox off %.0f, on %.0f (%.1f %%)\n", threads,
              count, off, on, 100.0 * on / off);

  // (b) One worker delivering `count` confirmations to aiosmtpd on loopback.
  const std::string mail = dir + "/mail";
  std::filesystem::remove_all(mail);
  const std::string sink =
      "/usr/bin/python3 tests/messages/smtp_sink.py " + mail + " & echo $! > " + dir + "/sink.pid";
  if (std::system(sink.c_str()) != 0) return 1;
  for (int i = 0; i < 200 && !std::filesystem::exists(mail + "/port"); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  int port = 0;
  std::ifstream(mail + "/port") >> port;
  Prepared p = Prepare(dir + "/deliver.db", clock, Outbox::kOn);
  const core::Instant first = std::chrono::floor<std::chrono::days>(clock.Now()) + 24h * 30;
  for (long n = 0; n < count; ++n) {
    p.storage->Book(p.setup.clinic.id, Booking(p.setup, first + n * 30min, n)).value();
  }
  messaging::SmtpSettings smtp;
  smtp.url = "smtp://127.0.0.1:" + std::to_string(port);
  messaging::DeliveryOptions options;
  options.from_address = "bookings@clinic.example";
  options.public_url = "https://clinic.example";
  messaging::Deliverer deliverer(*p.storage, messaging::MakeSmtpSender(smtp), nullptr,
                                 std::make_unique<security::SodiumTokens>(), clock, options);
  long sent = 0, failed = 0;
  const auto began = Clock::now();
  for (;;) {
    auto counts = deliverer.RunOnce().value();
    sent += counts.sent;
    failed += counts.failed;
    if (counts.claimed == 0) break;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  std::system(("kill $(cat " + dir + "/sink.pid)").c_str());
  std::printf(
      "delivery, 1 worker, aiosmtpd on loopback: %ld sent (%ld failed) in %.2f s = %.0f "
      "messages/s\n",
      sent, failed, seconds, static_cast<double>(sent) / seconds);
  return 0;
}
