#include "api/web_routes.hpp"

#include <fstream>

#include "api/http/security_headers.hpp"
#include "api/http/testing/gunzip.hpp"
#include "api/test_fixture.hpp"

namespace unknot::api {
namespace {

constexpr std::string_view kIndex =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>app</title>"
    "<script type=\"module\" src=\"./assets/app.js\"></script></head></html>";
// kIndex as the demo clinic's pages get it.
constexpr std::string_view kClinicIndex =
    "<!doctype html><html><head><base href=\"/c/mission-sports-chiro/\"><link rel=\"preload\" "
    "as=\"fetch\" crossorigin=\"anonymous\" href=\"/api/v1/clinics/mission-sports-chiro\">"
    "<meta charset=\"utf-8\"><title>app</title>"
    "<script type=\"module\" src=\"./assets/app.js\"></script></head></html>";

std::optional<std::string> HeaderOf(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

class WebRoutesTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    std::filesystem::create_directories(web_.path() / "assets");
    std::ofstream(web_.path() / "index.html") << kIndex;
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
  EXPECT_EQ(Get("/c/mission-sports-chiro/").body, kClinicIndex);
  // The app's own routes get index.html; files are served as files.
  EXPECT_EQ(Get("/c/mission-sports-chiro/staff").body, kClinicIndex);
  EXPECT_EQ(Get("/c/mission-sports-chiro/manage/17").body, kClinicIndex);
  EXPECT_EQ(Get("/c/mission-sports-chiro/index.html").body, kClinicIndex);
  http::Response js = Get("/c/mission-sports-chiro/assets/app.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(Get("/c/mission-sports-chiro/assets/missing.js").status, 404u);
  EXPECT_EQ(Get("/c/nowhere/").status, 404u);
  EXPECT_EQ(Get("/c/mission-sports-chiro").status, 301u);
}

TEST_F(WebRoutesTest, PagesAndFilesCarryTheAppPolicy) {
  for (std::string target : {"/c/mission-sports-chiro/", "/c/mission-sports-chiro/manage/17",
                             "/c/mission-sports-chiro/assets/app.js"}) {
    http::Response r = Get(target);
    EXPECT_EQ(r.status, 200u) << target;
    EXPECT_EQ(HeaderOf(r, "Content-Security-Policy"), http::kAppContentSecurityPolicy) << target;
  }
  EXPECT_EQ(HeaderOf(Get("/c/mission-sports-chiro/"), "Cache-Control"), "no-cache");

  auto second = app::DemoClinicSetup(clock_.Now()).value();
  second.clinic.slug = "second-clinic";
  ASSERT_TRUE(storage_->CreateClinic(second));
  http::Response list = Get("/");
  EXPECT_EQ(HeaderOf(list, "Content-Security-Policy"), http::kAppContentSecurityPolicy);
  // The list has no inline script or style the policy would block.
  EXPECT_EQ(list.body.find("<script"), std::string::npos);
  EXPECT_EQ(list.body.find("style"), std::string::npos);
}

TEST_F(WebRoutesTest, IndexNamesItsClinicAndGoesOutGzipped) {
  auto second = app::DemoClinicSetup(clock_.Now()).value();
  second.clinic.slug = "second-clinic";
  ASSERT_TRUE(storage_->CreateClinic(second));
  http::Response page = Get("/c/second-clinic/book");
  EXPECT_NE(page.body.find("<base href=\"/c/second-clinic/\">"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/api/v1/clinics/second-clinic\""), std::string::npos);

  // Large enough to be compressed: the rewritten page, gzipped per request.
  std::string big = std::string(kIndex) + "<!--" + std::string(2000, 'x') + "-->";
  std::ofstream(web_.path() / "index.html") << big;
  http::Request request;
  request.path = "/c/mission-sports-chiro/manage/17";
  request.headers.emplace_back("accept-encoding", "gzip");
  http::Response zipped = router_.Dispatch(request);
  EXPECT_EQ(zipped.status, 200u);
  EXPECT_EQ(HeaderOf(zipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(zipped, "Vary"), "Accept-Encoding");
  EXPECT_EQ(http::testing::Gunzip(zipped.body), WithClinicHead(big, "mission-sports-chiro"));
}

TEST(WithClinicHeadTest, InsertsAfterHeadOrDoctypeAndEscapes) {
  EXPECT_EQ(WithClinicHead("<!doctype html><html><HEAD><title>t</title>", "a-1"),
            "<!doctype html><html><HEAD><base href=\"/c/a-1/\"><link rel=\"preload\" as=\"fetch\" "
            "crossorigin=\"anonymous\" href=\"/api/v1/clinics/a-1\"><title>t</title>");
  // Without <head> the tags follow the doctype, so the page stays in standards mode.
  EXPECT_EQ(WithClinicHead("<!DOCTYPE html><title>t</title>", "a").find("<!DOCTYPE html><base "),
            0u);
  EXPECT_EQ(WithClinicHead("<title>t</title>", "a").find("<base href=\"/c/a/\">"), 0u);
  // A slug can never hold these (ValidateSlug), but a quote must still not end the attribute.
  std::string hostile = WithClinicHead("<head>", "x\"><script>alert(1)</script>'&");
  EXPECT_EQ(hostile.find("<script"), std::string::npos) << hostile;
  EXPECT_EQ(hostile.find("x\">"), std::string::npos) << hostile;
  EXPECT_NE(hostile.find("/c/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&amp;/"),
            std::string::npos)
      << hostile;
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
