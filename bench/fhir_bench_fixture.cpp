// Prepares the FHIR bulk-publish benchmark (bench/run.sh BENCH_ONLY=fhir): a migrated SQLite
// database with three clinics of 20 practitioners that differ only in their booking horizon,
// "fhir-15", "fhir-30" and "fhir-60" (days). Each: 20 chiropractors and 20 rooms, open 08:00-18:00
// Monday to Saturday (UTC), a 30-minute session and a 60-minute one that every practitioner
// delivers, 15-minute steps, no minimum notice: about 1,500 free slots a working day, so the
// 60-day Slot.ndjson holds about 80,000 lines. No appointments: every time is free.
//
// usage: unknot_bench_fhir_fixture DATABASE

#include <cstdio>
#include <string>

#include "core/common/clock.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

using namespace unknot;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATABASE\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  core::SystemClock clock;
  if (auto migrated = storage::sqlite::MigrateDatabase(path, clock); !migrated) {
    std::fprintf(stderr, "cannot migrate %s: %s\n", path.c_str(),
                 migrated.error().message().c_str());
    return 1;
  }
  auto storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
  for (int horizon : {15, 30, 60}) {
    core::clinic::ClinicSetup setup;
    setup.clinic = {
        core::ClinicId{},
        "fhir-" + std::to_string(horizon),
        "FHIR Bench Clinic " + std::to_string(horizon),
        "+14155550199",
        {"1 Bench St", "", "San Francisco", "CA", "94103", "US"},
        "UTC",
        core::clinic::BookingPolicy{.min_notice = 0min,
                                    .horizon = std::chrono::days{horizon},
                                    .cancellation_window = 0min,
                                    .slot_step = 15min,
                                    .grace_period = 0min,
                                    .address_writes = {.count = 10, .period = 60s, .burst = 20},
                                    .email_bookings = {.count = 5, .period = 1h, .burst = 5},
                                    .max_future_online_bookings = 3},
        core::clinic::SessionPolicy{}};
    constexpr int kPeople = 20;
    for (int i = 0; i < kPeople; ++i) {
      setup.rooms.push_back(
          {core::RoomId{}, "Room " + std::to_string(i), core::clinic::RoomKind::kAdjustment});
      core::clinic::Practitioner p;
      p.slug = "dc-" + std::to_string(i);
      p.display_name = "Dr. Bench " + std::to_string(i);
      p.role = core::clinic::Role::kChiropractor;
      for (unsigned d = 1; d < 7; ++d) {
        p.hours.push_back({date::weekday{d}, core::TimeOfDay::Parse("08:00").value(),
                           core::TimeOfDay::Parse("18:00").value()});
      }
      setup.practitioners.push_back(std::move(p));
    }
    for (int minutes : {30, 60}) {
      core::clinic::Service service;
      service.slug = "session-" + std::to_string(minutes);
      service.name = "Session, " + std::to_string(minutes) + " minutes";
      service.duration = std::chrono::minutes{minutes};
      service.allowed_roles = {core::clinic::Role::kChiropractor};
      service.room_kind = core::clinic::RoomKind::kAdjustment;
      setup.services.push_back(std::move(service));
    }
    auto stored = storage->CreateClinic(setup);
    if (!stored) {
      std::fprintf(stderr, "cannot create %s: %s\n", setup.clinic.slug.c_str(),
                   stored.error().message().c_str());
      return 1;
    }
  }
  std::printf("clinics fhir-15, fhir-30, fhir-60 (20 practitioners each) in %s\n", path.c_str());
  return 0;
}
