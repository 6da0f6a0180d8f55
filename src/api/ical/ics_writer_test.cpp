#include "api/ical/ics_writer.hpp"

#include <gtest/gtest.h>

#include "api/test_fixture.hpp"
#include "app/booking.hpp"
#include "golden.hpp"

namespace unknot::api::ical {
namespace {

using core::ParseInstant;
namespace scheduling = core::scheduling;

// The demo clinic (America/Los_Angeles) as stored, so its services and practitioners have ids.
class IcsWriterTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    clinic_ = app::LoadClinic(*storage_, "mission-sports-chiro").value();
  }

  // An appointment with Dr. Okafor for the first service, booked on 2027-03-01 18:00 UTC.
  scheduling::Appointment At(const char* start, const char* end) const {
    auto time =
        core::Interval::Create(ParseInstant(start).value(), ParseInstant(end).value()).value();
    core::Instant booked = ParseInstant("2027-03-01T18:00:00Z").value();
    return {.id = core::AppointmentId{42},
            .patient = core::PatientId{7},
            .practitioner = clinic_->setup().practitioners[0].id,
            .service = clinic_->setup().services[0].id,
            .room = clinic_->setup().rooms[0].id,
            .time = time,
            .blocked_until = time.end(),
            .status = scheduling::AppointmentStatus::kBooked,
            .source = scheduling::BookingSource::kOnline,
            .created_at = booked,
            .updated_at = booked,
            .cancelled_at = std::nullopt,
            .assessment = std::nullopt,
            .version = 1,
            .cancel_reason = "",
            .declined = false,
            .overbooked = false};
  }

  std::string Ics(const scheduling::Appointment& a) const {
    return AppointmentIcs(clinic_->setup(), clinic_->zone, a,
                          "http://127.0.0.1:8080/c/mission-sports-chiro/manage/42#token=abc");
  }

  std::optional<app::ClinicContext> clinic_;
};

// 2027-03-14 is the spring-forward day in Los Angeles: 10:00 local is PDT (UTC-7), 17:00Z.
TEST_F(IcsWriterTest, BookedOnTheSpringForwardDay) {
  std::string ics = Ics(At("2027-03-14T17:00:00Z", "2027-03-14T17:30:00Z"));
  EXPECT_NE(ics.find("DTSTART;TZID=America/Los_Angeles:20270314T100000\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SEQUENCE:0\r\n"), std::string::npos);
  EXPECT_NE(ics.find("STATUS:CONFIRMED\r\n"), std::string::npos);
  testing::ExpectMatchesGolden("ics_booked.ics", ics);
}

// Moved to the fall-back day 2027-11-07, 10:00 PST (UTC-8) = 18:00Z, a day after booking.
TEST_F(IcsWriterTest, RescheduledRaisesTheSequence) {
  auto a = At("2027-11-07T18:00:00Z", "2027-11-07T18:30:00Z");
  a.updated_at = a.created_at + std::chrono::hours{24};
  a.version = 2;
  std::string ics = Ics(a);
  EXPECT_NE(ics.find("DTSTART;TZID=America/Los_Angeles:20271107T100000\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SEQUENCE:1\r\n"), std::string::npos);
  testing::ExpectMatchesGolden("ics_rescheduled.ics", ics);
}

TEST_F(IcsWriterTest, CancelledSaysSo) {
  auto a = At("2027-11-07T18:00:00Z", "2027-11-07T18:30:00Z");
  a.status = scheduling::AppointmentStatus::kCancelled;
  a.updated_at = a.created_at + std::chrono::hours{48};
  a.version = 3;  // moved, then cancelled
  a.cancelled_at = a.updated_at;
  std::string ics = Ics(a);
  EXPECT_NE(ics.find("STATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_EQ(ics.find("STATUS:CONFIRMED"), std::string::npos);
  testing::ExpectMatchesGolden("ics_cancelled.ics", ics);
}

TEST_F(IcsWriterTest, RequestAwaitingApprovalIsTentative) {
  auto a = At("2027-03-14T17:00:00Z", "2027-03-14T17:30:00Z");
  a.status = scheduling::AppointmentStatus::kRequested;
  EXPECT_NE(Ics(a).find("STATUS:TENTATIVE\r\n"), std::string::npos);
}

// A practitioner's feed (issue 17): one VTIMEZONE, one VEVENT per appointment with the same UID
// and SEQUENCE as the patient's file, the patient as the clinic allows, the room in LOCATION.
TEST_F(IcsWriterTest, PractitionerFeedOnBothDstDays) {
  auto spring = At("2027-03-14T17:00:00Z", "2027-03-14T17:30:00Z");
  auto fall = At("2027-11-07T18:00:00Z", "2027-11-07T18:30:00Z");
  fall.id = core::AppointmentId{43};
  fall.status = scheduling::AppointmentStatus::kRequested;
  fall.version = 2;
  const auto& practitioner = clinic_->setup().practitioners[0];
  std::string ics = PractitionerFeedIcs(clinic_->setup(), clinic_->zone, practitioner,
                                        {{spring, "A. R."}, {fall, "Bo Chen"}},
                                        ParseInstant("2027-03-01T18:00:00Z").value());
  EXPECT_NE(ics.find("UID:appointment-42@mission-sports-chiro.unknot\r\n"), std::string::npos);
  EXPECT_NE(ics.find("\xE2\x80\x93 A. R.\r\n"), std::string::npos);
  EXPECT_NE(ics.find("STATUS:TENTATIVE\r\n"), std::string::npos);
  EXPECT_EQ(ics.find("manage"), std::string::npos);  // the patient's secret is not in it
  testing::ExpectMatchesGolden("ics_feed.ics", ics);
}

TEST_F(IcsWriterTest, TimeZoneHasBothChangesOfTheYear) {
  std::string tz = VTimeZone(clinic_->zone, date::year{2027});
  EXPECT_NE(tz.find("BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\nTZOFFSETFROM:-0800\r\n"
                    "TZOFFSETTO:-0700\r\nTZNAME:PDT\r\nEND:DAYLIGHT\r\n"),
            std::string::npos)
      << tz;
  EXPECT_NE(tz.find("BEGIN:STANDARD\r\nDTSTART:20271107T020000\r\nTZOFFSETFROM:-0700\r\n"
                    "TZOFFSETTO:-0800\r\nTZNAME:PST\r\nEND:STANDARD\r\n"),
            std::string::npos)
      << tz;
}

TEST(IcsTextTest, ZoneWithoutChangesHasOneObservance) {
  auto phoenix = core::TimeZone::Find("America/Phoenix").value();
  EXPECT_EQ(VTimeZone(phoenix, date::year{2027}),
            "BEGIN:VTIMEZONE\r\nTZID:America/Phoenix\r\nBEGIN:STANDARD\r\n"
            "DTSTART:19700101T000000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0700\r\nTZNAME:MST\r\n"
            "END:STANDARD\r\nEND:VTIMEZONE\r\n");
}

TEST(IcsTextTest, EscapesAndFolds) {
  EXPECT_EQ(EscapeText("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
  std::string line(80, 'x');
  EXPECT_EQ(FoldLine(line), std::string(75, 'x') + "\r\n " + std::string(5, 'x'));
  // 74 ASCII octets then a 3-octet "–": the dash moves whole to the next line.
  std::string dashed = std::string(74, 'y') + "\xE2\x80\x93";
  EXPECT_EQ(FoldLine(dashed), std::string(74, 'y') + "\r\n \xE2\x80\x93");
}

}  // namespace
}  // namespace unknot::api::ical
