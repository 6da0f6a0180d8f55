// What a committed write says it changed in the schedule (issue 18), the same on every backend:
// the generation moves with every schedule write, and ScheduleChangedSince names as changed only
// the practitioners, rooms and times the write touched (both where an appointment was and where it
// is now), so cached availability for another day or practitioner stays current. Writes that do
// not say what they changed (set-up) change everything. And the busy times read after any write
// are the stored ones, however a backend keeps them between reads.

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ports::NewBooking;
using core::ports::NewHold;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::ScheduleScope;

using unknot::testing::At;
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

  core::staff::AuditEntry Audit() const {
    core::staff::AuditEntry audit;
    audit.clinic = Clinic();
    audit.action = "book_appointment";
    audit.at = clock_.Now();
    return audit;
  }

  // A phone booking by the front desk for a new patient, like Request's.
  core::Result<Appointment> StaffBook(const char* start, std::size_t p, std::size_t r,
                                      bool overbooked = false) {
    Appointment draft = Request(start, p, r).appointment;
    draft.source = core::scheduling::BookingSource::kPhone;
    draft.overbooked = overbooked;
    core::clinic::Patient caller;
    caller.given_name = "Walter";
    caller.family_name = "Ng";
    caller.phone = "+14155550100";
    return storage_->StaffBook(Clinic(), core::ports::StaffBooking{.patient = std::nullopt,
                                                                   .new_patient = caller,
                                                                   .appointment = draft,
                                                                   .other_rooms = {},
                                                                   .audit = Audit()});
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
  std::uint64_t before = storage_->Generation();
  auto booked = StaffBook("2026-12-01T17:00:00Z", 0, 0);
  ASSERT_TRUE(booked) << booked.error().message();
  EXPECT_TRUE(Changed(before, Scope(0, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
  EXPECT_FALSE(Changed(before, Scope(0, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")));

  before = storage_->Generation();
  Appointment changed = *booked;
  changed.practitioner = setup_.practitioners.at(1).id;
  changed.time = Between("2026-12-02T18:00:00Z", "2026-12-02T18:30:00Z");
  changed.blocked_until = At("2026-12-02T18:40:00Z");
  ASSERT_TRUE(
      storage_->UpdateAppointment(Clinic(), changed, booked->version, clock_.Now(), Audit()));
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
  const std::uint64_t before = storage_->Generation();
  ASSERT_TRUE(storage_->DecideRequest(Clinic(), requested->id, requested->version,
                                      core::ports::RequestDecision::kApprove, "", clock_.Now(),
                                      Audit()));
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

// The busy times a backend answers (ListBusyTimes) against the stored rows read one at a time
// (ListBookings, ListHolds): the same after every kind of write, for windows read before it (a
// backend that keeps busy times between reads brings them up to date from what writes said).
class BusyTimesAfterWrites : public ScheduleChangesContract {
 protected:
  void ExpectAsStored(const char* after) {
    SCOPED_TRACE(after);
    for (const core::Interval& window : windows_) {
      auto busy = storage_->ListBusyTimes(Clinic(), window, clock_.Now());
      ASSERT_TRUE(busy) << busy.error().message();
      // Bookings come by start; those with the same start in any order.
      EXPECT_EQ(Sorted(busy->bookings), Sorted(storage_->ListBookings(Clinic(), window).value()));
      EXPECT_EQ(busy->holds, storage_->ListHolds(Clinic(), window, clock_.Now()).value());
    }
  }

  static std::vector<core::scheduling::Booking> Sorted(
      std::vector<core::scheduling::Booking> bookings) {
    std::sort(bookings.begin(), bookings.end(), [](const auto& a, const auto& b) {
      return std::tuple(a.blocked.start(), a.blocked.end(), a.practitioner.value(),
                        a.room.value()) <
             std::tuple(b.blocked.start(), b.blocked.end(), b.practitioner.value(), b.room.value());
    });
    return bookings;
  }

  // Tuesday, a slice of it, Wednesday, and two weeks.
  const std::vector<core::Interval> windows_ = {
      Between("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"),
      Between("2026-12-01T17:00:00Z", "2026-12-01T17:40:00Z"),
      Between("2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"),
      Between("2026-11-30T00:00:00Z", "2026-12-14T00:00:00Z")};
};

TEST_P(BusyTimesAfterWrites, AreTheStoredOnesAfterEveryKindOfWrite) {
  ExpectAsStored("nothing written");
  auto ana = storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", 0, 0));
  ASSERT_TRUE(ana) << ana.error().message();
  ExpectAsStored("a booking");
  auto bo = storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", 1, 1));  // the same start
  ASSERT_TRUE(bo) << bo.error().message();
  ExpectAsStored("a booking at the same start");
  Appointment moved = *ana;
  moved.time = Between("2026-12-02T09:00:00Z", "2026-12-02T09:30:00Z");
  moved.blocked_until = At("2026-12-02T09:40:00Z");
  ASSERT_TRUE(storage_->Reschedule(Clinic(), moved));
  ExpectAsStored("a move to Wednesday");
  ASSERT_TRUE(storage_->Cancel(Clinic(), bo->id, clock_.Now()));
  ExpectAsStored("a cancellation");
  ASSERT_FALSE(storage_->Cancel(Clinic(), bo->id, clock_.Now()));
  ExpectAsStored("a refused cancellation");

  ASSERT_TRUE(storage_->CreateHold(Clinic(), HoldOf("2026-12-01T18:00:00Z", 2, "a"), clock_.Now()));
  ExpectAsStored("a hold");
  NewBooking with_hold = Request("2026-12-01T18:00:00Z", 2, 2);
  with_hold.hold_token_hash = "a";
  ASSERT_TRUE(storage_->Book(Clinic(), with_hold));
  ExpectAsStored("a booking that used up its hold");
  ASSERT_TRUE(storage_->CreateHold(Clinic(), HoldOf("2026-12-01T19:00:00Z", 2, "b"), clock_.Now()));
  ASSERT_TRUE(storage_->CreateHold(Clinic(), HoldOf("2026-12-01T20:00:00Z", 3, "c"), clock_.Now()));
  ExpectAsStored("two holds");
  ASSERT_TRUE(storage_->ReleaseHold(Clinic(), "b"));
  ExpectAsStored("a released hold");
  clock_.Set(clock_.Now() + 1h);
  ExpectAsStored("a hold expired");
  ASSERT_TRUE(storage_->ReleaseHold(Clinic(), "c"));
  ExpectAsStored("an expired hold released");

  auto staff = StaffBook("2026-12-01T16:00:00Z", 1, 1);
  ASSERT_TRUE(staff) << staff.error().message();
  ExpectAsStored("a staff booking");
  Appointment changed = *staff;
  changed.time = Between("2026-12-01T15:00:00Z", "2026-12-01T15:30:00Z");
  changed.blocked_until = At("2026-12-01T15:40:00Z");
  auto stored =
      storage_->UpdateAppointment(Clinic(), changed, staff->version, clock_.Now(), Audit());
  ASSERT_TRUE(stored) << stored.error().message();
  ExpectAsStored("a staff move");

  // Overbooked by staff: two live appointments of one practitioner, room and time.
  auto allowed = storage_->SaveSetup(
      Clinic(),
      [](const core::clinic::ClinicSetup& current,
         const std::vector<Appointment>&) -> core::Result<core::clinic::ClinicSetup> {
        core::clinic::ClinicSetup next = current;
        next.practitioners.at(1).allow_overbooking = true;
        return next;
      },
      clock_.Now());
  ASSERT_TRUE(allowed) << allowed.error().message();
  ExpectAsStored("a set-up change");
  auto twin = StaffBook("2026-12-01T15:00:00Z", 1, 1, /*overbooked=*/true);
  ASSERT_TRUE(twin) << twin.error().message();
  ExpectAsStored("an overbooked twin");
  Appointment cancelled = *twin;
  cancelled.status = AppointmentStatus::kCancelled;
  cancelled.cancelled_at = clock_.Now();
  ASSERT_TRUE(
      storage_->UpdateAppointment(Clinic(), cancelled, twin->version, clock_.Now(), Audit()));
  ExpectAsStored("one twin cancelled by staff");
  Appointment back = cancelled;  // and booked again: a cancelled appointment made live
  back.status = AppointmentStatus::kBooked;
  back.cancelled_at = std::nullopt;
  auto revived = storage_->FindAppointment(Clinic(), twin->id);
  ASSERT_TRUE(revived) << revived.error().message();
  auto uncancelled =
      storage_->UpdateAppointment(Clinic(), back, revived->version, clock_.Now(), Audit());
  ASSERT_TRUE(uncancelled) << uncancelled.error().message();
  ExpectAsStored("a cancelled appointment made live again");

  NewBooking request = Request("2026-12-01T21:00:00Z", 0, 0);
  request.appointment.status = AppointmentStatus::kRequested;
  auto requested = storage_->Book(Clinic(), request);
  ASSERT_TRUE(requested) << requested.error().message();
  ExpectAsStored("a request");
  ASSERT_TRUE(storage_->DecideRequest(Clinic(), requested->id, requested->version,
                                      core::ports::RequestDecision::kDecline, "", clock_.Now(),
                                      Audit()));
  ExpectAsStored("a declined request");
}

// SQLite keeps what ListBusyTimes read and applies the writes since (storage/busy_times_cache):
// the day a booking or cancellation changed is answered without a read.
class SqliteBusyTimes : public BusyTimesAfterWrites {};

TEST_P(SqliteBusyTimes, TheDayAfterABookingOrCancellationIsTheLastReadWithTheWriteApplied) {
  auto* sqlite = dynamic_cast<sqlite::SqliteStorage*>(storage_.get());
  ASSERT_NE(sqlite, nullptr);
  const core::Interval tuesday = windows_[0];
  auto busy = [&] { return storage_->ListBusyTimes(Clinic(), tuesday, clock_.Now()).value(); };
  auto first = storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", 0, 0));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(busy().bookings.size(), 1u);  // read
  EXPECT_EQ(sqlite->busy_times_stats().misses, 1u);

  ASSERT_TRUE(storage_->Book(Clinic(), Request("2026-12-01T16:00:00Z", 1, 1)));
  auto after = busy();
  EXPECT_EQ(after.bookings, storage_->ListBookings(Clinic(), tuesday).value());
  ASSERT_EQ(after.bookings.size(), 2u);
  EXPECT_EQ(after.bookings[0].blocked.start(), At("2026-12-01T16:00:00Z"));  // in order of start
  ASSERT_TRUE(storage_->Cancel(Clinic(), first->id, clock_.Now()));
  after = busy();
  EXPECT_EQ(after.bookings, storage_->ListBookings(Clinic(), tuesday).value());
  EXPECT_EQ(after.bookings.size(), 1u);
  // Both answered from what was kept, each with its write applied; no second read.
  EXPECT_EQ(sqlite->busy_times_stats().updated, 2u);
  EXPECT_EQ(sqlite->busy_times_stats().misses, 1u);

  // A hold taken is not applied (the change lacks its service and expiry): read again.
  ASSERT_TRUE(storage_->CreateHold(Clinic(), HoldOf("2026-12-01T19:00:00Z", 0, "h"), clock_.Now()));
  EXPECT_EQ(busy().holds.size(), 1u);
  EXPECT_EQ(sqlite->busy_times_stats().misses, 2u);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ScheduleChangesContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, ScheduleChangesContract, ::testing::Values(PostgresBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, BusyTimesAfterWrites, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, BusyTimesAfterWrites, ::testing::Values(PostgresBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteBusyTimes, ::testing::Values(SqliteBackend()), BackendName);

}  // namespace
}  // namespace unknot::storage::contract
