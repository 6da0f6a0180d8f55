// The waitlist's patient routes over HTTP (SQLite): join, see the entry by its link, an offer made
// by the worker after a cancel, confirm it once (a second confirm is told the time is gone), leave.

#include "api/v1/waitlist_routes.hpp"

#include "api/test_fixture.hpp"
#include "api/v1/booking_routes.hpp"
#include "app/waitlist.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;

// Monday 2026-12-07 in the demo clinic (America/Los_Angeles): 17:00Z is 09:00 local.
constexpr const char* kStart = "2026-12-07T17:00:00Z";

class WaitlistRoutesTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    v1::AddBookingRoutes(router_, *storage_, clock_, tokens_);
    v1::AddWaitlistRoutes(router_, *storage_, clock_, tokens_);
    clinic_ = storage_->FindClinic("mission-sports-chiro")->id;
    auto setup = *storage_->LoadSetup(clinic_).value();
    for (const auto& s : setup.services) {
      if (s.slug == "art-session") art_ = s.id.value();
    }
    okafor_ = setup.practitioners[0].id.value();
  }

  Json JoinBody(std::string email) {
    return {{"service", art_},
            {"practitioner", "any"},
            {"windows", {{{"days", {"monday", "tuesday"}}, {"from", "08:00"}, {"to", "12:00"}}}},
            {"until", "2026-12-31"},
            {"patient",
             {{"given_name", "Ana"},
              {"family_name", "Ruiz"},
              {"email", std::move(email)},
              {"phone", "+14155550142"}}}};
  }

  http::Response WithToken(http::Method method, const std::string& path, const std::string& token) {
    http::Request request;
    request.method = method;
    request.path = path;
    request.headers.emplace_back("authorization", "Bearer " + token);
    if (method == http::Method::kPost) {
      request.body = "{}";
      request.headers.emplace_back("content-type", "application/json");
    }
    return router_.Dispatch(request);
  }

  // The offer links the worker's messages carry.
  std::vector<std::string> OfferLinks() {
    std::vector<std::string> links;
    const auto claimed =
        storage_->ClaimMessages(clock_.Now(), 50, std::chrono::seconds{60}).value();
    for (const auto& m : claimed) {
      if (m.kind != core::ports::MessageKind::kWaitlistOffer) continue;
      links.push_back(storage_->FindOfferForMessage(clinic_, *m.waitlist_offer).value().link_token);
    }
    return links;
  }

  security::SodiumTokens tokens_;
  core::ClinicId clinic_;
  std::int64_t art_ = 0;
  std::int64_t okafor_ = 0;
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

TEST_F(WaitlistRoutesTest, AJoinedPatientIsOfferedAFreedTimeAndBooksItOnce) {
  auto joined = Post(base_ + "/waitlist", JoinBody("ana@example.org"));
  ASSERT_EQ(joined.status, 201u) << joined.body;
  Json body = Body(joined);
  const std::string token = body["token"];
  EXPECT_EQ(body["entry"]["status"], "waiting");
  EXPECT_EQ(body["entry"]["windows"][0]["days"], Json::array({"monday", "tuesday"}));
  EXPECT_EQ(body["entry"]["windows"][0]["from"], "08:00");
  auto seen = WithToken(http::Method::kGet, base_ + "/waitlist/entry", token);
  ASSERT_EQ(seen.status, 200u) << seen.body;
  EXPECT_EQ(Body(seen)["id"], body["entry"]["id"]);
  EXPECT_EQ(WithToken(http::Method::kGet, base_ + "/waitlist/entry", "wrong").status, 404u);

  // Someone else's appointment at a suitable time is cancelled: the worker offers it.
  auto other = Post(base_ + "/appointments", {{"service", art_},
                                              {"start", kStart},
                                              {"practitioner", okafor_},
                                              {"patient",
                                               {{"given_name", "Bo"},
                                                {"family_name", "Lee"},
                                                {"email", "bo@example.org"},
                                                {"phone", "+14155550143"}}}});
  ASSERT_EQ(other.status, 201u) << other.body;
  Json booked = Body(other);
  ASSERT_TRUE(storage_->Cancel(
      clinic_, core::AppointmentId{booked["appointment"]["id"].get<std::int64_t>()}, clock_.Now()));
  auto run = app::RunWaitlistOnce(*storage_, clock_, tokens_);
  ASSERT_TRUE(run) << run.error().message();
  EXPECT_EQ(run->offers, 1);
  auto links = OfferLinks();
  ASSERT_EQ(links.size(), 1u);

  auto offer = WithToken(http::Method::kGet, base_ + "/waitlist/offer", links[0]);
  ASSERT_EQ(offer.status, 200u) << offer.body;
  EXPECT_EQ(Body(offer)["start"], kStart);
  EXPECT_EQ(Body(offer)["practitioner"]["id"], okafor_);
  auto confirmed = WithToken(http::Method::kPost, base_ + "/waitlist/offer/confirm", links[0]);
  ASSERT_EQ(confirmed.status, 201u) << confirmed.body;
  EXPECT_EQ(Body(confirmed)["appointment"]["start"], kStart);
  EXPECT_FALSE(Body(confirmed)["manage_token"].get<std::string>().empty());
  // Again: the time is gone, a problem naming the offer.
  auto again = WithToken(http::Method::kPost, base_ + "/waitlist/offer/confirm", links[0]);
  EXPECT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(Body(again)["errors"][0]["field"], "offer");
  EXPECT_EQ(Body(WithToken(http::Method::kGet, base_ + "/waitlist/entry", token))["status"],
            "booked");
}

TEST_F(WaitlistRoutesTest, BadInputNamesTheFieldAndAPatientCanLeave) {
  Json bad = JoinBody("ana@example.org");
  bad["windows"][0]["to"] = "07:00";
  auto refused = Post(base_ + "/waitlist", bad);
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(Body(refused)["errors"][0]["field"], "windows[0].to");
  bad = JoinBody("ana@example.org");
  bad["until"] = "2026-01-01";
  EXPECT_EQ(Body(Post(base_ + "/waitlist", bad))["errors"][0]["field"], "until");
  bad = JoinBody("");
  EXPECT_EQ(Post(base_ + "/waitlist", bad).status, 400u);

  auto joined = Post(base_ + "/waitlist", JoinBody("ana@example.org"));
  ASSERT_EQ(joined.status, 201u) << joined.body;
  const std::string token = Body(joined)["token"];
  auto left = WithToken(http::Method::kPost, base_ + "/waitlist/entry/leave", token);
  ASSERT_EQ(left.status, 200u) << left.body;
  EXPECT_EQ(Body(left)["status"], "left");
  EXPECT_EQ(WithToken(http::Method::kPost, base_ + "/waitlist/entry/leave", token).status, 409u);
  EXPECT_EQ(WithToken(http::Method::kGet, base_ + "/waitlist/offer", "nothing").status, 404u);
}

}  // namespace
}  // namespace unknot::api
