#include "app/booking.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "security/sodium_tokens.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::app {
namespace {

using namespace std::chrono_literals;
using core::scheduling::AppointmentStatus;
using core::scheduling::SlotRefusal;

using unknot::testing::At;

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

// Availability reads only the busy times the local days asked for can meet (DaysWindow). A
// clinic whose first practitioner, Dr. Okafor, works every day 00:00-24:00 in `zone`, so that
// bookings around local midnight decide her first and last slots; the ART session (two
// adjustment rooms) gets a 10-minute buffer, so her last slot of a day blocks past midnight.
class AvailabilityEdgesTest : public ::testing::Test {
 protected:
  void Open(const char* zone, const char* now) {
    clock_.Set(At(now));
    ASSERT_TRUE(storage::sqlite::MigrateDatabase(path_, clock_));
    storage_ = storage::sqlite::SqliteStorage::Open(path_, clock_).value();
    core::clinic::ClinicSetup setup = DemoClinicSetup(clock_.Now()).value();
    setup.clinic.slug = "edges";
    setup.clinic.time_zone = zone;
    core::clinic::Practitioner& okafor = setup.practitioners[0];
    okafor.hours.clear();
    okafor.breaks.clear();
    for (unsigned day = 0; day < 7; ++day) {
      okafor.hours.push_back({date::weekday{day}, core::TimeOfDay::Parse("00:00").value(),
                              core::TimeOfDay::Parse("24:00").value()});
    }
    setup.services[1].buffer_after = 10min;
    setup_ = storage_->CreateClinic(setup).value();
    zone_ = core::TimeZone::Find(zone).value();
    patient_ = storage_
                   ->CreatePatient(
                       setup_.clinic.id,
                       {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}})
                   ->id;
  }

  core::Instant Local(const char* text) {
    return core::LocalToUtc(zone_, core::ParseLocalDateTime(text).value(), core::kStrictDstPolicy)
        .value();
  }

  // An appointment of practitioners[p] in rooms[r] from `start` to `end`, clinic-local.
  void Insert(std::size_t p, std::size_t r, const char* start, const char* end) {
    const core::Interval time = core::Interval::Create(Local(start), Local(end)).value();
    ASSERT_TRUE(storage_->InsertAppointment(
        setup_.clinic.id,
        core::scheduling::Appointment{.id = {},
                                      .patient = patient_,
                                      .practitioner = setup_.practitioners[p].id,
                                      .service = setup_.services[1].id,
                                      .room = setup_.rooms[r].id,
                                      .time = time,
                                      .blocked_until = time.end(),
                                      .status = AppointmentStatus::kBooked,
                                      .source = core::scheduling::BookingSource::kPhone,
                                      .created_at = clock_.Now(),
                                      .updated_at = clock_.Now(),
                                      .cancelled_at = std::nullopt,
                                      .assessment = std::nullopt}));
  }

  // Dr. Okafor's ART slots on `day`, checked against the engine given every booking stored.
  std::vector<core::scheduling::Slot> Slots(core::LocalDate day) {
    core::scheduling::AvailabilityRequest request{setup_.services[1].id, day, day,
                                                  setup_.practitioners[0].id};
    auto result = GetAvailability(*storage_, clock_, "edges", request);
    EXPECT_TRUE(result) << result.error().message();
    if (!result) return {};
    auto all = BusyTimes(*storage_, setup_.clinic.id,
                         core::Interval::Create(clock_.Now() - date::days{30},
                                                clock_.Now() + date::days{90})
                             .value(),
                         clock_.Now())
                   .value();
    auto expected = core::scheduling::FindAvailability(setup_, all, clock_.Now(), request).value();
    EXPECT_EQ(result->days, expected);
    EXPECT_EQ(result->days.size(), 1u);
    return result->days.empty() ? std::vector<core::scheduling::Slot>{} : result->days[0].slots;
  }

  // Checks the day's first and last slot (clinic-local starts) and the first one's room.
  void ExpectEdges(core::LocalDate day, const char* first, std::size_t first_room,
                   const char* last) {
    core::scheduling::AvailabilityRequest request{setup_.services[1].id, day, day,
                                                  setup_.practitioners[0].id};
    std::vector<core::scheduling::Slot> slots = Slots(day);
    ASSERT_FALSE(slots.empty());
    EXPECT_EQ(slots.front().time.start(), Local(first));
    EXPECT_EQ(slots.back().time.start(), Local(last));
    auto result = GetAvailability(*storage_, clock_, "edges", request).value();
    ASSERT_FALSE(result.days[0].slots.empty());
    EXPECT_EQ(result.days[0].OptionsOf(result.days[0].slots.front()).front().room,
              setup_.rooms[first_room].id);
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<storage::sqlite::SqliteStorage> storage_;
  core::clinic::ClinicSetup setup_;
  core::TimeZone zone_ = core::TimeZone::Find("UTC").value();
  core::PatientId patient_;
};

TEST_F(AvailabilityEdgesTest, BusyTimesAcrossLocalMidnightCountFarFromUtc) {
  // Kiritimati is UTC+14 all year: Wednesday 2026-12-02 starts at 10:00Z on the 1st.
  Open("Pacific/Kiritimati", "2026-11-26T18:00:00Z");
  const core::LocalDate day = date::year{2026} / 12 / 2;
  ExpectEdges(day, "2026-12-02T00:00:00", 0, "2026-12-02T23:30:00");
  // Her own appointment from the evening before runs to 00:30; Dr. Reyes holds the first room
  // until 00:45.
  Insert(0, 2, "2026-12-01T21:00:00", "2026-12-02T00:30:00");
  Insert(1, 0, "2026-12-01T22:00:00", "2026-12-02T00:45:00");
  ExpectEdges(day, "2026-12-02T00:30:00", 1, "2026-12-02T23:30:00");
  // Both rooms taken until 00:45 (Sam Whitfield in the second one).
  Insert(3, 1, "2026-12-01T23:00:00", "2026-12-02T00:45:00");
  ExpectEdges(day, "2026-12-02T00:45:00", 0, "2026-12-02T23:30:00");
  // Booked at 00:05 the next day: the 23:30 slot would block until 00:10 with its buffer.
  Insert(0, 3, "2026-12-03T00:05:00", "2026-12-03T00:35:00");
  ExpectEdges(day, "2026-12-02T00:45:00", 0, "2026-12-02T23:15:00");
}

TEST_F(AvailabilityEdgesTest, BusyTimesAcrossLocalMidnightCountOnADstDay) {
  // Sunday 2027-03-14 in Los Angeles lasts 23 hours (02:00 PST becomes 03:00 PDT).
  Open("America/Los_Angeles", "2027-03-10T18:00:00Z");
  const core::LocalDate day = date::year{2027} / 3 / 14;
  ExpectEdges(day, "2027-03-14T00:00:00", 0, "2027-03-14T23:30:00");
  Insert(0, 2, "2027-03-13T21:00:00", "2027-03-14T00:30:00");
  Insert(1, 0, "2027-03-13T22:00:00", "2027-03-14T00:45:00");
  Insert(3, 1, "2027-03-13T23:00:00", "2027-03-14T00:45:00");
  ExpectEdges(day, "2027-03-14T00:45:00", 0, "2027-03-14T23:30:00");
  Insert(0, 3, "2027-03-15T00:05:00", "2027-03-15T00:35:00");
  ExpectEdges(day, "2027-03-14T00:45:00", 0, "2027-03-14T23:15:00");
}

TEST(DaysWindowTest, CoversTheLocalDaysAndTheBuffer) {
  const core::TimeZone zone = core::TimeZone::Find("Pacific/Kiritimati").value();
  const core::Interval window =
      DaysWindow(zone, date::year{2026} / 12 / 2, date::year{2026} / 12 / 3, 10min).value();
  EXPECT_EQ(window.start(), At("2026-12-01T10:00:00Z"));
  EXPECT_EQ(window.end(), At("2026-12-03T10:10:00Z"));
  // Near an offset change, the margin that fits any zone.
  const core::TimeZone la = core::TimeZone::Find("America/Los_Angeles").value();
  const core::Interval dst =
      DaysWindow(la, date::year{2027} / 3 / 14, date::year{2027} / 3 / 14, 0min).value();
  EXPECT_LE(dst.start(), At("2027-03-14T08:00:00Z"));
  EXPECT_GE(dst.end(), At("2027-03-15T07:00:00Z"));
  auto backwards = DaysWindow(zone, date::year{2026} / 12 / 3, date::year{2026} / 12 / 2, 0min);
  ASSERT_FALSE(backwards);
  EXPECT_EQ(backwards.error().fields().front().field, "to");
}

}  // namespace
}  // namespace unknot::app
