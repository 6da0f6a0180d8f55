// Outcome measures per visit (issue 15), the same on every backend: one record per appointment,
// changed only with the version the writer saw, each write with its audit entry; the database
// refuses out-of-range scores and a change that skips the version.

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
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

using unknot::testing::At;

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

  // A staff booking of practitioners[p] in rooms[p] for `patient`, 30 minutes from `start`.
  core::ports::StaffBooking Booking(core::PatientId patient, std::size_t p,
                                    const char* start) const {
    core::Instant begin = At(start);
    return core::ports::StaffBooking{
        .patient = patient,
        .new_patient = {},
        .appointment = Appointment{.id = {},
                                   .patient = patient,
                                   .practitioner = setup_.practitioners[p].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[p].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = BookingSource::kStaff,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .audit = Audit("appointment")};
  }

  core::staff::AuditEntry Audit(std::string record) const {
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
  EXPECT_TRUE(storage_->ListPatientOutcomes(setup_.clinic.id, core::PatientId{999999})->empty());
}

TEST_P(OutcomesContract, ListsTheClinicsOutcomesWithTheirPlansInOneQuery) {
  using core::scheduling::PlanItem;
  using core::scheduling::TreatmentPlan;
  // Ana's plan: item 0 with practitioners[0], item 1 with practitioners[1], both services[1].
  TreatmentPlan plan;
  plan.patient = ana_;
  plan.created_at = clock_.Now();
  const auto ten = core::TimeOfDay::Parse("10:00").value();
  plan.items = {PlanItem{setup_.services[1].id, setup_.practitioners[0].id, std::chrono::days{7}, 2,
                         core::ParseLocalDate("2026-11-02").value(), ten},
                PlanItem{setup_.services[1].id, setup_.practitioners[1].id, std::chrono::days{7}, 1,
                         core::ParseLocalDate("2026-11-03").value(), ten}};
  plan = storage_->CreateTreatmentPlan(setup_.clinic.id, plan, Audit("treatment_plan")).value();
  std::vector<core::ports::SeriesVisit> series{
      {0, Booking(ana_, 0, "2026-11-09T17:00:00Z")},  // booked out of order on purpose
      {1, Booking(ana_, 1, "2026-11-03T17:00:00Z")},
      {0, Booking(ana_, 0, "2026-11-02T17:00:00Z")}};
  auto booked = storage_->BookTreatmentSeries(setup_.clinic.id, plan.id, series);
  ASSERT_TRUE(booked) << booked.error().message();
  core::AppointmentId unplanned = Visit(ana_, "2026-10-20T17:00:00Z", 1);
  core::AppointmentId lost = Visit(ana_, "2026-10-21T17:00:00Z", 0);  // no outcome recorded
  (void)lost;
  ASSERT_TRUE(Save((*booked)[0].id, Outcome(4, 6), 0));
  ASSERT_TRUE(Save((*booked)[1].id, Outcome(6, 4), 0));
  ASSERT_TRUE(Save((*booked)[2].id, Outcome(7, 2), 0));
  ASSERT_TRUE(Save(unplanned, Outcome(5, 5), 0));
  // Booked for the plan, but no outcome: not listed.
  ASSERT_TRUE(storage_->BookTreatmentSeries(setup_.clinic.id, plan.id,
                                            {{0, Booking(ana_, 0, "2026-11-16T17:00:00Z")}}));

  auto all = storage_->ListClinicPlanOutcomes(setup_.clinic.id);
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 4u);
  const auto& rows = *all;
  // The plan's visits in time order, each with its item's service and practitioner...
  EXPECT_EQ(rows[0].plan, plan.id);
  EXPECT_EQ(rows[0].appointment, (*booked)[2].id);
  EXPECT_EQ(rows[0].item, 0);
  EXPECT_EQ(rows[0].practitioner, setup_.practitioners[0].id);
  EXPECT_EQ(rows[0].service, setup_.services[1].id);
  EXPECT_EQ(rows[0].visit_start, At("2026-11-02T17:00:00Z"));
  EXPECT_EQ(rows[0].outcome, Outcome(7, 2));
  EXPECT_EQ(rows[1].plan, plan.id);
  EXPECT_EQ(rows[1].item, 1);
  EXPECT_EQ(rows[1].practitioner, setup_.practitioners[1].id);
  EXPECT_EQ(rows[2].appointment, (*booked)[0].id);
  EXPECT_EQ(rows[2].outcome, Outcome(4, 6));
  // ...then the visit of no plan, with its appointment's.
  EXPECT_EQ(rows[3].plan, std::nullopt);
  EXPECT_EQ(rows[3].appointment, unplanned);
  EXPECT_EQ(rows[3].practitioner, setup_.practitioners[1].id);
  EXPECT_EQ(rows[3].outcome, Outcome(5, 5));
  // Another clinic's are not listed.
  EXPECT_TRUE(storage_->ListClinicPlanOutcomes(core::ClinicId{999999})->empty());
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

INSTANTIATE_TEST_SUITE_P(Sqlite, OutcomesContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, OutcomesContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
