// Treatment plans (core/ports/treatment_plans.hpp) on every backend alike: plans round-trip with
// their items; a series books all of its visits or none, also while another booking races it
// for one of its times, and never two live appointments of one practitioner overlap; a plan's
// visits are listed with their items, so progress can be counted.

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using core::ErrorCode;
using core::ports::SeriesVisit;
using core::ports::StaffBooking;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;
using core::scheduling::PlanItem;
using core::scheduling::TreatmentPlan;
using core::staff::AuditEntry;

using unknot::testing::At;

class TreatmentPlansContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    clinic_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
    core::clinic::Patient ana{core::PatientId{}, "Ana",          "Ruiz",
                              "ana@example.org", "+14155550142", clock_.Now()};
    ana_ = storage_->CreatePatient(id(), ana).value();
  }

  core::ClinicId id() const { return clinic_.clinic.id; }

  AuditEntry Entry(std::string action = "book_appointment") const {
    AuditEntry entry;
    entry.clinic = id();
    entry.action = std::move(action);
    entry.at = clock_.Now();
    return entry;
  }

  // ART weekly four times and a massage every two weeks twice.
  TreatmentPlan Plan() const {
    TreatmentPlan plan;
    plan.patient = ana_.id;
    plan.title = "Upper back";
    plan.created_at = clock_.Now();
    const auto ten = core::TimeOfDay::Parse("10:00").value();
    plan.items = {PlanItem{clinic_.services[1].id, clinic_.practitioners[0].id, date::days{7}, 4,
                           2026_y / 12 / 1, ten},
                  PlanItem{clinic_.services[1].id, clinic_.practitioners[1].id, date::days{14}, 2,
                           2026_y / 12 / 1, ten}};
    return plan;
  }

  // A 30-minute staff booking of practitioners[p] in rooms[r] for Ana.
  StaffBooking Booking(std::size_t p, std::size_t r, core::Instant begin) const {
    return StaffBooking{
        .patient = ana_.id,
        .new_patient = {},
        .appointment = Appointment{.id = {},
                                   .patient = ana_.id,
                                   .practitioner = clinic_.practitioners[p].id,
                                   .service = clinic_.services[1].id,
                                   .room = clinic_.rooms[r].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = BookingSource::kStaff,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .audit = Entry()};
  }

  // Four weekly visits of item 0 with practitioners[0] from `first`, in rooms[0].
  std::vector<SeriesVisit> Weekly(core::Instant first, int count = 4) const {
    std::vector<SeriesVisit> visits;
    for (int i = 0; i < count; ++i) {
      visits.push_back({0, Booking(0, 0, first + std::chrono::days{7} * i)});
    }
    return visits;
  }

  std::vector<Appointment> All() {
    return storage_
        ->ListAppointments(
            id(),
            core::Interval::Create(At("2020-01-01T00:00:00Z"), At("2030-01-01T00:00:00Z")).value())
        .value();
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(id(), filter)->size();
  }

  // No two live appointments of one practitioner, nor of one room, overlap.
  void ExpectNoOverlap() {
    std::vector<Appointment> live;
    for (const Appointment& a : All()) {
      if (a.status != AppointmentStatus::kCancelled) live.push_back(a);
    }
    for (std::size_t i = 0; i < live.size(); ++i) {
      for (std::size_t j = i + 1; j < live.size(); ++j) {
        if (!live[i].BlockedInterval().Overlaps(live[j].BlockedInterval())) continue;
        EXPECT_NE(live[i].practitioner, live[j].practitioner) << i << " " << j;
        EXPECT_NE(live[i].room, live[j].room) << i << " " << j;
      }
    }
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup clinic_;
  core::clinic::Patient ana_;
};

TEST_P(TreatmentPlansContract, PlansRoundTripWithTheirItems) {
  const std::size_t audit_before = AuditCount();
  auto created = storage_->CreateTreatmentPlan(id(), Plan(), Entry("edit_treatment_plan"));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_GT(created->id.value(), 0);
  TreatmentPlan expected = Plan();
  expected.id = created->id;
  EXPECT_EQ(*created, expected);
  EXPECT_EQ(storage_->FindTreatmentPlan(id(), created->id).value(), expected);
  auto second = storage_->CreateTreatmentPlan(id(), Plan(), Entry("edit_treatment_plan"));
  ASSERT_TRUE(second);
  auto listed = storage_->ListTreatmentPlans(id(), ana_.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, second->id);  // newest first
  EXPECT_EQ(AuditCount(), audit_before + 2);
  EXPECT_TRUE(storage_->ListPlanVisits(id(), created->id)->empty());

  // Another clinic's view, unknown plans and patients.
  EXPECT_EQ(storage_->FindTreatmentPlan(id(), core::TreatmentPlanId{999}).error().code(),
            ErrorCode::kNotFound);
  TreatmentPlan stranger = Plan();
  stranger.patient = core::PatientId{999};
  auto refused = storage_->CreateTreatmentPlan(id(), stranger, Entry("edit_treatment_plan"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  TreatmentPlan bad_service = Plan();
  bad_service.items[1].service = core::ServiceId{999};
  refused = storage_->CreateTreatmentPlan(id(), bad_service, Entry("edit_treatment_plan"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields().at(0).field, "items[1].service");
  EXPECT_EQ(storage_->ListTreatmentPlans(id(), ana_.id)->size(), 2u);  // nothing written
  EXPECT_EQ(AuditCount(), audit_before + 2);
}

TEST_P(TreatmentPlansContract, ASeriesBooksEveryVisitWithItsAuditEntryAndProgressCounts) {
  const TreatmentPlan plan =
      storage_->CreateTreatmentPlan(id(), Plan(), Entry("edit_treatment_plan")).value();
  const std::size_t audit_before = AuditCount();
  std::vector<SeriesVisit> visits = Weekly(At("2026-12-01T18:00:00Z"));
  visits.push_back({1, Booking(1, 1, At("2026-12-01T18:00:00Z"))});
  auto booked = storage_->BookTreatmentSeries(id(), plan.id, visits);
  ASSERT_TRUE(booked) << booked.error().message();
  ASSERT_EQ(booked->size(), 5u);
  EXPECT_EQ(AuditCount(), audit_before + 5);
  auto listed = storage_->ListPlanVisits(id(), plan.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 5u);
  // Ordered by start, then id: the two visits of 2026-12-01 first.
  EXPECT_EQ((*listed)[0].appointment, (*booked)[0]);
  EXPECT_EQ((*listed)[0].item, 0);
  EXPECT_EQ((*listed)[1].item, 1);
  EXPECT_EQ((*listed)[1].appointment.patient, ana_.id);

  // One done, one missed, one cancelled: progress as the plan sees it.
  clock_.Set(At("2026-12-10T00:00:00Z"));
  Appointment done = (*booked)[0];
  done.status = AppointmentStatus::kCompleted;
  ASSERT_TRUE(storage_->UpdateAppointment(id(), done, 1, clock_.Now(), Entry()));
  Appointment missed = (*booked)[1];
  missed.status = AppointmentStatus::kNoShow;
  ASSERT_TRUE(storage_->UpdateAppointment(id(), missed, 1, clock_.Now(), Entry()));
  Appointment cancelled = (*booked)[3];
  cancelled.status = AppointmentStatus::kCancelled;
  cancelled.cancelled_at = clock_.Now();
  ASSERT_TRUE(storage_->UpdateAppointment(id(), cancelled, 1, clock_.Now(), Entry()));
  std::vector<Appointment> appointments;
  auto after = storage_->ListPlanVisits(id(), plan.id);
  ASSERT_TRUE(after);
  for (const auto& v : *after) appointments.push_back(v.appointment);
  EXPECT_EQ(core::scheduling::Progress(plan, appointments),
            (core::scheduling::PlanProgress{6, 5, 1, 2, 2}));
}

TEST_P(TreatmentPlansContract, AConflictAnywhereWritesNothingAndNamesTheVisit) {
  const TreatmentPlan plan =
      storage_->CreateTreatmentPlan(id(), Plan(), Entry("edit_treatment_plan")).value();
  // Someone else holds the practitioner at the third visit's time (another room).
  ASSERT_TRUE(storage_->StaffBook(id(), Booking(0, 1, At("2026-12-15T18:15:00Z"))));
  const std::size_t audit_before = AuditCount();
  const std::size_t appointments_before = All().size();
  auto refused = storage_->BookTreatmentSeries(id(), plan.id, Weekly(At("2026-12-01T18:00:00Z")));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  ASSERT_EQ(refused.error().fields().size(), 1u);
  EXPECT_EQ(refused.error().fields()[0].field, "visits[2]");
  EXPECT_EQ(All().size(), appointments_before);
  EXPECT_EQ(AuditCount(), audit_before);
  EXPECT_TRUE(storage_->ListPlanVisits(id(), plan.id)->empty());

  // Two visits of the series itself that overlap: the second is refused, nothing written.
  std::vector<SeriesVisit> twice = Weekly(At("2026-12-01T18:00:00Z"), 2);
  twice.push_back({0, Booking(0, 1, At("2026-12-08T18:00:00Z"))});
  refused = storage_->BookTreatmentSeries(id(), plan.id, twice);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields().at(0).field, "visits[2]");
  // An item the plan does not have; no visits; an unknown plan.
  std::vector<SeriesVisit> stray = Weekly(At("2026-12-01T18:00:00Z"), 1);
  stray[0].item = 5;
  EXPECT_EQ(storage_->BookTreatmentSeries(id(), plan.id, stray).error().fields().at(0).field,
            "visits[0].item");
  EXPECT_EQ(storage_->BookTreatmentSeries(id(), plan.id, {}).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_
                ->BookTreatmentSeries(id(), core::TreatmentPlanId{999},
                                      Weekly(At("2026-12-01T18:00:00Z"), 1))
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(All().size(), appointments_before);
  EXPECT_EQ(AuditCount(), audit_before);
  ExpectNoOverlap();
}

// The proof: a series under a concurrent booking that takes one of its times. Both
// writers start together from a latch, round after round (each round on other days); every round
// ends with either the whole series and the other booking refused, or the other booking and none
// of the series, and never an overlap.
TEST_P(TreatmentPlansContract, ASeriesIsAllOrNothingUnderAConcurrentBookingOfOneOfItsTimes) {
  const TreatmentPlan plan =
      storage_->CreateTreatmentPlan(id(), Plan(), Entry("edit_treatment_plan")).value();
  constexpr int kRounds = 24;
  int series_won = 0;
  int single_won = 0;
  for (int round = 0; round < kRounds; ++round) {
    // Round r: the series from 2027-01-04 + r hours, weekly; the racer takes its visit r % 4.
    const core::Instant first =
        At("2027-01-04T16:00:00Z") + std::chrono::hours{round % 8} + std::chrono::days{round / 8};
    const std::vector<SeriesVisit> visits = Weekly(first);
    const int taken = round % 4;
    const StaffBooking racer =
        Booking(0, 1, first + std::chrono::days{7} * taken + std::chrono::minutes{15});
    const std::size_t before = All().size();
    std::latch start(2);
    core::Result<std::vector<Appointment>> series = core::Error::NotFound("not run");
    core::Result<Appointment> single = core::Error::NotFound("not run");
    std::thread series_writer([&] {
      start.arrive_and_wait();
      series = storage_->BookTreatmentSeries(id(), plan.id, visits);
    });
    std::thread single_writer([&] {
      start.arrive_and_wait();
      // Staggered starts, so the racer lands before, during and after the series' transaction.
      std::this_thread::sleep_for(std::chrono::microseconds{700 * (round % 6)});
      single = storage_->StaffBook(id(), racer);
    });
    series_writer.join();
    single_writer.join();
    ASSERT_NE(series.has_value(), single.has_value()) << "round " << round;
    if (series) {
      ++series_won;
      EXPECT_EQ(single.error().code(), ErrorCode::kConflict);
      EXPECT_EQ(All().size(), before + 4);
    } else {
      ++single_won;
      EXPECT_EQ(series.error().code(), ErrorCode::kConflict);
      ASSERT_EQ(series.error().fields().size(), 1u);
      EXPECT_EQ(series.error().fields()[0].field, "visits[" + std::to_string(taken) + "]");
      EXPECT_EQ(All().size(), before + 1);  // the racer alone: none of the series
    }
  }
  EXPECT_EQ(series_won + single_won, kRounds);
  EXPECT_EQ(storage_->ListPlanVisits(id(), plan.id)->size(),
            static_cast<std::size_t>(series_won) * 4);
  ExpectNoOverlap();
  std::printf("series won %d rounds, the single booking %d\n", series_won, single_won);
}

TEST_P(TreatmentPlansContract, PlansSurviveAReopen) {
  const TreatmentPlan plan =
      storage_->CreateTreatmentPlan(id(), Plan(), Entry("edit_treatment_plan")).value();
  ASSERT_TRUE(storage_->BookTreatmentSeries(id(), plan.id, Weekly(At("2026-12-01T18:00:00Z"), 2)));
  storage_.reset();
  storage_ = database_->Open(clock_);
  ASSERT_TRUE(storage_ != nullptr);
  EXPECT_EQ(storage_->FindTreatmentPlan(id(), plan.id).value(), plan);
  EXPECT_EQ(storage_->ListPlanVisits(id(), plan.id)->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, TreatmentPlansContract, ::testing::Values(SqliteBackend()),
                         [](const auto&) { return std::string("Sqlite"); });
INSTANTIATE_TEST_SUITE_P(Postgres, TreatmentPlansContract, ::testing::Values(PostgresBackend()),
                         [](const auto&) { return std::string("Postgres"); });

}  // namespace
}  // namespace unknot::storage::contract
