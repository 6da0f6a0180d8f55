#include "api/v1/assessment_routes.hpp"

#include "api/json/assessment_json.hpp"
#include "api/test_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
namespace dto = api::json;

class AssessmentRoutesTest : public PublicRoutesFixture {
 protected:
  void SetUp() override {
    PublicRoutesFixture::SetUp();
    auto setup = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
    for (const auto& s : setup.services) services_[s.slug] = s.id.value();
    phone_ = setup.clinic.phone;
  }

  static Json Knot(const char* region, const char* side, int pain) {
    Json knot = {{"region", region}, {"pain", pain}, {"duration", "weeks"}};
    if (side != nullptr) knot["side"] = side;
    return knot;
  }

  // An upper-trapezius knot from desk work, no red flags, a returning patient.
  static Json DeskKnot() {
    return {{"knots", {Knot("upper_trapezius_ridge", "left", 6), Knot("temple", "left", 4)}},
            {"causes", {"desk_hours", "posture"}},
            {"answers", {{"visited_before", "yes"}, {"assessed_before", "yes"}}},
            {"age_band", "18_44"}};
  }

  static std::string FirstField(const http::Response& r) {
    auto body = Body(r);
    return body.contains("errors") ? body["errors"][0]["field"].get<std::string>() : "";
  }

  // Submits and returns the 201 body.
  Json Submit(const Json& input) {
    auto r = Post(base_ + "/assessments", input);
    EXPECT_EQ(r.status, 201u) << r.body;
    return Body(r);
  }

  // The first free start of a service in the week of 2026-12-07, as the booking body wants it.
  std::string FirstFreeStart(const std::string& service) {
    auto r = Get(base_ + "/availability?service=" + std::to_string(services_[service]) +
                 "&from=2026-12-08&to=2026-12-11");
    EXPECT_EQ(r.status, 200u) << r.body;
    const Json body = Body(r);  // kept: the loop must not run over a destroyed temporary
    for (const auto& day : body["days"]) {
      if (!day["slots"].empty()) return day["slots"][0]["start"];
    }
    ADD_FAILURE() << "no free slot for " << service;
    return "";
  }

  http::Response Book(const std::string& service, std::int64_t assessment, std::string email) {
    return Post(base_ + "/appointments", {{"service", services_[service]},
                                          {"start", FirstFreeStart(service)},
                                          {"assessment", assessment},
                                          {"patient",
                                           {{"given_name", "Ana"},
                                            {"family_name", "Ruiz"},
                                            {"email", std::move(email)},
                                            {"phone", "+14155550142"}}}});
  }

  std::map<std::string, std::int64_t> services_;
  std::string phone_;
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

TEST_F(AssessmentRoutesTest, TheFormIsBuiltFromTheServersData) {
  auto r = Get(base_ + "/assessment-form");
  ASSERT_EQ(r.status, 200u) << r.body;
  Json form = Body(r);
  EXPECT_EQ(form["regions"].size(), knowledge_.knowledge.regions.size());
  EXPECT_EQ(form["questions"].size(), knowledge_.knowledge.questions.size());
  EXPECT_EQ(form["causes"].size(), knowledge_.knowledge.causes.size());
  for (const auto& region : form["regions"]) {
    if (region["id"] == "upper_trapezius_ridge") {
      EXPECT_EQ(region["sides"], Json({"left", "right"}));
    }
    if (region["id"] == "sacrum") {
      EXPECT_TRUE(region["sides"].empty());
    }
  }
  for (const auto& q : form["questions"]) {
    if (q["id"] == "saddle_numbness") {
      EXPECT_EQ(q["kind"], "yes_no");
      EXPECT_EQ(q["options"].size(), 2u);
    }
  }
  EXPECT_EQ(form["body_map"], base_ + "/body-map.svg");
  EXPECT_NE(form["note"].get<std::string>().find("not a diagnosis"), std::string::npos);
  EXPECT_NE(form["note"].get<std::string>().find(phone_), std::string::npos);
  EXPECT_EQ(Get("/api/v1/clinics/nowhere/assessment-form").status, 404u);
}

TEST_F(AssessmentRoutesTest, TheBodyMapIsServedAsSvg) {
  auto r = Get(base_ + "/body-map.svg");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "image/svg+xml");
  EXPECT_NE(r.body.find("data-region=\"upper_trapezius_ridge\""), std::string::npos);
}

TEST_F(AssessmentRoutesTest, ASubmittedAssessmentIsAssessedStoredAndReadBackWithItsToken) {
  Json created = Submit(DeskKnot());
  ASSERT_TRUE(created["id"].is_number_integer());
  const std::string token = created["manage_token"];
  EXPECT_FALSE(token.empty());
  const Json& result = created["result"];
  EXPECT_EQ(result["outcome"], "book_online");
  EXPECT_EQ(result["muscles"][0]["id"], "upper_trapezius");
  EXPECT_FALSE(result["muscles"][0]["explains"].empty());
  EXPECT_FALSE(result["treatments"].empty());
  EXPECT_FALSE(result["bookable_services"].empty());
  EXPECT_FALSE(result["home_care"].empty());
  EXPECT_NE(result["note"].get<std::string>().find("not a diagnosis"), std::string::npos);

  const std::string path = base_ + "/assessments/" + std::to_string(created["id"].get<int>());
  auto read = Get(path + "?token=" + token);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(Body(read)["result"], result);
  EXPECT_EQ(Get(path + "?token=wrong").status, 404u);
  EXPECT_EQ(Get(path).status, 404u);
  EXPECT_EQ(Get(base_ + "/assessments/999999?token=" + token).status, 404u);
}

// What is stored is the input as the server read it: members nobody reads are not kept (they
// would be up to a megabyte each, from anyone), and reading it again gives the same input.
TEST_F(AssessmentRoutesTest, TheInputIsStoredAsReadNotAsSent) {
  Json sent = DeskKnot();
  sent["knots"][0]["limits_movement"] = true;
  sent["knots"][0]["movements"] = {"turning_head"};
  sent["medications"] = {"anticoagulant"};
  sent["padding"] = std::string(100000, 'x');
  sent["knots"][1]["also"] = {{"nested", "junk"}};
  Json created = Submit(sent);
  auto clinic = storage_->FindClinic("mission-sports-chiro").value();
  auto stored =
      storage_->FindAssessment(clinic.id, core::AssessmentId(created["id"].get<std::int64_t>()));
  ASSERT_TRUE(stored) << stored.error().message();
  Json input = Json::parse(stored->input_json);
  EXPECT_LT(stored->input_json.size(), 1000u) << stored->input_json;
  EXPECT_FALSE(input.contains("padding"));
  EXPECT_FALSE(input["knots"][1].contains("also"));
  EXPECT_EQ(input["knots"][0]["region"], "upper_trapezius_ridge");
  EXPECT_EQ(input["knots"][0]["side"], "left");
  EXPECT_EQ(input["knots"][0]["movements"], Json({"turning_head"}));
  EXPECT_EQ(input["answers"]["age_band"], "18_44");  // sent at the top level, read as an answer
  EXPECT_EQ(input["medications"], Json({"anticoagulant"}));
  auto again = dto::ParseAssessmentInput(input);
  auto first = dto::ParseAssessmentInput(sent);
  ASSERT_TRUE(again && first);
  EXPECT_EQ(dto::AssessmentInputJson(*again), dto::AssessmentInputJson(*first));
  EXPECT_EQ(dto::AssessmentInputJson(*again), input);
}

TEST_F(AssessmentRoutesTest, EveryInvalidFieldIsNamed) {
  auto field = [&](const Json& input, unsigned status) {
    auto r = Post(base_ + "/assessments", input);
    EXPECT_EQ(r.status, status) << r.body;
    return FirstField(r);
  };
  Json input = DeskKnot();
  input["knots"][0]["pain"] = 11;
  EXPECT_EQ(field(input, 422), "knots[0].pain");
  input = DeskKnot();
  input["knots"][1]["region"] = "elbow_pit";
  EXPECT_EQ(field(input, 422), "knots[1].region");
  input = DeskKnot();
  input["knots"][0].erase("side");
  EXPECT_EQ(field(input, 422), "knots[0].side");
  input = DeskKnot();
  input["knots"][0]["pain"] = "high";
  EXPECT_EQ(field(input, 400), "knots[0].pain");
  input = DeskKnot();
  input["knots"][0]["duration"] = "forever";
  EXPECT_EQ(field(input, 400), "knots[0].duration");
  input = DeskKnot();
  input["answers"]["saddle_numbness"] = "perhaps";
  EXPECT_EQ(field(input, 422), "answers.saddle_numbness");
  input = DeskKnot();
  input["causes"] = {"bad_luck"};
  EXPECT_EQ(field(input, 422), "causes[0]");
  input = DeskKnot();
  input["medications"] = {"aspirin"};
  EXPECT_EQ(field(input, 422), "medications[0]");
  EXPECT_EQ(field(Json::object(), 400), "knots");
  EXPECT_EQ(PostText(base_ + "/assessments", "{not json").status, 400u);
}

// A valid knot check with an extra member nested 100,000 levels deep (200 kB): once accepted,
// its dump() for storage recursed once a level and ended the process with a stack overflow.
TEST_F(AssessmentRoutesTest, ABodyNestedTooDeepIsRefusedWithoutEndingTheProcess) {
  std::string body = DeskKnot().dump();
  body.pop_back();
  body += ",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto r = PostText(base_ + "/assessments", body);
  ASSERT_EQ(r.status, 400u) << r.body.substr(0, 200);
  EXPECT_EQ(FirstField(r), "body");
  EXPECT_NE(r.body.find("more than 64 levels deep"), std::string::npos) << r.body;
  // The same at a sane depth is taken.
  body = DeskKnot().dump();
  body.pop_back();
  body += ",\"x\":" + std::string(10, '[') + std::string(10, ']') + "}";
  EXPECT_EQ(PostText(base_ + "/assessments", body).status, 201u);
}

TEST_F(AssessmentRoutesTest, AnEmergencyOrMedicalOutcomeCannotBeBookedOnline) {
  Json emergency = DeskKnot();
  emergency["answers"]["saddle_numbness"] = "yes";
  Json created = Submit(emergency);
  EXPECT_EQ(created["result"]["outcome"], "emergency");
  EXPECT_FALSE(created["result"]["book_online"]);
  EXPECT_TRUE(created["result"]["bookable_services"].empty());
  auto r = Book("deep-tissue-60", created["id"], "e@example.org");
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(FirstField(r), "assessment");
  EXPECT_NE(Body(r)["detail"].get<std::string>().find(phone_), std::string::npos);

  Json medical = DeskKnot();
  medical["answers"]["fever_or_chills"] = "yes";
  created = Submit(medical);
  EXPECT_EQ(created["result"]["outcome"], "medical_care_soon");
  r = Book("deep-tissue-60", created["id"], "m@example.org");
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(FirstField(r), "assessment");
}

TEST_F(AssessmentRoutesTest, SeeTheChiropractorFirstBooksOnlyTheNewPatientAssessment) {
  Json injury = DeskKnot();
  injury["causes"] = {"car_accident"};
  Json created = Submit(injury);
  ASSERT_EQ(created["result"]["outcome"], "see_chiropractor_first");
  ASSERT_EQ(created["result"]["bookable_services"].size(), 1u);
  EXPECT_EQ(created["result"]["bookable_services"][0]["slug"], "new-patient-assessment");
  auto refused = Book("art-session", created["id"], "i@example.org");
  ASSERT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(FirstField(refused), "service");
  auto booked = Book("new-patient-assessment", created["id"], "i@example.org");
  EXPECT_EQ(booked.status, 201u) << booked.body;
}

TEST_F(AssessmentRoutesTest, ABookOnlineAssessmentAllowsItsTreatmentsAndUnknownIdsAre404) {
  Json created = Submit(DeskKnot());
  auto booked = Book("deep-tissue-60", created["id"], "d@example.org");
  EXPECT_EQ(booked.status, 201u) << booked.body;
  auto unknown = Book("deep-tissue-60", 987654, "u@example.org");
  ASSERT_EQ(unknown.status, 404u) << unknown.body;
  EXPECT_EQ(FirstField(unknown), "assessment");
}

}  // namespace
}  // namespace unknot::api
