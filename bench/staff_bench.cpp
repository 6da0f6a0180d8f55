// What the audit log costs a staff read (issue 13): a read of a patient's record (FindPatient +
// ListPatientAppointments + LoadSetup, which is cached) alone, and the same read with its audit
// entry (AuditRepository::AppendAudit: a durable commit through the single SQLite writer, which
// groups concurrent appends into one fsync). Single-threaded, and with 8 threads as a server with
// 8 I/O threads serving staff reads at once. Target: read + audit <= 2x the read alone.
//
// The threaded cases use real time: the figure is wall time per read across all threads
// (1 / throughput); items_per_second says the same as a rate.

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

#include "app/demo_clinic.hpp"
#include "core/staff/authorization.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace {

using namespace unknot;
using namespace std::chrono_literals;

// One demo clinic on a SQLite file in a temporary folder, with one patient holding 12
// appointments (a patient seen every few weeks for half a year), shared by every case.
struct StaffDatabase {
  testing::TempDir dir;
  std::string path = dir.File("staff.db");
  core::FixedClock clock{core::ParseInstant("2026-11-26T18:00:00Z").value()};
  std::unique_ptr<storage::sqlite::SqliteStorage> storage;
  core::ClinicId clinic;
  core::PatientId patient;

  StaffDatabase() {
    (void)storage::sqlite::MigrateDatabase(path, clock).value();
    storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
    clinic = app::LoadDemoClinic(*storage, clock).value().clinic.id;
    auto setup = storage->LoadSetup(clinic).value();
    core::clinic::Patient person{core::PatientId{}, "Ada",          "Lovelace",
                                 "ada@example.org", "+14155550123", clock.Now()};
    patient = storage->CreatePatient(clinic, person).value().id;
    const auto& service = setup->services.front();
    for (int i = 0; i < 12; ++i) {
      core::Instant start = clock.Now() + std::chrono::days{14 * i - 84} + 1h;
      core::scheduling::Appointment a{
          .id = {},
          .patient = patient,
          .practitioner =
              setup->practitioners[static_cast<std::size_t>(i) % setup->practitioners.size()].id,
          .service = service.id,
          .room = setup->rooms.front().id,
          .time = core::Interval::Create(start, start + service.duration).value(),
          .blocked_until = start + service.duration,
          .created_at = clock.Now(),
          .updated_at = clock.Now(),
          .cancelled_at = std::nullopt,
          .assessment = std::nullopt};
      (void)storage->InsertAppointment(clinic, a).value();
    }
  }

  static StaffDatabase& Get() {
    static StaffDatabase database;
    return database;
  }
};

// The read behind a staff member opening a patient's record.
void ReadRecord(StaffDatabase& db) {
  auto setup = db.storage->LoadSetup(db.clinic);
  auto patient = db.storage->FindPatient(db.clinic, db.patient);
  auto appointments = db.storage->ListPatientAppointments(db.clinic, db.patient);
  if (!setup || !patient || !appointments) std::abort();
  benchmark::DoNotOptimize(patient);
  benchmark::DoNotOptimize(appointments);
}

core::staff::AuditEntry ReadEntry(StaffDatabase& db, int thread) {
  core::staff::AuditEntry entry;
  entry.clinic = db.clinic;
  entry.staff_email = "desk@example.org";
  entry.role = core::staff::StaffRole::kFrontDesk;
  entry.action = std::string(core::staff::ToString(core::staff::Action::kViewPatientContact));
  entry.patient = db.patient;
  entry.record = "patient/" + std::to_string(db.patient.value());
  entry.at = db.clock.Now();
  entry.client_address = "192.0.2." + std::to_string(thread + 1);
  entry.request_id = "bench-" + std::to_string(thread);
  return entry;
}

void BM_StaffRead(benchmark::State& state) {
  StaffDatabase& db = StaffDatabase::Get();
  for (auto _ : state) ReadRecord(db);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StaffRead)->UseRealTime();
BENCHMARK(BM_StaffRead)->Threads(8)->UseRealTime();

void BM_StaffReadAudited(benchmark::State& state) {
  StaffDatabase& db = StaffDatabase::Get();
  const core::staff::AuditEntry entry = ReadEntry(db, state.thread_index());
  for (auto _ : state) {
    ReadRecord(db);
    if (!db.storage->AppendAudit(entry)) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StaffReadAudited)->UseRealTime();
BENCHMARK(BM_StaffReadAudited)->Threads(8)->UseRealTime();

}  // namespace
