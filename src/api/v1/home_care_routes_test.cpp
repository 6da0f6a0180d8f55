// Home care through the router (issue 15): the practitioner assigns a program behind the gate,
// the patient reads it and marks days with the appointment's manage token, and the practitioner
// sees the marks as adherence.

#include "api/v1/home_care_routes.hpp"

#include <gtest/gtest.h>

#include "api/staff_test_fixture.hpp"
#include "api/v1/assessment_routes.hpp"
#include "api/v1/booking_routes.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using http::Method;

class HomeCareRoutesTest : public StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    v1::AddBookingRoutes(router_, *storage_, clock_, tokens_);
    v1::AddAssessmentRoutes(router_, *storage_, clock_, tokens_, staff_knowledge_.knowledge,
                            staff_knowledge_.body_map_svg);
    v1::AddPatientHomeCareRoutes(router_, *storage_, clock_, tokens_, staff_knowledge_.knowledge);
    auto setup = *storage_->LoadSetup(clinic_.id).value();
    std::int64_t art = 0;
    for (const auto& s : setup.services) {
      if (s.slug == "art-session") art = s.id.value();
    }
    // Ana's self-assessment says she takes a blood thinner; she books an ART session with Maya.
    auto assessed = Send(Method::kPost, base_ + "/assessments",
                         Json{{"knots",
                               {{{"region", "upper_trapezius_ridge"},
                                 {"side", "left"},
                                 {"pain", 6},
                                 {"duration", "weeks"}}}},
                              {"causes", {"desk_hours"}},
                              {"answers", {{"visited_before", "yes"}, {"assessed_before", "yes"}}},
                              {"medications", {"anticoagulant"}}},
                         nullptr);
    ASSERT_EQ(assessed.status, 201u) << assessed.body;
    auto booked = Send(Method::kPost, base_ + "/appointments",
                       Json{{"service", art},
                            {"practitioner", maya_.value()},
                            {"start", "2026-12-07T17:00:00Z"},
                            {"assessment", Body(assessed)["id"]},
                            {"patient",
                             {{"given_name", "Ana"},
                              {"family_name", "Ruiz"},
                              {"email", "ana@example.org"},
                              {"phone", "+14155550142"}}}},
                       nullptr);
    ASSERT_EQ(booked.status, 201u) << booked.body;
    appointment_ = std::to_string(Body(booked)["appointment"]["id"].get<std::int64_t>());
    token_ = Body(booked)["manage_token"];
    ana_ = storage_->FindAppointment(clinic_.id, core::AppointmentId{std::stoll(appointment_)})
               ->patient;
    maya_browser_ = SignIn("maya@clinic.test");
  }

  std::string StaffPath() const {
    return base_ + "/patients/" + std::to_string(ana_.value()) + "/home-care";
  }
  std::string PatientPath(const std::string& rest = "") const {
    return base_ + "/appointments/" + appointment_ + "/home-care" + rest;
  }

  static Json Routine(const char* routine, const char* muscle, int seconds, int sets, int days) {
    return {{"routine", routine},
            {"muscle", muscle},
            {"seconds", seconds},
            {"sets", sets},
            {"days_per_week", days}};
  }
  static Json TwoRoutines(std::int64_t version) {
    return {{"version", version},
            {"note", "After work, before the stretch."},
            {"routines",
             {Routine("upper_trapezius_ball", "upper_trapezius", 60, 2, 7),
              Routine("between_shoulder_blades_ball", "rhomboids", 90, 3, 5)}}};
  }

  http::Response Assign(const Json& body, const Browser& who) {
    return Send(Method::kPut, StaffPath(), body, &who);
  }
  http::Response PatientGet(const std::string& token) {
    return Send(Method::kGet, PatientPath(), std::nullopt, nullptr,
                {{"authorization", "Bearer " + token}});
  }
  http::Response Mark(const std::string& date, const Json& routines,
                      const std::string& token = "") {
    return Send(Method::kPut, PatientPath("/log/" + date),
                Json{{"token", token.empty() ? token_ : token}, {"routines", routines}}, nullptr);
  }
  static std::string FirstField(const http::Response& r) {
    Json body = Body(r);
    return body.contains("errors") ? body["errors"][0]["field"].get<std::string>() : "";
  }
  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(clinic_.id, filter).value().size();
  }

  security::SodiumTokens tokens_;
  std::string appointment_;
  std::string token_;
  core::PatientId ana_;
  Browser maya_browser_;
};

TEST_F(HomeCareRoutesTest, NothingAssignedYetStillShowsTheCautionsAndTheCatalogue) {
  auto r = Get(StaffPath(), maya_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = Body(r);
  EXPECT_TRUE(body["program"].is_null());
  EXPECT_TRUE(body["adherence"].is_null());
  EXPECT_EQ(body["today"], "2026-11-26");  // 10:00 in the clinic's zone
  ASSERT_EQ(body["cautions"].size(), 1u);
  EXPECT_EQ(body["cautions"][0]["id"], "anticoagulants");
  EXPECT_FALSE(body["cautions"][0]["for_staff"].get<std::string>().empty());
  EXPECT_EQ(body["catalog"]["routines"].size(), staff_knowledge_.knowledge.routines.size());
  EXPECT_EQ(body["catalog"]["days_per_week"], Json::array({3, 7}));
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");

  auto patient = PatientGet(token_);
  ASSERT_EQ(patient.status, 200u) << patient.body;
  EXPECT_TRUE(Body(patient)["program"].is_null());
  EXPECT_TRUE(Body(patient)["days"].empty());
  auto none = Mark("2026-11-26", Json::array({"upper_trapezius_ball"}));
  EXPECT_EQ(none.status, 404u) << none.body;
}

TEST_F(HomeCareRoutesTest, ThePractitionerAssignsWithAnAuditEntryAndThePatientSeesIt) {
  const std::size_t audits = AuditCount();
  auto r = Assign(TwoRoutines(0), maya_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json program = Body(r)["program"];
  EXPECT_EQ(program["version"], 1);
  EXPECT_EQ(program["starts_on"], "2026-11-26");
  EXPECT_EQ(program["note"], "After work, before the stretch.");
  ASSERT_EQ(program["routines"].size(), 2u);
  EXPECT_EQ(program["routines"][1]["routine"], "between_shoulder_blades_ball");
  EXPECT_EQ(program["routines"][1]["muscle_name"], "Rhomboids (major and minor)");
  EXPECT_EQ(program["routines"][1]["days_per_week"], 5);
  EXPECT_EQ(program["routines"][1]["since"], "2026-11-26");
  EXPECT_FALSE(program["routines"][1]["details"]["how"].get<std::string>().empty());
  EXPECT_EQ(AuditCount(), audits + 1);
  core::ports::AuditFilter filter;
  filter.limit = 1;
  auto last = storage_->ListAudit(clinic_.id, filter).value();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].action, "assign_home_care");
  EXPECT_EQ(last[0].patient, ana_);

  auto patient = PatientGet(token_);
  ASSERT_EQ(patient.status, 200u) << patient.body;
  Json seen = Body(patient);
  EXPECT_EQ(seen["program"]["routines"].size(), 2u);
  ASSERT_EQ(seen["cautions"].size(), 1u);
  EXPECT_FALSE(seen["cautions"][0].contains("for_staff"));  // the patient's words only
  ASSERT_EQ(seen["days"].size(), 1u);                       // the program began today
  EXPECT_EQ(seen["days"][0]["date"], "2026-11-26");
  EXPECT_TRUE(seen["days"][0]["done"].empty());
  EXPECT_EQ(HeaderOf(patient, "Cache-Control"), "no-store");
  // A wrong token is an unknown appointment.
  EXPECT_EQ(PatientGet("not-the-token").status, 404u);
  EXPECT_EQ(Send(Method::kGet, PatientPath(), std::nullopt, nullptr).status, 404u);
}

TEST_F(HomeCareRoutesTest, AStaleVersionIsAConflictShowingTheProgramAsItIs) {
  ASSERT_EQ(Assign(TwoRoutines(0), maya_browser_).status, 200u);
  Json changed = TwoRoutines(1);
  changed["note"] = "Owner's change.";
  Browser owner = SignIn("owner@clinic.test");
  ASSERT_EQ(Assign(changed, owner).status, 200u);
  auto stale = Assign(TwoRoutines(1), maya_browser_);
  ASSERT_EQ(stale.status, 409u) << stale.body;
  EXPECT_EQ(Body(stale)["program"]["version"], 2);
  EXPECT_EQ(Body(stale)["program"]["note"], "Owner's change.");
  auto again = Assign(TwoRoutines(0), maya_browser_);  // "none yet" is stale too
  EXPECT_EQ(again.status, 409u);
}

TEST_F(HomeCareRoutesTest, OutOfRangeValuesAreRefusedByFieldAndNothingIsStored) {
  auto field = [&](Json body) {
    auto r = Assign(body, maya_browser_);
    EXPECT_EQ(r.status, 400u) << r.body;
    return FirstField(r);
  };
  Json body = TwoRoutines(0);
  body["routines"][0]["seconds"] = 91;
  EXPECT_EQ(field(body), "routines[0].seconds");
  body = TwoRoutines(0);
  body["routines"][1]["sets"] = 4;
  EXPECT_EQ(field(body), "routines[1].sets");
  body = TwoRoutines(0);
  body["routines"][1]["days_per_week"] = 1;
  EXPECT_EQ(field(body), "routines[1].days_per_week");
  body = TwoRoutines(0);
  body["routines"][0]["muscle"] = "gluteus_maximus";
  EXPECT_EQ(field(body), "routines[0].muscle");
  body = TwoRoutines(0);
  body["routines"][0]["routine"] = "hot_stone";
  EXPECT_EQ(field(body), "routines[0].routine");
  body = TwoRoutines(0);
  body["routines"][0]["seconds"] = "sixty";
  EXPECT_EQ(field(body), "routines[0].seconds");
  body = TwoRoutines(0);
  body.erase("version");
  EXPECT_EQ(field(body), "version");
  body = TwoRoutines(0);
  body.erase("routines");
  EXPECT_EQ(field(body), "routines");
  EXPECT_TRUE(Body(Get(StaffPath(), maya_browser_))["program"].is_null());
}

TEST_F(HomeCareRoutesTest, FrontDeskAndAnotherPractitionerAreRefused) {
  Browser desk = SignIn("desk@clinic.test");
  EXPECT_EQ(Get(StaffPath(), desk).status, 403u);
  EXPECT_EQ(Assign(TwoRoutines(0), desk).status, 403u);
  AddAccount(clinic_.id, "sam@clinic.test", core::staff::StaffRole::kPractitioner, sam_);
  Browser sam = SignIn("sam@clinic.test");  // no appointment with Ana
  EXPECT_EQ(Get(StaffPath(), sam).status, 403u);
  EXPECT_EQ(Assign(TwoRoutines(0), sam).status, 403u);
  EXPECT_TRUE(Body(Get(StaffPath(), maya_browser_))["program"].is_null());
  // Another clinic's patient is not found.
  Browser stranger = SignIn("owner@other.test", "other-clinic");
  EXPECT_EQ(
      Get("/api/v1/clinics/other-clinic/patients/" + std::to_string(ana_.value()) + "/home-care",
          stranger)
          .status,
      404u);
}

TEST_F(HomeCareRoutesTest, ThePatientMarksDaysAndThePractitionerSeesAdherence) {
  ASSERT_EQ(Assign(TwoRoutines(0), maya_browser_).status, 200u);
  const std::size_t audits = AuditCount();
  // Two days later (local 2026-11-28), Ana marks today and yesterday.
  clock_.Set(core::ParseInstant("2026-11-28T20:00:00Z").value());
  auto today = Mark("2026-11-28", Json::array({"upper_trapezius_ball"}));
  ASSERT_EQ(today.status, 200u) << today.body;
  ASSERT_EQ(
      Mark("2026-11-27", Json::array({"upper_trapezius_ball", "between_shoulder_blades_ball"}))
          .status,
      200u);
  EXPECT_EQ(AuditCount(), audits);  // the patient's marks are not staff accesses

  maya_browser_ = SignIn("maya@clinic.test");  // two days on, the first session has timed out
  auto r = Get(StaffPath(), maya_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = Body(r);
  ASSERT_EQ(body["days"].size(), 3u);  // 28th, 27th, 26th (the program's first day)
  EXPECT_EQ(body["days"][0], (Json{{"date", "2026-11-28"}, {"done", {"upper_trapezius_ball"}}}));
  EXPECT_EQ(body["days"][1]["done"].size(), 2u);
  EXPECT_TRUE(body["days"][2]["done"].empty());
  Json week = body["adherence"]["last_7_days"];
  // Daily ball: 2 of 3 days; 5-day ball: 1 of ceil(5 * 3 / 7) = 3.
  EXPECT_EQ(week["routines"][0],
            (Json{{"routine", "upper_trapezius_ball"}, {"done", 2}, {"prescribed", 3}}));
  EXPECT_EQ(week["routines"][1]["done"], 1);
  EXPECT_EQ(week["routines"][1]["prescribed"], 3);
  EXPECT_EQ(week["percent"], 50);
  EXPECT_EQ(body["adherence"]["last_14_days"]["days"], 14);

  // Un-marking a day: an empty list.
  ASSERT_EQ(Mark("2026-11-27", Json::array()).status, 200u);
  EXPECT_TRUE(Body(PatientGet(token_))["days"][1]["done"].empty());
}

TEST_F(HomeCareRoutesTest, MarksAreRefusedForTheFutureBeforeTheProgramAndOutsideIt) {
  ASSERT_EQ(Assign(TwoRoutines(0), maya_browser_).status, 200u);
  auto future = Mark("2026-11-27", Json::array({"upper_trapezius_ball"}));
  EXPECT_EQ(future.status, 400u) << future.body;
  EXPECT_EQ(FirstField(future), "date");
  auto before = Mark("2026-11-25", Json::array({"upper_trapezius_ball"}));
  EXPECT_EQ(before.status, 400u);
  EXPECT_EQ(FirstField(before), "date");
  auto malformed = Mark("26-11-2026", Json::array({"upper_trapezius_ball"}));
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(FirstField(malformed), "date");
  auto other = Mark("2026-11-26", Json::array({"upper_trapezius_ball", "glute_foam_roller"}));
  EXPECT_EQ(other.status, 400u);
  EXPECT_EQ(FirstField(other), "routines[1]");
  auto shape = Send(Method::kPut, PatientPath("/log/2026-11-26"), Json{{"token", token_}}, nullptr);
  EXPECT_EQ(shape.status, 400u);
  EXPECT_EQ(FirstField(shape), "routines");
  // A wrong token says nothing about the date or the body.
  EXPECT_EQ(Mark("2026-11-27", Json::array({"x"}), "not-the-token").status, 404u);
  const Json after = Body(PatientGet(token_));  // kept: the loop must not run over a temporary
  for (const auto& day : after["days"]) EXPECT_TRUE(day["done"].empty());
}

}  // namespace
}  // namespace unknot::api
