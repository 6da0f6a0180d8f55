// `unknot serve` as a running server: the demo clinic over HTTP, the web app, the ops endpoints,
// a clean stop, and a port that is taken.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", db_}).exit_code, 0);
    ASSERT_EQ(RunProcess({UnknotBinary(), "demo", "--database", db_}).exit_code, 0);
    // A stand-in for the built web app (web/dist): an index.html and one hashed asset.
    std::filesystem::create_directories(web_root_ + "/assets");
    std::ofstream(web_root_ + "/index.html")
        << "<!doctype html><script type=module src=\"./assets/app-1a2b.js\"></script>";
    std::ofstream(web_root_ + "/assets/app-1a2b.js") << "console.log('app');";
  }

  // Starts the server on a free port and returns that port (0 on failure).
  std::uint16_t Start() {
    server_ = std::make_unique<Child>(
        std::vector<std::string>{UnknotBinary(), "serve", "--database", db_, "--listen",
                                 "127.0.0.1:0", "--web-root", web_root_});
    return WaitForServePort(*server_);
  }

  TempDir dir_;
  std::string db_ = dir_.File("unknot.db");
  std::string web_root_ = dir_.File("web");
  std::unique_ptr<Child> server_;
};

TEST_F(ServeTest, ServesTheDemoClinic) {
  std::uint16_t port = Start();
  ASSERT_NE(port, 0) << server_->Stderr();

  EXPECT_EQ(HttpGet(port, "/healthz").status, 200u);
  EXPECT_EQ(HttpGet(port, "/readyz").status, 200u);

  HttpResult clinic = HttpGet(port, "/api/v1/clinics/mission-sports-chiro");
  ASSERT_EQ(clinic.status, 200u);
  auto body = nlohmann::json::parse(clinic.body);
  EXPECT_EQ(body["time_zone"], "America/Los_Angeles");
  EXPECT_EQ(body["address"]["city"], "San Francisco");

  HttpResult services = HttpGet(port, "/api/v1/clinics/mission-sports-chiro/services");
  ASSERT_EQ(services.status, 200u);
  EXPECT_EQ(nlohmann::json::parse(services.body)["services"].size(), 6u);

  HttpResult root = HttpGet(port, "/");
  EXPECT_EQ(root.status, 302u);
  EXPECT_EQ(root.headers["location"], "/c/mission-sports-chiro/");

  HttpResult page = HttpGet(port, "/c/mission-sports-chiro/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("app-1a2b.js"), std::string::npos);
  EXPECT_EQ(HttpGet(port, "/c/mission-sports-chiro/assets/app-1a2b.js").status, 200u);
  // The app's own routes, deep or not, get index.html (the app routes in the browser).
  HttpResult deep = HttpGet(port, "/c/mission-sports-chiro/manage/17?token=x");
  EXPECT_EQ(deep.status, 200u);
  EXPECT_NE(deep.body.find("app-1a2b.js"), std::string::npos);

  HttpResult missing = HttpGet(port, "/api/v1/clinics/nowhere");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.headers["content-type"], "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(missing.body)["status"], 404);

  HttpResult metrics = HttpGet(port, "/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("unknot_http_requests_total{method=\"GET\",code=\"200\"}"),
            std::string::npos)
      << metrics.body;

  EXPECT_EQ(server_->Stop(), 0);
}

// Over the wire: every answer says nosniff and no-referrer; the app's page and script carry its
// strict policy, the page names its clinic without an inline script, and JSON is locked down.
TEST_F(ServeTest, SecurityHeadersOnEveryAnswer) {
  std::uint16_t port = Start();
  ASSERT_NE(port, 0) << server_->Stderr();
  const std::string app_policy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
      "frame-ancestors 'none'";
  const std::string locked = "default-src 'none'; frame-ancestors 'none'";
  struct Case {
    std::string target;
    unsigned status;
    std::string policy;
  };
  for (const Case& c : std::vector<Case>{
           {"/c/mission-sports-chiro/", 200, app_policy},
           {"/c/mission-sports-chiro/manage/17", 200, app_policy},
           {"/c/mission-sports-chiro/assets/app-1a2b.js", 200, app_policy},
           {"/api/v1/clinics/mission-sports-chiro", 200, locked},
           {"/api/v1/clinics/nowhere", 404, locked},
           {"/c/nowhere/", 404, locked},
           {"/", 302, locked},
           {"/metrics", 200, locked},
       }) {
    HttpResult r = HttpGet(port, c.target);
    EXPECT_EQ(r.status, c.status) << c.target;
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << c.target;
    EXPECT_EQ(r.headers["referrer-policy"], "no-referrer") << c.target;
    EXPECT_EQ(r.headers["content-security-policy"], c.policy) << c.target;
  }
  HttpResult page = HttpGet(port, "/c/mission-sports-chiro/book");
  EXPECT_EQ(page.body.find("<!doctype html><base href=\"/c/mission-sports-chiro/\">"), 0u)
      << page.body;
  EXPECT_NE(page.body.find("href=\"/api/v1/clinics/mission-sports-chiro\""), std::string::npos);
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(ServeTest, ATakenPortIsOneClearLine) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  std::string listen = "127.0.0.1:" + std::to_string(taken.local_endpoint().port());
  ProcessResult r = RunProcess({UnknotBinary(), "serve", "--database", db_, "--listen", listen},
                               std::chrono::seconds{20});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("address already in use"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace unknot::testing
