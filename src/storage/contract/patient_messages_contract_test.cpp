// The patient side of messages (issue 16), the same on every backend: the manage tokens of sent
// messages beside the booking's own, and each patient's reminder choice and bounced address.

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::ports::NewBooking;
using core::ports::PatientMessagePrefs;
using core::ports::Reminders;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;

using unknot::testing::At;

class PatientMessagesContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  core::ClinicId Clinic() const { return setup_.clinic.id; }

  Appointment Book(const char* start, std::string token_hash) {
    core::Instant begin = At(start);
    NewBooking booking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[0].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[0].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = core::scheduling::BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = std::move(token_hash),
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
    return storage_->Book(Clinic(), booking).value();
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
};

TEST_P(PatientMessagesContract, AddedManageTokensFollowTheBookingsOwn) {
  Appointment a = Book("2026-12-01T17:00:00Z", "booked-hash");
  Appointment b = Book("2026-12-01T18:00:00Z", "other-hash");
  EXPECT_EQ(storage_->ManageTokenHashes(Clinic(), a.id).value(),
            std::vector<std::string>{"booked-hash"});

  ASSERT_TRUE(storage_->AddManageToken(Clinic(), a.id, "message-1", clock_.Now()));
  ASSERT_TRUE(storage_->AddManageToken(Clinic(), a.id, "message-2", clock_.Now() + 1min));
  EXPECT_EQ(storage_->ManageTokenHashes(Clinic(), a.id).value(),
            (std::vector<std::string>{"booked-hash", "message-1", "message-2"}));
  // Another appointment's tokens stay its own.
  EXPECT_EQ(storage_->ManageTokenHashes(Clinic(), b.id).value(),
            std::vector<std::string>{"other-hash"});
  // The booking's own hash is unchanged.
  EXPECT_EQ(storage_->ManageTokenHash(Clinic(), a.id).value(), "booked-hash");

  // A hash is stored once; an empty one or an unknown appointment is refused.
  EXPECT_EQ(storage_->AddManageToken(Clinic(), b.id, "message-1", clock_.Now()).error().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(storage_->AddManageToken(Clinic(), a.id, "", clock_.Now()).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_
                ->AddManageToken(Clinic(), core::AppointmentId{a.id.value() + 100}, "message-3",
                                 clock_.Now())
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      storage_->ManageTokenHashes(Clinic(), core::AppointmentId{a.id.value() + 100}).error().code(),
      ErrorCode::kNotFound);
  // Not across clinics.
  EXPECT_EQ(storage_->ManageTokenHashes(core::ClinicId{Clinic().value() + 1}, a.id).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(storage_->ManageTokenHashes(Clinic(), a.id)->size(), 3u);
}

TEST_P(PatientMessagesContract, RemindersAreOnUntilThePatientTurnsThemOff) {
  Appointment a = Book("2026-12-01T17:00:00Z", "h");
  EXPECT_EQ(storage_->FindPatientMessagePrefs(Clinic(), a.patient).value(), PatientMessagePrefs{});

  ASSERT_TRUE(storage_->SetReminders(Clinic(), a.patient, Reminders::kOff, clock_.Now()));
  EXPECT_EQ(storage_->FindPatientMessagePrefs(Clinic(), a.patient)->reminders, Reminders::kOff);
  ASSERT_TRUE(storage_->SetReminders(Clinic(), a.patient, Reminders::kOn, clock_.Now()));
  EXPECT_EQ(storage_->FindPatientMessagePrefs(Clinic(), a.patient)->reminders, Reminders::kOn);

  const core::PatientId nobody{a.patient.value() + 100};
  EXPECT_EQ(storage_->FindPatientMessagePrefs(Clinic(), nobody).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(storage_->SetReminders(Clinic(), nobody, Reminders::kOff, clock_.Now()).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(storage_
                ->SetReminders(core::ClinicId{Clinic().value() + 1}, a.patient, Reminders::kOff,
                               clock_.Now())
                .error()
                .code(),
            ErrorCode::kNotFound);
}

TEST_P(PatientMessagesContract, ABouncedAddressIsKeptWithWhenAndWhy) {
  Appointment a = Book("2026-12-01T17:00:00Z", "h");
  ASSERT_TRUE(storage_->SetReminders(Clinic(), a.patient, Reminders::kOff, clock_.Now()));
  ASSERT_TRUE(storage_->MarkEmailBounced(Clinic(), a.patient, "ana@example.org",
                                         "550 5.1.1 no such user", clock_.Now()));
  PatientMessagePrefs prefs = storage_->FindPatientMessagePrefs(Clinic(), a.patient).value();
  EXPECT_EQ(prefs.bounced_email, "ana@example.org");
  EXPECT_EQ(prefs.bounced_at, clock_.Now());
  EXPECT_EQ(prefs.bounce_error, "550 5.1.1 no such user");
  EXPECT_EQ(prefs.reminders, Reminders::kOff);  // a bounce leaves the choice alone
  EXPECT_TRUE(prefs.Bounced("ana@example.org"));
  EXPECT_FALSE(prefs.Bounced("ana.ruiz@example.org"));  // a changed address is mailed again

  // A later bounce replaces it.
  ASSERT_TRUE(storage_->MarkEmailBounced(Clinic(), a.patient, "ana.ruiz@example.org", "550 gone",
                                         clock_.Now() + 1h));
  prefs = storage_->FindPatientMessagePrefs(Clinic(), a.patient).value();
  EXPECT_EQ(prefs.bounced_email, "ana.ruiz@example.org");
  EXPECT_EQ(prefs.bounced_at, clock_.Now() + 1h);
  EXPECT_EQ(storage_
                ->MarkEmailBounced(Clinic(), core::PatientId{a.patient.value() + 100}, "x@y.z",
                                   "550", clock_.Now())
                .error()
                .code(),
            ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, PatientMessagesContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, PatientMessagesContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
