// What a committed write says it changed in the schedule (issue 18), the same on every backend:
// the generation moves with every schedule write, and ScheduleChangedSince names as changed only
// the practitioners, rooms and times the write touched (both where an appointment was and where it
// is now), so cached availability for another day or practitioner stays current. Writes that do
// not say what they changed (set-up) change everything.

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ports::NewBooking;
using core::ports::NewHold;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::ScheduleScope;

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }
core::Interval Between(const char* from, const char* to) {
  return core::Interval::Create(At(from), At(to)).value();
}

// Demo clinic: practitioners 0 and 1 are chiropractors (adjustment rooms 0 and 1), 2 and 3 massage
// therapists (massage rooms 2 and 3). Tuesday is 2026-12-01, Wednesday 2026-12-02 (UTC days).
class ScheduleChangesContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  core::ClinicId Clinic() const { return setup_.clinic.id; }

  // What an answer for practitioner `p` (and, with `rooms`, the rooms of kind `kind_of_room`)
  // over the UTC day of `day` depends on.
  ScheduleScope Scope(std::size_t p, const char* from, const char* to,
                      std::vector<std::size_t> rooms = {}) const {
    ScheduleScope scope{.clinic = Clinic(),
                        .practitioners = {setup_.practitioners.at(p).id},
                        .rooms = {},
                        .window = Between(from, to)};
    for (std::size_t r : rooms) scope.rooms.push_back(setup_.rooms.at(r).id);
    return scope;
  }

  // Whether a write since `generation` touched `scope`.
  bool Changed(std::uint64_t generation, const ScheduleScope& scope) const {
    std::uint64_t through = 0;
    return storage_->ScheduleChangedSince(generation, scope, &through);
  }

  NewBooking Request(const char* start, std::size_t practitioner, std::size_t room) {
    const core::Instant begin = At(start);
    return NewBooking{
        .patient = {core::PatientId{},
                    "Ana",
                    "Ruiz",
                    "ana" + std::to_string(++count_) + "@x.org",
                    "+14155550142",
                    {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners.at(practitioner).id,
                                   .service = setup_.services.at(1).id,
                                   .room = setup_.rooms.at(room).id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 40min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = core::scheduling::BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-" + std::to_string(count_),
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
  }

  NewHold HoldOf(const char* start, std::size_t practitioner, std::string token_hash) const {
    const core::Instant begin = At(start);
    return NewHold{.practitioner = setup_.practitioners.at(practitioner).id,
                   .service = setup_.services.at(1).id,
                   .time = core::Interval::Create(begin, begin + 30min).value(),
                   .blocked_until = begin + 40min,
                   .token_hash = std::move(token_hash)};
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
  int count_ = 0;
};

TEST_P(ScheduleChangesContract, ABookingChangesItsPractitionerRoomAndTimeOnly) {
  const std::uint64_t before = storage_->Generation();
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  ASSERT_TRUE(storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", 0, 0)));
  EXPECT_NE(storage_->Generation(), before);
  // Practitioner 0 on Tuesday: changed, up to the buffer's end and not after.
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T17:39:00Z", "2026-12-01T18:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-01T17:40:00Z", "2026-12-01T18:00:00Z")));
  // Wednesday, and practitioner 1 on Tuesday, unchanged...
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(1, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  // ... unless practitioner 1's answer depends on the adjustment room it took; the massage rooms
  // it does not touch.
  EXPECT_TRUE(Changed(before, Scope(1, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", {0, 1})));
  EXPECT_FALSE(Changed(before, Scope(2, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", {2, 3})));
  // Another clinic's answers never.
  ScheduleScope elsewhere = Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", {0});
  elsewhere.clinic = core::ClinicId{Clinic().value() + 1000};
  EXPECT_FALSE(Changed(before, elsewhere));
  // Asked from the new generation, nothing changed since.
  EXPECT_FALSE(
      Changed(storage_->Generation(), Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
}

TEST_P(ScheduleChangesContract, CancellingAndMovingChangeWhereItWasAndWhereItIs) {
  auto booked = storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", 0, 0));
  ASSERT_TRUE(booked) << booked.error().message();
  std::uint64_t before = storage_->Generation();
  // Moved from Tuesday to Thursday: both days changed, Wednesday not.
  Appointment moved = *booked;
  moved.time = Between("2026-12-03T17:00:00Z", "2026-12-03T17:30:00Z");
  moved.blocked_until = At("2026-12-03T17:40:00Z");
  ASSERT_TRUE(storage_->Reschedule(Clinic(), moved));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));

  before = storage_->Generation();
  ASSERT_TRUE(storage_->Cancel(Clinic(), booked->id, clock_.Now()));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(1, "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z")));

  // A refused write changes nothing (a second cancel of the same appointment).
  before = storage_->Generation();
  EXPECT_FALSE(storage_->Cancel(Clinic(), booked->id, clock_.Now()));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z")));
}

TEST_P(ScheduleChangesContract, StaffBookingsAndChangesSayWhatTheyChanged) {
  Appointment draft = Request("2026-12-01T17:00:00Z", 0, 0).appointment;
  draft.source = core::scheduling::BookingSource::kPhone;
  core::clinic::Patient caller;
  caller.given_name = "Walter";
  caller.family_name = "Ng";
  caller.phone = "+14155550100";
  core::staff::AuditEntry audit;
  audit.clinic = Clinic();
  audit.action = "book_appointment";
  audit.at = clock_.Now();
  std::uint64_t before = storage_->Generation();
  auto booked = storage_->StaffBook(Clinic(), core::ports::StaffBooking{.patient = std::nullopt,
                                                                        .new_patient = caller,
                                                                        .appointment = draft,
                                                                        .other_rooms = {},
                                                                        .audit = audit});
  ASSERT_TRUE(booked) << booked.error().message();
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));

  before = storage_->Generation();
  Appointment changed = *booked;
  changed.practitioner = setup_.practitioners.at(1).id;
  changed.time = Between("2026-12-02T18:00:00Z", "2026-12-02T18:30:00Z");
  changed.blocked_until = At("2026-12-02T18:40:00Z");
  ASSERT_TRUE(storage_->UpdateAppointment(Clinic(), changed, booked->version, clock_.Now(), audit));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  EXPECT_TRUE(Changed(before, Scope(1, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(1, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
}

TEST_P(ScheduleChangesContract, DecidingARequestChangesItsTime) {
  NewBooking request = Request("2026-12-01T17:00:00Z", 0, 0);
  request.appointment.status = AppointmentStatus::kRequested;
  auto requested = storage_->Book(Clinic(), request);
  ASSERT_TRUE(requested) << requested.error().message();
  ASSERT_EQ(requested->status, AppointmentStatus::kRequested);
  core::staff::AuditEntry audit;
  audit.clinic = Clinic();
  audit.action = "book_appointment";
  audit.at = clock_.Now();
  const std::uint64_t before = storage_->Generation();
  ASSERT_TRUE(storage_->DecideRequest(Clinic(), requested->id, requested->version,
                                      core::ports::RequestDecision::kApprove, "", clock_.Now(),
                                      audit));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));
}

TEST_P(ScheduleChangesContract, HoldsChangeTheirPractitionerOnly) {
  std::uint64_t before = storage_->Generation();
  ASSERT_TRUE(storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", 0, "h"), clock_.Now()));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  // A hold takes no room.
  EXPECT_FALSE(Changed(before, Scope(1, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", {0, 1})));

  before = storage_->Generation();
  ASSERT_TRUE(storage_->ReleaseHold(Clinic(), "h"));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T17:30:00Z", "2026-12-01T17:35:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));

  // A booking that uses up a hold for another time says so (here a hold on Wednesday).
  ASSERT_TRUE(storage_->CreateHold(Clinic(), HoldOf("2026-12-02T17:00:00Z", 0, "w"), clock_.Now()));
  before = storage_->Generation();
  NewBooking with_hold = Request("2026-12-01T19:00:00Z", 0, 0);
  with_hold.hold_token_hash = "w";
  ASSERT_TRUE(storage_->Book(Clinic(), with_hold));
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z")));
}

TEST_P(ScheduleChangesContract, PatientsChangeNothingAndSetUpChangesEverything) {
  std::uint64_t before = storage_->Generation();
  core::clinic::Patient ana;
  ana.given_name = "Ana";
  ana.family_name = "Ruiz";
  ana.email = "ana@example.org";
  ana.phone = "+14155550142";
  ana.created_at = clock_.Now();
  ASSERT_TRUE(storage_->CreatePatient(Clinic(), ana));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", {0})));

  before = storage_->Generation();
  auto saved = storage_->SaveSetup(
      Clinic(),
      [](const core::clinic::ClinicSetup& stored,
         const std::vector<Appointment>&) -> core::Result<core::clinic::ClinicSetup> {
        core::clinic::ClinicSetup changed = stored;
        changed.clinic.phone = "+14155550199";
        return changed;
      },
      clock_.Now());
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_NE(storage_->Generation(), before);
  EXPECT_TRUE(Changed(before, Scope(3, "2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z")));
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Sqlite, ScheduleChangesContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, ScheduleChangesContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
