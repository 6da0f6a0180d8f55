#include "app/booking.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "security/sodium_tokens.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::app {
namespace {

using namespace std::chrono_literals;
using core::scheduling::AppointmentStatus;
using core::scheduling::SlotRefusal;

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }

// The demo clinic on Thursday 2026-11-26 at 10:00 in San Francisco (18:00Z).
class BookingFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(storage::sqlite::MigrateDatabase(path_, clock_));
    storage_ = storage::sqlite::SqliteStorage::Open(path_, clock_).value();
    ASSERT_TRUE(LoadDemoClinic(*storage_, clock_));
    clinic_ = LoadClinic(*storage_, kDemoClinicSlug).value();
  }

  core::ServiceId Service(std::string_view slug) {
    for (const auto& s : clinic_->setup().services) {
      if (s.slug == slug) return s.id;
    }
    return {};
  }

  BookingRequest Request(const char* start, std::string email = "ana@example.org") {
    return BookingRequest{.service = Service("art-session"),
                          .practitioner = std::nullopt,
                          .start = At(start),
                          .patient = {core::PatientId{}, "Ana", "Ruiz", std::move(email),
                                      "+14155550142", core::Instant{}},
                          .source = core::scheduling::BookingSource::kOnline,
                          .idempotency_key = std::nullopt,
                          .fingerprint = "",
                          .assessment = std::nullopt};
  }

  core::Result<BookingOutcome> Book(const BookingRequest& request) {
    return BookAppointment(*storage_, clock_, tokens_, *clinic_, request,
                           [](const ClinicContext&, const Booked& b) {
                             return "booked " + std::to_string(b.appointment.id.value());
                           });
  }

  Booked MustBook(const char* start) {
    auto outcome = Book(Request(start));
    EXPECT_TRUE(outcome) << outcome.error().message();
    EXPECT_TRUE(std::holds_alternative<Booked>(*outcome));
    return std::get<Booked>(*outcome);
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  security::SodiumTokens tokens_;
  std::unique_ptr<storage::sqlite::SqliteStorage> storage_;
  std::optional<ClinicContext> clinic_;  // set in SetUp
};

TEST_F(BookingFlowTest, AnyPractitionerFillsUpThenRefusesWithAlternatives) {
  // Tuesday 2026-12-08 10:00 PST (Dr. Reyes is back from the demo time off): both ART
  // chiropractors work, and there are two adjustment rooms.
  Booked first = MustBook("2026-12-08T18:00:00Z");
  Booked second = MustBook("2026-12-08T18:00:00Z");
  EXPECT_NE(first.appointment.practitioner, second.appointment.practitioner);
  EXPECT_NE(first.appointment.room, second.appointment.room);
  EXPECT_EQ(first.appointment.time.length(), 30min);
  EXPECT_FALSE(first.manage_token.empty());

  auto third = Book(Request("2026-12-08T18:00:00Z", "third@example.org"));
  ASSERT_TRUE(third);
  ASSERT_TRUE(std::holds_alternative<Refused>(*third));
  const Refused& refused = std::get<Refused>(*third);
  EXPECT_EQ(refused.reason, SlotRefusal::kTaken);
  ASSERT_FALSE(refused.alternatives.empty());
  for (const auto& slot : refused.alternatives) {
    EXPECT_NE(slot.time.start(), At("2026-12-08T18:00:00Z"));
  }
}

TEST_F(BookingFlowTest, NamedPractitionersStartFromDifferentRooms) {
  // Tuesday 2026-12-08 10:00 PST. Dr. Reyes (the second practitioner) is booked by name first:
  // he starts from the second adjustment room although the first is free, so Dr. Okafor's
  // booking at the same time does not race him for it. Dr. Okafor by name at 10:15, while her
  // 10:00 visit lasts, is refused.
  const auto& setup = clinic_->setup();
  std::vector<core::RoomId> adjustment;
  for (const auto& room : setup.rooms) {
    if (room.kind == core::clinic::RoomKind::kAdjustment) adjustment.push_back(room.id);
  }
  ASSERT_EQ(adjustment.size(), 2u);
  ASSERT_EQ(setup.practitioners[1].slug, "daniel-reyes");
  BookingRequest reyes = Request("2026-12-08T18:00:00Z", "r@example.org");
  reyes.practitioner = setup.practitioners[1].id;
  auto first = Book(reyes);
  ASSERT_TRUE(first && std::holds_alternative<Booked>(*first));
  EXPECT_EQ(std::get<Booked>(*first).appointment.room, adjustment[1]);
  BookingRequest okafor = Request("2026-12-08T18:00:00Z", "o@example.org");
  okafor.practitioner = setup.practitioners[0].id;
  auto second = Book(okafor);
  ASSERT_TRUE(second && std::holds_alternative<Booked>(*second));
  EXPECT_EQ(std::get<Booked>(*second).appointment.room, adjustment[0]);
  okafor.start = At("2026-12-08T18:15:00Z");
  auto busy = Book(okafor);
  ASSERT_TRUE(busy);
  EXPECT_TRUE(std::holds_alternative<Refused>(*busy));
}

TEST_F(BookingFlowTest, RefusalsSayWhy) {
  auto reason = [&](const char* start) {
    auto outcome = Book(Request(start));
    EXPECT_TRUE(outcome);
    return std::holds_alternative<Refused>(*outcome) ? std::get<Refused>(*outcome).reason
                                                     : SlotRefusal{-1};
  };
  EXPECT_EQ(reason("2026-11-26T19:00:00Z"), SlotRefusal::kTooSoon);        // in 1 hour
  EXPECT_EQ(reason("2027-03-01T18:00:00Z"), SlotRefusal::kBeyondHorizon);  // > 60 days
  EXPECT_EQ(reason("2026-12-01T18:05:00Z"), SlotRefusal::kNotOnStep);      // 10:05
  EXPECT_EQ(reason("2026-12-06T18:00:00Z"), SlotRefusal::kOutsideHours);   // Sunday
}

TEST_F(BookingFlowTest, InvalidPatientNamesTheField) {
  BookingRequest bad = Request("2026-12-01T18:00:00Z", "not-an-email");
  auto outcome = Book(bad);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().fields()[0].field, "patient.email");
  bad = Request("2026-12-01T18:00:00Z");
  bad.service = core::ServiceId{999};
  EXPECT_EQ(Book(bad).error().code(), core::ErrorCode::kNotFound);
}

TEST_F(BookingFlowTest, IdempotentRetryNeverBooksTwice) {
  BookingRequest request = Request("2026-12-01T18:00:00Z");
  request.idempotency_key = "retry-1";
  request.fingerprint = "f1";
  auto first = Book(request);
  ASSERT_TRUE(first);
  ASSERT_TRUE(std::holds_alternative<Booked>(*first));
  auto id = std::get<Booked>(*first).appointment.id;
  auto again = Book(request);
  ASSERT_TRUE(again);
  ASSERT_TRUE(std::holds_alternative<Replayed>(*again));
  EXPECT_EQ(std::get<Replayed>(*again).body, "booked " + std::to_string(id.value()));
  request.fingerprint = "f2";
  auto different = Book(request);
  ASSERT_FALSE(different);
  EXPECT_EQ(different.error().fields()[0].field, "Idempotency-Key");
}

TEST_F(BookingFlowTest, WrongTokenLooksLikeNoAppointment) {
  Booked booked = MustBook("2026-12-01T18:00:00Z");
  EXPECT_TRUE(
      GetAppointment(*storage_, tokens_, *clinic_, booked.appointment.id, booked.manage_token));
  auto wrong = GetAppointment(*storage_, tokens_, *clinic_, booked.appointment.id, "guess");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(wrong.error().message(),
            GetAppointment(*storage_, tokens_, *clinic_, core::AppointmentId{999}, "x")
                .error()
                .message());
}

TEST_F(BookingFlowTest, CancelHonoursGraceAndWindow) {
  // Friday 09:00 PST, 23 hours away: inside the 24-hour window.
  Booked soon = MustBook("2026-11-27T17:00:00Z");
  clock_.Set(clock_.Now() + 10min);  // within the 15-minute grace period: allowed
  auto undone = CancelAppointment(*storage_, clock_, tokens_, *clinic_, soon.appointment.id,
                                  soon.manage_token);
  ASSERT_TRUE(undone);
  ASSERT_TRUE(std::holds_alternative<core::scheduling::Appointment>(*undone));
  EXPECT_EQ(std::get<core::scheduling::Appointment>(*undone).status, AppointmentStatus::kCancelled);

  Booked kept = MustBook("2026-11-27T17:00:00Z");
  clock_.Set(clock_.Now() + 20min);  // grace over, inside the window: call the clinic
  auto refused = CancelAppointment(*storage_, clock_, tokens_, *clinic_, kept.appointment.id,
                                   kept.manage_token);
  ASSERT_TRUE(refused);
  ASSERT_TRUE(std::holds_alternative<ChangeRefused>(*refused));
  EXPECT_NE(std::get<ChangeRefused>(*refused).message.find("+14155550134"), std::string::npos);
  EXPECT_EQ(storage_->FindAppointment(clinic_->setup().clinic.id, kept.appointment.id)->status,
            AppointmentStatus::kBooked);
}

TEST_F(BookingFlowTest, AFourthFutureOnlineBookingIsForThePhone) {
  // The demo clinic takes three future online bookings per email.
  MustBook("2026-12-01T18:00:00Z");
  MustBook("2026-12-02T18:00:00Z");
  MustBook("2026-12-03T18:00:00Z");

  auto fourth = Book(Request("2026-12-04T18:00:00Z", "ANA@example.org"));
  ASSERT_TRUE(fourth) << fourth.error().message();
  ASSERT_TRUE(std::holds_alternative<TooManyBookings>(*fourth));
  const TooManyBookings& capped = std::get<TooManyBookings>(*fourth);
  EXPECT_EQ(capped.limit, 3);
  EXPECT_NE(capped.message.find("call the clinic at +14155550134"), std::string::npos)
      << capped.message;

  // Staff booking for the patient is not counted against the online cap.
  BookingRequest by_staff = Request("2026-12-04T18:00:00Z");
  by_staff.source = core::scheduling::BookingSource::kStaff;
  auto staff = Book(by_staff);
  ASSERT_TRUE(staff);
  EXPECT_TRUE(std::holds_alternative<Booked>(*staff));
}

TEST_F(BookingFlowTest, RescheduleMovesOrLeavesItExactlyAsItWas) {
  Booked mine = MustBook("2026-12-01T18:00:00Z");
  Booked other = MustBook("2026-12-01T19:00:00Z");  // someone at 11:00
  (void)other;
  // Onto 11:00 with the same practitioner as the 11:00 booking? Take the other's practitioner.
  auto clash = RescheduleAppointment(*storage_, clock_, tokens_, *clinic_, mine.appointment.id,
                                     mine.manage_token, At("2026-12-01T19:00:00Z"),
                                     other.appointment.practitioner);
  ASSERT_TRUE(clash);
  ASSERT_TRUE(std::holds_alternative<Refused>(*clash));
  EXPECT_EQ(*storage_->FindAppointment(clinic_->setup().clinic.id, mine.appointment.id),
            mine.appointment);

  auto moved = RescheduleAppointment(*storage_, clock_, tokens_, *clinic_, mine.appointment.id,
                                     mine.manage_token, At("2026-12-02T18:30:00Z"), std::nullopt);
  ASSERT_TRUE(moved);
  ASSERT_TRUE(std::holds_alternative<core::scheduling::Appointment>(*moved));
  const auto& now_at = std::get<core::scheduling::Appointment>(*moved);
  EXPECT_EQ(now_at.time.start(), At("2026-12-02T18:30:00Z"));
  EXPECT_EQ(now_at.practitioner, mine.appointment.practitioner);
  // A 15-minute nudge overlapping its own old time is fine.
  auto nudged = RescheduleAppointment(*storage_, clock_, tokens_, *clinic_, mine.appointment.id,
                                      mine.manage_token, At("2026-12-02T18:45:00Z"), std::nullopt);
  ASSERT_TRUE(nudged);
  EXPECT_TRUE(std::holds_alternative<core::scheduling::Appointment>(*nudged));
}

}  // namespace
}  // namespace unknot::app
