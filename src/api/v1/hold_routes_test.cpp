#include "api/v1/hold_routes.hpp"

#include "api/test_fixture.hpp"
#include "api/v1/write_limits.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

// Monday 2026-12-07 in the demo clinic (America/Los_Angeles): 17:00Z is 09:00 local.
constexpr const char* kStart = "2026-12-07T17:00:00Z";

class HoldRoutesTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    v1::AddBookingRoutes(router_, *storage_, clock_, tokens_);  // adds the hold routes
    auto setup = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
    for (const auto& s : setup.services) {
      if (s.slug == "art-session") art_ = s.id.value();
    }
    okafor_ = setup.practitioners[0].id.value();
  }

  http::Response HoldTime(const char* start, Json practitioner) {
    return Post(base_ + "/holds",
                {{"service", art_}, {"start", start}, {"practitioner", std::move(practitioner)}});
  }

  Json BookingBody(const char* start, std::string email, std::optional<std::string> hold = {}) {
    Json body = {{"service", art_},
                 {"start", start},
                 {"patient",
                  {{"given_name", "Ana"},
                   {"family_name", "Ruiz"},
                   {"email", std::move(email)},
                   {"phone", "+14155550142"}}}};
    if (hold) body["hold"] = *hold;
    return body;
  }

  http::Response Release(const std::string& token) {
    http::Request request;
    request.method = http::Method::kDelete;
    request.path = base_ + "/holds/" + token;
    return router_.Dispatch(request);
  }

  // Whether availability on 2026-12-07 offers `start` with the practitioner.
  bool Offered(const char* start, std::int64_t practitioner) {
    auto r = Get(base_ + "/availability?service=" + std::to_string(art_) +
                 "&from=2026-12-07&to=2026-12-07&practitioner=" + std::to_string(practitioner));
    EXPECT_EQ(r.status, 200u) << r.body;
    const Json body = Body(r);
    for (const auto& slot : body["days"][0]["slots"]) {
      if (slot["start"] == start) return true;
    }
    return false;
  }

  security::SodiumTokens tokens_;
  std::int64_t art_ = 0;
  std::int64_t okafor_ = 0;
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

TEST_F(HoldRoutesTest, AHeldTimeIsHiddenFromOthersAndBookedWithItsToken) {
  ASSERT_TRUE(Offered(kStart, okafor_));
  auto held = HoldTime(kStart, okafor_);
  ASSERT_EQ(held.status, 201u) << held.body;
  Json hold = Body(held);
  EXPECT_EQ(hold["practitioner"], okafor_);
  EXPECT_EQ(hold["start"], kStart);
  EXPECT_EQ(hold["end"], "2026-12-07T17:30:00Z");
  EXPECT_EQ(hold["expires_at"], "2026-11-26T18:07:00Z");  // the default 7 minutes
  const std::string token = hold["hold"];
  EXPECT_GE(token.size(), 20u);
  // Nobody else is offered it, nor can hold or book it.
  EXPECT_FALSE(Offered(kStart, okafor_));
  auto again = HoldTime(kStart, okafor_);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(Body(again)["reason"], "taken");
  Json other = BookingBody(kStart, "bo@example.org");
  other["practitioner"] = okafor_;
  auto refused = Post(base_ + "/appointments", other);
  ASSERT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(Body(refused)["reason"], "taken");
  EXPECT_FALSE(Body(refused)["alternatives"].empty());
  // The holder books it, naming no practitioner: the hold's is used.
  auto booked = Post(base_ + "/appointments", BookingBody(kStart, "ana@example.org", token));
  ASSERT_EQ(booked.status, 201u) << booked.body;
  EXPECT_EQ(Body(booked)["appointment"]["practitioner"]["id"], okafor_);
  // The hold is used up.
  EXPECT_EQ(Release(token).status, 404u);
}

TEST_F(HoldRoutesTest, AnyPractitionerHoldsTheFirstFreeOneAndTheNextHoldAnother) {
  // 11:00 local: Dr. Okafor and Dr. Reyes both give ART sessions then.
  constexpr const char* kEleven = "2026-12-07T19:00:00Z";
  auto first = HoldTime(kEleven, "any");
  ASSERT_EQ(first.status, 201u) << first.body;
  auto second = HoldTime(kEleven, "any");
  ASSERT_EQ(second.status, 201u) << second.body;
  EXPECT_NE(Body(first)["practitioner"], Body(second)["practitioner"]);
  auto booked = Post(base_ + "/appointments", BookingBody(kEleven, "bo@example.org",
                                                          Body(second)["hold"].get<std::string>()));
  ASSERT_EQ(booked.status, 201u) << booked.body;
  EXPECT_EQ(Body(booked)["appointment"]["practitioner"]["id"], Body(second)["practitioner"]);
}

TEST_F(HoldRoutesTest, AReleasedHoldFreesTheTimeAtOnce) {
  auto held = HoldTime(kStart, okafor_);
  ASSERT_EQ(held.status, 201u) << held.body;
  ASSERT_FALSE(Offered(kStart, okafor_));
  auto released = Release(Body(held)["hold"]);
  EXPECT_EQ(released.status, 204u);
  EXPECT_TRUE(Offered(kStart, okafor_));
  EXPECT_EQ(Release(Body(held)["hold"]).status, 404u);
  EXPECT_EQ(Release("not-a-token").status, 404u);
}

TEST_F(HoldRoutesTest, AnExpiredHoldFreesTheTimeAndItsTokenIsAnOrdinaryBooking) {
  auto held = HoldTime(kStart, okafor_);
  ASSERT_EQ(held.status, 201u) << held.body;
  clock_.Set(clock_.Now() + 7min);
  Json other = BookingBody(kStart, "bo@example.org");
  other["practitioner"] = okafor_;
  auto booked = Post(base_ + "/appointments", other);
  ASSERT_EQ(booked.status, 201u) << booked.body;
  // The lapsed holder is told the time is taken, like anyone late.
  auto late = Post(base_ + "/appointments",
                   BookingBody(kStart, "ana@example.org", Body(held)["hold"].get<std::string>()));
  EXPECT_EQ(late.status, 409u) << late.body;
}

TEST_F(HoldRoutesTest, AHoldIsRefusedLikeABooking) {
  auto soon = HoldTime("2026-11-26T18:30:00Z", okafor_);
  EXPECT_EQ(soon.status, 422u);
  EXPECT_EQ(Body(soon)["reason"], "too_soon");
  EXPECT_EQ(Body(soon)["errors"][0]["field"], "start");
  auto far = HoldTime("2027-06-07T17:00:00Z", okafor_);
  EXPECT_EQ(far.status, 422u);
  EXPECT_EQ(Body(far)["reason"], "beyond_horizon");
  auto night = HoldTime("2026-12-07T11:00:00Z", okafor_);  // 03:00 local
  EXPECT_EQ(night.status, 422u);
  EXPECT_EQ(Body(night)["reason"], "outside_hours");
  auto between = HoldTime("2026-12-07T17:05:00Z", okafor_);
  EXPECT_EQ(between.status, 422u);
  EXPECT_EQ(Body(between)["reason"], "not_on_step");
  // Nothing was held by any of them.
  EXPECT_TRUE(Offered(kStart, okafor_));
}

TEST_F(HoldRoutesTest, BadRequestsNameTheField) {
  auto field = [&](const Json& body) {
    auto r = Post(base_ + "/holds", body);
    EXPECT_EQ(r.status, 400u) << r.body;
    return Body(r)["errors"][0]["field"].get<std::string>();
  };
  EXPECT_EQ(field({{"start", kStart}}), "service");
  EXPECT_EQ(field({{"service", art_}}), "start");
  EXPECT_EQ(field({{"service", art_}, {"start", "tomorrow"}}), "start");
  EXPECT_EQ(field({{"service", art_}, {"start", kStart}, {"practitioner", "someone"}}),
            "practitioner");
  EXPECT_EQ(field({{"service", "art"}, {"start", kStart}}), "service");
  auto unknown = Post(base_ + "/holds", {{"service", 999999}, {"start", kStart}});
  EXPECT_EQ(unknown.status, 404u);
  auto no_clinic = Post("/api/v1/clinics/nowhere/holds", {{"service", art_}, {"start", kStart}});
  EXPECT_EQ(no_clinic.status, 404u);
}

// The public routes with their write limits, as `unknot serve` has them.
class HoldLimitsTest : public PublicRoutesFixture {};

TEST_F(HoldLimitsTest, HoldsAreRateLimitedPerAddressLikeBookings) {
  v1::AddWriteLimits(router_, *storage_);
  // The demo clinic takes 10 writes a minute per address with a burst of 20; a refused hold (too
  // soon here) counts like any other attempt.
  int limited = 0;
  for (int i = 0; i < 25; ++i) {
    auto r = Post("/api/v1/clinics/mission-sports-chiro/holds",
                  {{"service", 1}, {"start", "2026-11-26T18:30:00Z"}}, {}, "203.0.113.7");
    if (r.status == 429u) {
      ++limited;
      EXPECT_EQ(Body(r)["limit"], "per_address");
    }
  }
  EXPECT_EQ(limited, 5);
}

}  // namespace
}  // namespace unknot::api
