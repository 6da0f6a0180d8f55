// The change feed of the live calendar (core/ports/appointment_changes.hpp) on every backend:
// every write path numbers the appointment it writes, per clinic, in commit order, and a reader
// that asks for "what came after n" again and again misses nothing, even under concurrent writes.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "app/demo_clinic.hpp"
#include "core/ports/appointment_changes.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ports::AppointmentChange;
using core::ports::AppointmentChangeFeed;
using core::ports::NewBooking;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;

using unknot::testing::At;

class ChangeFeedContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    feed_ = dynamic_cast<AppointmentChangeFeed*>(storage_.get());
    ASSERT_TRUE(feed_ != nullptr) << "the backend has no change feed";
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  NewBooking Request(core::Instant begin, std::size_t practitioner = 0, std::size_t room = 0,
                     std::string email = "ana@example.org") {
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
                                   .source = BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token",
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
  }

  std::vector<AppointmentChange> Since(std::int64_t after, int limit = 1000) {
    return feed_->ChangesSince(setup_.clinic.id, after, limit).value();
  }
  std::int64_t Last() { return feed_->LastChange(setup_.clinic.id).value(); }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  AppointmentChangeFeed* feed_ = nullptr;
  core::clinic::ClinicSetup setup_;
};

TEST_P(ChangeFeedContract, EveryWritePathRaisesTheNumber) {
  const core::ClinicId clinic = setup_.clinic.id;
  EXPECT_EQ(Last(), 0);
  EXPECT_TRUE(Since(0).empty());

  // InsertAppointment (the record store)...
  auto patient = storage_->CreatePatient(
      clinic, {core::PatientId{}, "Bo", "Li", "bo@example.org", "+14155550143", clock_.Now()});
  ASSERT_TRUE(patient) << patient.error().message();
  Appointment phone = Request(At("2026-12-01T17:00:00Z"), 1, 1).appointment;
  phone.patient = patient->id;
  phone.source = BookingSource::kPhone;
  phone.created_at = phone.updated_at = clock_.Now();
  Appointment inserted = storage_->InsertAppointment(clinic, phone).value();
  EXPECT_EQ(Last(), 1);
  // ... Book ...
  Appointment booked = storage_->Book(clinic, Request(At("2026-12-01T17:00:00Z"))).value();
  EXPECT_EQ(Last(), 2);
  // ... Reschedule ...
  Appointment moved = booked;
  moved.time =
      core::Interval::Create(At("2026-12-01T18:00:00Z"), At("2026-12-01T18:30:00Z")).value();
  moved.blocked_until = moved.time.end();
  moved = storage_->Reschedule(clinic, moved).value();
  EXPECT_EQ(Last(), 3);
  // ... and Cancel each raise it by one.
  Appointment cancelled = storage_->Cancel(clinic, inserted.id, clock_.Now()).value();
  EXPECT_EQ(Last(), 4);

  // A write that fails writes no number.
  EXPECT_FALSE(storage_->Book(clinic, Request(At("2026-12-01T18:00:00Z"))));
  EXPECT_FALSE(storage_->Cancel(clinic, inserted.id, clock_.Now()));
  EXPECT_EQ(Last(), 4);

  // Each changed appointment once, with its latest state and number, in change order.
  std::vector<AppointmentChange> all = Since(0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].change, 3);
  EXPECT_EQ(all[0].appointment, moved);
  EXPECT_EQ(all[1].change, 4);
  EXPECT_EQ(all[1].appointment, cancelled);
  EXPECT_EQ(all[1].appointment.status, AppointmentStatus::kCancelled);
  // After a number: only what changed since; paged by `limit`.
  std::vector<AppointmentChange> later = Since(3);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].appointment.id, inserted.id);
  EXPECT_TRUE(Since(4).empty());
  std::vector<AppointmentChange> first_page = Since(0, 1);
  ASSERT_EQ(first_page.size(), 1u);
  EXPECT_EQ(first_page[0].change, 3);
}

TEST_P(ChangeFeedContract, NumbersArePerClinic) {
  core::clinic::ClinicSetup other_setup = app::DemoClinicSetup(clock_.Now()).value();
  other_setup.clinic.slug = "other-clinic";
  core::clinic::ClinicSetup other = storage_->CreateClinic(other_setup).value();
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request(At("2026-12-01T17:00:00Z"))));
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request(At("2026-12-01T18:00:00Z"))));
  NewBooking there = Request(At("2026-12-01T17:00:00Z"));
  there.appointment.practitioner = other.practitioners[0].id;
  there.appointment.service = other.services[1].id;
  there.appointment.room = other.rooms[0].id;
  Appointment theirs = storage_->Book(other.clinic.id, there).value();
  EXPECT_EQ(Last(), 2);
  EXPECT_EQ(feed_->LastChange(other.clinic.id).value(), 1);
  auto other_changes = feed_->ChangesSince(other.clinic.id, 0, 10).value();
  ASSERT_EQ(other_changes.size(), 1u);
  EXPECT_EQ(other_changes[0].appointment.id, theirs.id);
  EXPECT_EQ(Since(0).size(), 2u);
  EXPECT_EQ(feed_->LastChange(core::ClinicId{999999}).value(), 0);
  EXPECT_TRUE(feed_->ChangesSince(core::ClinicId{999999}, 0, 10).value().empty());
}

TEST_P(ChangeFeedContract, AReaderThatKeepsAskingMissesNothingUnderConcurrentWrites) {
  // Eight writers book distinct times (each their own practitioner-day); a reader asks for what
  // came after the last number it saw, again and again. Numbers are taken in commit order, so
  // a change it has not seen can never carry a number below one it has.
  constexpr int kWriters = 8;
  constexpr int kEach = 6;
  std::atomic<bool> done{false};
  std::map<std::int64_t, std::int64_t> seen;  // appointment id -> latest change seen
  std::int64_t cursor = 0;
  bool ordered = true;
  std::thread reader([&] {
    while (true) {
      bool last_round = done.load();
      auto page = feed_->ChangesSince(setup_.clinic.id, cursor, 7);
      ASSERT_TRUE(page) << page.error().message();
      for (const AppointmentChange& change : *page) {
        if (change.change <= cursor) ordered = false;
        cursor = change.change;
        seen[change.appointment.id.value()] = change.change;
      }
      if (last_round && page->empty()) break;
    }
  });
  std::vector<std::thread> writers;
  std::atomic<int> written{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        core::Instant begin = At("2026-12-01T16:00:00Z") + std::chrono::days{w} + i * 1h;
        auto booked = storage_->Book(
            setup_.clinic.id, Request(begin, 0, 0, "w" + std::to_string(w) + "@example.org"));
        EXPECT_TRUE(booked) << booked.error().message();
        if (booked) ++written;
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  reader.join();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(static_cast<int>(seen.size()), written.load());
  EXPECT_EQ(Last(), written.load());  // no gaps, no repeats: every committed write, once
  std::set<std::int64_t> numbers;
  for (const auto& [id, change] : seen) numbers.insert(change);
  EXPECT_EQ(numbers.size(), seen.size());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ChangeFeedContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, ChangeFeedContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
