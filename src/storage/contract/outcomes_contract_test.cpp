// Outcome measures per visit (issue 15), the same on every backend: one record per appointment,
// changed only with the version the writer saw, each write with its audit entry; the database
// refuses out-of-range scores and a change that skips the version.

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::clinical::SleepEffect;
using core::clinical::VisitOutcome;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }

VisitOutcome Outcome(int pain, int score) {
  return VisitOutcome{pain,
                      SleepEffect::kSome,
                      {"turning_head", "looking_up"},
                      {{"sleep on my left side", score},
                       {"turn my head to reverse the car", score},
                       {"deadlift", score}}};
}

class OutcomesContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
    ana_ = Patient("Ana", "ana@example.org");
  }

  core::PatientId Patient(const char* name, const char* email) {
    return storage_
        ->CreatePatient(setup_.clinic.id,
                        {core::PatientId{}, name, "Ruiz", email, "+14155550142", clock_.Now()})
        .value()
        .id;
  }

  core::AppointmentId Visit(core::PatientId patient, const char* start, std::size_t practitioner) {
    core::Instant begin = At(start);
    Appointment a{.id = {},
                  .patient = patient,
                  .practitioner = setup_.practitioners[practitioner].id,
                  .service = setup_.services[1].id,
                  .room = setup_.rooms[practitioner].id,
                  .time = core::Interval::Create(begin, begin + 30min).value(),
                  .blocked_until = begin + 30min,
                  .status = AppointmentStatus::kCompleted,
                  .source = BookingSource::kPhone,
                  .created_at = clock_.Now(),
                  .updated_at = clock_.Now(),
                  .cancelled_at = std::nullopt,
                  .assessment = std::nullopt};
    return storage_->InsertAppointment(setup_.clinic.id, a).value().id;
  }

  core::staff::AuditEntry Audit(std::string record) {
    core::staff::AuditEntry entry;
    entry.clinic = setup_.clinic.id;
    entry.action = "record_outcomes";
    entry.record = std::move(record);
    entry.at = clock_.Now();
    return entry;
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(setup_.clinic.id, filter)->size();
  }

  core::Result<core::ports::OutcomeRecord> Save(core::AppointmentId visit,
                                                const VisitOutcome& outcome, std::int64_t version) {
    return storage_->SaveVisitOutcome(setup_.clinic.id, visit, outcome, version, std::nullopt,
                                      clock_.Now(), Audit("outcomes"));
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
  core::PatientId ana_;
};

TEST_P(OutcomesContract, RecordsOneOutcomePerVisitWithItsAuditEntry) {
  core::AppointmentId visit = Visit(ana_, "2026-11-20T17:00:00Z", 0);
  EXPECT_EQ(*storage_->FindVisitOutcome(setup_.clinic.id, visit), std::nullopt);
  const std::size_t audits = AuditCount();
  auto saved = Save(visit, Outcome(7, 2), 0);
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(saved->appointment, visit);
  EXPECT_EQ(saved->patient, ana_);
  EXPECT_EQ(saved->practitioner, setup_.practitioners[0].id);
  EXPECT_EQ(saved->service, setup_.services[1].id);
  EXPECT_EQ(saved->visit_start, At("2026-11-20T17:00:00Z"));
  EXPECT_EQ(saved->outcome, Outcome(7, 2));
  EXPECT_EQ(saved->recorded_at, clock_.Now());
  EXPECT_EQ(AuditCount(), audits + 1);

  // Survives a reopen.
  storage_.reset();
  storage_ = database_->Open(clock_);
  EXPECT_EQ(*storage_->FindVisitOutcome(setup_.clinic.id, visit), *saved);
}

TEST_P(OutcomesContract, AChangeNeedsTheVersionItSaw) {
  core::AppointmentId visit = Visit(ana_, "2026-11-20T17:00:00Z", 0);
  ASSERT_TRUE(Save(visit, Outcome(7, 2), 0));
  const std::size_t audits = AuditCount();
  // A second first record of the same visit, and a stale change: refused, nothing written.
  auto again = Save(visit, Outcome(5, 5), 0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  auto stale = Save(visit, Outcome(5, 5), 2);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(storage_->FindVisitOutcome(setup_.clinic.id, visit)->value().outcome, Outcome(7, 2));

  VisitOutcome changed = Outcome(4, 6);
  changed.movements.clear();
  changed.sleep = SleepEffect::kNone;
  auto saved = Save(visit, changed, 1);
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_EQ(saved->version, 2);
  EXPECT_EQ(saved->outcome, changed);
  EXPECT_EQ(AuditCount(), audits + 1);
}

TEST_P(OutcomesContract, UnknownVisitIsNotFound) {
  auto saved = Save(core::AppointmentId{999999}, Outcome(7, 2), 0);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code(), ErrorCode::kNotFound);
}

TEST_P(OutcomesContract, ListsAPatientsOutcomesInVisitOrderAndTheClinics) {
  core::PatientId bo = Patient("Bo", "bo@example.org");
  core::AppointmentId third = Visit(ana_, "2026-11-24T17:00:00Z", 0);
  core::AppointmentId first = Visit(ana_, "2026-11-10T17:00:00Z", 0);
  core::AppointmentId second = Visit(ana_, "2026-11-17T17:00:00Z", 1);
  core::AppointmentId bos = Visit(bo, "2026-11-18T17:00:00Z", 1);
  Visit(ana_, "2026-11-25T17:00:00Z", 0);  // no outcome recorded
  ASSERT_TRUE(Save(third, Outcome(3, 8), 0));
  ASSERT_TRUE(Save(first, Outcome(7, 2), 0));
  ASSERT_TRUE(Save(second, Outcome(5, 5), 0));
  ASSERT_TRUE(Save(bos, Outcome(6, 4), 0));
  auto anas = storage_->ListPatientOutcomes(setup_.clinic.id, ana_);
  ASSERT_TRUE(anas) << anas.error().message();
  ASSERT_EQ(anas->size(), 3u);
  EXPECT_EQ((*anas)[0].appointment, first);
  EXPECT_EQ((*anas)[1].appointment, second);
  EXPECT_EQ((*anas)[1].practitioner, setup_.practitioners[1].id);
  EXPECT_EQ((*anas)[2].appointment, third);
  auto all = storage_->ListClinicOutcomes(setup_.clinic.id);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].patient, ana_);
  EXPECT_EQ((*all)[3].patient, bo);
  EXPECT_TRUE(storage_->ListPatientOutcomes(setup_.clinic.id, core::PatientId{999999})->empty());
}

TEST_P(OutcomesContract, TheDatabaseRefusesOutOfRangeScoresAndSkippedVersions) {
  core::AppointmentId visit = Visit(ana_, "2026-11-20T17:00:00Z", 0);
  VisitOutcome wrong = Outcome(7, 2);
  wrong.psfs[2].score = 11;
  EXPECT_FALSE(Save(visit, wrong, 0));
  wrong = Outcome(11, 2);
  EXPECT_FALSE(Save(visit, wrong, 0));
  EXPECT_EQ(*storage_->FindVisitOutcome(setup_.clinic.id, visit), std::nullopt);
  ASSERT_TRUE(Save(visit, Outcome(7, 2), 0));
  const std::string id = std::to_string(visit.value());
  EXPECT_NE(database_->ExecRaw("UPDATE visit_outcomes SET version = 5, pain = 0 WHERE "
                               "appointment_id = " +
                               id),
            "");
  EXPECT_NE(database_->ExecRaw("UPDATE visit_outcomes SET pain = 0 WHERE appointment_id = " + id),
            "");
  EXPECT_EQ(database_->ExecRaw("UPDATE visit_outcomes SET pain = 0, version = version + 1 WHERE "
                               "appointment_id = " +
                               id),
            "");
  EXPECT_EQ(storage_->FindVisitOutcome(setup_.clinic.id, visit)->value().version, 2);
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Sqlite, OutcomesContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, OutcomesContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
