// Held times (issue 16), the same on every backend: a hold keeps a practitioner's time from
// other holds and bookings until it expires or is released; the booking that presents its token
// gets the time, even against 64 others racing for it, and uses the hold up.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::ports::Hold;
using core::ports::NewBooking;
using core::ports::NewHold;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;

using unknot::testing::At;

class HoldsContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  core::ClinicId Clinic() const { return setup_.clinic.id; }

  // A 30-minute ART session (service 1) with practitioner `practitioner`, plus a 10-minute buffer.
  NewHold HoldOf(const char* start, std::string token_hash, std::size_t practitioner = 0) {
    core::Instant begin = At(start);
    return NewHold{.practitioner = setup_.practitioners[practitioner].id,
                   .service = setup_.services[1].id,
                   .time = core::Interval::Create(begin, begin + 30min).value(),
                   .blocked_until = begin + 40min,
                   .token_hash = std::move(token_hash)};
  }

  NewBooking Request(const char* start, std::string email, std::size_t practitioner = 0,
                     std::size_t room = 0) {
    core::Instant begin = At(start);
    return NewBooking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", std::move(email), "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[practitioner].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[room].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = core::scheduling::BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token-" + std::to_string(++tokens_),
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
  }

  std::vector<Hold> HoldsOn(const char* from, const char* to) {
    return storage_
        ->ListHolds(Clinic(), core::Interval::Create(At(from), At(to)).value(), clock_.Now())
        .value();
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
  int tokens_ = 0;
};

TEST_P(HoldsContract, AHoldIsFoundListedAndReleased) {
  auto held =
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now());
  ASSERT_TRUE(held) << held.error().message();
  EXPECT_EQ(held->practitioner, setup_.practitioners[0].id);
  EXPECT_EQ(held->time.start(), At("2026-12-01T17:00:00Z"));
  EXPECT_EQ(held->blocked_until, At("2026-12-01T17:40:00Z"));
  EXPECT_EQ(held->expires_at, clock_.Now() + 7min);  // the clinic's default hold minutes
  EXPECT_EQ(storage_->FindHold(Clinic(), "hold-a", clock_.Now()).value(), *held);
  EXPECT_EQ(HoldsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), std::vector<Hold>{*held});
  // Only its blocked span counts: a window after the buffer does not see it.
  EXPECT_TRUE(HoldsOn("2026-12-01T17:40:00Z", "2026-12-01T19:00:00Z").empty());

  ASSERT_TRUE(storage_->ReleaseHold(Clinic(), "hold-a"));
  EXPECT_EQ(storage_->FindHold(Clinic(), "hold-a", clock_.Now()).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(storage_->ReleaseHold(Clinic(), "hold-a").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(HoldsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z").empty());
  // Released: anyone may hold it now.
  EXPECT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-b"), clock_.Now()));
}

TEST_P(HoldsContract, TheClinicSetsHowLongAHoldLasts) {
  ASSERT_EQ(database_->ExecRaw("UPDATE clinics SET hold_minutes = 3"), "");
  auto held =
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now());
  ASSERT_TRUE(held) << held.error().message();
  EXPECT_EQ(held->expires_at, clock_.Now() + 3min);
  // The database keeps the setting sensible.
  EXPECT_NE(database_->ExecRaw("UPDATE clinics SET hold_minutes = 0"), "");
}

TEST_P(HoldsContract, AHeldOrBookedTimeCannotBeHeldAgain) {
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now()));
  // Overlapping its buffer is overlapping it.
  auto again =
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:30:00Z", "hold-b"), clock_.Now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  // Another practitioner at the same time is free.
  EXPECT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-c", 1), clock_.Now()));
  // A booked time is not free either.
  ASSERT_TRUE(storage_->Book(Clinic(), Request("2026-12-02T17:00:00Z", "ana@example.org")));
  auto booked =
      storage_->CreateHold(Clinic(), HoldOf("2026-12-02T17:15:00Z", "hold-d"), clock_.Now());
  ASSERT_FALSE(booked);
  EXPECT_EQ(booked.error().code(), ErrorCode::kConflict);
  // Another clinic's practitioner, or an unknown service, is refused.
  NewHold stranger = HoldOf("2026-12-03T17:00:00Z", "hold-e");
  stranger.practitioner = core::PractitionerId{999999};
  EXPECT_EQ(storage_->CreateHold(Clinic(), stranger, clock_.Now()).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_
                ->CreateHold(core::ClinicId{999999}, HoldOf("2026-12-03T17:00:00Z", "hold-f"),
                             clock_.Now())
                .error()
                .code(),
            ErrorCode::kNotFound);
}

TEST_P(HoldsContract, OnlyTheBookingWithTheTokenGetsAHeldTimeAndUsesTheHoldUp) {
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now()));
  // Without the token, in any room: refused like an overlapping appointment.
  auto other = storage_->Book(Clinic(), Request("2026-12-01T17:15:00Z", "bo@example.org", 0, 1));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), ErrorCode::kConflict);
  // Another hold's token does not open it.
  NewBooking wrong = Request("2026-12-01T17:00:00Z", "bo@example.org");
  wrong.hold_token_hash = "hold-zzz";
  EXPECT_EQ(storage_->Book(Clinic(), wrong).error().code(), ErrorCode::kConflict);
  // The holder's booking: stored, and the hold is gone.
  NewBooking mine = Request("2026-12-01T17:00:00Z", "ana@example.org");
  mine.hold_token_hash = "hold-a";
  auto booked = storage_->Book(Clinic(), mine);
  ASSERT_TRUE(booked) << booked.error().message();
  EXPECT_EQ(storage_->FindHold(Clinic(), "hold-a", clock_.Now()).error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(HoldsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z").empty());
  // The time after the appointment, still inside the used hold's buffer, is free again.
  EXPECT_TRUE(storage_->Book(Clinic(), Request("2026-12-01T17:30:00Z", "bo@example.org")));
}

TEST_P(HoldsContract, ARefusedBookingWithTheTokenKeepsTheHold) {
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now()));
  // The holder is already at the clinic's cap: the booking is refused and the hold stays.
  NewBooking capped = Request("2026-12-01T17:00:00Z", "ana@example.org");
  capped.hold_token_hash = "hold-a";
  capped.max_future_online = 1;
  ASSERT_TRUE(storage_->Book(Clinic(), Request("2026-12-05T17:00:00Z", "ana@example.org")));
  auto refused = storage_->Book(Clinic(), capped);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(storage_->FindHold(Clinic(), "hold-a", clock_.Now()));
  EXPECT_EQ(
      storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", "bo@example.org")).error().code(),
      ErrorCode::kConflict);
}

TEST_P(HoldsContract, AMoveIntoAHeldTimeIsRefusedAndOtherChangesPass) {
  auto booked = storage_->Book(Clinic(), Request("2026-12-02T17:00:00Z", "bo@example.org"));
  ASSERT_TRUE(booked) << booked.error().message();
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now()));
  Appointment moved = *booked;
  moved.time =
      core::Interval::Create(At("2026-12-01T17:00:00Z"), At("2026-12-01T17:30:00Z")).value();
  moved.blocked_until = moved.time.end();
  EXPECT_EQ(storage_->Reschedule(Clinic(), moved).error().code(), ErrorCode::kConflict);
  // Another practitioner's time is not held; nor does a cancel touch the hold.
  moved.practitioner = setup_.practitioners[1].id;
  moved.room = setup_.rooms[1].id;
  EXPECT_TRUE(storage_->Reschedule(Clinic(), moved));
  EXPECT_TRUE(storage_->Cancel(Clinic(), booked->id, clock_.Now()));
  EXPECT_TRUE(storage_->FindHold(Clinic(), "hold-a", clock_.Now()));
}

TEST_P(HoldsContract, BusyTimesAreTheLiveBookingsAndLiveHoldsOfTheWindowReadTogether) {
  const auto window =
      core::Interval::Create(At("2026-12-01T00:00:00Z"), At("2026-12-02T00:00:00Z")).value();
  auto kept = storage_->Book(Clinic(), Request("2026-12-01T16:00:00Z", "ana@example.org"));
  ASSERT_TRUE(kept) << kept.error().message();
  auto cancelled =
      storage_->Book(Clinic(), Request("2026-12-01T18:00:00Z", "bo@example.org", 1, 1));
  ASSERT_TRUE(cancelled) << cancelled.error().message();
  ASSERT_TRUE(storage_->Cancel(Clinic(), cancelled->id, clock_.Now()));
  ASSERT_TRUE(storage_->Book(Clinic(), Request("2026-12-03T16:00:00Z", "cy@example.org")));
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-old"), clock_.Now()));
  clock_.Set(clock_.Now() + 5min);
  auto live =
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T19:00:00Z", "hold-live", 1), clock_.Now());
  ASSERT_TRUE(live) << live.error().message();
  clock_.Set(clock_.Now() + 3min);  // hold-old has expired, hold-live has not

  auto busy = storage_->ListBusyTimes(Clinic(), window, clock_.Now());
  ASSERT_TRUE(busy) << busy.error().message();
  const core::scheduling::Booking expected{
      setup_.practitioners[0].id, setup_.rooms[0].id,
      core::Interval::Create(At("2026-12-01T16:00:00Z"), At("2026-12-01T16:30:00Z")).value()};
  EXPECT_EQ(busy->bookings, std::vector<core::scheduling::Booking>{expected});
  EXPECT_EQ(busy->holds, std::vector<Hold>{*live});
  // The same as the two reads one at a time.
  EXPECT_EQ(busy->bookings, storage_->ListBookings(Clinic(), window).value());
  EXPECT_EQ(busy->holds, storage_->ListHolds(Clinic(), window, clock_.Now()).value());

  // The holder books: the hold is used up and the booking is busy instead, counted once.
  NewBooking mine = Request("2026-12-01T19:00:00Z", "dee@example.org", 1, 1);
  mine.hold_token_hash = "hold-live";
  ASSERT_TRUE(storage_->Book(Clinic(), mine));
  busy = storage_->ListBusyTimes(Clinic(), window, clock_.Now());
  ASSERT_TRUE(busy) << busy.error().message();
  EXPECT_TRUE(busy->holds.empty());
  ASSERT_EQ(busy->bookings.size(), 2u);
  EXPECT_EQ(busy->bookings[1].practitioner, setup_.practitioners[1].id);
  EXPECT_EQ(busy->bookings[1].blocked.start(), At("2026-12-01T19:00:00Z"));
  // Nothing in another window.
  busy = storage_->ListBusyTimes(
      Clinic(),
      core::Interval::Create(At("2026-12-02T00:00:00Z"), At("2026-12-03T00:00:00Z")).value(),
      clock_.Now());
  ASSERT_TRUE(busy) << busy.error().message();
  EXPECT_TRUE(busy->bookings.empty());
  EXPECT_TRUE(busy->holds.empty());
}

TEST_P(HoldsContract, AnExpiredHoldFreesTheTime) {
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now()));
  clock_.Set(clock_.Now() + 7min);  // expires_at is exclusive: at that instant it is gone
  EXPECT_EQ(storage_->FindHold(Clinic(), "hold-a", clock_.Now()).error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(HoldsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z").empty());
  // Another patient may hold it, and a booking without any token takes it.
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-02T17:00:00Z", "hold-b"), clock_.Now()));
  auto booked = storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", "bo@example.org"));
  ASSERT_TRUE(booked) << booked.error().message();
  // The expired hold's token opens nothing any more (its row may or may not be pruned yet).
  NewBooking late = Request("2026-12-01T17:00:00Z", "ana@example.org", 0, 1);
  late.hold_token_hash = "hold-a";
  EXPECT_EQ(storage_->Book(Clinic(), late).error().code(), ErrorCode::kConflict);
}

TEST_P(HoldsContract, SixtyFourBookingsWithoutTheTokenLoseToTheHolder) {
  ASSERT_TRUE(
      storage_->CreateHold(Clinic(), HoldOf("2026-12-01T17:00:00Z", "hold-a"), clock_.Now()));
  std::atomic<int> holder{0}, others{0}, conflicts{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i <= 64; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      // All want practitioner 0 at the held time, in either room; thread 32 holds the token.
      NewBooking booking = Request("2026-12-01T17:00:00Z", "p" + std::to_string(i) + "@example.org",
                                   0, static_cast<std::size_t>(i % 2));
      if (i == 32) booking.hold_token_hash = "hold-a";
      auto r = storage_->Book(Clinic(), booking);
      if (r) {
        ++(i == 32 ? holder : others);
      } else if (r.error().code() == ErrorCode::kConflict) {
        ++conflicts;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(holder.load(), 1);
  EXPECT_EQ(others.load(), 0);
  EXPECT_EQ(conflicts.load(), 64);
  // And it is stored: a fresh open (a restarted server) finds the holder's appointment alone.
  storage_.reset();
  storage_ = database_->Open(clock_);
  auto booked = storage_->ListAppointments(
      Clinic(),
      core::Interval::Create(At("2026-12-01T00:00:00Z"), At("2026-12-02T00:00:00Z")).value());
  ASSERT_TRUE(booked);
  ASSERT_EQ(booked->size(), 1u);
  EXPECT_EQ(storage_->FindPatient(Clinic(), booked->front().patient)->email, "p32@example.org");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, HoldsContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, HoldsContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
