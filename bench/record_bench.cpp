// A patient record with 100 visits, notes and outcomes (issue 15). Target: the staff record page
// loads in <= 5 ms server time and <= 60 KB gzipped.
//
// One patient of the demo clinic on a SQLite file, seen weekly for 100 weeks: four treatment
// plans of 25 weekly visits each (booked as a series, as the plan page does), every visit
// completed, with a signed visit note (two knots, an ART treatment) and its outcome measures.
// A practitioner who treats the patient opens the record: the requests the staff record page
// makes, dispatched through the server's router and staff gate in process (session check, policy
// table, the storage reads, the JSON answer, the read's audit entry appended to the SQLite audit
// log), without sockets:
//   GET …/patients/{id}                  the record (contact, appointments, booking rules)
//   GET …/patients/{id}/notes            the visit notes with their visits
//   GET …/patients/{id}/outcomes         the outcome series and its changes
//   GET …/patients/{id}/treatment-plans  the plans with their visits and progress
//   GET …/patients/{id}/home-care        the home-care program (none here: the page asks anyway)
// BM_PatientRecordPage is all five, one after the other (the page's server time);
// BM_PatientRecordRoute/<route> each alone. Counters: the answers' bytes raw and gzipped (as
// http::Gzip packs them; the routes answer uncompressed, a proxy may compress them).

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http/gzip.hpp"
#include "api/http/router.hpp"
#include "api/json/visit_note_json.hpp"
#include "api/v1/home_care_routes.hpp"
#include "api/v1/outcome_routes.hpp"
#include "api/v1/patient_routes.hpp"
#include "api/v1/staff_gate.hpp"
#include "api/v1/treatment_plan_routes.hpp"
#include "api/v1/visit_note_routes.hpp"
#include "app/demo_clinic.hpp"
#include "knowledge/load_knowledge.hpp"
#include "security/session_secrets.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace {

using namespace unknot;
using namespace std::chrono_literals;
using Json = nlohmann::json;
namespace clinical = core::clinical;
namespace scheduling = core::scheduling;

constexpr int kPlans = 4;
constexpr int kVisitsPerPlan = 25;  // 100 visits in all

// A signed note's content: two knots on the body map and an ART treatment.
Json NoteBody(int visit) {
  return {{"subjective",
           {{"words", "Sore after long desk days; better for a few days after each visit"},
            {"pain", 6 - visit % 4},
            {"sleep", "some"},
            {"limits_movement", true},
            {"movements", {"turning_head"}}}},
          {"objective",
           {{"findings", "Taut band, right upper trapezius; sacral knot smaller"},
            {"knots",
             {{{"region", "upper_trapezius_ridge"},
               {"side", "right"},
               {"size", "medium"},
               {"tenderness", 2},
               {"taut_band", true},
               {"twitch_response", true},
               {"reproduces_referral", true}},
              {{"region", "sacrum"},
               {"side", nullptr},
               {"size", "small"},
               {"tenderness", 1},
               {"taut_band", false},
               {"twitch_response", false},
               {"reproduces_referral", false}}}}}},
          {"treatment",
           {{"technique", "art"},
            {"muscles", {"upper_trapezius"}},
            {"minutes", 30},
            {"pressure", "firm"},
            {"pain_before", 6},
            {"pain_after", 3}}},
          {"assessment_plan",
           "Active trigger point, responding; continue ART weekly and the foam-roller routine."}};
}

clinical::VisitOutcome Outcome(int visit) {
  const int pain = 7 - (visit % kVisitsPerPlan) / 5;  // 7 down to 3 over each plan
  const int score = 3 + (visit % kVisitsPerPlan) / 5;
  return {pain,
          clinical::SleepEffect::kSome,
          {"turning_head"},
          {{"sleep on my left side", score},
           {"turn my head to reverse the car", score},
           {"deadlift", score}}};
}

struct Record {
  testing::TempDir dir;
  std::string path = dir.File("record.db");
  core::FixedClock clock{core::ParseInstant("2026-11-26T18:00:00Z").value()};
  std::unique_ptr<storage::sqlite::SqliteStorage> storage;
  knowledge::LoadedKnowledge knowledge;
  api::http::Router router;
  std::unique_ptr<api::v1::StaffRoutes> routes;
  std::vector<std::pair<std::string, std::string>> targets;  // name, path
  std::string cookie;

  Record() {
    (void)storage::sqlite::MigrateDatabase(path, clock).value();
    storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
    knowledge =
        knowledge::LoadKnowledge(std::filesystem::path(testing::SourceDir()) / "data").value();
    const core::clinic::Clinic clinic = app::LoadDemoClinic(*storage, clock).value().clinic;
    auto setup = storage->LoadSetup(clinic.id).value();
    const core::clinic::Practitioner& practitioner = setup->practitioners.front();
    const core::clinic::Service& service = setup->services.front();
    core::clinic::Patient person{core::PatientId{}, "Ada",          "Lovelace",
                                 "ada@example.org", "+14155550123", clock.Now()};
    const core::PatientId patient = storage->CreatePatient(clinic.id, person).value().id;
    const core::staff::StaffAccount account = AddPractitioner(clinic.id, practitioner.id);
    cookie = "unknot_session=" + SignIn(account);

    // 100 weekly visits at 17:00 UTC, the last one a week ago, in four plans of 25.
    const core::Instant first = clock.Now() - std::chrono::days{7 * kPlans * kVisitsPerPlan} - 1h;
    int visit = 0;
    for (int p = 0; p < kPlans; ++p) {
      scheduling::TreatmentPlan plan;
      plan.patient = patient;
      plan.title = "Upper back, block " + std::to_string(p + 1) + ": ART weekly";
      plan.created_at = first + std::chrono::days{7 * kVisitsPerPlan * p} - 24h;
      const core::Instant plan_start = first + std::chrono::days{7 * kVisitsPerPlan * p};
      plan.items = {scheduling::PlanItem{service.id, practitioner.id, std::chrono::days{7},
                                         kVisitsPerPlan,
                                         date::year_month_day{date::floor<date::days>(plan_start)},
                                         core::TimeOfDay::Parse("09:00").value()}};
      plan = storage->CreateTreatmentPlan(clinic.id, plan, Entry(clinic.id, account)).value();
      std::vector<core::ports::SeriesVisit> series;
      for (int i = 0; i < kVisitsPerPlan; ++i) {
        const core::Instant start = plan_start + std::chrono::days{7 * i};
        scheduling::Appointment a{.id = {},
                                  .patient = patient,
                                  .practitioner = practitioner.id,
                                  .service = service.id,
                                  .room = setup->rooms.front().id,
                                  .time = core::Interval::Create(start, start + 30min).value(),
                                  .blocked_until = start + 30min,
                                  .status = scheduling::AppointmentStatus::kCompleted,
                                  .source = scheduling::BookingSource::kStaff,
                                  .created_at = {},
                                  .updated_at = {},
                                  .cancelled_at = std::nullopt,
                                  .assessment = std::nullopt};
        series.push_back({0, core::ports::StaffBooking{.patient = patient,
                                                       .new_patient = {},
                                                       .appointment = a,
                                                       .other_rooms = {},
                                                       .audit = Entry(clinic.id, account)}});
      }
      const std::vector<scheduling::Appointment> visits =
          storage->BookTreatmentSeries(clinic.id, plan.id, series).value();
      for (const scheduling::Appointment& booked : visits) {
        const clinical::VisitNoteContent content =
            api::json::ParseVisitNoteContent(NoteBody(visit)).value();
        (void)storage
            ->SaveVisitNoteDraft(clinic.id, booked.id, 0,
                                 api::json::VisitNoteContentJson(content).dump(), account.id,
                                 booked.time.end(), Entry(clinic.id, account))
            .value();
        (void)storage
            ->SignVisitNote(clinic.id, booked.id, 1, account.id, booked.time.end() + 5min,
                            Entry(clinic.id, account))
            .value();
        (void)storage
            ->SaveVisitOutcome(clinic.id, booked.id, Outcome(visit), 0, account.id,
                               booked.time.end(), Entry(clinic.id, account))
            .value();
        ++visit;
      }
    }

    routes = std::make_unique<api::v1::StaffRoutes>(router, *storage, clock);
    api::v1::AddPatientRoutes(*routes, *storage);
    api::v1::AddVisitNoteRoutes(*routes, *storage, knowledge.knowledge);
    api::v1::AddTreatmentPlanRoutes(*routes, *storage, clock);
    api::v1::AddHomeCareRoutes(*routes, *storage, knowledge.knowledge);
    api::v1::AddOutcomeRoutes(*routes, *storage);
    const std::string base =
        "/api/v1/clinics/" + clinic.slug + "/patients/" + std::to_string(patient.value());
    targets = {{"patient", base},
               {"notes", base + "/notes"},
               {"outcomes", base + "/outcomes"},
               {"treatment-plans", base + "/treatment-plans"},
               {"home-care", base + "/home-care"}};
  }

  core::staff::AuditEntry Entry(core::ClinicId clinic,
                                const core::staff::StaffAccount& account) const {
    core::staff::AuditEntry entry;
    entry.clinic = clinic;
    entry.staff = account.id;
    entry.staff_email = account.email;
    entry.role = account.role;
    entry.action = "seed";
    entry.at = clock.Now();
    return entry;
  }

  core::staff::StaffAccount AddPractitioner(core::ClinicId clinic, core::PractitionerId id) {
    core::staff::StaffAccount account;
    account.clinic = clinic;
    account.email = "maya@example.org";
    account.display_name = "Dr. Maya";
    account.role = core::staff::StaffRole::kPractitioner;
    account.practitioner = id;
    account.password_hash = "not-a-real-hash";
    account.created_at = clock.Now();
    account.password_changed_at = clock.Now();
    return storage->CreateStaff(account, std::nullopt).value();
  }

  // A live session of `account`, made in storage; returns the session's secret.
  std::string SignIn(const core::staff::StaffAccount& account) {
    security::NewSessionSecrets secrets = security::NewSessionSecretsNow();
    core::staff::Session session;
    session.secret_hash = secrets.session_id_hash;
    session.clinic = account.clinic;
    session.staff = account.id;
    session.csrf_token = secrets.csrf_token;
    session.created_at = clock.Now();
    session.last_seen_at = clock.Now();
    session.expires_at = clock.Now() + 12h;
    session.client_address = "192.0.2.1";
    core::staff::AuditEntry entry = Entry(account.clinic, account);
    entry.action = "sign_in";
    entry.client_address = session.client_address;
    (void)storage->CreateSession(session, entry).value();
    return secrets.session_id;
  }

  api::http::Request Get(const std::string& target) const {
    api::http::Request request;
    request.method = api::http::Method::kGet;
    request.path = target;
    request.headers.emplace_back("cookie", cookie);
    request.client_address = "192.0.2.1";
    request.request_id = "bench-record";
    return request;
  }

  // Dispatches `request`; a status other than 200 stops the run (the set-up is wrong).
  api::http::Response Dispatch(api::http::Request request) {
    api::http::Response response = router.Dispatch(request);
    if (response.status != 200) {
      std::fprintf(stderr, "%s: %u %s\n", request.path.c_str(), response.status,
                   response.body.c_str());
      std::abort();
    }
    return response;
  }

  static Record& Get() {
    static Record record;
    return record;
  }
};

void BM_PatientRecordPage(benchmark::State& state) {
  Record& record = Record::Get();
  std::vector<api::http::Request> requests;
  for (const auto& [name, target] : record.targets) requests.push_back(record.Get(target));
  std::size_t raw = 0;
  std::size_t gzipped = 0;
  for (const api::http::Request& request : requests) {
    const std::string body = record.Dispatch(request).body;
    raw += body.size();
    gzipped += api::http::Gzip(body).size();
  }
  for (auto _ : state) {
    for (const api::http::Request& request : requests) {
      api::http::Response response = record.Dispatch(request);
      benchmark::DoNotOptimize(response.body.data());
    }
  }
  state.counters["raw_bytes"] = static_cast<double>(raw);
  state.counters["gzip_bytes"] = static_cast<double>(gzipped);
}
BENCHMARK(BM_PatientRecordPage)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PatientRecordRoute(benchmark::State& state, std::size_t route) {
  Record& record = Record::Get();
  const api::http::Request request = record.Get(record.targets.at(route).second);
  const std::string body = record.Dispatch(request).body;
  for (auto _ : state) {
    api::http::Response response = record.Dispatch(request);
    benchmark::DoNotOptimize(response.body.data());
  }
  state.counters["raw_bytes"] = static_cast<double>(body.size());
  state.counters["gzip_bytes"] = static_cast<double>(api::http::Gzip(body).size());
}
BENCHMARK_CAPTURE(BM_PatientRecordRoute, patient, 0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_PatientRecordRoute, notes, 1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_PatientRecordRoute, outcomes, 2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_PatientRecordRoute, treatment_plans, 3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_PatientRecordRoute, home_care, 4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
