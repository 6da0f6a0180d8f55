// Practitioners' calendar feeds (issue 17), the same on every backend: one secret hash per
// practitioner, replaced by a rotation with its audit entry in the same write; the clinic's
// names-or-initials setting.

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::ports::CalendarFeed;

using unknot::testing::At;

class CalendarFeedsContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  core::staff::AuditEntry Audit(std::string record) {
    core::staff::AuditEntry entry;
    entry.clinic = setup_.clinic.id;
    entry.action = "manage_calendar_feed";
    entry.record = std::move(record);
    entry.at = clock_.Now();
    return entry;
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(setup_.clinic.id, filter)->size();
  }

  core::PractitionerId First() const { return setup_.practitioners[0].id; }
  core::PractitionerId Second() const { return setup_.practitioners[1].id; }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
};

TEST_P(CalendarFeedsContract, NoFeedUntilOneIsSaved) {
  auto none = storage_->FindCalendarFeed(setup_.clinic.id, First());
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_FALSE(none->has_value());
  auto unknown = storage_->FindCalendarFeed(setup_.clinic.id, core::PractitionerId{999999});
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());
}

TEST_P(CalendarFeedsContract, ARotationReplacesTheHashWithItsAuditEntry) {
  const std::size_t before = AuditCount();
  auto saved =
      storage_->SaveCalendarFeed(setup_.clinic.id, First(), "hash-one", clock_.Now(), Audit("a"));
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_EQ(*saved, (CalendarFeed{First(), "hash-one", clock_.Now()}));
  EXPECT_EQ(storage_->FindCalendarFeed(setup_.clinic.id, First()).value(), *saved);
  EXPECT_EQ(AuditCount(), before + 1);

  clock_.Set(clock_.Now() + 1h);
  auto rotated =
      storage_->SaveCalendarFeed(setup_.clinic.id, First(), "hash-two", clock_.Now(), Audit("b"));
  ASSERT_TRUE(rotated) << rotated.error().message();
  auto found = storage_->FindCalendarFeed(setup_.clinic.id, First()).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->secret_hash, "hash-two");  // the old hash is gone
  EXPECT_EQ(found->created_at, clock_.Now());
  EXPECT_EQ(AuditCount(), before + 2);
  // Another practitioner's feed is their own row.
  EXPECT_FALSE(storage_->FindCalendarFeed(setup_.clinic.id, Second())->has_value());

  // Survives a reopen.
  storage_.reset();
  storage_ = database_->Open(clock_);
  EXPECT_EQ(storage_->FindCalendarFeed(setup_.clinic.id, First()).value(), found);
}

TEST_P(CalendarFeedsContract, RefusalsWriteNothing) {
  ASSERT_TRUE(
      storage_->SaveCalendarFeed(setup_.clinic.id, First(), "hash-one", clock_.Now(), Audit("a")));
  const std::size_t before = AuditCount();
  auto unknown = storage_->SaveCalendarFeed(setup_.clinic.id, core::PractitionerId{999999}, "h2",
                                            clock_.Now(), Audit("x"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  // The same hash for another practitioner: the database refuses it.
  auto clash =
      storage_->SaveCalendarFeed(setup_.clinic.id, Second(), "hash-one", clock_.Now(), Audit("x"));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code(), ErrorCode::kConflict);
  EXPECT_FALSE(storage_->FindCalendarFeed(setup_.clinic.id, Second())->has_value());
  auto no_feed = storage_->DeleteCalendarFeed(setup_.clinic.id, Second(), Audit("x"));
  ASSERT_FALSE(no_feed);
  EXPECT_EQ(no_feed.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), before);
}

TEST_P(CalendarFeedsContract, TurningOffDeletesTheFeed) {
  ASSERT_TRUE(
      storage_->SaveCalendarFeed(setup_.clinic.id, First(), "hash-one", clock_.Now(), Audit("a")));
  const std::size_t before = AuditCount();
  auto off = storage_->DeleteCalendarFeed(setup_.clinic.id, First(), Audit("off"));
  ASSERT_TRUE(off) << off.error().message();
  EXPECT_FALSE(storage_->FindCalendarFeed(setup_.clinic.id, First())->has_value());
  EXPECT_EQ(AuditCount(), before + 1);
  // A new one may be made later.
  EXPECT_TRUE(
      storage_->SaveCalendarFeed(setup_.clinic.id, First(), "hash-one", clock_.Now(), Audit("a")));
}

TEST_P(CalendarFeedsContract, PatientNamesAreOffUntilTheClinicAllowsThem) {
  EXPECT_FALSE(storage_->CalendarFeedPatientNames(setup_.clinic.id).value());
  const std::size_t before = AuditCount();
  ASSERT_TRUE(storage_->SetCalendarFeedPatientNames(setup_.clinic.id, true, Audit("names")));
  EXPECT_TRUE(storage_->CalendarFeedPatientNames(setup_.clinic.id).value());
  ASSERT_TRUE(storage_->SetCalendarFeedPatientNames(setup_.clinic.id, false, Audit("names")));
  EXPECT_FALSE(storage_->CalendarFeedPatientNames(setup_.clinic.id).value());
  EXPECT_EQ(AuditCount(), before + 2);
  auto unknown = storage_->SetCalendarFeedPatientNames(core::ClinicId{999999}, true, Audit("x"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CalendarFeedsContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, CalendarFeedsContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
