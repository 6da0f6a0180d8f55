#include "api/web_routes.hpp"

#include <fstream>

#include "api/test_fixture.hpp"

namespace unknot::api {
namespace {

class WebRoutesTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    std::filesystem::create_directories(web_.path() / "assets");
    std::ofstream(web_.path() / "index.html") << "<!doctype html><title>app</title>";
    std::ofstream(web_.path() / "assets" / "app.js") << "console.log(1)";
    AddWebRoutes(router_, *storage_, files_);
    AddOpsRoutes(router_, *storage_, metrics_, "9.9.9");
  }

  testing::TempDir web_;
  http::StaticFiles files_{web_.path()};
  http::Metrics metrics_;
};

TEST_F(WebRoutesTest, FrontDoorLeadsToTheOnlyClinic) {
  http::Response r = Get("/");
  EXPECT_EQ(r.status, 302u);
  bool found = false;
  for (const auto& [name, value] : r.headers) {
    if (name == "Location") {
      EXPECT_EQ(value, "/c/mission-sports-chiro/");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(WebRoutesTest, FrontDoorListsSeveralClinics) {
  auto second = app::DemoClinicSetup(clock_.Now()).value();
  second.clinic.slug = "second-clinic";
  second.clinic.name = "Second <Clinic>";
  ASSERT_TRUE(storage_->CreateClinic(second));
  http::Response r = Get("/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("href=\"/c/second-clinic/\""), std::string::npos);
  EXPECT_NE(r.body.find("Second &lt;Clinic&gt;"), std::string::npos);
}

TEST_F(WebRoutesTest, ServesTheAppForKnownClinicsOnly) {
  EXPECT_EQ(Get("/c/mission-sports-chiro/").body, "<!doctype html><title>app</title>");
  // The app's own routes get index.html; files are served as files.
  EXPECT_EQ(Get("/c/mission-sports-chiro/staff").body, "<!doctype html><title>app</title>");
  http::Response js = Get("/c/mission-sports-chiro/assets/app.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(Get("/c/mission-sports-chiro/assets/missing.js").status, 404u);
  EXPECT_EQ(Get("/c/nowhere/").status, 404u);
  EXPECT_EQ(Get("/c/mission-sports-chiro").status, 301u);
}

// Found by fuzz/http_request_fuzz.cpp: GET /c/x%0D%0ASet-Cookie:... put the decoded CR LF into
// the Location header, splitting the response.
TEST_F(WebRoutesTest, ClinicRedirectEncodesTheSegment) {
  http::Response r = Get("/c/x\r\nSet-Cookie: a=b");
  EXPECT_EQ(r.status, 301u);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Location");
  EXPECT_EQ(r.headers[0].second, "/c/x%0D%0ASet-Cookie:%20a=b/");
}

TEST_F(WebRoutesTest, OpsEndpoints) {
  EXPECT_EQ(Get("/healthz").status, 200u);
  http::Response ready = Get("/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(Body(ready)["database"], "ok");
  http::Response metrics = Get("/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("unknot_build_info{version=\"9.9.9\"} 1"), std::string::npos);
  // The demo clinic was written through this storage: at least one commit carrying a write.
  auto counter = [&](std::string_view name) {
    std::string line = std::string(name) + " ";
    auto at = metrics.body.find("\n" + line);
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos ? 0 : std::stoull(metrics.body.substr(at + 1 + line.size()));
  };
  EXPECT_GE(counter("unknot_storage_commits_total"), 1u);
  EXPECT_GE(counter("unknot_storage_writes_total"), counter("unknot_storage_commits_total"));
}

}  // namespace
}  // namespace unknot::api
