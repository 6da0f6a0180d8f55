// Home-care programs and the patient's daily marks (issue 15), the same on every backend: a save
// checks the version and commits its audit entry with it, routines keep their order and dates,
// marks replace a day exactly, and the database itself refuses a mark before the program and a
// version that does not step by one.

#include <gtest/gtest.h>

#include <thread>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using core::ErrorCode;
using core::LocalDate;
using core::clinical::HomeCareMark;
using core::clinical::HomeCareProgram;
using core::clinical::Prescription;

using unknot::testing::At;
LocalDate Day(const char* text) { return core::ParseLocalDate(text).value(); }

class HomeCareContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
    core::clinic::Patient ana{core::PatientId{}, "Ana",          "Ruiz",
                              "ana@example.org", "+14155550142", clock_.Now()};
    ana_ = storage_->CreatePatient(setup_.clinic.id, ana).value().id;
  }

  core::ClinicId clinic() const { return setup_.clinic.id; }

  core::staff::AuditEntry Audit(std::string detail) {
    core::staff::AuditEntry entry;
    entry.clinic = clinic();
    entry.action = "assign_home_care";
    entry.patient = ana_;
    entry.record = "patient/" + std::to_string(ana_.value()) + "/home-care";
    entry.detail = std::move(detail);
    entry.at = clock_.Now();
    return entry;
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(clinic(), filter)->size();
  }

  static HomeCareProgram Program(const char* starts_on, std::string note = "Gently.") {
    HomeCareProgram p;
    p.starts_on = Day(starts_on);
    p.note = std::move(note);
    p.routines = {Prescription{"upper_trapezius_ball", "upper_trapezius", 60, 2, 7, Day(starts_on)},
                  Prescription{"mid_back_foam_roller", "rhomboids", 90, 3, 4, Day(starts_on)}};
    return p;
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
  core::PatientId ana_;
};

TEST_P(HomeCareContract, NoProgramUntilOneIsAssignedAndNoPatientIsNotFound) {
  auto none = storage_->FindHomeCare(clinic(), ana_);
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(storage_->FindHomeCare(clinic(), core::PatientId{ana_.value() + 100}).error().code(),
            ErrorCode::kNotFound);
  auto saved = storage_->SaveHomeCare(clinic(), core::PatientId{ana_.value() + 100},
                                      Program("2026-11-26"), 0, clock_.Now(), Audit("x"));
  EXPECT_EQ(saved.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), 0u);
}

TEST_P(HomeCareContract, SavesWithItsAuditEntryAndReadsBackInOrder) {
  auto saved =
      storage_->SaveHomeCare(clinic(), ana_, Program("2026-11-26"), 0, clock_.Now(), Audit("2"));
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(saved->updated_at, clock_.Now());
  HomeCareProgram expected = Program("2026-11-26");
  expected.version = 1;
  expected.updated_at = clock_.Now();
  EXPECT_EQ(*saved, expected);
  EXPECT_EQ(AuditCount(), 1u);
  // A restarted server reads the same.
  storage_ = database_->Open(clock_);
  EXPECT_EQ(storage_->FindHomeCare(clinic(), ana_).value(), expected);

  // A change: one routine out, one in (order kept as given), the note cleared.
  HomeCareProgram next = expected;
  next.note = "";
  next.routines = {
      Prescription{"glute_foam_roller", "gluteus_maximus", 45, 1, 3, Day("2026-11-28")},
      expected.routines[1]};
  auto changed = storage_->SaveHomeCare(clinic(), ana_, next, 1, clock_.Now(), Audit("2"));
  ASSERT_TRUE(changed) << changed.error().message();
  EXPECT_EQ(changed->version, 2);
  EXPECT_EQ(changed->routines, next.routines);
  EXPECT_EQ(changed->note, "");
  EXPECT_EQ(changed->starts_on, Day("2026-11-26"));
  EXPECT_EQ(AuditCount(), 2u);

  // An empty program (paused) is a program.
  next.routines.clear();
  EXPECT_TRUE(storage_->SaveHomeCare(clinic(), ana_, next, 2, clock_.Now(), Audit("0"))
                  .value()
                  .routines.empty());
}

TEST_P(HomeCareContract, AStaleVersionIsAConflictAndWritesNothing) {
  ASSERT_TRUE(storage_->SaveHomeCare(clinic(), ana_, Program("2026-11-26"), 0, clock_.Now(),
                                     Audit("first")));
  const std::size_t audits = AuditCount();
  for (std::int64_t stale : {0, 2, 7}) {
    auto saved = storage_->SaveHomeCare(clinic(), ana_, Program("2026-11-26", "other"), stale,
                                        clock_.Now(), Audit("stale"));
    ASSERT_FALSE(saved) << stale;
    EXPECT_EQ(saved.error().code(), ErrorCode::kConflict);
  }
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(storage_->FindHomeCare(clinic(), ana_).value()->note, "Gently.");
}

TEST_P(HomeCareContract, ConcurrentSavesOfOneVersionLetExactlyOneThrough) {
  ASSERT_TRUE(storage_->SaveHomeCare(clinic(), ana_, Program("2026-11-26"), 0, clock_.Now(),
                                     Audit("first")));
  constexpr int kWriters = 6;
  std::vector<core::Result<HomeCareProgram>> results(kWriters, core::Error::NotFound("unset"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = storage_->SaveHomeCare(clinic(), ana_,
                                          Program("2026-11-26", "writer " + std::to_string(i)), 1,
                                          clock_.Now(), Audit("concurrent"));
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (const auto& r : results) {
    if (r) {
      ++ok;
    } else {
      EXPECT_EQ(r.error().code(), ErrorCode::kConflict) << r.error().message();
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(storage_->FindHomeCare(clinic(), ana_).value()->version, 2);
  EXPECT_EQ(AuditCount(), 2u);
}

TEST_P(HomeCareContract, MarksReplaceADayAndListByDayThenRoutine) {
  EXPECT_EQ(storage_
                ->SetHomeCareDay(clinic(), ana_, Day("2026-11-26"), {"upper_trapezius_ball"},
                                 clock_.Now())
                .error()
                .code(),
            ErrorCode::kNotFound);  // no program yet
  ASSERT_TRUE(storage_->SaveHomeCare(clinic(), ana_, Program("2026-11-20"), 0, clock_.Now(),
                                     Audit("first")));
  const std::size_t audits = AuditCount();
  ASSERT_TRUE(storage_->SetHomeCareDay(clinic(), ana_, Day("2026-11-21"),
                                       {"upper_trapezius_ball", "mid_back_foam_roller"},
                                       clock_.Now()));
  ASSERT_TRUE(storage_->SetHomeCareDay(clinic(), ana_, Day("2026-11-20"), {"upper_trapezius_ball"},
                                       clock_.Now()));
  ASSERT_TRUE(storage_->SetHomeCareDay(clinic(), ana_, Day("2026-11-25"), {"mid_back_foam_roller"},
                                       clock_.Now()));
  // Marking a day again replaces it (here: one routine un-marked).
  ASSERT_TRUE(storage_->SetHomeCareDay(clinic(), ana_, Day("2026-11-21"), {"mid_back_foam_roller"},
                                       clock_.Now()));
  auto marks = storage_->ListHomeCareMarks(clinic(), ana_, Day("2026-11-20"), Day("2026-11-26"));
  ASSERT_TRUE(marks) << marks.error().message();
  EXPECT_EQ(*marks, (std::vector<HomeCareMark>{{Day("2026-11-20"), "upper_trapezius_ball"},
                                               {Day("2026-11-21"), "mid_back_foam_roller"},
                                               {Day("2026-11-25"), "mid_back_foam_roller"}}));
  // The range is inclusive at both ends.
  EXPECT_EQ(
      storage_->ListHomeCareMarks(clinic(), ana_, Day("2026-11-21"), Day("2026-11-21"))->size(),
      1u);
  // An empty list clears the day.
  ASSERT_TRUE(storage_->SetHomeCareDay(clinic(), ana_, Day("2026-11-25"), {}, clock_.Now()));
  EXPECT_EQ(
      storage_->ListHomeCareMarks(clinic(), ana_, Day("2026-11-01"), Day("2026-12-01"))->size(),
      2u);
  EXPECT_EQ(AuditCount(), audits);  // the patient's marks are not staff actions
}

TEST_P(HomeCareContract, AMarkOfARoutineNotInTheProgramOrBeforeItIsRefused) {
  ASSERT_TRUE(storage_->SaveHomeCare(clinic(), ana_, Program("2026-11-20"), 0, clock_.Now(),
                                     Audit("first")));
  auto unknown =
      storage_->SetHomeCareDay(clinic(), ana_, Day("2026-11-21"),
                               {"upper_trapezius_ball", "glute_foam_roller"}, clock_.Now());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kConflict);
  auto before = storage_->SetHomeCareDay(clinic(), ana_, Day("2026-11-19"),
                                         {"upper_trapezius_ball"}, clock_.Now());
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(
      storage_->ListHomeCareMarks(clinic(), ana_, Day("2026-11-01"), Day("2026-12-01"))->empty());
}

TEST_P(HomeCareContract, TheDatabaseRefusesAMarkBeforeTheProgramAndAVersionJump) {
  ASSERT_TRUE(storage_->SaveHomeCare(clinic(), ana_, Program("2026-11-20"), 0, clock_.Now(),
                                     Audit("first")));
  const std::string who = "clinic_id = " + std::to_string(clinic().value()) +
                          " AND patient_id = " + std::to_string(ana_.value());
  const std::string ids = std::to_string(clinic().value()) + ", " + std::to_string(ana_.value());
  EXPECT_NE(database_->ExecRaw("INSERT INTO home_care_marks (clinic_id, patient_id, day, routine, "
                               "marked_at) VALUES (" +
                               ids + ", '2026-11-19', 'upper_trapezius_ball', 0)"),
            "");
  EXPECT_EQ(database_->ExecRaw("INSERT INTO home_care_marks (clinic_id, patient_id, day, routine, "
                               "marked_at) VALUES (" +
                               ids + ", '2026-11-20', 'upper_trapezius_ball', 0)"),
            "");
  EXPECT_NE(database_->ExecRaw("UPDATE home_care_programs SET version = 5 WHERE " + who), "");
  EXPECT_NE(database_->ExecRaw("UPDATE home_care_programs SET version = 1 WHERE " + who), "");
  EXPECT_EQ(database_->ExecRaw("UPDATE home_care_programs SET version = 2 WHERE " + who), "");
  // A program needs a patient of its clinic. (SQLite checks foreign keys on connections that ask
  // for it, as the storage's own connections do.)
  const std::string foreign_keys = GetParam().name == "Sqlite" ? "PRAGMA foreign_keys = ON; " : "";
  EXPECT_NE(database_->ExecRaw(foreign_keys +
                               "INSERT INTO home_care_programs (clinic_id, patient_id, starts_on, "
                               "version, updated_at) VALUES (" +
                               std::to_string(clinic().value()) + ", " +
                               std::to_string(ana_.value() + 100) + ", '2026-11-20', 1, 0)"),
            "");
  EXPECT_EQ(storage_->FindHomeCare(clinic(), ana_).value()->version, 2);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, HomeCareContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, HomeCareContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
