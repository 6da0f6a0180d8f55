// Prepares a booking load: a migrated database (a SQLite file, or a PostgreSQL URI) holding a large
// clinic ("bench-clinic": 100 chiropractors, 100 rooms, every day 08:00-16:00, one 30-minute
// service, no minimum notice, a 365-day horizon) and a file of booking request bodies, one JSON
// object per line, each for a different practitioner and start so that none of them collide.
// bench/booking.lua replays them.
//
// usage: unknot_bench_fixture DATABASE BODIES_FILE COUNT

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/common/clock.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

using namespace unknot;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATABASE BODIES_FILE COUNT\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const long count = std::atol(argv[3]);
  core::SystemClock clock;
  std::unique_ptr<core::ports::Storage> storage;
  auto fail = [&](const core::Error& error) {
    std::fprintf(stderr, "cannot prepare %s: %s\n", path.c_str(), error.message().c_str());
    return 1;
  };
  if (storage::postgres::IsPostgresUri(path)) {
    auto pool = storage::postgres::ConnectionPool::Connect(path, 1);
    if (!pool) return fail(pool.error());
    if (auto migrated = storage::postgres::Migrate(**pool, clock); !migrated) {
      return fail(migrated.error());
    }
    storage = storage::postgres::PostgresStorage::Open({path, 1}, clock).value();
  } else {
    if (auto migrated = storage::sqlite::MigrateDatabase(path, clock); !migrated) {
      return fail(migrated.error());
    }
    storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
  }

  core::clinic::ClinicSetup setup;
  setup.clinic = {core::ClinicId{},
                  "bench-clinic",
                  "Bench Clinic",
                  "+14155550199",
                  {"1 Bench St", "", "San Francisco", "CA", "94103", "US"},
                  "UTC",
                  core::clinic::BookingPolicy{
                      .min_notice = 0min,
                      .horizon = std::chrono::days{365},
                      .cancellation_window = 0min,
                      .slot_step = 30min,
                      .grace_period = 0min,
                      // wrk is one client booking thousands a second: not what to limit.
                      .address_writes = {.count = 1'000'000, .period = 1s, .burst = 1'000'000},
                      .email_bookings = {.count = 5, .period = 1h, .burst = 5},
                      .max_future_online_bookings = 3},
                  core::clinic::SessionPolicy{}};
  constexpr int kPeople = 100;
  for (int i = 0; i < kPeople; ++i) {
    setup.rooms.push_back(
        {core::RoomId{}, "Room " + std::to_string(i), core::clinic::RoomKind::kAdjustment});
    core::clinic::Practitioner p;
    p.slug = "dc-" + std::to_string(i);
    p.display_name = "Dr. Bench " + std::to_string(i);
    p.role = core::clinic::Role::kChiropractor;
    for (unsigned d = 0; d < 7; ++d) {
      p.hours.push_back({date::weekday{d}, core::TimeOfDay::Parse("08:00").value(),
                         core::TimeOfDay::Parse("16:00").value()});
    }
    setup.practitioners.push_back(std::move(p));
  }
  core::clinic::Service session;
  session.slug = "session";
  session.name = "Session";
  session.duration = 30min;
  session.allowed_roles = {core::clinic::Role::kChiropractor};
  session.room_kind = core::clinic::RoomKind::kAdjustment;
  setup.services = {session};
  auto stored = storage->CreateClinic(setup);
  if (!stored) {
    std::fprintf(stderr, "cannot create the bench clinic: %s\n", stored.error().message().c_str());
    return 1;
  }

  // Starts from tomorrow 08:00 UTC: practitioner-major within a day so concurrent requests
  // spread over practitioners and rooms.
  std::ofstream out(argv[2]);
  auto day = date::floor<date::days>(clock.Now()) + date::days{1};
  long written = 0;
  for (int d = 0; written < count && d < 360; ++d) {
    for (int slot = 0; written < count && slot < 16; ++slot) {
      core::Instant start{date::sys_days{day + date::days{d}} + 8h + slot * 30min};
      for (const auto& p : stored->practitioners) {
        if (written >= count) break;
        out << R"({"service":)" << stored->services[0].id.value() << R"(,"practitioner":)"
            << p.id.value() << R"(,"start":")" << core::FormatInstant(start)
            << R"(","patient":{"given_name":"Load","family_name":"Test","email":"load)" << written
            << R"(@example.org","phone":"+14155550100"}})" << '\n';
        ++written;
      }
    }
  }
  std::printf("%ld booking bodies in %s\n", written, argv[2]);
  return 0;
}
