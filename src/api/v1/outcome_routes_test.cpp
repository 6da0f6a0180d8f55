// Outcome measures per visit (issue 15), through the router: the practitioner records three
// visits, the series calls out a meaningful change in words, the patient sees the same with the
// manage token, and the owner's report counts treatment plans without naming anyone.

#include "api/v1/outcome_routes.hpp"

#include <gtest/gtest.h>

#include "api/staff_test_fixture.hpp"
#include "api/v1/booking_routes.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using http::Method;

class OutcomeRoutesTest : public StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    v1::AddBookingRoutes(router_, *storage_, clock_, tokens_);
    v1::AddPatientOutcomeRoutes(router_, *storage_, tokens_);
    setup_ = *storage_->LoadSetup(clinic_.id).value();
    for (const auto& s : setup_.services) {
      if (s.slug == "art-session") art_ = s.id;
    }
    // Ana books online with Maya (for the manage token); two more visits are added by staff.
    http::Response booked = Send(Method::kPost, base_ + "/appointments",
                                 Json{{"service", art_.value()},
                                      {"practitioner", maya_.value()},
                                      {"start", "2026-12-01T17:00:00Z"},
                                      {"patient",
                                       {{"given_name", "Ana"},
                                        {"family_name", "Ruiz"},
                                        {"email", "ana@example.org"},
                                        {"phone", "+14155550142"}}}},
                                 nullptr);
    ASSERT_EQ(booked.status, 201u) << booked.body;
    first_ = Body(booked)["appointment"]["id"].get<std::int64_t>();
    token_ = Body(booked)["manage_token"];
    auto appointment = storage_->FindAppointment(clinic_.id, core::AppointmentId{first_}).value();
    ana_ = appointment.patient;
    second_ = AddVisit(appointment, "2026-12-08T17:00:00Z");
    third_ = AddVisit(appointment, "2026-12-15T17:00:00Z");
    maya_browser_ = SignIn("maya@clinic.test");
  }

  std::int64_t AddVisit(core::scheduling::Appointment like, const char* start) {
    core::Instant begin = core::ParseInstant(start).value();
    like.id = {};
    like.time = core::Interval::Create(begin, begin + 30min).value();
    like.blocked_until = begin + 30min;
    like.source = core::scheduling::BookingSource::kPhone;
    return storage_->InsertAppointment(clinic_.id, like).value().id.value();
  }

  static Json Outcome(int pain, int score, std::int64_t version = 0) {
    return {{"version", version},
            {"pain", pain},
            {"sleep", "some"},
            {"movements", {"turning_head"}},
            {"psfs",
             {{{"activity", "sleep on my left side"}, {"score", score}},
              {{"activity", "turn my head to reverse the car"}, {"score", score}},
              {{"activity", "deadlift"}, {"score", score}}}}};
  }

  std::string VisitPath(std::int64_t id) {
    return base_ + "/visits/" + std::to_string(id) + "/outcomes";
  }

  http::Response Put(std::int64_t visit, const Json& body, const Browser& browser) {
    return Send(Method::kPut, VisitPath(visit), body, &browser);
  }

  http::Response PatientGet(const std::string& token) {
    http::Request request;
    request.path = base_ + "/appointments/" + std::to_string(first_) + "/outcomes";
    request.headers = {{"authorization", "Bearer " + token}, {"host", kHost}};
    return router_.Dispatch(request);
  }

  security::SodiumTokens tokens_;
  core::clinic::ClinicSetup setup_;
  core::ServiceId art_;
  core::PatientId ana_;
  std::int64_t first_ = 0, second_ = 0, third_ = 0;
  std::string token_;
  Browser maya_browser_;
};

TEST_F(OutcomeRoutesTest, ThreeVisitsShowAMeaningfulChangeInWords) {
  ASSERT_EQ(Put(first_, Outcome(7, 2), maya_browser_).status, 200u);
  ASSERT_EQ(Put(second_, Outcome(6, 3), maya_browser_).status, 200u);
  http::Response third = Put(third_, Outcome(4, 5), maya_browser_);
  ASSERT_EQ(third.status, 200u) << third.body;
  EXPECT_EQ(Body(third)["outcome"]["version"], 1);
  EXPECT_EQ(Body(third)["outcome"]["psfs_score"], 5);

  http::Response series =
      Get(base_ + "/patients/" + std::to_string(ana_.value()) + "/outcomes", maya_browser_);
  ASSERT_EQ(series.status, 200u) << series.body;
  Json body = Body(series);
  ASSERT_EQ(body["visits"].size(), 3u);
  EXPECT_EQ(body["visits"][0]["appointment"], first_);
  EXPECT_EQ(body["visits"][2]["pain"], 4);
  EXPECT_EQ(body["changes"][0]["text"],
            "pain down 3 points since the first visit: a meaningful change");
  EXPECT_EQ(body["meaningful"][0], "pain down 3 points since the first visit: a meaningful change");
  EXPECT_EQ(body["changes"][3]["text"],
            "PSFS score up 3 points since the first visit: a meaningful change");

  // The patient sees the same with the manage token, without staff fields; a wrong token is 404.
  http::Response own = PatientGet(token_);
  ASSERT_EQ(own.status, 200u) << own.body;
  EXPECT_EQ(Body(own)["meaningful"], body["meaningful"]);
  EXPECT_FALSE(Body(own)["visits"][0].contains("version"));
  EXPECT_EQ(HeaderOf(own, "Cache-Control"), "no-store");
  EXPECT_EQ(PatientGet("not-the-token").status, 404u);
}

TEST_F(OutcomeRoutesTest, RefusalsNameTheFieldAndWriteNothing) {
  Json bad = Outcome(7, 2);
  bad["psfs"][2]["score"] = 12;
  http::Response r = Put(first_, bad, maya_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_NE(r.body.find("psfs[2].score"), std::string::npos) << r.body;
  bad = Outcome(7, 2);
  bad["psfs"][1]["activity"] = "";
  r = Put(first_, bad, maya_browser_);
  ASSERT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("psfs[1].activity"), std::string::npos) << r.body;
  bad = Outcome(7, 2);
  bad["sleep"] = "lots";
  EXPECT_EQ(Put(first_, bad, maya_browser_).status, 400u);
  EXPECT_EQ(storage_->FindVisitOutcome(clinic_.id, core::AppointmentId{first_}).value(),
            std::nullopt);
}

TEST_F(OutcomeRoutesTest, AStaleVersionIs409WithTheCurrentRecord) {
  ASSERT_EQ(Put(first_, Outcome(7, 2), maya_browser_).status, 200u);
  http::Response again = Put(first_, Outcome(5, 2), maya_browser_);
  ASSERT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(Body(again)["outcome"]["pain"], 7);
  http::Response changed = Put(first_, Outcome(5, 2, 1), maya_browser_);
  ASSERT_EQ(changed.status, 200u) << changed.body;
  EXPECT_EQ(Body(changed)["outcome"]["version"], 2);
}

TEST_F(OutcomeRoutesTest, GetPrefillsAFirstRecordAndKeepsTheActivities) {
  http::Response empty = Get(VisitPath(first_), maya_browser_);
  ASSERT_EQ(empty.status, 200u) << empty.body;
  EXPECT_TRUE(Body(empty)["outcome"].is_null());
  EXPECT_TRUE(Body(empty)["prefill"]["psfs"].empty());
  EXPECT_EQ(Body(empty)["appointment"]["id"], first_);
  ASSERT_EQ(Put(first_, Outcome(7, 2), maya_browser_).status, 200u);
  // The next visit starts from the first one's activities.
  http::Response next = Get(VisitPath(second_), maya_browser_);
  ASSERT_EQ(next.status, 200u);
  EXPECT_EQ(Body(next)["prefill"]["psfs"][1]["activity"], "turn my head to reverse the car");
  http::Response recorded = Get(VisitPath(first_), maya_browser_);
  EXPECT_EQ(Body(recorded)["outcome"]["pain"], 7);
  EXPECT_FALSE(Body(recorded).contains("prefill"));
}

TEST_F(OutcomeRoutesTest, APractitionerReachesOnlyTheirOwnPatients) {
  AddAccount(clinic_.id, "sam@clinic.test", core::staff::StaffRole::kPractitioner, sam_);
  Browser sam = SignIn("sam@clinic.test");  // has no appointment with Ana
  EXPECT_EQ(Put(first_, Outcome(7, 2), sam).status, 403u);
  EXPECT_EQ(Get(VisitPath(first_), sam).status, 403u);
  EXPECT_EQ(Get(base_ + "/patients/" + std::to_string(ana_.value()) + "/outcomes", sam).status,
            403u);
  EXPECT_EQ(Put(first_, Outcome(7, 2), maya_browser_).status, 200u);
}

TEST_F(OutcomeRoutesTest, OwnerReportCountsPlansWithoutNames) {
  // Ana's plan: ART with Maya weekly, three visits booked for it.
  core::scheduling::TreatmentPlan plan;
  plan.patient = ana_;
  plan.created_at = clock_.Now();
  plan.items = {core::scheduling::PlanItem{art_, maya_, std::chrono::days{7}, 3,
                                           core::ParseLocalDate("2026-12-02").value(),
                                           core::TimeOfDay::Parse("09:00").value()}};
  core::staff::AuditEntry entry;
  entry.clinic = clinic_.id;
  entry.action = "edit_treatment_plan";
  entry.at = clock_.Now();
  plan = storage_->CreateTreatmentPlan(clinic_.id, plan, entry).value();
  auto like = storage_->FindAppointment(clinic_.id, core::AppointmentId{first_}).value();
  std::vector<core::ports::SeriesVisit> series;
  for (const char* start :
       {"2026-12-02T17:00:00Z", "2026-12-09T17:00:00Z", "2026-12-16T17:00:00Z"}) {
    core::Instant begin = core::ParseInstant(start).value();
    core::scheduling::Appointment visit = like;
    visit.id = {};
    visit.time = core::Interval::Create(begin, begin + 30min).value();
    visit.blocked_until = begin + 30min;
    visit.source = core::scheduling::BookingSource::kStaff;
    series.push_back({0, core::ports::StaffBooking{.patient = ana_,
                                                   .new_patient = {},
                                                   .appointment = visit,
                                                   .other_rooms = {},
                                                   .audit = entry}});
  }
  auto booked = storage_->BookTreatmentSeries(clinic_.id, plan.id, series).value();
  ASSERT_EQ(booked.size(), 3u);
  ASSERT_EQ(Put(booked[0].id.value(), Outcome(7, 2), maya_browser_).status, 200u);
  ASSERT_EQ(Put(booked[1].id.value(), Outcome(6, 3), maya_browser_).status, 200u);
  ASSERT_EQ(Put(booked[2].id.value(), Outcome(4, 5), maya_browser_).status, 200u);
  // Two visits outside the plan: not a plan, counted apart.
  ASSERT_EQ(Put(first_, Outcome(8, 1), maya_browser_).status, 200u);
  ASSERT_EQ(Put(second_, Outcome(8, 1), maya_browser_).status, 200u);

  Browser owner = SignIn("owner@clinic.test");
  http::Response r = Get(base_ + "/outcome-report", owner);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = Body(r);
  ASSERT_EQ(body["by_service"].size(), 1u);
  EXPECT_EQ(body["by_service"][0]["service"], art_.value());
  EXPECT_EQ(body["by_service"][0]["plans"], 1);
  EXPECT_EQ(body["by_service"][0]["evaluable"], 1);
  EXPECT_EQ(body["by_service"][0]["reached"], 1);
  EXPECT_EQ(body["by_service"][0]["median_visits"], 3.0);
  EXPECT_EQ(body["by_service"][0]["visits_to_change"][0]["visits"], 3);
  EXPECT_EQ(body["by_service"][0]["visits_to_change"][0]["plans"], 1);
  EXPECT_EQ(body["by_service"][0]["unplanned_visits"], 2);
  EXPECT_EQ(body["by_practitioner"][0]["practitioner"], maya_.value());
  EXPECT_EQ(body["by_practitioner"][0]["plans"], 1);
  EXPECT_EQ(body["overall"]["plans"], 1);
  EXPECT_EQ(body["overall"]["unplanned_visits"], 2);
  EXPECT_NE(body["counting"].get<std::string>().find("treatment plan"), std::string::npos);
  EXPECT_EQ(r.body.find("Ana"), std::string::npos);
  EXPECT_EQ(r.body.find("Ruiz"), std::string::npos);
  EXPECT_EQ(r.body.find("ana@example.org"), std::string::npos);
  EXPECT_EQ(r.body.find("\"patient"), std::string::npos);

  // Practitioners and the front desk do not see it.
  EXPECT_EQ(Get(base_ + "/outcome-report", maya_browser_).status, 403u);
}

}  // namespace
}  // namespace unknot::api
