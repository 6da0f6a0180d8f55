#pragma once

// A migrated SQLite database holding the demo clinic at a fixed time, with a router for tests of
// the route handlers (no sockets).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/http/router.hpp"
#include "api/v1/assessment_routes.hpp"
#include "api/v1/booking_routes.hpp"
#include "api/v1/waitlist_routes.hpp"
#include "app/demo_clinic.hpp"
#include "knowledge/load_knowledge.hpp"
#include "security/sodium_tokens.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::api {

class DemoClinicFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(storage::sqlite::MigrateDatabase(path_, clock_));
    storage_ = storage::sqlite::SqliteStorage::Open(path_, clock_).value();
    ASSERT_TRUE(app::LoadDemoClinic(*storage_, clock_));
  }

  http::Response Get(const std::string& target) {
    http::Request request;
    request.method = http::Method::kGet;
    auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    return router_.Dispatch(request);
  }

  // A POST of `body` as JSON (Content-Type: application/json unless `headers` name another) with
  // these headers (names in lower case), from `client_address` (empty: no address, as in a unit
  // test without a socket).
  http::Response Post(const std::string& path, const nlohmann::json& body,
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      std::string client_address = "") {
    return PostText(path, body.dump(), std::move(headers), std::move(client_address));
  }

  // The same with a body sent as written: not JSON, or JSON no nlohmann::json could dump.
  http::Response PostText(const std::string& path, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers = {},
                          std::string client_address = "") {
    http::Request request;
    request.method = http::Method::kPost;
    request.path = path;
    request.body = std::move(body);
    request.headers = std::move(headers);
    bool typed = false;
    for (const auto& header : request.headers) typed = typed || header.first == "content-type";
    if (!typed) request.headers.emplace_back("content-type", "application/json");
    request.client_address = std::move(client_address);
    return router_.Dispatch(request);
  }

  static nlohmann::json Body(const http::Response& response) {
    return nlohmann::json::parse(response.body);
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
  core::FixedClock clock_{core::ParseInstant("2026-11-26T18:00:00Z").value()};
  std::unique_ptr<storage::sqlite::SqliteStorage> storage_;
  http::Router router_;
};

// The demo clinic with the public booking, assessment and waitlist routes, over the knowledge
// shipped in data/.
class PublicRoutesFixture : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    auto loaded = knowledge::LoadKnowledge(std::filesystem::path(testing::SourceDir()) / "data");
    ASSERT_TRUE(loaded) << loaded.error().message();
    knowledge_ = std::move(*loaded);
    v1::AddBookingRoutes(router_, *storage_, clock_, tokens_);
    v1::AddAssessmentRoutes(router_, *storage_, clock_, tokens_, knowledge_.knowledge,
                            knowledge_.body_map_svg);
    v1::AddWaitlistRoutes(router_, *storage_, clock_, tokens_);
  }

  knowledge::LoadedKnowledge knowledge_;
  security::SodiumTokens tokens_;
};

}  // namespace unknot::api
