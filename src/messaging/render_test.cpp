#include "messaging/render.hpp"

#include <gtest/gtest.h>

#include <set>

#include "app/demo_clinic.hpp"
#include "instants.hpp"

namespace unknot::messaging {
namespace {

using namespace std::chrono_literals;
using core::ports::MessageKind;

using unknot::testing::At;

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

TEST_F(RenderTest, ThePlaceholdersAClinicMayUseAreExactlyTheOnesFilled) {
  auto values = TemplateValues(Context());
  std::set<std::string> filled;
  for (const auto& [name, value] : values) filled.insert(name);
  std::set<std::string> allowed(std::begin(core::ports::kMessagePlaceholders),
                                std::end(core::ports::kMessagePlaceholders));
  EXPECT_EQ(filled, allowed);
  // Every built-in wording passes the check a clinic's own wording must pass.
  for (MessageKind kind : {MessageKind::kBooked, MessageKind::kRequested, MessageKind::kApproved,
                           MessageKind::kDeclined, MessageKind::kCancelled, MessageKind::kMoved,
                           MessageKind::kReminder, MessageKind::kWaitlistOffer}) {
    EXPECT_TRUE(core::ports::ValidateMessageWording(DefaultTemplate(kind)))
        << core::ports::MessageKindName(kind);
  }
}

TEST_F(RenderTest, AClinicsWordingIsValidatedFieldByField) {
  using core::ports::MessageWording;
  using core::ports::ValidateMessageWording;
  auto field = [](const MessageWording& w) {
    auto checked = ValidateMessageWording(w);
    return checked ? std::string("ok") : checked.error().fields().at(0).field;
  };
  const MessageWording good{"Hi {{given_name}}", "Line\n\n{{manage_url}}\tend", "{{time}}"};
  EXPECT_EQ(field(good), "ok");
  MessageWording w = good;
  w.subject = "";
  EXPECT_EQ(field(w), "subject");
  w = good;
  w.subject = "Bcc: x\r\nTo: y";
  EXPECT_EQ(field(w), "subject");
  w = good;
  w.text = "{{given_name";
  EXPECT_EQ(field(w), "text");
  w = good;
  w.text = "Bell \a";
  EXPECT_EQ(field(w), "text");
  w = good;
  w.text = std::string("\xff\xfe");
  EXPECT_EQ(field(w), "text");
  w = good;
  w.text = "caf\xc3\xa9 {{clinic}}";  // UTF-8 is fine
  EXPECT_EQ(field(w), "ok");
  w = good;
  w.sms = "{{secret_token}}";
  EXPECT_EQ(field(w), "sms");
  EXPECT_EQ(ValidateMessageWording(w).error().fields().at(0).reason,
            "has an unknown placeholder {{secret_token}}");
  w = good;
  w.sms = std::string(481, 'x');
  EXPECT_EQ(field(w), "sms");
}

TEST_F(RenderTest, AClinicsOwnWordingReplacesTheBuiltInOneOfItsKindOnly) {
  std::vector<core::ports::MessageTemplate> own{
      {MessageKind::kReminder, {"Soon: {{time}}", "See you {{given_name}}", "{{time}}"}, {}}};
  EXPECT_EQ(WordingFor(MessageKind::kReminder, own).subject, "Soon: {{time}}");
  EXPECT_EQ(&WordingFor(MessageKind::kBooked, own), &DefaultTemplate(MessageKind::kBooked));
  RenderedEmail email = RenderEmail(MessageKind::kReminder, Context(), "bookings@clinic.example",
                                    WordingFor(MessageKind::kReminder, own));
  EXPECT_EQ(email.subject, "Soon: 09:00");
  EXPECT_NE(email.html.find("See you Ana &lt;b&gt;&amp;amp;"), std::string::npos) << email.html;
}

}  // namespace
}  // namespace unknot::messaging
