#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/demo_clinic.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::storage::sqlite {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::ports::NewBooking;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }

class BookingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MigrateDatabase(path_, clock_));
    storage_ = SqliteStorage::Open(path_, clock_).value();
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  // A 30-minute ART session with practitioner/room indexes into the demo setup, plus `buffer`.
  NewBooking Request(const char* start, std::size_t practitioner = 0, std::size_t room = 0,
                     std::string email = "ana@example.org", std::chrono::minutes buffer = 0min) {
    core::Instant begin = At(start);
    return NewBooking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", std::move(email), "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[practitioner].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[room].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min + buffer,
                                   .status = AppointmentStatus::kBooked,
                                   .source = core::scheduling::BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token",
        .idempotency = std::nullopt};
  }

  std::size_t BookingsOn(const char* day_start, const char* day_end) {
    return storage_
        ->ListBookings(setup_.clinic.id, core::Interval::Create(At(day_start), At(day_end)).value())
        ->size();
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<SqliteStorage> storage_;
  core::clinic::ClinicSetup setup_;
};

TEST_F(BookingTest, BooksAndReusesThePatientByEmail) {
  auto first = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(first->id.is_set());
  EXPECT_EQ(first->created_at, clock_.Now());
  auto second =
      storage_->Book(setup_.clinic.id, Request("2026-12-02T17:00:00Z", 0, 0, "ANA@example.org"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->patient, first->patient);
  EXPECT_EQ(*storage_->ManageTokenHash(setup_.clinic.id, first->id), "hash-of-token");
  EXPECT_EQ(storage_->ManageTokenHash(setup_.clinic.id, core::AppointmentId{999}).error().code(),
            ErrorCode::kNotFound);
}

TEST_F(BookingTest, OverlapsAreRefusedPerPractitionerAndPerRoomBuffersIncluded) {
  ASSERT_TRUE(storage_->Book(setup_.clinic.id,
                             Request("2026-12-01T17:00:00Z", 0, 0, "a@example.org", 10min)));
  // Same practitioner, other room, inside the buffer (17:30-17:40).
  auto practitioner = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:35:00Z", 0, 1));
  ASSERT_FALSE(practitioner);
  EXPECT_EQ(practitioner.error().code(), ErrorCode::kConflict);
  // Other practitioner, same room.
  auto room = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:15:00Z", 1, 0));
  ASSERT_FALSE(room);
  EXPECT_EQ(room.error().code(), ErrorCode::kConflict);
  // Other practitioner, other room: fine; and right after the buffer: fine.
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:15:00Z", 1, 1)));
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:40:00Z", 0, 0)));
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 3u);
}

TEST_F(BookingTest, ATakenRoomFallsBackToTheNextFreeOne) {
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z", 0, 0)));
  // Practitioner 1 asks for room 0, which is taken; room 1 is offered as an alternative.
  NewBooking second = Request("2026-12-01T17:00:00Z", 1, 0, "b@example.org");
  second.other_rooms = {setup_.rooms[1].id};
  auto stored = storage_->Book(setup_.clinic.id, second);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(stored->room, setup_.rooms[1].id);
  // A free requested room is kept even when alternatives are offered.
  NewBooking later = Request("2026-12-01T18:00:00Z", 1, 0, "b@example.org");
  later.other_rooms = {setup_.rooms[1].id};
  auto kept = storage_->Book(setup_.clinic.id, later);
  ASSERT_TRUE(kept) << kept.error().message();
  EXPECT_EQ(kept->room, setup_.rooms[0].id);
  // With no free room left it is a conflict, and no patient or appointment row is left behind.
  NewBooking third = Request("2026-12-01T17:00:00Z", 2, 0, "c@example.org");
  third.other_rooms = {setup_.rooms[1].id};
  EXPECT_EQ(storage_->Book(setup_.clinic.id, third).error().code(), ErrorCode::kConflict);
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 3u);
}

TEST_F(BookingTest, OverlapReadsSeeTheLongestAppointmentEverBooked) {
  // Reads scan back only as far as the clinic's longest booked span: a 30-minute booking first,
  // then one blocking 2.5 hours must widen that, or a window late in it would miss it.
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T16:00:00Z", 1, 1)));
  EXPECT_EQ(BookingsOn("2026-12-01T16:29:00Z", "2026-12-01T16:30:00Z"), 1u);
  EXPECT_EQ(BookingsOn("2026-12-01T16:30:00Z", "2026-12-01T17:00:00Z"), 0u);
  auto long_one = storage_->Book(setup_.clinic.id,
                                 Request("2026-12-01T17:00:00Z", 0, 0, "a@example.org", 120min));
  ASSERT_TRUE(long_one);
  EXPECT_EQ(BookingsOn("2026-12-01T19:29:00Z", "2026-12-01T19:30:00Z"), 1u);
  EXPECT_EQ(BookingsOn("2026-12-01T19:30:00Z", "2026-12-01T20:00:00Z"), 0u);
  // The writer's room choice reads the same way: room 0 is still busy at 19:15.
  NewBooking late = Request("2026-12-01T19:15:00Z", 2, 0, "b@example.org");
  late.other_rooms = {setup_.rooms[2].id};
  auto stored = storage_->Book(setup_.clinic.id, late);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(stored->room, setup_.rooms[2].id);
  // A reschedule that makes a span longer widens the bound too.
  Appointment moved = *long_one;
  moved.time =
      core::Interval::Create(At("2026-12-02T17:00:00Z"), At("2026-12-02T17:30:00Z")).value();
  moved.blocked_until = At("2026-12-02T21:00:00Z");
  ASSERT_TRUE(storage_->Reschedule(setup_.clinic.id, moved));
  EXPECT_EQ(BookingsOn("2026-12-02T20:59:00Z", "2026-12-02T21:00:00Z"), 1u);
}

TEST_F(BookingTest, SetupReadsAreCachedAndDroppedOnSetupWrites) {
  auto first = *storage_->LoadSetup(setup_.clinic.id).value();
  EXPECT_EQ(first, setup_);
  EXPECT_EQ(storage_->FindClinic(setup_.clinic.slug)->id, setup_.clinic.id);
  auto other = app::DemoClinicSetup(clock_.Now()).value();
  other.clinic.slug = "second-clinic";
  auto created = storage_->CreateClinic(other).value();
  EXPECT_EQ(storage_->FindClinic("second-clinic")->id, created.clinic.id);
  EXPECT_EQ(*storage_->LoadSetup(created.clinic.id).value(), created);
  EXPECT_EQ(*storage_->LoadSetup(setup_.clinic.id).value(), setup_);
}

TEST_F(BookingTest, CancelFreesTheTimeAndIsNotRepeatable) {
  auto booked = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z")).value();
  auto cancelled = storage_->Cancel(setup_.clinic.id, booked.id, At("2026-11-27T00:00:00Z"));
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, AppointmentStatus::kCancelled);
  EXPECT_EQ(cancelled->cancelled_at, At("2026-11-27T00:00:00Z"));
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 0u);
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z")));
  EXPECT_EQ(storage_->Cancel(setup_.clinic.id, booked.id, clock_.Now()).error().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(
      storage_->Cancel(setup_.clinic.id, core::AppointmentId{999}, clock_.Now()).error().code(),
      ErrorCode::kNotFound);
}

TEST_F(BookingTest, RescheduleIsAtomic) {
  auto a = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z")).value();
  auto b = storage_->Book(setup_.clinic.id, Request("2026-12-01T18:00:00Z")).value();
  Appointment onto_b = a;
  onto_b.time =
      core::Interval::Create(At("2026-12-01T18:15:00Z"), At("2026-12-01T18:45:00Z")).value();
  onto_b.blocked_until = onto_b.time.end();
  auto refused = storage_->Reschedule(setup_.clinic.id, onto_b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(*storage_->FindAppointment(setup_.clinic.id, a.id), a);  // exactly as it was

  Appointment later = a;
  later.time =
      core::Interval::Create(At("2026-12-01T19:00:00Z"), At("2026-12-01T19:30:00Z")).value();
  later.blocked_until = later.time.end();
  auto moved = storage_->Reschedule(setup_.clinic.id, later);
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->time, later.time);
  // Moving onto its own old time is not an overlap with itself.
  EXPECT_TRUE(storage_->Reschedule(setup_.clinic.id, a));
  (void)b;
}

TEST_F(BookingTest, IdempotencyKeyStoresTheResponse) {
  NewBooking request = Request("2026-12-01T17:00:00Z");
  request.idempotency = NewBooking::Idempotency{
      "key-1", "fingerprint-1",
      [](const Appointment& a) { return "{\"id\":" + std::to_string(a.id.value()) + "}"; }};
  auto booked = storage_->Book(setup_.clinic.id, request).value();
  auto stored = storage_->FindResponse(setup_.clinic.id, "key-1").value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->fingerprint, "fingerprint-1");
  EXPECT_EQ(stored->body, "{\"id\":" + std::to_string(booked.id.value()) + "}");
  EXPECT_EQ(stored->appointment, booked.id);
  EXPECT_FALSE(*storage_->FindResponse(setup_.clinic.id, "key-2"));
  // The same key again never books twice, even for a free time.
  request.appointment.time =
      core::Interval::Create(At("2026-12-03T17:00:00Z"), At("2026-12-03T17:30:00Z")).value();
  request.appointment.blocked_until = request.appointment.time.end();
  EXPECT_EQ(storage_->Book(setup_.clinic.id, request).error().code(), ErrorCode::kConflict);
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-04T00:00:00Z"), 1u);
}

TEST_F(BookingTest, SixtyFourConcurrentBookingsOfOneSlotGiveExactlyOne) {
  std::atomic<int> successes{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      // Different practitioners and rooms would be fine; all want practitioner 0.
      auto r = storage_->Book(setup_.clinic.id,
                              Request("2026-12-01T17:00:00Z", 0, static_cast<std::size_t>(i % 2),
                                      "p" + std::to_string(i) + "@example.org"));
      if (r) {
        ++successes;
      } else if (r.error().code() == ErrorCode::kConflict) {
        ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes.load(), 1);
  EXPECT_EQ(conflicts.load(), 63);
  // And it is in the file after a reopen.
  storage_.reset();
  storage_ = SqliteStorage::Open(path_, clock_).value();
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 1u);
}

TEST(MigrationUpgradeTest, AVersionOneDatabaseKeepsItsDataAndGainsTheRules) {
  testing::TempDir dir;
  std::string path = dir.File("v1.db");
  core::FixedClock clock(At("2026-11-26T18:00:00Z"));
  {
    Connection db = OpenDatabase(path, CreateMode::kIfMissing, SchemaCheck::kAllowOlder).value();
    const Migration& v1 = Migrations()[0];
    ASSERT_TRUE(
        db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description "
                "TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    ASSERT_TRUE(db.Exec(v1.sql));
    ASSERT_TRUE(db.Exec("INSERT INTO schema_version VALUES (1, 'v1', 0)"));
    ASSERT_TRUE(db.Exec(
        "INSERT INTO clinics (slug, name, phone, address_line1, city, region, postal_code, "
        "country, time_zone, min_notice_minutes, horizon_days, cancellation_window_minutes, "
        "slot_step_minutes, grace_period_minutes, created_at) VALUES ('old', 'Old', "
        "'+14155550100', '1 Main', 'SF', 'CA', '94103', 'US', 'America/Los_Angeles', 0, 60, 0, "
        "15, 0, 0)"));
    auto report = Migrate(db, clock);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->from_version, 1);
    EXPECT_EQ(report->to_version, LatestSchemaVersion());
  }
  auto storage = SqliteStorage::Open(path, clock);
  ASSERT_TRUE(storage);
  EXPECT_EQ((*storage)->FindClinic("old")->name, "Old");
}

}  // namespace
}  // namespace unknot::storage::sqlite
