#include "core/clinic/setup_change.hpp"

#include <gtest/gtest.h>

#include "instants.hpp"

namespace unknot::core::clinic {
namespace {

using namespace std::chrono_literals;
using scheduling::Appointment;
using scheduling::AppointmentStatus;

using unknot::testing::At;
TimeOfDay T(std::string_view hhmm) { return TimeOfDay::Parse(hhmm).value(); }

// A booked appointment of patient 1 with practitioner 1, service 1 and room 1.
Appointment Make(std::int64_t id, std::string_view start, std::string_view end) {
  return Appointment{.id = AppointmentId{id},
                     .patient = PatientId{1},
                     .practitioner = PractitionerId{1},
                     .service = ServiceId{1},
                     .room = RoomId{1},
                     .time = Interval::Create(At(start), At(end)).value(),
                     .blocked_until = At(end),
                     .status = AppointmentStatus::kBooked,
                     .source = scheduling::BookingSource::kStaff,
                     .created_at = At(start),
                     .updated_at = At(start),
                     .cancelled_at = std::nullopt,
                     .assessment = std::nullopt};
}

// A Los Angeles clinic: chiropractor 1 (ART) works Mondays and Sundays 08:00-17:00 with lunch on
// Mondays; one adjustment room (1) and one massage room (2); service 1 is an ART session.
// 2026-03-09 is a Monday, 2026-03-08 and 2026-11-01 are the DST Sundays.
class SetupChangeTest : public ::testing::Test {
 protected:
  SetupChangeTest() {
    before_.clinic.time_zone = "America/Los_Angeles";
    before_.rooms = {{RoomId{1}, "A1", RoomKind::kAdjustment},
                     {RoomId{2}, "M1", RoomKind::kMassage}};
    Practitioner p;
    p.id = PractitionerId{1};
    p.slug = "p1";
    p.role = Role::kChiropractor;
    p.skills = {Skill::kActiveReleaseTechnique};
    p.hours = {{date::Monday, T("08:00"), T("17:00")}, {date::Sunday, T("08:00"), T("17:00")}};
    p.breaks = {{date::Monday, T("12:00"), T("13:00"), "Lunch"}};
    before_.practitioners = {p};
    Service art;
    art.id = ServiceId{1};
    art.slug = "art";
    art.duration = 30min;
    art.allowed_roles = {Role::kChiropractor};
    art.required_skills = {Skill::kActiveReleaseTechnique};
    art.room_kind = RoomKind::kAdjustment;
    before_.services = {art};
    after_ = before_;
  }

  Appointment Booked(std::int64_t id, std::string_view start, std::string_view end) {
    return Make(id, start, end);
  }

  // "id:reason,reason" per stranded appointment.
  std::vector<std::string> Stranded() {
    std::vector<std::string> out;
    for (const auto& s : StrandedBy(before_, after_, appointments_, now_)) {
      std::string line = std::to_string(s.appointment.id.value()) + ":";
      for (std::size_t i = 0; i < s.reasons.size(); ++i) {
        line += (i ? "," : "") + std::string(ToString(s.reasons[i]));
      }
      out.push_back(line);
    }
    return out;
  }

  Practitioner& Who() { return after_.practitioners[0]; }

  ClinicSetup before_;
  ClinicSetup after_;
  std::vector<Appointment> appointments_;
  Instant now_ = At("2026-03-01T00:00:00Z");
};

using Lines = std::vector<std::string>;

TEST_F(SetupChangeTest, NoChangeStrandsNothing) {
  appointments_ = {Booked(1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z")};  // Mon 09:00 PDT
  EXPECT_EQ(Stranded(), Lines{});
  EXPECT_TRUE(WhyNotHeld(after_, appointments_[0]).empty());
}

TEST_F(SetupChangeTest, TimeOffOverAnAppointmentStrandsIt) {
  appointments_ = {Booked(1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z"),
                   Booked(2, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z")};
  // 16:30-17:00Z touches neither (half-open spans).
  Who().time_off = {
      {TimeOffId{},
       Interval::Create(At("2026-03-09T16:15:00Z"), At("2026-03-09T17:00:00Z")).value(),
       "dentist"}};
  EXPECT_EQ(Stranded(), Lines{"1:during_time_off"});
}

TEST_F(SetupChangeTest, ShrunkHoursAndANewBreakStrandWhatTheyNoLongerCover) {
  appointments_ = {Booked(1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z"),   // 09:00
                   Booked(2, "2026-03-09T18:30:00Z", "2026-03-09T19:00:00Z"),   // 11:30
                   Booked(3, "2026-03-09T23:30:00Z", "2026-03-10T00:00:00Z")};  // 16:30
  Who().hours[0] = {date::Monday, T("09:30"), T("17:00")};
  Who().breaks.push_back({date::Monday, T("11:45"), T("12:00"), "Call"});
  EXPECT_EQ(Stranded(), (Lines{"1:outside_hours", "2:during_break"}));
}

TEST_F(SetupChangeTest, DeactivationRoleSkillsAndRoomsAreReasons) {
  appointments_ = {Booked(1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z")};
  Who().status = PractitionerStatus::kInactive;
  EXPECT_EQ(Stranded(), Lines{"1:practitioner_inactive"});

  after_ = before_;
  Who().skills = {};
  EXPECT_EQ(Stranded(), Lines{"1:cannot_deliver"});

  after_ = before_;
  after_.services[0].allowed_roles = {Role::kMassageTherapist};
  EXPECT_EQ(Stranded(), Lines{"1:cannot_deliver"});

  after_ = before_;
  after_.rooms[0].kind = RoomKind::kMassage;
  EXPECT_EQ(Stranded(), Lines{"1:room_kind"});

  after_ = before_;
  after_.services[0].room_kind = RoomKind::kMassage;
  EXPECT_EQ(Stranded(), Lines{"1:room_kind"});

  after_ = before_;
  after_.rooms.erase(after_.rooms.begin());
  after_.services.clear();
  EXPECT_EQ(Stranded(), (Lines{"1:service_removed,room_removed"}));
}

TEST_F(SetupChangeTest, ChangesThatKeepTheAppointmentPossibleStrandNothing) {
  appointments_ = {Booked(1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z")};
  after_.services[0].duration = 60min;  // the stored appointment keeps its own times
  after_.services[0].price.minor_units = 12000;
  Who().display_name = "Dr. Someone";
  Who().skills = {Skill::kActiveReleaseTechnique, Skill::kSportsInjury};
  Who().hours[0] = {date::Monday, T("09:00"), T("12:00")};  // starts exactly at the booking
  Who().breaks = {};
  after_.rooms.push_back({RoomId{3}, "A2", RoomKind::kAdjustment});
  EXPECT_EQ(Stranded(), Lines{});
}

TEST_F(SetupChangeTest, OnlyBookedAppointmentsNotYetOverCount) {
  appointments_ = {Booked(1, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z"),
                   Booked(2, "2026-03-09T16:30:00Z", "2026-03-09T17:00:00Z"),
                   Booked(3, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z"),
                   Booked(4, "2026-03-09T17:30:00Z", "2026-03-09T18:00:00Z")};
  appointments_[1].status = AppointmentStatus::kCancelled;
  appointments_[2].status = AppointmentStatus::kCompleted;
  now_ = At("2026-03-09T16:30:00Z");  // appointment 1 has just ended; 4 is still to come
  Who().status = PractitionerStatus::kInactive;
  EXPECT_EQ(Stranded(), Lines{"4:practitioner_inactive"});
  now_ = At("2026-03-09T17:45:00Z");  // 4 is under way: still reported
  EXPECT_EQ(Stranded(), Lines{"4:practitioner_inactive"});
}

TEST_F(SetupChangeTest, AnAppointmentAlreadyOutsideHoursIsReportedOnlyForNewReasons) {
  // A front-desk booking at 07:00, before the practitioner's hours.
  appointments_ = {Booked(1, "2026-03-09T14:00:00Z", "2026-03-09T14:30:00Z")};
  EXPECT_EQ(WhyNotHeld(before_, appointments_[0]), std::vector{StrandReason::kOutsideHours});
  after_.clinic.name = "Renamed";
  Who().hours[0] = {date::Monday, T("10:00"), T("17:00")};
  EXPECT_EQ(Stranded(), Lines{});
  Who().time_off = {
      {TimeOffId{},
       Interval::Create(At("2026-03-09T00:00:00Z"), At("2026-03-10T00:00:00Z")).value(), ""}};
  EXPECT_EQ(Stranded(), Lines{"1:during_time_off"});
}

TEST_F(SetupChangeTest, ResultIsOrderedByStartThenId) {
  appointments_ = {Booked(5, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z"),
                   Booked(3, "2026-03-09T16:00:00Z", "2026-03-09T16:30:00Z"),
                   Booked(2, "2026-03-09T17:00:00Z", "2026-03-09T17:30:00Z")};
  Who().status = PractitionerStatus::kInactive;
  EXPECT_EQ(Stranded(), (Lines{"3:practitioner_inactive", "2:practitioner_inactive",
                               "5:practitioner_inactive"}));
}

// 2026-03-08: 02:00 PST jumps to 03:00 PDT. Hours from 02:30 (which does not exist) are read as
// 03:30 PDT, the engine's reading, so a 03:00 PDT appointment falls outside them.
TEST_F(SetupChangeTest, SpringForwardSundayReadsHoursAsTheEngineDoes) {
  Who().hours[1] = {date::Sunday, T("01:00"), T("05:00")};
  before_ = after_;
  appointments_ = {Booked(1, "2026-03-08T10:00:00Z", "2026-03-08T10:30:00Z"),   // 03:00 PDT
                   Booked(2, "2026-03-08T10:30:00Z", "2026-03-08T11:00:00Z"),   // 03:30 PDT
                   Booked(3, "2026-03-08T09:30:00Z", "2026-03-08T10:00:00Z")};  // 01:30 PST
  EXPECT_EQ(Stranded(), Lines{});
  Who().hours[1] = {date::Sunday, T("02:30"), T("05:00")};
  EXPECT_EQ(Stranded(), (Lines{"3:outside_hours", "1:outside_hours"}));
  // 04:00 PDT is 11:00Z: appointment 2 (10:30-11:00Z) still fits before it.
  Who().hours[1] = {date::Sunday, T("02:30"), T("04:00")};
  EXPECT_EQ(Stranded(), (Lines{"3:outside_hours", "1:outside_hours"}));
  Who().hours[1] = {date::Sunday, T("02:30"), T("03:45")};
  EXPECT_EQ(Stranded(), (Lines{"3:outside_hours", "1:outside_hours", "2:outside_hours"}));
}

// 2026-11-01: 01:00-02:00 happens twice (PDT, then PST). Hours 01:00-02:00 run from the first
// 01:00 (08:00Z) to 02:00 PST (10:00Z): 120 real minutes.
TEST_F(SetupChangeTest, FallBackSundayCountsRealMinutes) {
  Who().hours[1] = {date::Sunday, T("01:00"), T("03:00")};
  before_ = after_;
  appointments_ = {Booked(1, "2026-11-01T08:00:00Z", "2026-11-01T08:30:00Z"),   // 01:00 PDT
                   Booked(2, "2026-11-01T09:30:00Z", "2026-11-01T10:00:00Z")};  // 01:30 PST
  now_ = At("2026-10-01T00:00:00Z");
  Who().hours[1] = {date::Sunday, T("01:00"), T("02:00")};
  EXPECT_EQ(Stranded(), Lines{});
  // 01:45 is read as the first occurrence, 08:45Z: the second 01:30 no longer fits.
  Who().hours[1] = {date::Sunday, T("01:00"), T("01:45")};
  EXPECT_EQ(Stranded(), Lines{"2:outside_hours"});
  // A break over the repeated hour's first half: 01:00-01:30 is 08:00Z-08:30Z.
  Who().hours[1] = {date::Sunday, T("01:00"), T("03:00")};
  Who().breaks = {{date::Sunday, T("01:00"), T("01:30"), "Nap"}};
  EXPECT_EQ(Stranded(), Lines{"1:during_break"});
}

TEST(SetupChangeZoneTest, AZoneWithoutDstUsesItsFixedOffset) {
  ClinicSetup setup;
  setup.clinic.time_zone = "Asia/Tokyo";  // UTC+9 all year
  setup.rooms = {{RoomId{1}, "A1", RoomKind::kAdjustment}};
  Practitioner p;
  p.id = PractitionerId{1};
  p.hours = {{date::Sunday, T("09:00"), T("10:00")}};
  setup.practitioners = {p};
  Service s;
  s.id = ServiceId{1};
  s.allowed_roles = {Role::kChiropractor};
  setup.services = {s};
  Appointment a = Make(1, "2026-03-08T00:00:00Z", "2026-03-08T00:30:00Z");
  EXPECT_TRUE(WhyNotHeld(setup, a).empty());  // 09:00-09:30 JST
  a = Make(1, "2026-03-08T00:45:00Z", "2026-03-08T01:15:00Z");
  EXPECT_EQ(WhyNotHeld(setup, a), std::vector{StrandReason::kOutsideHours});
}

}  // namespace
}  // namespace unknot::core::clinic
