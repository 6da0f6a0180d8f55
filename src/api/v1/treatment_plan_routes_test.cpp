// Treatment plans through the router (issue 15): a practitioner's plan for their patient, its
// preview (every visit's time, or why not with alternatives; nothing written), booking the chosen
// visits all at once (or nothing, naming the visit), progress, and who may do which.

#include "api/v1/treatment_plan_routes.hpp"

#include <gtest/gtest.h>

#include "api/staff_test_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;
using http::Method;

// The demo clinic on Thursday 2026-11-26 (PST, UTC-8). Dr. Okafor (Maya) works weekdays 08:00-17:00
// with lunch 12:00-13:00; Sam Whitfield weekdays 11:00-20:00.
class TreatmentPlanRoutesTest : public StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    setup_ = *storage_->LoadSetup(clinic_.id).value();
    for (const auto& s : setup_.services) {
      if (s.slug == "art-session") art_ = s.id.value();
      if (s.slug == "deep-tissue-60") massage_ = s.id.value();
    }
    core::clinic::Patient ana{core::PatientId{}, "Ana",          "Ruiz",
                              "ana@example.org", "+14155550142", clock_.Now()};
    ana_ = storage_->CreatePatient(clinic_.id, ana).value().id;
    owner_browser_ = SignIn("owner@clinic.test");
    desk_browser_ = SignIn("desk@clinic.test");
  }

  // ART with Maya weekly x4 from Tuesday 2026-12-01 at 10:00, and a 60-minute massage with Sam
  // every two weeks x2 at 11:00.
  Json PlanBody() const {
    return {{"title", "Upper back knots"},
            {"items",
             {{{"service", art_},
               {"practitioner", maya_.value()},
               {"interval_days", 7},
               {"count", 4},
               {"first_date", "2026-12-01"},
               {"time", "10:00"}},
              {{"service", massage_},
               {"practitioner", sam_.value()},
               {"interval_days", 14},
               {"count", 2},
               {"first_date", "2026-12-01"},
               {"time", "11:00"}}}}};
  }

  std::string PlansPath(core::PatientId patient) const {
    return base_ + "/patients/" + std::to_string(patient.value()) + "/treatment-plans";
  }
  std::string PlanPath(std::int64_t plan, const char* tail = "") const {
    return base_ + "/treatment-plans/" + std::to_string(plan) + tail;
  }

  std::int64_t CreatePlan() {
    http::Response r = Send(Method::kPost, PlansPath(ana_), PlanBody(), &owner_browser_);
    EXPECT_EQ(r.status, 201u) << r.body;
    return Body(r)["id"].get<std::int64_t>();
  }

  // Another patient holds Maya at `start` for 30 minutes.
  void TakeMaya(const char* start) {
    core::clinic::Patient bo{core::PatientId{}, "Bo",           "Lind",
                             "bo@example.org",  "+14155550100", clock_.Now()};
    bo.id = storage_->CreatePatient(clinic_.id, bo).value().id;
    const core::Instant begin = core::ParseInstant(start).value();
    Appointment a{.id = {},
                  .patient = bo.id,
                  .practitioner = maya_,
                  .service = core::ServiceId{art_},
                  .room = setup_.rooms[0].id,
                  .time = core::Interval::Create(begin, begin + std::chrono::minutes{30}).value(),
                  .blocked_until = begin + std::chrono::minutes{30},
                  .status = AppointmentStatus::kBooked,
                  .source = BookingSource::kPhone,
                  .created_at = clock_.Now(),
                  .updated_at = clock_.Now(),
                  .cancelled_at = std::nullopt,
                  .assessment = std::nullopt};
    ASSERT_TRUE(storage_->InsertAppointment(clinic_.id, a));
  }

  std::size_t Appointments() {
    auto window = core::Interval::Create(clock_.Now(), clock_.Now() + std::chrono::days{90});
    return storage_->ListAppointments(clinic_.id, *window).value().size();
  }

  // The chosen visits of a preview: each free one at its time, each refused one at `pick` of
  // its alternatives (or left out when pick < 0).
  static Json Chosen(const Json& preview, int pick) {
    Json visits = Json::array();
    for (const Json& v : preview["visits"]) {
      if (v["free"].get<bool>()) {
        visits.push_back({{"item", v["item"]}, {"number", v["number"]}, {"start", v["start"]}});
      } else if (pick >= 0) {
        visits.push_back({{"item", v["item"]},
                          {"number", v["number"]},
                          {"start", v["alternatives"][static_cast<std::size_t>(pick)]["start"]}});
      }
    }
    return visits;
  }

  core::clinic::ClinicSetup setup_;
  std::int64_t art_ = 0;
  std::int64_t massage_ = 0;
  core::PatientId ana_;
  Browser owner_browser_;
  Browser desk_browser_;
};

TEST_F(TreatmentPlanRoutesTest, CreatesAPlanWithoutAppointmentsAndNamesABadField) {
  http::Response r = Send(Method::kPost, PlansPath(ana_), PlanBody(), &owner_browser_);
  ASSERT_EQ(r.status, 201u) << r.body;
  Json plan = Body(r);
  EXPECT_EQ(plan["title"], "Upper back knots");
  ASSERT_EQ(plan["items"].size(), 2u);
  EXPECT_EQ(plan["items"][0]["service_name"], "Active Release Technique (ART) session");
  EXPECT_EQ(plan["items"][1]["interval_days"], 14);
  EXPECT_EQ(plan["items"][1]["time"], "11:00");
  EXPECT_EQ(plan["progress"],
            (Json{{"planned", 6}, {"booked", 0}, {"done", 0}, {"left", 0}, {"missed", 0}}));
  EXPECT_EQ(Appointments(), 0u);

  Json bad = PlanBody();
  bad["items"][1]["practitioner"] = maya_.value();  // a chiropractor gives no massage
  r = Send(Method::kPost, PlansPath(ana_), bad, &owner_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(Body(r)["errors"][0]["field"], "items[1].practitioner");
  bad = PlanBody();
  bad["items"][0]["time"] = "25:00";
  r = Send(Method::kPost, PlansPath(ana_), bad, &owner_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(Body(r)["errors"][0]["field"], "items[0].time");
  bad = PlanBody();
  bad["items"][0]["count"] = 0;
  r = Send(Method::kPost, PlansPath(ana_), bad, &owner_browser_);
  EXPECT_EQ(Body(r)["errors"][0]["field"], "items[0].count");

  http::Response list = Get(PlansPath(ana_), desk_browser_);
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_EQ(Body(list)["plans"].size(), 1u);  // the refused ones wrote nothing
  EXPECT_EQ(
      Send(Method::kPost, PlansPath(core::PatientId{999}), PlanBody(), &owner_browser_).status,
      404u);
}

TEST_F(TreatmentPlanRoutesTest,
       PreviewShowsEveryTimeOrTheConflictWithAlternativesAndWritesNothing) {
  const std::int64_t plan = CreatePlan();
  TakeMaya("2026-12-15T18:00:00Z");  // the third ART visit, Tuesday 2026-12-15 10:00
  const std::size_t before = Appointments();
  http::Response r =
      Send(Method::kPost, PlanPath(plan, "/preview"), Json::object(), &desk_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json preview = Body(r);
  EXPECT_EQ(preview["total"], 6);
  EXPECT_EQ(preview["free"], 5);
  ASSERT_EQ(preview["visits"].size(), 6u);
  // Ordered by local time: ART 12-01, massage 12-01, ART 12-08, ART 12-15, massage 12-15, ART.
  const Json& taken = preview["visits"][3];
  EXPECT_EQ(taken["free"], false);
  EXPECT_EQ(taken["problem"], "taken");
  EXPECT_EQ(taken["local_start"], "2026-12-15T10:00:00");
  EXPECT_EQ(taken["number"], 3);
  ASSERT_EQ(taken["alternatives"].size(), 3u);
  EXPECT_EQ(taken["alternatives"][0]["start"],
            "2026-12-15T17:30:00Z");  // 09:30: nearest that ends by 10:00
  EXPECT_EQ(preview["visits"][0]["start"], "2026-12-01T18:00:00Z");
  EXPECT_EQ(preview["visits"][1]["local_start"], "2026-12-01T11:00:00");
  EXPECT_EQ(Appointments(), before);
}

TEST_F(TreatmentPlanRoutesTest, BookingAConflictWritesNothingThenTheChosenVisitsBookAtOnce) {
  const std::int64_t plan = CreatePlan();
  TakeMaya("2026-12-15T18:00:00Z");
  const std::size_t before = Appointments();
  Json preview =
      Body(Send(Method::kPost, PlanPath(plan, "/preview"), Json::object(), &desk_browser_));

  // As proposed, the third ART visit is taken: 409 naming it, with alternatives; nothing booked.
  Json proposed = Json::array();
  for (const Json& v : preview["visits"]) {
    proposed.push_back({{"item", v["item"]}, {"start", v["start"]}});
  }
  http::Response refused = Send(Method::kPost, PlanPath(plan, "/book"),
                                Json{{"source", "phone"}, {"visits", proposed}}, &desk_browser_);
  ASSERT_EQ(refused.status, 409u) << refused.body;
  Json problem = Body(refused);
  EXPECT_EQ(problem["errors"][0]["field"], "visits[3]");
  EXPECT_EQ(problem["visit"]["problem"], "taken");
  EXPECT_FALSE(problem["visit"]["alternatives"].empty());
  EXPECT_EQ(Appointments(), before);

  // With the nearest alternative for it: all six in one go.
  http::Response booked =
      Send(Method::kPost, PlanPath(plan, "/book"),
           Json{{"source", "phone"}, {"visits", Chosen(preview, 0)}}, &desk_browser_);
  ASSERT_EQ(booked.status, 201u) << booked.body;
  Json out = Body(booked);
  EXPECT_EQ(out["appointments"].size(), 6u);
  EXPECT_EQ(out["appointments"][3]["start"], "2026-12-15T17:30:00Z");
  EXPECT_EQ(out["plan"]["progress"]["booked"], 6);
  EXPECT_EQ(out["plan"]["progress"]["left"], 6);
  EXPECT_EQ(Appointments(), before + 6);

  // Progress after a visit is done and one missed.
  clock_.Set(core::ParseInstant("2026-12-09T00:00:00Z").value());
  auto visits = storage_->ListPlanVisits(clinic_.id, core::TreatmentPlanId{plan}).value();
  core::staff::AuditEntry audit;
  audit.clinic = clinic_.id;
  audit.action = "set_appointment_status";
  audit.at = clock_.Now();
  Appointment done = visits[0].appointment;
  done.status = AppointmentStatus::kCompleted;
  ASSERT_TRUE(storage_->UpdateAppointment(clinic_.id, done, 1, clock_.Now(), audit));
  Appointment missed = visits[1].appointment;
  missed.status = AppointmentStatus::kNoShow;
  ASSERT_TRUE(storage_->UpdateAppointment(clinic_.id, missed, 1, clock_.Now(), audit));
  desk_browser_ = SignIn("desk@clinic.test");  // the earlier session timed out meanwhile
  http::Response shown = Get(PlanPath(plan), desk_browser_);
  ASSERT_EQ(shown.status, 200u) << shown.body;
  EXPECT_EQ(Body(shown)["progress"],
            (Json{{"planned", 6}, {"booked", 6}, {"done", 1}, {"left", 4}, {"missed", 1}}));
  EXPECT_EQ(Body(shown)["visits"][0]["status"], "completed");
}

TEST_F(TreatmentPlanRoutesTest, BadBookBodiesNameTheField) {
  const std::int64_t plan = CreatePlan();
  auto field = [&](Json body) {
    http::Response r = Send(Method::kPost, PlanPath(plan, "/book"), body, &desk_browser_);
    EXPECT_EQ(r.status, 400u) << r.body;
    return Body(r)["errors"][0]["field"].get<std::string>();
  };
  EXPECT_EQ(field(Json{{"source", "online"}, {"visits", Json::array()}}), "source");
  EXPECT_EQ(field(Json{{"source", "staff"}, {"visits", Json::array()}}), "visits");
  EXPECT_EQ(field(Json{{"source", "staff"},
                       {"visits", {{{"item", 5}, {"start", "2026-12-01T18:00:00Z"}}}}}),
            "visits[0].item");
  EXPECT_EQ(field(Json{{"source", "staff"}, {"visits", {{{"item", 0}, {"start", "tomorrow"}}}}}),
            "visits[0].start");
  EXPECT_EQ(Send(Method::kPost, PlanPath(999, "/book"),
                 Json{{"source", "staff"},
                      {"visits", {{{"item", 0}, {"start", "2026-12-01T18:00:00Z"}}}}},
                 &desk_browser_)
                .status,
            404u);
  EXPECT_EQ(Appointments(), 0u);
}

TEST_F(TreatmentPlanRoutesTest, WhoMayDoWhich) {
  const std::int64_t plan = CreatePlan();
  Browser maya = SignIn("maya@clinic.test");
  // The front desk books plans but does not write them.
  EXPECT_EQ(Send(Method::kPost, PlansPath(ana_), PlanBody(), &desk_browser_).status, 403u);
  // Maya has no appointment with Ana yet: not her patient, so no plan for her and none shown.
  EXPECT_EQ(Send(Method::kPost, PlansPath(ana_), PlanBody(), &maya).status, 403u);
  EXPECT_EQ(Get(PlanPath(plan), maya).status, 403u);
  // Booking is judged per visit's practitioner: the plan has Sam's massages, so Maya may not.
  EXPECT_EQ(Send(Method::kPost, PlanPath(plan, "/preview"), Json::object(), &maya).status, 403u);
  // Once Ana is her patient, Maya may write and read Ana's plans, and book her own visits.
  Json book_art = {{"source", "staff"},
                   {"visits", {{{"item", 0}, {"start", "2026-12-01T18:00:00Z"}}}}};
  EXPECT_EQ(Send(Method::kPost, PlanPath(plan, "/book"), book_art, &maya).status, 201u);
  EXPECT_EQ(Get(PlanPath(plan), maya).status, 200u);
  EXPECT_EQ(Send(Method::kPost, PlansPath(ana_), PlanBody(), &maya).status, 201u);
  Json book_massage = {{"source", "staff"},
                       {"visits", {{{"item", 1}, {"start", "2026-12-01T19:00:00Z"}}}}};
  EXPECT_EQ(Send(Method::kPost, PlanPath(plan, "/book"), book_massage, &maya).status, 403u);
  // Another clinic's staff: the plan does not exist.
  Browser stranger = SignIn("owner@other.test", "other-clinic");
  EXPECT_EQ(
      Get("/api/v1/clinics/other-clinic/treatment-plans/" + std::to_string(plan), stranger).status,
      404u);
}

}  // namespace
}  // namespace unknot::api
