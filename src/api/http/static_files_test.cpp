#include "api/http/static_files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "api/http/security_headers.hpp"
#include "api/http/testing/gunzip.hpp"

namespace unknot::api::http {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& path, std::string_view contents) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << contents;
}

std::optional<std::string> HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// A temporary tree:  <base>/web/{index.html, app.css, assets/..., docs/...}  and
// <base>/secret.txt outside the web root.
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("unknot_static_test_" + std::to_string(std::random_device{}()));
    root_ = base_ / "web";
    WriteFile(root_ / "index.html", "<!doctype html>index");
    WriteFile(root_ / "app.css", "body{}");
    WriteFile(root_ / "assets" / "app-1a2b.js", "console.log(1)");
    WriteFile(root_ / "docs" / "index.html", "docs");
    fs::create_directories(root_ / "empty");
    WriteFile(base_ / "secret.txt", "secret");
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithContentTypeAndCaching) {
  StaticFiles files(root_);

  Response html = files.Serve("index.html");
  EXPECT_EQ(html.status, 200u);
  EXPECT_EQ(html.body, "<!doctype html>index");
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(html, "Cache-Control"), "no-cache");

  Response js = files.Serve("assets/app-1a2b.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");

  Response css = files.Serve("app.css");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(HeaderOf(css, "Cache-Control"), std::nullopt);
}

TEST_F(StaticFilesTest, EveryFileCarriesTheAppContentSecurityPolicy) {
  StaticFiles files(root_);
  for (std::string_view path : {"index.html", "assets/app-1a2b.js", "app.css", ""}) {
    Response response = files.Serve(path, /*gzip=*/true);
    EXPECT_EQ(response.status, 200u) << path;
    EXPECT_EQ(HeaderOf(response, "Content-Security-Policy"), kAppContentSecurityPolicy) << path;
  }
  // A refusal is a problem, which the server gives the locked-down policy instead.
  EXPECT_EQ(HeaderOf(files.Serve("nope.js"), "Content-Security-Policy"), std::nullopt);
}

TEST_F(StaticFilesTest, TextGoesOutGzippedToClientsThatAcceptIt) {
  std::string script = "export function f() { return 1; }\n";
  while (script.size() < 4000) script += script;
  WriteFile(root_ / "assets" / "big-9f8e.js", script);
  WriteFile(root_ / "assets" / "logo.png", std::string(4000, 'x'));
  StaticFiles files(root_);

  Response packed = files.Serve("assets/big-9f8e.js", /*gzip=*/true);
  ASSERT_EQ(packed.status, 200u);
  EXPECT_EQ(HeaderOf(packed, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(packed, "Vary"), "Accept-Encoding");
  EXPECT_EQ(packed.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(packed, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_LT(packed.body.size() * 4, script.size());
  EXPECT_EQ(testing::Gunzip(packed.body), script);

  Response plain = files.Serve("assets/big-9f8e.js", /*gzip=*/false);
  EXPECT_EQ(plain.body, script);
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(HeaderOf(plain, "Vary"), "Accept-Encoding");

  // Too small to be worth it, or not text: as it is.
  Response tiny = files.Serve("assets/app-1a2b.js", true);
  EXPECT_EQ(tiny.body, "console.log(1)");
  EXPECT_EQ(HeaderOf(tiny, "Content-Encoding"), std::nullopt);
  Response png = files.Serve("assets/logo.png", true);
  EXPECT_EQ(png.body, std::string(4000, 'x'));
  EXPECT_EQ(HeaderOf(png, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(HeaderOf(png, "Vary"), std::nullopt);
}

TEST_F(StaticFilesTest, AFileChangedOnDiskIsCompressedAgain) {
  std::string first(2000, 'a');
  std::string second = std::string(1500, 'b') + "changed";
  WriteFile(root_ / "index.html", first);
  StaticFiles files(root_);
  EXPECT_EQ(testing::Gunzip(files.ServeIndex(true).body), first);
  EXPECT_EQ(testing::Gunzip(files.ServeIndex(true).body), first);  // from memory

  WriteFile(root_ / "index.html", second);  // a new build: another size
  EXPECT_EQ(testing::Gunzip(files.ServeIndex(true).body), second);
}

TEST(ContentTypeForTest, KnownExtensions) {
  EXPECT_EQ(ContentTypeFor("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.js.map"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("site.webmanifest"), "application/manifest+json");
  EXPECT_EQ(ContentTypeFor("a.bin"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("Makefile"), "application/octet-stream");
}

TEST_F(StaticFilesTest, DirectoryServesItsIndex) {
  StaticFiles files(root_);

  EXPECT_EQ(files.Serve("").body, "<!doctype html>index");
  EXPECT_EQ(files.Serve("docs").body, "docs");
  EXPECT_EQ(files.Serve("docs/").body, "docs");
  EXPECT_EQ(files.Serve("empty").status, 404u);
  EXPECT_EQ(files.ServeIndex().body, "<!doctype html>index");
}

TEST_F(StaticFilesTest, MissingFileIsNotFoundProblem) {
  Response response = StaticFiles(root_).Serve("nope.js");

  EXPECT_EQ(response.status, 404u);
  EXPECT_EQ(response.content_type, "application/problem+json");
}

TEST_F(StaticFilesTest, RefusesTraversal) {
  StaticFiles files(root_);

  for (std::string_view attempt : {"../secret.txt", "assets/../../secret.txt", "..", "docs/..",
                                   "..\\secret.txt", "assets\\app-1a2b.js"}) {
    Response response = files.Serve(attempt);
    EXPECT_EQ(response.status, 404u) << attempt;
    EXPECT_THAT(response.body, ::testing::Not(::testing::HasSubstr("secret\""))) << attempt;
  }
  // A decoded "%2e%2e" is just "..", refused the same way.
  EXPECT_EQ(files.Serve("%2e%2e/secret.txt").status, 404u);
  EXPECT_EQ(files.Serve(std::string_view("index.html\0.png", 15)).status, 404u);
}

// A database (and its side files or a backup) left in the web root is neither published nor
// opened: reading it outside SQLite would drop the server's SQLite locks.
TEST_F(StaticFilesTest, ServesOnlyTheKindsOfFileAWebAppIsMadeOf) {
  for (const char* name : {"unknot.db", "unknot.db-wal", "unknot.db-shm", "backup.sqlite", "x"}) {
    WriteFile(root_ / name, "SQLite format 3");
    StaticFiles files(root_);
    EXPECT_EQ(files.Serve(name, false).status, 404u) << name;
  }
  StaticFiles files(root_);
  EXPECT_EQ(files.Serve("app.css", false).status, 200u);
}

TEST_F(StaticFilesTest, RefusesAbsolutePaths) {
  StaticFiles files(root_);

  EXPECT_EQ(files.Serve((base_ / "secret.txt").string()).status, 404u);
  EXPECT_EQ(files.Serve((root_ / "index.html").string()).status, 404u);
  EXPECT_EQ(files.Serve("/etc/passwd").status, 404u);
}

TEST_F(StaticFilesTest, RefusesSymlinksLeavingTheRoot) {
  fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
  fs::create_directory_symlink(base_, root_ / "up");
  fs::create_symlink(root_ / "app.css", root_ / "alias.css");
  StaticFiles files(root_);

  EXPECT_EQ(files.Serve("leak.txt").status, 404u);
  EXPECT_EQ(files.Serve("up/secret.txt").status, 404u);
  EXPECT_EQ(files.Serve("up").status, 404u);
  EXPECT_EQ(files.Serve("alias.css").body, "body{}");  // inside the root is fine
}

TEST_F(StaticFilesTest, RootGivenWithTrailingSlashOrDots) {
  EXPECT_EQ(StaticFiles(root_.string() + "/").Serve("app.css").body, "body{}");
  EXPECT_EQ(StaticFiles(root_ / "docs" / "..").Serve("app.css").body, "body{}");
}

TEST_F(StaticFilesTest, RootMayAppearLaterAndBeReachedThroughASymlink) {
  StaticFiles files(base_ / "current");
  EXPECT_FALSE(files.available());
  EXPECT_EQ(files.Serve("app.css").status, 404u);

  fs::create_directory_symlink(root_, base_ / "current");

  EXPECT_TRUE(files.available());
  EXPECT_EQ(files.Serve("app.css").body, "body{}");
  EXPECT_EQ(files.Serve("../secret.txt").status, 404u);
}

TEST_F(StaticFilesTest, Availability) {
  EXPECT_TRUE(StaticFiles(root_).available());
  EXPECT_FALSE(StaticFiles(root_ / "assets").available());
  EXPECT_FALSE(StaticFiles(base_ / "missing").available());
  EXPECT_EQ(StaticFiles(base_ / "missing").ServeIndex().status, 404u);
}

}  // namespace
}  // namespace unknot::api::http
