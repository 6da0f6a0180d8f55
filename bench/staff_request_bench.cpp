// What the audit log costs a staff read served as a request (issue 13): a signed-in front-desk
// member opens a patient's record, GET /api/v1/clinics/{clinic}/patients/{id}, dispatched through
// the server's router and the staff gate (session check, policy table, the record's reads, the
// JSON answer), but without sockets. Once with the read's audit entry appended to the clinic's
// SQLite audit log before the answer, as the server does, and once with the same entry handed to a
// sink that keeps nothing: the same read without its audit write. Target: audited <= 2x.
//
// Single-threaded (one staff member's request, the latency they feel) and with 8 threads (a busy
// clinic; wall time per request across all threads, so 1 / throughput).

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "api/http/router.hpp"
#include "api/v1/patient_routes.hpp"
#include "api/v1/staff_gate.hpp"
#include "app/demo_clinic.hpp"
#include "security/session_secrets.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace {

using namespace unknot;
using namespace std::chrono_literals;

// Takes a read's audit entry and keeps nothing: the read without its audit write.
class DiscardedAudit final : public core::ports::AuditRepository {
 public:
  core::Result<core::staff::AuditEntry> AppendAudit(const core::staff::AuditEntry& entry) override {
    appended.fetch_add(1, std::memory_order_relaxed);
    return entry;
  }
  core::Result<std::vector<core::staff::AuditEntry>> ListAudit(
      core::ClinicId, const core::ports::AuditFilter&) override {
    return std::vector<core::staff::AuditEntry>{};
  }
  core::Result<std::vector<core::ports::BrokenLink>> VerifyAudit(
      std::optional<core::ClinicId>) override {
    return std::vector<core::ports::BrokenLink>{};
  }
  std::atomic<std::int64_t> appended{0};
};

// The demo clinic on a SQLite file, a patient with 12 appointments (seen every two weeks for half
// a year), a signed-in front-desk account, and two routers: one auditing into SQLite, one not.
struct Clinic {
  testing::TempDir dir;
  std::string path = dir.File("staff-requests.db");
  core::FixedClock clock{core::ParseInstant("2026-11-26T18:00:00Z").value()};
  std::unique_ptr<storage::sqlite::SqliteStorage> storage;
  DiscardedAudit discarded;
  api::http::Router audited;
  api::http::Router unaudited;
  std::unique_ptr<api::v1::StaffRoutes> audited_routes;
  std::unique_ptr<api::v1::StaffRoutes> unaudited_routes;
  std::string target;
  std::string cookie;

  Clinic() {
    (void)storage::sqlite::MigrateDatabase(path, clock).value();
    storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
    const core::clinic::Clinic clinic = app::LoadDemoClinic(*storage, clock).value().clinic;
    auto setup = storage->LoadSetup(clinic.id).value();
    core::clinic::Patient person{core::PatientId{}, "Ada",          "Lovelace",
                                 "ada@example.org", "+14155550123", clock.Now()};
    const core::PatientId patient = storage->CreatePatient(clinic.id, person).value().id;
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
      (void)storage->InsertAppointment(clinic.id, a).value();
    }
    target = "/api/v1/clinics/" + clinic.slug + "/patients/" + std::to_string(patient.value());
    cookie = "unknot_session=" + SignInFrontDesk(clinic);
    audited_routes = std::make_unique<api::v1::StaffRoutes>(audited, *storage, clock);
    api::v1::AddPatientRoutes(*audited_routes, *storage);
    unaudited_routes =
        std::make_unique<api::v1::StaffRoutes>(unaudited, *storage, discarded, clock);
    api::v1::AddPatientRoutes(*unaudited_routes, *storage);
  }

  // A front-desk account and its live session, made in storage; returns the session's secret.
  std::string SignInFrontDesk(const core::clinic::Clinic& clinic) {
    core::staff::StaffAccount account;
    account.clinic = clinic.id;
    account.email = "desk@example.org";
    account.display_name = "Front desk";
    account.role = core::staff::StaffRole::kFrontDesk;
    account.password_hash = "not-a-real-hash";
    account.created_at = clock.Now();
    account.password_changed_at = clock.Now();
    account = storage->CreateStaff(account, std::nullopt).value();
    security::NewSessionSecrets secrets = security::NewSessionSecretsNow();
    core::staff::Session session;
    session.secret_hash = secrets.session_id_hash;
    session.clinic = clinic.id;
    session.staff = account.id;
    session.csrf_token = secrets.csrf_token;
    session.created_at = clock.Now();
    session.last_seen_at = clock.Now();
    session.expires_at = clock.Now() + 12h;
    session.client_address = "192.0.2.1";
    core::staff::AuditEntry entry;
    entry.clinic = clinic.id;
    entry.staff = account.id;
    entry.staff_email = account.email;
    entry.role = account.role;
    entry.action = "sign_in";
    entry.at = clock.Now();
    entry.client_address = session.client_address;
    (void)storage->CreateSession(session, entry).value();
    return secrets.session_id;
  }

  static Clinic& Get() {
    static Clinic clinic;
    return clinic;
  }
};

void OpenRecord(benchmark::State& state, api::http::Router& router) {
  Clinic& clinic = Clinic::Get();
  api::http::Request request;
  request.method = api::http::Method::kGet;
  request.path = clinic.target;
  request.headers.emplace_back("cookie", clinic.cookie);
  request.client_address = "192.0.2." + std::to_string(state.thread_index() + 1);
  request.request_id = "bench-" + std::to_string(state.thread_index());
  std::size_t bytes = 0;
  for (auto _ : state) {
    api::http::Response response = router.Dispatch(request);
    if (response.status != 200) std::abort();
    bytes += response.body.size();
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
}

void BM_StaffRecordRequest(benchmark::State& state) { OpenRecord(state, Clinic::Get().unaudited); }
BENCHMARK(BM_StaffRecordRequest)->UseRealTime();
BENCHMARK(BM_StaffRecordRequest)->Threads(8)->UseRealTime();

void BM_StaffRecordRequestAudited(benchmark::State& state) {
  OpenRecord(state, Clinic::Get().audited);
}
BENCHMARK(BM_StaffRecordRequestAudited)->UseRealTime();
BENCHMARK(BM_StaffRecordRequestAudited)->Threads(8)->UseRealTime();

}  // namespace
