// The knot self-assessment against a running `unknot serve`: the server refuses wrong clinical
// data at start, and over HTTP a red-flag answer ends in guidance, never in a booking.

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "demo_clinic_api.hpp"
#include "demo_time.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

using Json = nlohmann::json;

TEST(AssessmentE2ETest, ServeStopsAtStartOnWrongClinicalData) {
  TempDir dir;
  const std::string db = dir.File("unknot.db");
  ASSERT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", db}).exit_code, 0);
  const auto data = dir.path() / "data";
  std::filesystem::copy(std::filesystem::path(SourceDir()) / "data", data);
  Json muscles = Json::parse(ReadFile(data / "muscles.json"));
  const std::string muscle = muscles["muscles"][0]["id"];
  muscles["muscles"][0]["referral_regions"].push_back("left_earlobe");
  std::ofstream(data / "muscles.json", std::ios::trunc) << muscles.dump(2);

  auto r = RunProcess({UnknotBinary(), "serve", "--database", db, "--data", data.string(),
                       "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("muscles.json: " + muscle), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'left_earlobe' is not in regions.json"), std::string::npos) << r.err;

  auto missing = RunProcess({UnknotBinary(), "serve", "--database", db, "--data",
                             dir.File("nowhere"), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("regions.json"), std::string::npos) << missing.err;
}

TEST(AssessmentE2ETest, ARedFlagAnswerEndsInGuidanceAndCannotBeBooked) {
  TempDir dir;
  const std::string db = dir.File("unknot.db");
  ASSERT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", db}).exit_code, 0);
  ASSERT_EQ(RunProcess({UnknotBinary(), "demo", "--database", db}).exit_code, 0);
  Child server({UnknotBinary(), "serve", "--database", db, "--listen", "127.0.0.1:0"});
  const std::uint16_t port = WaitForServePort(server);
  ASSERT_NE(port, 0);

  auto form = HttpGet(port, kBase + "/assessment-form");
  ASSERT_EQ(form.status, 200u);
  EXPECT_FALSE(Json::parse(form.body)["regions"].empty());
  EXPECT_EQ(HttpGet(port, kBase + "/body-map.svg").status, 200u);

  // Saddle numbness with new bladder trouble: an emergency.
  Json input = {{"knots",
                 {{{"region", "lumbar_paraspinal_lower"},
                   {"side", "left"},
                   {"pain", 8},
                   {"duration", "days"}}}},
                {"answers", {{"saddle_numbness", "yes"}, {"new_bladder_problem", "yes"}}},
                {"age_band", "50_64"}};
  auto created = HttpRequest(port, "POST", kBase + "/assessments", input.dump());
  ASSERT_EQ(created.status, 201u) << created.body;
  Json body = Json::parse(created.body);
  EXPECT_EQ(body["result"]["outcome"], "emergency");
  EXPECT_TRUE(body["result"]["bookable_services"].empty());
  const std::string advice = body["result"]["reasons"][0]["advice"];
  EXPECT_NE(advice.find("emergency"), std::string::npos) << advice;

  Json services = Json::parse(HttpGet(port, kBase + "/services").body);
  std::int64_t massage = 0;
  for (const auto& s : services["services"]) {
    if (s["slug"] == "deep-tissue-60") massage = s["id"];
  }
  Json booking = {{"service", massage},
                  {"start", DemoTime(0, 11, 0)},
                  {"assessment", body["id"]},
                  {"patient",
                   {{"given_name", "Pat"},
                    {"family_name", "Lee"},
                    {"email", "pat@example.org"},
                    {"phone", "+14155550100"}}}};
  auto refused = HttpRequest(port, "POST", kBase + "/appointments", booking.dump());
  ASSERT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(Json::parse(refused.body)["errors"][0]["field"], "assessment");

  auto read = HttpGet(port, kBase + "/assessments/" + std::to_string(body["id"].get<int>()) +
                                "?token=" + body["manage_token"].get<std::string>());
  ASSERT_EQ(read.status, 200u);
  EXPECT_EQ(Json::parse(read.body)["result"]["outcome"], "emergency");
}

}  // namespace
}  // namespace unknot::testing
