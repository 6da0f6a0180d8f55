#include "api/v1/reminder_routes.hpp"

#include "api/test_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;

// The patient turns reminders off and on with the manage token of a booking.
class ReminderRoutesTest : public PublicRoutesFixture {
 protected:
  void SetUp() override {
    PublicRoutesFixture::SetUp();
    v1::AddReminderRoutes(router_, *storage_, clock_, tokens_);
    auto setup = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
    std::int64_t art = 0;
    for (const auto& s : setup.services) {
      if (s.slug == "art-session") art = s.id.value();
    }
    auto booked =
        Post(base_ + "/appointments", {{"service", art},
                                       {"practitioner", setup.practitioners[0].id.value()},
                                       {"start", "2026-12-07T17:00:00Z"},
                                       {"patient",
                                        {{"given_name", "Ana"},
                                         {"family_name", "Ruiz"},
                                         {"email", "ana@example.org"},
                                         {"phone", "+14155550142"}}}});
    ASSERT_EQ(booked.status, 201u) << booked.body;
    id_ = std::to_string(Body(booked)["appointment"]["id"].get<std::int64_t>());
    patient_ = storage_
                   ->FindAppointment(
                       setup.clinic.id,
                       core::AppointmentId{Body(booked)["appointment"]["id"].get<std::int64_t>()})
                   ->patient;
    token_ = Body(booked)["manage_token"];
  }

  http::Response Send(http::Method method, const std::string& token, std::string body = "") {
    http::Request request;
    request.method = method;
    request.path = base_ + "/appointments/" + id_ + "/reminders";
    request.headers = {{"authorization", "Bearer " + token}, {"content-type", "application/json"}};
    request.body = std::move(body);
    return router_.Dispatch(request);
  }

  core::ports::Reminders Stored() {
    return storage_
        ->FindPatientMessagePrefs(storage_->FindClinic("mission-sports-chiro")->id, patient_)
        ->reminders;
  }

  std::string id_;
  core::PatientId patient_;
  std::string token_;
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

TEST_F(ReminderRoutesTest, OnUntilThePatientTurnsThemOff) {
  auto r = Send(http::Method::kGet, token_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r), (Json{{"reminders", true}}));

  r = Send(http::Method::kPut, token_, R"({"reminders": false})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r), (Json{{"reminders", false}}));
  EXPECT_EQ(Stored(), core::ports::Reminders::kOff);
  EXPECT_EQ(Body(Send(http::Method::kGet, token_)), (Json{{"reminders", false}}));

  r = Send(http::Method::kPut, token_, R"({"reminders": true})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Stored(), core::ports::Reminders::kOn);
}

TEST_F(ReminderRoutesTest, AWrongTokenIsNotFoundAndChangesNothing) {
  EXPECT_EQ(Send(http::Method::kGet, "not-the-token").status, 404u);
  EXPECT_EQ(Send(http::Method::kPut, "not-the-token", R"({"reminders": false})").status, 404u);
  EXPECT_EQ(Send(http::Method::kPut, "", R"({"reminders": false})").status, 404u);
  EXPECT_EQ(Stored(), core::ports::Reminders::kOn);
}

TEST_F(ReminderRoutesTest, ABodyWithoutABooleanNamesTheField) {
  for (const char* body : {R"({})", R"({"reminders": "no"})", R"({"reminders": 0})"}) {
    auto r = Send(http::Method::kPut, token_, body);
    ASSERT_EQ(r.status, 400u) << body;
    EXPECT_EQ(Body(r)["errors"][0]["field"], "reminders") << body;
  }
  EXPECT_EQ(Send(http::Method::kPut, token_, "[1]").status, 400u);
  EXPECT_EQ(Stored(), core::ports::Reminders::kOn);
}

}  // namespace
}  // namespace unknot::api
