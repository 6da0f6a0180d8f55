#include "api/v1/ics_routes.hpp"

#include "api/test_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;

// Booked, moved and cancelled through the JSON API; the .ics follows each change.
class IcsRoutesTest : public PublicRoutesFixture {
 protected:
  void SetUp() override {
    PublicRoutesFixture::SetUp();
    v1::AddIcsRoutes(router_, *storage_, tokens_);
    auto setup = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
    for (const auto& s : setup.services) {
      if (s.slug == "art-session") art_ = s.id.value();
    }
    okafor_ = setup.practitioners[0].id.value();
    auto booked = Post(base_ + "/appointments", {{"service", art_},
                                                 {"practitioner", okafor_},
                                                 {"start", "2026-12-07T17:00:00Z"},
                                                 {"patient",
                                                  {{"given_name", "Ana"},
                                                   {"family_name", "Ruiz"},
                                                   {"email", "ana@example.org"},
                                                   {"phone", "+14155550142"}}}});
    ASSERT_EQ(booked.status, 201u) << booked.body;
    id_ = std::to_string(Body(booked)["appointment"]["id"].get<std::int64_t>());
    token_ = Body(booked)["manage_token"];
  }

  http::Response Ics(const std::string& token) {
    http::Request request;
    request.path = base_ + "/appointments/" + id_ + ".ics";
    request.headers = {{"authorization", "Bearer " + token}, {"host", "clinic.example:8080"}};
    return router_.Dispatch(request);
  }

  // The content line `name` with its folds undone (RFC 5545 3.1).
  static std::string Line(std::string ics, const std::string& name) {
    for (auto fold = ics.find("\r\n "); fold != std::string::npos; fold = ics.find("\r\n ")) {
      ics.erase(fold, 3);
    }
    auto at = ics.find("\r\n" + name + ":");
    if (at == std::string::npos) return "(none)";
    at += 2;
    return ics.substr(at, ics.find("\r\n", at) - at);
  }

  std::int64_t art_ = 0;
  std::int64_t okafor_ = 0;
  std::string id_;
  std::string token_;
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

TEST_F(IcsRoutesTest, BookedAppointmentWithTheManageLink) {
  auto r = Ics(token_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "text/calendar; charset=utf-8");
  EXPECT_EQ(Line(r.body, "DTSTART;TZID=America/Los_Angeles"),
            "DTSTART;TZID=America/Los_Angeles:20261207T090000");
  EXPECT_EQ(Line(r.body, "SEQUENCE"), "SEQUENCE:0");
  EXPECT_EQ(Line(r.body, "STATUS"), "STATUS:CONFIRMED");
  EXPECT_EQ(Line(r.body, "LOCATION"),
            "LOCATION:2250 Folsom Street\\, Suite 200\\, San Francisco\\, CA 94110");
  EXPECT_EQ(Line(r.body, "URL"), "URL:http://clinic.example:8080/c/mission-sports-chiro/manage/" +
                                     id_ + "#token=" + token_);
  bool no_store = false;
  for (const auto& [name, value] : r.headers)
    no_store |= name == "Cache-Control" && value == "no-store";
  EXPECT_TRUE(no_store);
}

TEST_F(IcsRoutesTest, WrongTokenIsNotFound) {
  EXPECT_EQ(Ics("not-the-token").status, 404u);
  EXPECT_EQ(Ics("").status, 404u);
}

TEST_F(IcsRoutesTest, EachRescheduleRaisesTheSequenceAndCancelSaysCancelled) {
  auto Move = [&](const char* start) {
    auto r =
        Post(base_ + "/appointments/" + id_ + "/reschedule", {{"token", token_}, {"start", start}});
    ASSERT_EQ(r.status, 200u) << r.body;
  };
  auto sequence = [&] { return std::stoll(Line(Ics(token_).body, "SEQUENCE").substr(9)); };
  clock_.Set(clock_.Now() + std::chrono::minutes{30});
  Move("2026-12-08T17:00:00Z");
  std::int64_t first = sequence();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(Line(Ics(token_).body, "DTSTART;TZID=America/Los_Angeles"),
            "DTSTART;TZID=America/Los_Angeles:20261208T090000");
  clock_.Set(clock_.Now() + std::chrono::minutes{30});
  Move("2026-12-09T17:00:00Z");
  std::int64_t second = sequence();
  EXPECT_EQ(second, 2);
  clock_.Set(clock_.Now() + std::chrono::minutes{30});
  auto cancelled = Post(base_ + "/appointments/" + id_ + "/cancel", {{"token", token_}});
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  auto ics = Ics(token_).body;
  EXPECT_EQ(Line(ics, "STATUS"), "STATUS:CANCELLED");
  EXPECT_EQ(Line(ics, "SEQUENCE"), "SEQUENCE:3");
}

}  // namespace
}  // namespace unknot::api
