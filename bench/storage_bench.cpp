// What a clinic read costs: loading the whole demo setup from SQLite and rendering it as JSON,
// the work behind GET /api/v1/clinics/{clinic}/practitioners.

#include <benchmark/benchmark.h>

#include "api/json/clinic_json.hpp"
#include "app/demo_clinic.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace {

using namespace unknot;

struct DemoDatabase {
  testing::TempDir dir;
  std::string path = dir.File("bench.db");
  core::FixedClock clock{core::ParseInstant("2026-11-26T18:00:00Z").value()};
  std::unique_ptr<storage::sqlite::SqliteStorage> storage;
  core::ClinicId clinic;

  DemoDatabase() {
    (void)storage::sqlite::MigrateDatabase(path, clock).value();
    storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
    clinic = app::LoadDemoClinic(*storage, clock).value().clinic.id;
  }
};

void BM_LoadSetup(benchmark::State& state) {
  DemoDatabase demo;
  for (auto _ : state) {
    auto setup = demo.storage->LoadSetup(demo.clinic);
    benchmark::DoNotOptimize(setup);
  }
}
BENCHMARK(BM_LoadSetup);

void BM_PractitionersJson(benchmark::State& state) {
  DemoDatabase demo;
  auto setup = *demo.storage->LoadSetup(demo.clinic).value();
  for (auto _ : state) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : setup.practitioners) list.push_back(api::json::PractitionerJson(p));
    std::string body = list.dump();
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_PractitionersJson);

}  // namespace
