#include "messaging/render.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"

namespace unknot::messaging {
namespace {

using namespace std::chrono_literals;
using core::ports::MessageKind;

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_ = app::DemoClinicSetup(At("2026-11-26T18:00:00Z")).value();
    setup_.clinic.id = core::ClinicId{1};
    zone_.emplace(core::TimeZone::Find(setup_.clinic.time_zone).value());
    const core::Instant start = At("2026-12-01T17:00:00Z");  // 09:00 PST in the demo's zone
    appointment_.emplace(
        core::scheduling::Appointment{.id = core::AppointmentId{42},
                                      .patient = {},
                                      .practitioner = setup_.practitioners[0].id,
                                      .service = setup_.services[1].id,
                                      .room = setup_.rooms[0].id,
                                      .time = core::Interval::Create(start, start + 30min).value(),
                                      .blocked_until = start + 30min,
                                      .status = core::scheduling::AppointmentStatus::kBooked,
                                      .source = core::scheduling::BookingSource::kOnline,
                                      .created_at = At("2026-11-26T18:00:00Z"),
                                      .updated_at = At("2026-11-26T18:00:00Z"),
                                      .cancelled_at = std::nullopt,
                                      .assessment = std::nullopt});
    patient_.given_name = "Ana <b>&amp;";
    patient_.family_name = "Ruiz\r\nBcc: victim@example.org";
    patient_.email = "ana@example.org";
    patient_.phone = "+14155550142";
  }

  MessageContext Context() {
    return MessageContext{setup_, *zone_, *appointment_, patient_,
                          "https://clinic.example/c/" + setup_.clinic.slug + "/manage/42"};
  }

  core::clinic::ClinicSetup setup_;
  std::optional<core::TimeZone> zone_;
  std::optional<core::scheduling::Appointment> appointment_;
  core::clinic::Patient patient_;
};

TEST_F(RenderTest, ConfirmationSaysWhenWhoWhereWhatToBringAndHowToManage) {
  RenderedEmail email = RenderEmail(MessageKind::kBooked, Context(), "bookings@clinic.example");
  EXPECT_EQ(email.to, "ana@example.org");
  EXPECT_NE(email.subject.find("Tue 1 Dec at 09:00"), std::string::npos) << email.subject;
  EXPECT_NE(email.text.find("When: Tuesday, 1 December 2026 at 09:00 (PST, America/Los_Angeles)"),
            std::string::npos)
      << email.text;
  EXPECT_NE(email.text.find("With: " + setup_.practitioners[0].display_name), std::string::npos);
  EXPECT_NE(email.text.find(setup_.clinic.address.line1), std::string::npos);
  EXPECT_NE(email.text.find("What to bring:"), std::string::npos);
  EXPECT_NE(email.text.find("https://clinic.example/c/" + setup_.clinic.slug + "/manage/42"),
            std::string::npos);
  EXPECT_NE(email.text.find(setup_.clinic.phone), std::string::npos);
  EXPECT_EQ(email.ics_method, "REQUEST");
  EXPECT_NE(email.ics.find("METHOD:REQUEST\r\n"), std::string::npos);
  EXPECT_NE(email.ics.find("UID:appointment-42@" + setup_.clinic.slug + ".unknot\r\n"),
            std::string::npos);
  EXPECT_NE(email.ics.find("ORGANIZER;CN="), std::string::npos);
  EXPECT_NE(email.ics.find("ATTENDEE;"), std::string::npos);
}

TEST_F(RenderTest, APatientsNameCannotBreakTheHtmlOrAddAHeader) {
  RenderedEmail email = RenderEmail(MessageKind::kBooked, Context(), "bookings@clinic.example");
  EXPECT_EQ(email.html.find("<b>"), std::string::npos);
  EXPECT_NE(email.html.find("Ana &lt;b&gt;&amp;amp;"), std::string::npos) << email.html;
  // One-line values: the newline is gone, so "Bcc:" can never start a header line.
  EXPECT_EQ(email.to_name.find('\n'), std::string::npos);
  EXPECT_EQ(email.to_name.find('\r'), std::string::npos);
  EXPECT_EQ(email.subject.find('\n'), std::string::npos);
  EXPECT_EQ(OneLine("a\r\nb\tc\x7f"), "ab c");
  EXPECT_EQ(HtmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST_F(RenderTest, ACancellationCarriesMethodCancelWithTheSameUidAndAHigherSequence) {
  RenderedEmail booked = RenderEmail(MessageKind::kBooked, Context(), "b@clinic.example");
  appointment_->status = core::scheduling::AppointmentStatus::kCancelled;
  appointment_->version = 2;
  RenderedEmail cancelled = RenderEmail(MessageKind::kCancelled, Context(), "b@clinic.example");
  EXPECT_EQ(cancelled.ics_method, "CANCEL");
  EXPECT_NE(cancelled.ics.find("METHOD:CANCEL\r\n"), std::string::npos);
  EXPECT_NE(cancelled.ics.find("STATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_NE(booked.ics.find("SEQUENCE:0\r\n"), std::string::npos);
  EXPECT_NE(cancelled.ics.find("SEQUENCE:1\r\n"), std::string::npos);
  EXPECT_NE(cancelled.subject.find("Cancelled"), std::string::npos);
}

TEST_F(RenderTest, EveryKindHasItsWording) {
  for (MessageKind kind : {MessageKind::kBooked, MessageKind::kRequested, MessageKind::kApproved,
                           MessageKind::kDeclined, MessageKind::kCancelled, MessageKind::kMoved,
                           MessageKind::kReminder}) {
    RenderedEmail email = RenderEmail(kind, Context(), "b@clinic.example");
    EXPECT_FALSE(email.subject.empty());
    EXPECT_EQ(email.subject.find("{{"), std::string::npos);
    EXPECT_EQ(email.text.find("{{"), std::string::npos);
    std::string sms = RenderSms(kind, Context());
    EXPECT_LE(sms.size(), 160u) << sms;
    EXPECT_NE(sms.find("09:00"), std::string::npos) << sms;
  }
}

TEST_F(RenderTest, SmsStaysWithin160CharactersAndKeepsTheTime) {
  setup_.clinic.name = std::string(120, 'C');
  setup_.practitioners[0].display_name = std::string(80, 'P');
  std::string sms = RenderSms(MessageKind::kReminder, Context());
  EXPECT_LE(sms.size(), 160u) << sms;
  EXPECT_NE(sms.find("Tue 1 Dec 09:00"), std::string::npos) << sms;
}

TEST_F(RenderTest, FillEscapesValuesButNotTheTemplate) {
  std::map<std::string, std::string, std::less<>> values{{"name", "<i>"}};
  EXPECT_EQ(Fill("Hi {{name}} {{unknown}}!", values, Escape::kNone), "Hi <i> !");
  EXPECT_EQ(Fill("a & {{name}}", values, Escape::kHtml), "a &amp; &lt;i&gt;");
}

}  // namespace
}  // namespace unknot::messaging
