// The front desk's storage contract (core/ports/calendar.hpp): the calendar read, staff bookings
// (patients without email, overbooking), version-checked updates, each write with its audit
// entry in the same transaction; on every backend alike.

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
using core::clinic::ClinicSetup;
using core::ports::StaffBooking;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;
using core::staff::AuditEntry;

using unknot::testing::At;

class CalendarContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    ClinicSetup setup = app::DemoClinicSetup(clock_.Now()).value();
    setup.practitioners[1].allow_overbooking = true;
    clinic_ = storage_->CreateClinic(setup).value();
    core::clinic::Patient ana;
    ana.given_name = "Ana";
    ana.family_name = "Ruiz";
    ana.email = "ana@example.org";
    ana.phone = "+14155550142";
    ana.created_at = clock_.Now();
    ana_ = storage_->CreatePatient(id(), ana).value();
  }

  core::ClinicId id() const { return clinic_.clinic.id; }

  AuditEntry Entry(std::string record = "") const {
    AuditEntry entry;
    entry.clinic = id();
    entry.action = "book_appointment";
    entry.record = std::move(record);
    entry.at = clock_.Now();
    return entry;
  }

  // A 30-minute appointment of practitioners[p] in rooms[r].
  Appointment Draft(std::size_t p, std::size_t r, const char* start,
                    bool overbooked = false) const {
    const core::Instant begin = At(start);
    return Appointment{.id = {},
                       .patient = ana_.id,
                       .practitioner = clinic_.practitioners.at(p).id,
                       .service = clinic_.services.at(1).id,
                       .room = clinic_.rooms.at(r).id,
                       .time = core::Interval::Create(begin, begin + 30min).value(),
                       .blocked_until = begin + 30min,
                       .status = AppointmentStatus::kBooked,
                       .source = BookingSource::kPhone,
                       .created_at = clock_.Now(),
                       .updated_at = clock_.Now(),
                       .cancelled_at = std::nullopt,
                       .assessment = std::nullopt,
                       .overbooked = overbooked};
  }

  core::Result<Appointment> Book(const Appointment& draft) {
    return storage_->StaffBook(id(), StaffBooking{.patient = ana_.id,
                                                  .new_patient = {},
                                                  .appointment = draft,
                                                  .other_rooms = {},
                                                  .audit = Entry()});
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(id(), filter).value().size();
  }

  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<core::ports::Storage> storage_;
  ClinicSetup clinic_;
  core::clinic::Patient ana_;
};

TEST_P(CalendarContract, StaffBookCreatesAPatientWithoutEmailWithItsAuditEntry) {
  core::clinic::Patient caller;
  caller.given_name = "Walter";
  caller.family_name = "Nash";
  caller.phone = "+14155550177";
  auto booked =
      storage_->StaffBook(id(), StaffBooking{.patient = std::nullopt,
                                             .new_patient = caller,
                                             .appointment = Draft(0, 0, "2026-11-27T17:00:00Z"),
                                             .other_rooms = {},
                                             .audit = Entry()});
  ASSERT_TRUE(booked) << booked.error().message();
  EXPECT_GT(booked->id.value(), 0);
  EXPECT_EQ(booked->version, 1);
  auto patient = storage_->FindPatient(id(), booked->patient);
  ASSERT_TRUE(patient);
  EXPECT_EQ(patient->given_name, "Walter");
  EXPECT_EQ(patient->email, "");
  auto stored = storage_->FindAppointment(id(), booked->id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->source, BookingSource::kPhone);
  core::ports::AuditFilter filter;
  filter.limit = 10;
  auto log = storage_->ListAudit(id(), filter).value();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].record, "appointment/" + std::to_string(booked->id.value()));
  EXPECT_EQ(log[0].patient, booked->patient);

  // A bad email is still refused; a patient of nowhere is not found; nothing is written.
  caller.email = "not an email";
  auto refused =
      storage_->StaffBook(id(), StaffBooking{.patient = std::nullopt,
                                             .new_patient = caller,
                                             .appointment = Draft(0, 0, "2026-11-27T18:00:00Z"),
                                             .other_rooms = {},
                                             .audit = Entry()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  auto nobody =
      storage_->StaffBook(id(), StaffBooking{.patient = core::PatientId{999999},
                                             .new_patient = {},
                                             .appointment = Draft(0, 0, "2026-11-27T18:00:00Z"),
                                             .other_rooms = {},
                                             .audit = Entry()});
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), 1u);
}

TEST_P(CalendarContract, OverlapsAreRefusedUnlessOverbookedWhoseRoomMustBeFreeOfOthers) {
  ASSERT_TRUE(Book(Draft(1, 0, "2026-11-27T18:00:00Z")));
  // The same practitioner in another room: taken, nothing written.
  auto taken = Book(Draft(1, 1, "2026-11-27T18:15:00Z"));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), 1u);
  // Overbooked: allowed, even in the practitioner's own busy room.
  auto over = Book(Draft(1, 0, "2026-11-27T18:15:00Z", true));
  ASSERT_TRUE(over) << over.error().message();
  EXPECT_TRUE(over->overbooked);
  EXPECT_TRUE(storage_->FindAppointment(id(), over->id)->overbooked);
  // Overbooked into a room another practitioner uses then: refused.
  ASSERT_TRUE(Book(Draft(0, 1, "2026-11-27T19:00:00Z")));
  auto other_room = Book(Draft(1, 1, "2026-11-27T19:00:00Z", true));
  ASSERT_FALSE(other_room);
  EXPECT_EQ(other_room.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), 3u);
}

// The database itself (triggers, exclusion constraint) keeps an overbooked appointment's room from
// other practitioners: a write that skips the staff checks, or races them, is refused. The
// practitioner's own appointments may still share it (that is their overbooking).
TEST_P(CalendarContract, TheDatabaseKeepsAnOverbookedRoomFromOtherPractitioners) {
  // Practitioner 1 is busy in room 1; overbooked over that, in room 0, which is otherwise empty.
  ASSERT_TRUE(Book(Draft(1, 1, "2026-11-27T18:00:00Z")));
  Appointment over = Book(Draft(1, 0, "2026-11-27T18:00:00Z", true)).value();
  ASSERT_TRUE(over.overbooked);
  // Another practitioner's appointment into room 0 then, written directly: refused.
  auto raw = storage_->InsertAppointment(id(), Draft(0, 0, "2026-11-27T18:15:00Z"));
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().code(), ErrorCode::kConflict);
  // Nor moved there.
  Appointment elsewhere = Book(Draft(0, 2, "2026-11-27T18:15:00Z")).value();
  Appointment into = elsewhere;
  into.room = clinic_.rooms.at(0).id;
  auto moved =
      storage_->UpdateAppointment(id(), into, elsewhere.version, clock_.Now(), Entry("moved"));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code(), ErrorCode::kConflict);
  // Once the overbooked one is cancelled, the room is free for the move.
  Appointment cancelled = over;
  cancelled.status = AppointmentStatus::kCancelled;
  cancelled.cancelled_at = clock_.Now();
  ASSERT_TRUE(storage_->UpdateAppointment(id(), cancelled, over.version, clock_.Now(), Entry()));
  EXPECT_TRUE(
      storage_->UpdateAppointment(id(), into, elsewhere.version, clock_.Now(), Entry("moved")));
  // The practitioner's own appointments may share the room with their overbooked one.
  ASSERT_TRUE(Book(Draft(1, 3, "2026-11-27T19:00:00Z", true)));
  EXPECT_TRUE(storage_->InsertAppointment(id(), Draft(1, 3, "2026-11-27T19:15:00Z")));
  EXPECT_FALSE(storage_->InsertAppointment(id(), Draft(0, 3, "2026-11-27T19:00:00Z")));
}

TEST_P(CalendarContract, UpdateChecksTheVersionAndTheOverlapRule) {
  Appointment a = Book(Draft(0, 0, "2026-11-27T17:00:00Z")).value();
  Appointment other = Book(Draft(0, 0, "2026-11-27T18:00:00Z")).value();
  Appointment moved = a;
  moved.time =
      core::Interval::Create(At("2026-11-27T17:30:00Z"), At("2026-11-27T18:00:00Z")).value();
  moved.blocked_until = moved.time.end();
  auto stored = storage_->UpdateAppointment(id(), moved, 1, clock_.Now(), Entry("appointment/x"));
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(stored->version, 2);
  EXPECT_EQ(stored->time, moved.time);
  EXPECT_EQ(AuditCount(), 3u);

  // An old version: kConflict on "version", nothing written.
  moved.time =
      core::Interval::Create(At("2026-11-27T19:00:00Z"), At("2026-11-27T19:30:00Z")).value();
  moved.blocked_until = moved.time.end();
  auto stale = storage_->UpdateAppointment(id(), moved, 1, clock_.Now(), Entry());
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  ASSERT_EQ(stale.error().fields().size(), 1u);
  EXPECT_EQ(stale.error().fields()[0].field, core::ports::kVersionField);
  EXPECT_EQ(AuditCount(), 3u);
  EXPECT_EQ(storage_->FindAppointment(id(), a.id)->version, 2);

  // Onto the other appointment: kConflict without a field, unchanged.
  moved.time = other.time;
  moved.blocked_until = other.blocked_until;
  auto overlap = storage_->UpdateAppointment(id(), moved, 2, clock_.Now(), Entry());
  ASSERT_FALSE(overlap);
  EXPECT_EQ(overlap.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(overlap.error().fields().empty());
  EXPECT_EQ(storage_->FindAppointment(id(), a.id)->time.start(), At("2026-11-27T17:30:00Z"));

  // Cancelled with a reason; the calendar still lists it, with the patient's name.
  Appointment cancelled = *storage_->FindAppointment(id(), a.id);
  cancelled.status = AppointmentStatus::kCancelled;
  cancelled.cancelled_at = clock_.Now();
  cancelled.cancel_reason = "called";
  auto done = storage_->UpdateAppointment(id(), cancelled, 2, clock_.Now(), Entry());
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->status, AppointmentStatus::kCancelled);
  EXPECT_EQ(done->cancel_reason, "called");
  EXPECT_EQ(done->version, 3);

  auto calendar = storage_->ListCalendar(
      id(), core::Interval::Create(At("2026-11-27T08:00:00Z"), At("2026-11-28T08:00:00Z")).value());
  ASSERT_TRUE(calendar) << calendar.error().message();
  ASSERT_EQ(calendar->size(), 2u);
  EXPECT_EQ((*calendar)[0].appointment.id, a.id);
  EXPECT_EQ((*calendar)[0].given_name, "Ana");
  EXPECT_EQ((*calendar)[0].family_name, "Ruiz");
  EXPECT_EQ((*calendar)[1].appointment.id, other.id);

  Appointment ghost = a;
  ghost.id = core::AppointmentId{999999};
  auto missing = storage_->UpdateAppointment(id(), ghost, 1, clock_.Now(), Entry());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_P(CalendarContract, OfConcurrentWritesWithOneVersionExactlyOneWins) {
  const Appointment a = Book(Draft(0, 0, "2026-11-27T17:00:00Z")).value();
  constexpr int kWriters = 8;
  std::atomic<int> won{0};
  std::atomic<int> stale{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      Appointment changed = a;
      changed.status = AppointmentStatus::kCancelled;
      changed.cancelled_at = clock_.Now();
      changed.cancel_reason = "writer " + std::to_string(i);
      auto stored = storage_->UpdateAppointment(id(), changed, 1, clock_.Now(), Entry());
      if (stored) {
        ++won;
      } else if (stored.error().fields().size() == 1 &&
                 stored.error().fields()[0].field == core::ports::kVersionField) {
        ++stale;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(stale.load(), kWriters - 1);
  EXPECT_EQ(storage_->FindAppointment(id(), a.id)->version, 2);
  EXPECT_EQ(AuditCount(), 2u);  // the booking's and the one winner's
}

TEST_P(CalendarContract, AllowOverbookingRoundTripsThroughTheSetup) {
  auto loaded = storage_->LoadSetup(id());
  ASSERT_TRUE(loaded);
  EXPECT_FALSE((*loaded)->practitioners[0].allow_overbooking);
  EXPECT_TRUE((*loaded)->practitioners[1].allow_overbooking);
  auto saved = storage_->SaveSetup(
      id(),
      [](const ClinicSetup& stored, const auto&) {
        ClinicSetup changed = stored;
        changed.practitioners[0].allow_overbooking = true;
        changed.practitioners[1].allow_overbooking = false;
        return core::Result<ClinicSetup>(changed);
      },
      clock_.Now());
  ASSERT_TRUE(saved) << saved.error().message();
  loaded = storage_->LoadSetup(id());
  EXPECT_TRUE((*loaded)->practitioners[0].allow_overbooking);
  EXPECT_FALSE((*loaded)->practitioners[1].allow_overbooking);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CalendarContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, CalendarContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
