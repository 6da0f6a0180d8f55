// Hostile and careless clients against a running `unknot serve` with the demo clinic's limits:
// one address hammering bookings is told to wait (429 with Retry-After), X-Forwarded-For from a
// peer that is not a trusted proxy changes nothing, and one email cannot hold more than three
// future online bookings. No assertion depends on timing beyond "40 requests take less than the
// few minutes that would refill the burst".

#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "booking_race.hpp"
#include "demo_time.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

using Json = nlohmann::json;

class RateLimitE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", db_}).exit_code, 0);
    ASSERT_EQ(RunProcess({UnknotBinary(), "demo", "--database", db_}).exit_code, 0);
  }

  void Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {UnknotBinary(), "serve",      "--database", db_,
                                     "--listen",     "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<Child>(args);
    port_ = WaitForServePort(*server_);
    ASSERT_NE(port_, 0);
    const Json services = Json::parse(HttpGet(port_, base_ + "/services").body);
    for (const auto& s : services["services"]) service_ids_[s["slug"]] = s["id"];
  }

  HttpResult Book(const std::string& start, const std::string& email,
                  const HttpHeaders& headers = {}) {
    Json body = {{"service", service_ids_.at("art-session")},
                 {"start", start},
                 {"patient",
                  {{"given_name", "Hammer"},
                   {"family_name", "Client"},
                   {"email", email},
                   {"phone", "+14155550100"}}}};
    return HttpRequest(port_, "POST", base_ + "/appointments", body.dump(), headers);
  }

  TempDir dir_;
  std::string db_ = dir_.File("unknot.db");
  std::string base_ = "/api/v1/clinics/mission-sports-chiro";
  std::map<std::string, std::int64_t> service_ids_;
  std::unique_ptr<Child> server_;
  std::uint16_t port_ = 0;
};

// Checks a 429 as the docs describe it; returns its Retry-After in seconds.
long ExpectTooManyRequests(const HttpResult& r) {
  EXPECT_EQ(r.status, 429u) << r.body;
  auto retry_after = r.headers.find("retry-after");
  EXPECT_NE(retry_after, r.headers.end());
  if (retry_after == r.headers.end()) return 0;
  EXPECT_EQ(r.headers.at("content-type"), "application/problem+json");
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/too-many-requests");
  EXPECT_EQ(body["limit"], "per_address");
  char* end = nullptr;
  long seconds = std::strtol(retry_after->second.c_str(), &end, 10);
  EXPECT_EQ(*end, '\0') << retry_after->second;  // whole seconds
  EXPECT_EQ(body["retry_after_seconds"], seconds);
  return seconds;
}

TEST_F(RateLimitE2ETest, AClientHammeringBookingsIsToldToWaitWhateverItForwards) {
  // The client even claims, in X-Forwarded-For, to be someone else every time; the server
  // trusts no proxy, so it is one address.
  Start();
  const std::string start = DemoTime(0, 9, 0);
  int created = 0, conflicts = 0, limited = 0;
  for (int i = 0; i < 40; ++i) {
    HttpResult r = Book(start, "hammer" + std::to_string(i) + "@example.org", ForwardedFor(i));
    if (i < 20) {
      // The burst: one booking, then "taken" answers, all counted.
      EXPECT_NE(r.status, 429u) << i;
    }
    if (r.status == 201) ++created;
    if (r.status == 409) ++conflicts;
    if (r.status == 429) {
      ++limited;
      long seconds = ExpectTooManyRequests(r);
      EXPECT_GE(seconds, 1);
      EXPECT_LE(seconds, 6);  // 10 a minute: a token every 6 seconds
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_GE(limited, 10);
  EXPECT_EQ(created + conflicts + limited, 40);

  // The server logged one line per request, with no email and no query.
  HttpGet(port_, base_ + "/services?secret=ana@example.org");
  ASSERT_EQ(server_->Stop(), 0);
  std::string log = server_->Stderr();
  EXPECT_NE(log.find("POST /api/v1/clinics/mission-sports-chiro/appointments 429 "),
            std::string::npos);
  EXPECT_NE(log.find("GET /api/v1/clinics/mission-sports-chiro/services 200 "), std::string::npos);
  EXPECT_EQ(log.find("example.org"), std::string::npos);
  EXPECT_EQ(log.find("secret"), std::string::npos);
}

TEST_F(RateLimitE2ETest, BehindATrustedProxyEachForwardedClientCountsAlone) {
  Start({"--trusted-proxy", "127.0.0.1", "--trusted-proxy", "::1"});
  const std::string start = DemoTime(0, 9, 0);
  // 40 clients behind the proxy, one request each: nobody is limited.
  for (int i = 0; i < 40; ++i) {
    HttpResult r = Book(start, "client" + std::to_string(i) + "@example.org", ForwardedFor(i));
    EXPECT_TRUE(r.status == 201 || r.status == 409) << i << ": " << r.status << " " << r.body;
  }
  // One of them, hammering, is.
  int limited = 0;
  for (int i = 0; i < 30; ++i) {
    HttpResult r = Book(start, "same" + std::to_string(i) + "@example.org", ForwardedFor(7));
    if (r.status == 429) ++limited;
  }
  EXPECT_GE(limited, 1);
}

TEST_F(RateLimitE2ETest, AFourthFutureOnlineBookingForOneEmailIsRefused) {
  Start();
  for (unsigned day = 0; day < 3; ++day) {
    HttpResult r = Book(DemoTime(day, 9, 0), "ana@example.org");
    ASSERT_EQ(r.status, 201u) << r.body;
  }
  HttpResult fourth = Book(DemoTime(3, 9, 0), "Ana@Example.org");
  ASSERT_EQ(fourth.status, 409u) << fourth.body;
  Json body = Json::parse(fourth.body);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/too-many-future-bookings");
  EXPECT_EQ(body["limit"], 3);
  EXPECT_EQ(body["phone"], "+14155550134");
  EXPECT_NE(body["detail"].get<std::string>().find("call the clinic at +14155550134"),
            std::string::npos)
      << body["detail"];
  // Someone else may still book that time.
  EXPECT_EQ(Book(DemoTime(3, 9, 0), "bo@example.org").status, 201u);
}

}  // namespace
}  // namespace unknot::testing
