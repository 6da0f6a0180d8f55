// Practitioners' calendar feeds (issue 17), through the router: the staff routes behind the gate
// make, rotate and turn off the secret URL; the public feed answers only to the current secret.

#include "api/v1/calendar_feed_routes.hpp"

#include "api/v1/staff_routes_fixture.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using core::scheduling::AppointmentStatus;
using http::Method;

class CalendarFeedRoutesTest : public StaffRoutesFixture {
 protected:
  void SetUp() override {
    StaffRoutesFixture::SetUp();
    v1::AddCalendarFeedStaffRoutes(*staff_routes_, *storage_, tokens_);
    v1::AddCalendarFeedRoutes(router_, *storage_, clock_, tokens_);
    ana_ = AddPatient("ana", "Ruiz", "ana.ruiz@example.org", "+14155550142");
  }

  // A state-changing request by `who`, as the browser sends it (cookie, Origin, CSRF token).
  http::Response Send(Method method, const std::string& path, const SignedIn& who,
                      const std::optional<Json>& body = std::nullopt) {
    http::Request request;
    request.method = method;
    request.path = base_ + path;
    request.headers = {{"cookie", who.cookie},
                       {"host", "clinic.test"},
                       {"origin", "http://clinic.test"},
                       {"x-csrf-token", who.session.csrf_token}};
    if (body) {
      request.headers.emplace_back("content-type", "application/json");
      request.body = body->dump();
    }
    request.client_address = "203.0.113.7";
    request.request_id = "req-write";
    return router_.Dispatch(request);
  }

  static std::string FeedPath(const core::clinic::Practitioner& p) {
    return "/practitioners/" + std::to_string(p.id.value()) + "/calendar-feed";
  }

  // Creates (or rotates) the feed of setup_.practitioners[index] as `who`; its URL.
  std::string Create(const SignedIn& who, std::size_t index) {
    auto r = Send(Method::kPost, FeedPath(setup_.practitioners.at(index)), who);
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200u) return "";
    return Json::parse(r.body)["url"].get<std::string>();
  }

  // A GET of an absolute feed URL, as a calendar app sends it (no cookie).
  http::Response Fetch(const std::string& url, std::string if_none_match = "") {
    http::Request request;
    request.method = Method::kGet;
    std::string target = url.substr(url.find('/', url.find("://") + 3));
    auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    if (!if_none_match.empty()) request.headers = {{"if-none-match", if_none_match}};
    return router_.Dispatch(request);
  }

  // The content lines called `name` (with parameters), folds undone (RFC 5545 3.1).
  static std::vector<std::string> Lines(std::string ics, const std::string& name) {
    for (auto fold = ics.find("\r\n "); fold != std::string::npos; fold = ics.find("\r\n ")) {
      ics.erase(fold, 3);
    }
    std::vector<std::string> out;
    for (auto at = ics.find("\r\n" + name); at != std::string::npos;
         at = ics.find("\r\n" + name, at + 2)) {
      out.push_back(ics.substr(at + 2, ics.find("\r\n", at + 2) - at - 2));
    }
    return out;
  }

  security::SodiumTokens tokens_;
  core::clinic::Patient ana_;
};

TEST_F(CalendarFeedRoutesTest, PractitionerSubscribesToTheirComingAppointments) {
  auto booked = AddAppointment(ana_, 0, "2026-12-07T17:00:00Z");
  AddAppointment(ana_, 0, "2026-12-08T17:00:00Z", {}, 0, AppointmentStatus::kCancelled);
  AddAppointment(ana_, 0, "2026-11-20T17:00:00Z");         // already past
  AddAppointment(ana_, 1, "2026-12-07T17:00:00Z", {}, 1);  // another practitioner's
  AddAppointment(ana_, 0, "2027-06-01T17:00:00Z");         // past the 90 days

  auto created = Send(Method::kPost, FeedPath(setup_.practitioners[0]), okafor_);
  ASSERT_EQ(created.status, 200u) << created.body;
  Json body = Json::parse(created.body);
  const std::string url = body["url"];
  EXPECT_TRUE(
      url.starts_with("http://clinic.test/api/v1/clinics/mission-sports-chiro/"
                      "practitioners/" +
                      std::to_string(setup_.practitioners[0].id.value()) + "/calendar.ics?key="))
      << url;
  EXPECT_EQ(body["webcal"], "webcal://" + url.substr(7));
  EXPECT_EQ(body["created_at"], "2026-11-26T18:00:00Z");

  auto feed = Fetch(url);
  ASSERT_EQ(feed.status, 200u) << feed.body;
  EXPECT_EQ(feed.content_type, "text/calendar; charset=utf-8");
  EXPECT_EQ(Lines(feed.body, "BEGIN:VEVENT").size(), 1u) << feed.body;
  EXPECT_EQ(Lines(feed.body, "BEGIN:VTIMEZONE").size(), 1u);
  EXPECT_EQ(Lines(feed.body, "UID:"),
            std::vector<std::string>{"UID:appointment-" + std::to_string(booked.id.value()) +
                                     "@mission-sports-chiro.unknot"});
  EXPECT_EQ(Lines(feed.body, "DTSTART;"),
            std::vector<std::string>{"DTSTART;TZID=America/Los_Angeles:20261207T090000"});
  ASSERT_EQ(Lines(feed.body, "SUMMARY:").size(), 1u);
  EXPECT_TRUE(Lines(feed.body, "SUMMARY:")[0].ends_with("\xE2\x80\x93 A. R."))
      << Lines(feed.body, "SUMMARY:")[0];
  EXPECT_EQ(feed.body.find("Ruiz"), std::string::npos);  // initials only by default
  ASSERT_EQ(Lines(feed.body, "LOCATION:").size(), 1u);
  EXPECT_NE(Lines(feed.body, "LOCATION:")[0].find("Folsom Street"), std::string::npos);
  EXPECT_NE(Lines(feed.body, "LOCATION:")[0].find(setup_.rooms[0].name), std::string::npos);
  EXPECT_EQ(Lines(feed.body, "SEQUENCE:"), std::vector<std::string>{"SEQUENCE:0"});

  // Unchanged: a calendar app polling with the ETag downloads nothing.
  const std::string etag = HeaderOf(feed, "ETag");
  ASSERT_NE(etag, "(none)");
  EXPECT_EQ(Fetch(url, etag).status, 304u);

  // Cancelled: it disappears from the feed.
  core::scheduling::Appointment cancelled = booked;
  cancelled.status = AppointmentStatus::kCancelled;
  cancelled.cancelled_at = clock_.Now();
  core::staff::AuditEntry audit;
  audit.clinic = clinic_.id;
  audit.action = "cancel_appointment";
  audit.at = clock_.Now();
  ASSERT_TRUE(
      storage_->UpdateAppointment(clinic_.id, cancelled, booked.version, clock_.Now(), audit));
  auto after = Fetch(url);
  ASSERT_EQ(after.status, 200u);
  EXPECT_TRUE(Lines(after.body, "BEGIN:VEVENT").empty()) << after.body;
  EXPECT_NE(HeaderOf(after, "ETag"), etag);
}

TEST_F(CalendarFeedRoutesTest, NamesWhenTheClinicAllowsThem) {
  AddAppointment(ana_, 0, "2026-12-07T17:00:00Z");
  const std::string url = Create(okafor_, 0);
  auto put = Send(Method::kPut, "/calendar-feed-settings", owner_, Json{{"patient_names", true}});
  ASSERT_EQ(put.status, 200u) << put.body;
  EXPECT_EQ(Json::parse(StaffGet(&okafor_, base_ + "/calendar-feed-settings").body),
            (Json{{"patient_names", true}}));
  auto feed = Fetch(url);
  ASSERT_EQ(Lines(feed.body, "SUMMARY:").size(), 1u);
  EXPECT_TRUE(Lines(feed.body, "SUMMARY:")[0].ends_with("\xE2\x80\x93 ana Ruiz"))
      << Lines(feed.body, "SUMMARY:")[0];
  // Only the owner sets it; a bad body names its field.
  EXPECT_EQ(
      Send(Method::kPut, "/calendar-feed-settings", okafor_, Json{{"patient_names", false}}).status,
      403u);
  auto bad = Send(Method::kPut, "/calendar-feed-settings", owner_, Json{{"patient_names", "yes"}});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(FirstField(bad), "patient_names");
}

TEST_F(CalendarFeedRoutesTest, RotationStopsTheOldLinkAtOnce) {
  const std::string first = Create(okafor_, 0);
  ASSERT_EQ(Fetch(first).status, 200u);
  const std::string second = Create(owner_, 0);  // the owner rotates it
  ASSERT_NE(first, second);
  EXPECT_EQ(Fetch(first).status, 404u);
  EXPECT_EQ(Fetch(second).status, 200u);
  // The feed's state, never its secret.
  auto shown = StaffGet(&okafor_, base_ + FeedPath(setup_.practitioners[0]));
  ASSERT_EQ(shown.status, 200u) << shown.body;
  EXPECT_EQ(Json::parse(shown.body),
            (Json{{"exists", true}, {"created_at", "2026-11-26T18:00:00Z"}}));
  const std::string key = second.substr(second.find("key=") + 4);
  EXPECT_EQ(shown.body.find(key), std::string::npos);
  // Turned off: the link is gone, the state says so, a second turn-off finds nothing.
  EXPECT_EQ(Send(Method::kDelete, FeedPath(setup_.practitioners[0]), okafor_).status, 204u);
  EXPECT_EQ(Fetch(second).status, 404u);
  EXPECT_EQ(Json::parse(StaffGet(&okafor_, base_ + FeedPath(setup_.practitioners[0])).body),
            (Json{{"exists", false}, {"created_at", nullptr}}));
  EXPECT_EQ(Send(Method::kDelete, FeedPath(setup_.practitioners[0]), okafor_).status, 404u);
  // Each write left its audit entry, without the secret.
  int feed_entries = 0;
  for (const auto& entry : AuditLog()) {
    if (entry.action != "manage_calendar_feed") continue;
    EXPECT_EQ(entry.detail.find(key), std::string::npos);
    if (!entry.detail.empty()) ++feed_entries;
  }
  EXPECT_GE(feed_entries, 3);  // created, rotated, turned off
}

TEST_F(CalendarFeedRoutesTest, WhoMayManageWhichFeed) {
  const auto& own = setup_.practitioners[0];
  const auto& colleague = setup_.practitioners[1];
  // A practitioner: their own only.
  EXPECT_EQ(Send(Method::kPost, FeedPath(colleague), okafor_).status, 403u);
  EXPECT_EQ(StaffGet(&okafor_, base_ + FeedPath(colleague)).status, 403u);
  EXPECT_EQ(Send(Method::kDelete, FeedPath(colleague), okafor_).status, 403u);
  // The front desk: none.
  EXPECT_EQ(Send(Method::kPost, FeedPath(own), desk_).status, 403u);
  EXPECT_EQ(StaffGet(&desk_, base_ + FeedPath(own)).status, 403u);
  // The owner: anyone's.
  EXPECT_EQ(Send(Method::kPost, FeedPath(colleague), owner_).status, 200u);
  EXPECT_EQ(Send(Method::kPost, FeedPath(own), owner_).status, 200u);
  // Signed out: 401. An unknown practitioner: 404.
  EXPECT_EQ(StaffGet(nullptr, base_ + FeedPath(own)).status, 401u);
  EXPECT_EQ(Send(Method::kPost, "/practitioners/999999/calendar-feed", owner_).status, 404u);
}

TEST_F(CalendarFeedRoutesTest, WrongMissingOrForeignKeysAreNotFound) {
  const std::string url = Create(okafor_, 0);
  const std::string key = url.substr(url.find("key=") + 4);
  const std::string own = std::to_string(setup_.practitioners[0].id.value());
  const std::string colleague = std::to_string(setup_.practitioners[1].id.value());
  auto feed = [&](const std::string& target) { return Get(base_ + target).status; };
  EXPECT_EQ(feed("/practitioners/" + own + "/calendar.ics?key=" + key), 200u);
  EXPECT_EQ(feed("/practitioners/" + own + "/calendar.ics"), 404u);
  EXPECT_EQ(feed("/practitioners/" + own + "/calendar.ics?key="), 404u);
  EXPECT_EQ(feed("/practitioners/" + own + "/calendar.ics?key=not-the-key"), 404u);
  // The key of one practitioner opens no other's feed, and no other clinic's.
  EXPECT_EQ(feed("/practitioners/" + colleague + "/calendar.ics?key=" + key), 404u);
  EXPECT_EQ(Get("/api/v1/clinics/another-clinic/practitioners/" + own + "/calendar.ics?key=" + key)
                .status,
            404u);
  // A 404 says nothing but that.
  auto wrong = Get(base_ + "/practitioners/" + own + "/calendar.ics?key=nope");
  EXPECT_EQ(Json::parse(wrong.body)["detail"], "no such calendar feed");
}

TEST(PatientInitialsTest, FirstLetterOfEachName) {
  EXPECT_EQ(v1::PatientInitials("Ana", "Ruiz"), "A. R.");
  EXPECT_EQ(v1::PatientInitials("ana", "ruiz"), "A. R.");
  EXPECT_EQ(v1::PatientInitials("\xC3\x89lodie", "\xC3\x96zt\xC3\xBCrk"), "\xC3\x89. \xC3\x96.");
  EXPECT_EQ(v1::PatientInitials("Ana", ""), "A.");
  EXPECT_EQ(v1::PatientInitials("", ""), "");
}

}  // namespace
}  // namespace unknot::api
