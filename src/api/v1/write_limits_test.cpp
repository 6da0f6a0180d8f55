#include "api/v1/write_limits.hpp"

#include "api/test_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// The demo clinic's defaults: per address 10 a minute, 20 at once; per email 5 an hour, 5 at once.
class WriteLimitsTest : public PublicRoutesFixture {
 protected:
  void SetUp() override {
    PublicRoutesFixture::SetUp();
    v1::AddWriteLimits(router_, *storage_, [this] { return now_; });
    auto setup = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
    for (const auto& s : setup.services) {
      if (s.slug == "art-session") art_ = s.id.value();
    }
  }

  // From one client address unless told otherwise.
  http::Response Post(const std::string& path, const Json& body,
                      std::string client = "203.0.113.7") {
    return DemoClinicFixture::Post(path, body, {}, std::move(client));
  }

  Json BookingBody(const char* start, std::string email = "ana@example.org") {
    return {{"service", art_},
            {"start", start},
            {"patient",
             {{"given_name", "Ana"},
              {"family_name", "Ruiz"},
              {"email", std::move(email)},
              {"phone", "+14155550142"}}}};
  }

  static std::string RetryAfter(const http::Response& r) {
    for (const auto& [name, value] : r.headers) {
      if (name == "Retry-After") return value;
    }
    return "";
  }

  std::int64_t art_ = 0;
  http::RateLimiter::Clock::time_point now_ = http::RateLimiter::Clock::time_point{} + 1000h;
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

TEST_F(WriteLimitsTest, AnAddressThatWritesTooFastGets429WithRetryAfter) {
  const std::string cancel = base_ + "/appointments/999/cancel";
  // Every attempt counts, whatever its answer (here: no such appointment).
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Post(cancel, Json::object()).status, 404u) << i;

  http::Response refused = Post(cancel, Json::object());
  ASSERT_EQ(refused.status, 429u);
  EXPECT_EQ(refused.content_type, "application/problem+json");
  EXPECT_EQ(RetryAfter(refused), "6");  // one write every six seconds
  Json body = Body(refused);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/too-many-requests");
  EXPECT_EQ(body["status"], 429);
  EXPECT_EQ(body["limit"], "per_address");
  EXPECT_EQ(body["retry_after_seconds"], 6);
  EXPECT_NE(body["detail"].get<std::string>().find("too many cancellations from this address"),
            std::string::npos)
      << body["detail"];

  // Other addresses and other kinds of write have buckets of their own; time refills this one.
  EXPECT_EQ(Post(cancel, Json::object(), "198.51.100.2").status, 404u);
  EXPECT_EQ(Post(base_ + "/appointments/999/reschedule", Json::object()).status, 400u);
  now_ += 6s;
  EXPECT_EQ(Post(cancel, Json::object()).status, 404u);
  EXPECT_EQ(Post(cancel, Json::object()).status, 429u);
}

TEST_F(WriteLimitsTest, OneIPv6SubscriberIsOneAddress) {
  const std::string cancel = base_ + "/appointments/999/cancel";
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Post(cancel, Json::object(), "2001:db8:1:2::" + std::to_string(i + 1)).status, 404u);
  }
  EXPECT_EQ(Post(cancel, Json::object(), "2001:db8:1:2:ffff::1").status, 429u);
  EXPECT_EQ(Post(cancel, Json::object(), "2001:db8:1:3::1").status, 404u);
}

TEST_F(WriteLimitsTest, OneEmailBookingTooOftenGets429EvenFromManyAddresses) {
  // Five attempts (off the slot grid, so refused 422) from five addresses use the email's burst.
  for (int i = 0; i < 5; ++i) {
    auto r = Post(base_ + "/appointments", BookingBody("2026-12-08T17:05:00Z"),
                  "198.51.100." + std::to_string(i + 1));
    ASSERT_EQ(r.status, 422u) << r.body;
  }
  http::Response refused =
      Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z", " ANA@Example.org "),
           "10.0.0.1");
  ASSERT_EQ(refused.status, 429u) << refused.body;
  EXPECT_EQ(RetryAfter(refused), "720");  // five an hour
  Json body = Body(refused);
  EXPECT_EQ(body["limit"], "per_email");
  EXPECT_NE(body["detail"].get<std::string>().find("+14155550134"), std::string::npos);
  // Someone else books from the same address.
  EXPECT_EQ(Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z", "bo@example.org"),
                 "10.0.0.1")
                .status,
            201u);
}

TEST_F(WriteLimitsTest, AssessmentsAreLimitedPerAddressToo) {
  for (int i = 0; i < 20; ++i) Post(base_ + "/assessments", Json::object());
  EXPECT_EQ(Post(base_ + "/assessments", Json::object()).status, 429u);
}

// Each join is a stored entry the front desk reads and every delivery round goes through.
TEST_F(WriteLimitsTest, WaitlistJoinsAreLimitedPerAddressToo) {
  for (int i = 0; i < 20; ++i) ASSERT_NE(Post(base_ + "/waitlist", Json::object()).status, 429u);
  auto refused = Post(base_ + "/waitlist", Json::object());
  EXPECT_EQ(refused.status, 429u);
  EXPECT_NE(refused.body.find("too many waitlist entries from this address"), std::string::npos)
      << refused.body;
  EXPECT_NE(Post(base_ + "/waitlist", Json::object(), "203.0.113.8").status, 429u);
}

TEST_F(WriteLimitsTest, NoClientAddressOrAnUnknownClinicIsNotLimited) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(Post(base_ + "/appointments/999/cancel", Json::object(), "").status, 404u);
    ASSERT_EQ(Post("/api/v1/clinics/nowhere/appointments/1/cancel", Json::object()).status, 404u);
  }
}

TEST_F(WriteLimitsTest, AFourthFutureBookingIsRefusedWithThePhoneNumber) {
  for (const char* start :
       {"2026-12-08T17:00:00Z", "2026-12-08T17:30:00Z", "2026-12-08T18:00:00Z"}) {
    auto r = Post(base_ + "/appointments", BookingBody(start));
    ASSERT_EQ(r.status, 201u) << r.body;
  }
  http::Response fourth = Post(base_ + "/appointments", BookingBody("2026-12-08T18:30:00Z"));
  ASSERT_EQ(fourth.status, 409u) << fourth.body;
  Json body = Body(fourth);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/too-many-future-bookings");
  EXPECT_EQ(body["limit"], 3);
  EXPECT_EQ(body["phone"], "+14155550134");
  EXPECT_EQ(body["errors"][0]["field"], "patient.email");
  EXPECT_NE(body["detail"].get<std::string>().find("call the clinic at +14155550134"),
            std::string::npos)
      << body["detail"];
}

}  // namespace
}  // namespace unknot::api
