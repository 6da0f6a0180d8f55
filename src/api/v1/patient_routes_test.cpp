#include "api/v1/patient_routes.hpp"

#include "api/v1/staff_routes_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using core::staff::AuditEntry;
using core::staff::StaffRole;

class PatientRoutesTest : public StaffRoutesFixture {
 protected:
  void SetUp() override {
    StaffRoutesFixture::SetUp();
    v1::AddPatientRoutes(*staff_routes_, *storage_);
    ana_ = AddPatient("Ana", "Ruiz", "ana.ruiz@example.org", "+14155550142");
    ben_ = AddPatient("Ben", "Okoye", "ben@okoye.example.com", "+14155550199");
    carla_ = AddPatient("Carla", "Ruiz", "carla@mail.test", "+14155550100");
  }

  std::string PatientPath(const core::clinic::Patient& patient) const {
    return base_ + "/patients/" + std::to_string(patient.id.value());
  }

  static std::vector<std::string> Names(const http::Response& response) {
    std::vector<std::string> names;
    const Json body = Body(response);
    for (const auto& p : body["patients"]) {
      names.push_back(p["given_name"].get<std::string>() + " " +
                      p["family_name"].get<std::string>());
    }
    return names;
  }

  core::AssessmentId AddAssessment() {
    core::ports::StoredAssessment assessment;
    assessment.outcome = core::clinical::Outcome::kSeeChiropractorFirst;
    assessment.manage_token_hash = "hash-of-a-token";
    assessment.input_json =
        R"({"knots":[{"region":"upper_trapezius","side":"left","pain":6}],"answers":{}})";
    assessment.result_json =
        R"({"outcome":"see_chiropractor_first","reasons":["pain after a car accident"]})";
    assessment.created_at = core::ParseInstant("2026-11-20T17:00:00Z").value();
    auto id = storage_->CreateAssessment(clinic_.id, assessment);
    EXPECT_TRUE(id) << id.error().message();
    return id.value_or(core::AssessmentId{});
  }

  core::clinic::Patient ana_;
  core::clinic::Patient ben_;
  core::clinic::Patient carla_;
};

TEST_F(PatientRoutesTest, SearchMatchesEveryWordAgainstNameEmailOrPhone) {
  auto r = StaffGet(&desk_, base_ + "/patients?q=ruiz");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Names(r), (std::vector<std::string>{"Ana Ruiz", "Carla Ruiz"}));  // family, given
  EXPECT_EQ(Names(StaffGet(&desk_, base_ + "/patients?q=RUIZ+ana")),
            std::vector<std::string>{"Ana Ruiz"});
  EXPECT_EQ(Names(StaffGet(&desk_, base_ + "/patients?q=okoye.example")),
            std::vector<std::string>{"Ben Okoye"});
  EXPECT_EQ(Names(StaffGet(&desk_, base_ + "/patients?q=0199")),
            std::vector<std::string>{"Ben Okoye"});
  EXPECT_EQ(Names(StaffGet(&desk_, base_ + "/patients?q=%2B1415555")).size(), 3u);
  EXPECT_TRUE(Names(StaffGet(&desk_, base_ + "/patients?q=ruiz+okoye")).empty());
  EXPECT_EQ(Names(StaffGet(&desk_, base_ + "/patients")).size(), 3u);
  EXPECT_EQ(Names(StaffGet(&desk_, base_ + "/patients?q=")).size(), 3u);
}

TEST_F(PatientRoutesTest, SearchListsContactAndNextAndLastAppointment) {
  AddAppointment(ana_, 0, "2026-11-20T17:00:00Z");
  AddAppointment(ana_, 0, "2026-12-01T17:00:00Z");
  AddAppointment(ana_, 0, "2026-11-30T17:00:00Z", std::nullopt, 1,
                 core::scheduling::AppointmentStatus::kCancelled);
  auto r = StaffGet(&desk_, base_ + "/patients?q=ana");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r), Json::parse(R"({"patients": [{"id": )" + std::to_string(ana_.id.value()) +
                                 R"(, "given_name": "Ana", "family_name": "Ruiz",
      "email": "ana.ruiz@example.org", "phone": "+14155550142",
      "next_appointment": "2026-12-01T17:00:00Z", "last_appointment": "2026-11-20T17:00:00Z"}],
      "page": 1, "per_page": 25, "more": false})"));
  auto none = Body(StaffGet(&desk_, base_ + "/patients?q=ben"))["patients"][0];
  EXPECT_TRUE(none["next_appointment"].is_null());
  EXPECT_TRUE(none["last_appointment"].is_null());
}

TEST_F(PatientRoutesTest, SearchPagesWithMore) {
  auto first = StaffGet(&desk_, base_ + "/patients?per_page=2");
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(Names(first), (std::vector<std::string>{"Ben Okoye", "Ana Ruiz"}));
  EXPECT_EQ(Body(first)["more"], true);
  EXPECT_EQ(Body(first)["page"], 1);
  EXPECT_EQ(Body(first)["per_page"], 2);
  auto second = StaffGet(&desk_, base_ + "/patients?per_page=2&page=2");
  EXPECT_EQ(Names(second), std::vector<std::string>{"Carla Ruiz"});
  EXPECT_EQ(Body(second)["more"], false);
  EXPECT_EQ(Body(second)["page"], 2);
  auto past = StaffGet(&desk_, base_ + "/patients?per_page=2&page=9");
  ASSERT_EQ(past.status, 200u);
  EXPECT_TRUE(Names(past).empty());
  EXPECT_EQ(Body(past)["more"], false);
  auto exact = StaffGet(&desk_, base_ + "/patients?per_page=3");
  EXPECT_EQ(Body(exact)["more"], false);
}

TEST_F(PatientRoutesTest, BadSearchParametersAreNamed) {
  struct Case {
    std::string query;
    std::string field;
  };
  const std::string long_text(201, 'a');
  for (const Case& c : std::vector<Case>{{"page=0", "page"},
                                         {"page=-1", "page"},
                                         {"page=two", "page"},
                                         {"page=1.5", "page"},
                                         {"page=100001", "page"},
                                         {"per_page=0", "per_page"},
                                         {"per_page=101", "per_page"},
                                         {"per_page=1e2", "per_page"},
                                         {"q=" + long_text, "q"},
                                         {"q=ana%01", "q"},
                                         {"q=ana%09ruiz", "q"},
                                         {"q=ana%0Aruiz", "q"},
                                         {"q=a+b+c+d+e+f+g+h+i", "q"}}) {
    auto r = StaffGet(&desk_, base_ + "/patients?" + c.query);
    EXPECT_EQ(r.status, 400u) << c.query << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json") << c.query;
    EXPECT_EQ(FirstField(r), c.field) << c.query;
  }
  // 200 characters is the limit, counted as characters rather than bytes.
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "%C3%A9";  // é
  EXPECT_EQ(StaffGet(&desk_, base_ + "/patients?q=" + accented).status, 200u);
  EXPECT_EQ(StaffGet(&desk_, base_ + "/patients?q=" + std::string(200, 'a')).status, 200u);
}

TEST_F(PatientRoutesTest, FrontDeskSearchesEveryPatientAPractitionerOnlyTheirOwn) {
  AddAppointment(ana_, 0, "2026-11-20T17:00:00Z");  // Dr. Okafor
  AddAppointment(ben_, 1, "2026-11-20T18:00:00Z");  // Dr. Reyes
  // A cancelled visit does not make Carla Dr. Okafor's patient.
  AddAppointment(carla_, 0, "2026-11-21T17:00:00Z", std::nullopt, 0,
                 core::scheduling::AppointmentStatus::kCancelled);
  EXPECT_EQ(Names(StaffGet(&desk_, base_ + "/patients")).size(), 3u);
  EXPECT_EQ(Names(StaffGet(&owner_, base_ + "/patients")).size(), 3u);
  EXPECT_EQ(Names(StaffGet(&okafor_, base_ + "/patients")), std::vector<std::string>{"Ana Ruiz"});
  EXPECT_EQ(Names(StaffGet(&okafor_, base_ + "/patients?q=ruiz")),
            std::vector<std::string>{"Ana Ruiz"});
  EXPECT_TRUE(Names(StaffGet(&okafor_, base_ + "/patients?q=ben")).empty());
  EXPECT_EQ(Names(StaffGet(&other_practitioner_, base_ + "/patients")),
            std::vector<std::string>{"Ben Okoye"});
}

TEST_F(PatientRoutesTest, ASearchIsRecordedWithoutItsText) {
  const auto before = AuditLog().size();
  auto r = StaffGet(&desk_, base_ + "/patients?q=ruiz&per_page=1", "req-search-1");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto log = AuditLog();
  ASSERT_EQ(log.size(), before + 1);
  const AuditEntry& entry = log[0];
  EXPECT_EQ(entry.staff, desk_.account.id);
  EXPECT_EQ(entry.staff_email, "desk@example.org");
  EXPECT_EQ(entry.role, StaffRole::kFrontDesk);
  EXPECT_EQ(entry.action, "search_patients");
  EXPECT_EQ(entry.patient, std::nullopt);
  EXPECT_EQ(entry.record, "patients");
  EXPECT_EQ(entry.detail, "search: 1 results (page 1)");
  EXPECT_EQ(entry.request_id, "req-search-1");
  EXPECT_EQ(entry.client_address, "203.0.113.7");
  EXPECT_EQ(entry.at, clock_.Now());
  for (const auto& e : log) {
    EXPECT_EQ(e.detail.find("ruiz"), std::string::npos) << e.detail;
    EXPECT_EQ(e.record.find("ruiz"), std::string::npos) << e.record;
  }
  // A refused search leaves one entry too (the gate's), still without the text.
  auto bad = StaffGet(&desk_, base_ + "/patients?q=ruiz%01", "req-search-2");
  ASSERT_EQ(bad.status, 400u);
  log = AuditLog();
  ASSERT_EQ(log.size(), before + 2);
  EXPECT_EQ(log[0].request_id, "req-search-2");
  EXPECT_EQ(log[0].detail.find("ruiz"), std::string::npos) << log[0].detail;
  EXPECT_EQ(log[0].record.find("ruiz"), std::string::npos) << log[0].record;
}

TEST_F(PatientRoutesTest, TheRecordSaysWhenMailToTheCurrentAddressBounced) {
  const core::ClinicId clinic = clinic_.id;
  ASSERT_TRUE(storage_->MarkEmailBounced(clinic, ana_.id, "old@example.org", "550", clock_.Now()));
  EXPECT_EQ(Body(StaffGet(&desk_, PatientPath(ana_)))["patient"]["email_bounced"], false);
  ASSERT_TRUE(
      storage_->MarkEmailBounced(clinic, ana_.id, "ana.ruiz@example.org", "550", clock_.Now()));
  EXPECT_EQ(Body(StaffGet(&desk_, PatientPath(ana_)))["patient"]["email_bounced"], true);
}

TEST_F(PatientRoutesTest, TheRecordHoldsContactAppointmentsAndTheAssessmentTheyFollowed) {
  core::AssessmentId assessment = AddAssessment();
  auto first = AddAppointment(ana_, 0, "2026-11-20T17:00:00Z", assessment);
  auto second = AddAppointment(ana_, 1, "2026-12-02T19:00:00Z", assessment, 1);
  auto r = StaffGet(&desk_, PatientPath(ana_));
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = Body(r);
  EXPECT_EQ(body["patient"], Json::parse(R"({"id": )" + std::to_string(ana_.id.value()) +
                                         R"(, "given_name": "Ana", "family_name": "Ruiz",
      "email": "ana.ruiz@example.org", "phone": "+14155550142",
      "created_at": "2026-11-26T18:00:00Z", "email_bounced": false})"));
  ASSERT_EQ(body["appointments"].size(), 2u);
  const Json& newest = body["appointments"][0];
  EXPECT_EQ(newest["id"], second.id.value());
  EXPECT_EQ(newest["start"], "2026-12-02T19:00:00Z");
  EXPECT_EQ(newest["end"], "2026-12-02T19:30:00Z");
  EXPECT_EQ(newest["local_start"], "2026-12-02T11:00:00");
  EXPECT_EQ(newest["status"], "booked");
  EXPECT_EQ(newest["source"], "online");
  EXPECT_EQ(newest["practitioner"], (Json{{"id", setup_.practitioners[1].id.value()},
                                          {"display_name", "Dr. Daniel Reyes, DC"}}));
  EXPECT_EQ(newest["service"]["id"], setup_.services[0].id.value());
  EXPECT_EQ(newest["service"]["name"], "New-patient assessment");
  EXPECT_EQ(newest["room"],
            (Json{{"id", setup_.rooms[1].id.value()}, {"name", "Adjustment Room 2"}}));
  EXPECT_EQ(newest["assessment_id"], assessment.value());
  EXPECT_EQ(body["appointments"][1]["id"], first.id.value());
  // Two appointments followed the same assessment: it is listed once, as stored.
  ASSERT_EQ(body["assessments"].size(), 1u);
  EXPECT_EQ(body["assessments"][0],
            Json::parse(R"({"id": )" + std::to_string(assessment.value()) + R"(,
      "created_at": "2026-11-20T17:00:00Z", "outcome": "see_chiropractor_first",
      "input": {"knots": [{"region": "upper_trapezius", "side": "left", "pain": 6}],
                "answers": {}},
      "result": {"outcome": "see_chiropractor_first",
                 "reasons": ["pain after a car accident"]}})"));
}

TEST_F(PatientRoutesTest, APatientWithoutAppointmentsHasAnEmptyRecord) {
  auto r = StaffGet(&owner_, PatientPath(carla_));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["appointments"], Json::array());
  EXPECT_EQ(Body(r)["assessments"], Json::array());
}

TEST_F(PatientRoutesTest, APractitionerOpensOnlyTheirOwnPatients) {
  AddAppointment(ana_, 0, "2026-11-20T17:00:00Z", AddAssessment());
  AddAppointment(ben_, 1, "2026-11-20T18:00:00Z");
  auto own = StaffGet(&okafor_, PatientPath(ana_));
  ASSERT_EQ(own.status, 200u) << own.body;
  EXPECT_EQ(Body(own)["assessments"].size(), 1u);  // own_patients for self-assessments too
  const auto before = AuditLog().size();
  auto theirs = StaffGet(&okafor_, PatientPath(ben_), "req-refused");
  EXPECT_EQ(theirs.status, 403u) << theirs.body;
  EXPECT_EQ(theirs.content_type, "application/problem+json");
  EXPECT_EQ(theirs.body.find("Okoye"), std::string::npos);
  // The refused attempt is recorded against the patient, once.
  auto log = AuditLog();
  ASSERT_EQ(log.size(), before + 1);
  EXPECT_EQ(log[0].staff, okafor_.account.id);
  EXPECT_EQ(log[0].action, "view_patient_contact");
  EXPECT_EQ(log[0].patient, ben_.id);
  EXPECT_EQ(log[0].record, "patient/" + std::to_string(ben_.id.value()));
  EXPECT_EQ(log[0].request_id, "req-refused");
  EXPECT_TRUE(log[0].detail.starts_with("refused")) << log[0].detail;
  // Nobody's patient yet: no practitioner may open it, the desk may.
  EXPECT_EQ(StaffGet(&okafor_, PatientPath(carla_)).status, 403u);
  EXPECT_EQ(StaffGet(&other_practitioner_, PatientPath(carla_)).status, 403u);
  EXPECT_EQ(StaffGet(&other_practitioner_, PatientPath(ben_)).status, 200u);
  EXPECT_EQ(StaffGet(&desk_, PatientPath(carla_)).status, 200u);
}

// The calendar's appointment view reads the assessment one appointment followed: the desk and
// the appointment's practitioner may, another practitioner may not; each read is recorded.
TEST_F(PatientRoutesTest, AnAppointmentsAssessmentIsReadForTheCalendar) {
  core::AssessmentId assessment = AddAssessment();
  auto followed = AddAppointment(ana_, 0, "2026-11-20T17:00:00Z", assessment);
  auto without = AddAppointment(ben_, 1, "2026-11-20T18:00:00Z");
  auto path = [&](const core::scheduling::Appointment& a) {
    return base_ + "/calendar/appointments/" + std::to_string(a.id.value()) + "/assessment";
  };
  auto r = StaffGet(&desk_, path(followed));
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = Body(r);
  EXPECT_EQ(body["id"], assessment.value());
  EXPECT_EQ(body["outcome"], "see_chiropractor_first");
  EXPECT_EQ(body["input"]["knots"][0]["region"], "upper_trapezius");
  EXPECT_EQ(body["result"]["reasons"][0], "pain after a car accident");
  auto log = AuditLog();
  EXPECT_EQ(log[0].action, "view_self_assessment");
  EXPECT_EQ(log[0].patient, ana_.id);
  EXPECT_EQ(log[0].record, "appointment/" + std::to_string(followed.id.value()) + "/assessment");

  EXPECT_EQ(StaffGet(&okafor_, path(followed)).status, 200u);
  const auto before = AuditLog().size();
  EXPECT_EQ(StaffGet(&other_practitioner_, path(followed)).status, 403u);
  EXPECT_EQ(AuditLog().size(), before + 1);
  EXPECT_EQ(StaffGet(&desk_, path(without)).status, 404u);
  EXPECT_EQ(StaffGet(&desk_, base_ + "/calendar/appointments/999999/assessment").status, 404u);
  EXPECT_EQ(StaffGet(&desk_, base_ + "/calendar/appointments/x/assessment").status, 404u);
}

TEST_F(PatientRoutesTest, AnotherClinicsPatientIsNotFound) {
  core::clinic::ClinicSetup other = app::DemoClinicSetup(clock_.Now()).value();
  other.clinic.slug = "other-clinic";
  auto created = storage_->CreateClinic(other);
  ASSERT_TRUE(created) << created.error().message();
  auto stranger =
      AddPatient("Dora", "Elsewhere", "dora@example.org", "+14155550111", created->clinic.id);
  const auto before = AuditLog().size();
  for (const std::string& path :
       {PatientPath(stranger), base_ + "/patients/999999", base_ + "/patients/abc",
        base_ + "/patients/0", base_ + "/patients/-3"}) {
    auto r = StaffGet(&owner_, path);
    EXPECT_EQ(r.status, 404u) << path << ": " << r.body;
    EXPECT_EQ(r.body.find("Dora"), std::string::npos);
  }
  // Each refusal left the gate's entry, naming no patient.
  auto log = AuditLog();
  ASSERT_EQ(log.size(), before + 5);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(log[i].patient, std::nullopt);
  // And this clinic's staff cannot reach the other clinic's patients by its slug.
  EXPECT_EQ(StaffGet(&owner_, "/api/v1/clinics/other-clinic/patients").status, 404u);
}

TEST_F(PatientRoutesTest, SignedOutIsUnauthenticated) {
  for (const std::string& path : {base_ + "/patients", PatientPath(ana_)}) {
    auto r = StaffGet(nullptr, path);
    EXPECT_EQ(r.status, 401u) << path;
    EXPECT_EQ(r.body.find("Ana"), std::string::npos);
    SignedIn forged = desk_;
    forged.cookie = "unknot_session=" + std::string(43, 'A');
    EXPECT_EQ(StaffGet(&forged, path).status, 401u) << path;
  }
}

TEST_F(PatientRoutesTest, OpeningARecordLeavesExactlyOneEntry) {
  AddAppointment(ana_, 0, "2026-11-20T17:00:00Z", AddAssessment());
  AddAppointment(ana_, 0, "2026-11-27T17:00:00Z");
  const auto before = AuditLog().size();
  auto r = StaffGet(&okafor_, PatientPath(ana_), "req-record");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto log = AuditLog();
  ASSERT_EQ(log.size(), before + 1);
  const AuditEntry& entry = log[0];
  EXPECT_EQ(entry.staff, okafor_.account.id);
  EXPECT_EQ(entry.staff_email, "okafor@example.org");
  EXPECT_EQ(entry.role, StaffRole::kPractitioner);
  EXPECT_EQ(entry.action, "view_patient_contact");
  EXPECT_EQ(entry.patient, ana_.id);
  EXPECT_EQ(entry.record, "patient/" + std::to_string(ana_.id.value()));
  EXPECT_EQ(entry.detail, "2 appointments, 1 self-assessments");
  EXPECT_EQ(entry.request_id, "req-record");
  EXPECT_EQ(entry.client_address, "203.0.113.7");
  // The entry is in the patient's trail.
  core::ports::AuditFilter filter;
  filter.patient = ana_.id;
  EXPECT_EQ(AuditLog(filter).size(), 1u);
}

TEST_F(PatientRoutesTest, EveryAnswerSaysNoStore) {
  AddAppointment(ben_, 1, "2026-11-20T18:00:00Z");
  for (const auto& [who, path] :
       std::vector<std::pair<const SignedIn*, std::string>>{{&desk_, base_ + "/patients"},
                                                            {&desk_, base_ + "/patients?page=0"},
                                                            {&desk_, PatientPath(ana_)},
                                                            {&desk_, base_ + "/patients/999999"},
                                                            {&okafor_, PatientPath(ben_)},
                                                            {nullptr, PatientPath(ana_)}}) {
    auto r = StaffGet(who, path);
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store") << path << " " << r.status;
  }
}

}  // namespace
}  // namespace unknot::api
