#include "api/v1/clinic_routes.hpp"

#include "api/json/clinic_json.hpp"
#include "api/test_fixture.hpp"
#include "golden.hpp"

namespace unknot::api {
namespace {

class ClinicRoutesTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    v1::AddClinicRoutes(router_, *storage_);
  }
};

TEST_F(ClinicRoutesTest, ListsClinics) {
  http::Response r = Get("/api/v1/clinics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  auto clinics = Body(r)["clinics"];
  ASSERT_EQ(clinics.size(), 1u);
  EXPECT_EQ(clinics[0]["slug"], "mission-sports-chiro");
}

TEST_F(ClinicRoutesTest, ClinicMatchesGolden) {
  http::Response r = Get("/api/v1/clinics/mission-sports-chiro");
  ASSERT_EQ(r.status, 200u);
  testing::ExpectMatchesGolden("api_v1_clinic.json", Body(r).dump(2) + "\n");
}

TEST_F(ClinicRoutesTest, ServicesMatchGolden) {
  http::Response r = Get("/api/v1/clinics/mission-sports-chiro/services");
  ASSERT_EQ(r.status, 200u);
  testing::ExpectMatchesGolden("api_v1_services.json", Body(r).dump(2) + "\n");
}

TEST_F(ClinicRoutesTest, PractitionersShowScheduleButNotTimeOffReasons) {
  http::Response r = Get("/api/v1/clinics/mission-sports-chiro/practitioners");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body.find("education"), std::string::npos);
  auto list = Body(r)["practitioners"];
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0]["display_name"], "Dr. Maya Okafor, DC");
  EXPECT_EQ(list[0]["skills"], (nlohmann::json{"active_release_technique", "sports_injury"}));
  EXPECT_EQ(list[0]["weekly_hours"][0],
            (nlohmann::json{{"day", "monday"}, {"start", "08:00"}, {"end", "17:00"}}));
  EXPECT_EQ(list[1]["time_off"][0],
            (nlohmann::json{{"start", "2026-11-30T08:00:00Z"}, {"end", "2026-12-05T08:00:00Z"}}));
}

TEST_F(ClinicRoutesTest, ListsRooms) {
  http::Response r = Get("/api/v1/clinics/mission-sports-chiro/rooms");
  ASSERT_EQ(r.status, 200u);
  auto rooms = Body(r)["rooms"];
  ASSERT_EQ(rooms.size(), 4u);
  EXPECT_EQ(
      rooms[2],
      (nlohmann::json{{"id", rooms[2]["id"]}, {"name", "Massage Room A"}, {"kind", "massage"}}));
}

TEST_F(ClinicRoutesTest, UnknownClinicIsAProblem) {
  for (const char* path :
       {"/api/v1/clinics/nowhere", "/api/v1/clinics/nowhere/services",
        "/api/v1/clinics/nowhere/practitioners", "/api/v1/clinics/nowhere/rooms"}) {
    http::Response r = Get(path);
    EXPECT_EQ(r.status, 404u) << path;
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto body = Body(r);
    EXPECT_EQ(body["status"], 404);
    EXPECT_EQ(body["detail"], "no clinic 'nowhere'");
  }
}

TEST(FormatMoneyTest, UsesMinorUnits) {
  EXPECT_EQ(json::FormatMoney({12000, "USD"}), "$120.00");
  EXPECT_EQ(json::FormatMoney({9505, "USD"}), "$95.05");
  EXPECT_EQ(json::FormatMoney({7, "EUR"}), "0.07 EUR");
}

}  // namespace
}  // namespace unknot::api
