// Visit notes (issue 15) through the router: a draft prefilled from the self-assessment, autosave
// with versions, signing, addenda, the patient's notes, the fields named on bad input, and who
// may do what (front desk never; a practitioner on their own visits only).

#include "api/v1/visit_note_routes.hpp"

#include <gtest/gtest.h>

#include "api/staff_test_fixture.hpp"

namespace unknot::api {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;
using http::Method;

class VisitNoteRoutesTest : public StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    setup_ = *storage_->LoadSetup(clinic_.id).value();
    ana_ = storage_
               ->CreatePatient(clinic_.id, {core::PatientId{}, "Ana", "Ruiz", "ana@example.org",
                                            "+14155550142", clock_.Now()})
               .value();
    core::ports::StoredAssessment assessment;
    assessment.manage_token_hash = "hash";
    assessment.input_json = Json{
        {"knots",
         {{{"region", "upper_trapezius_ridge"},
           {"side", "right"},
           {"size", "small"},
           {"pain", 6},
           {"duration", "weeks"},
           {"sleep", "some"},
           {"limits_movement", true},
           {"movements", {"turning_head"}}}}},
        {"causes", Json::array()},
        {"answers", Json::object()},
        {"medications",
         Json::array()}}.dump();
    assessment.result_json = "{}";
    assessment.created_at = clock_.Now();
    assessment_ = storage_->CreateAssessment(clinic_.id, assessment).value();
    visit_ = Visit(maya_, "2026-11-26T17:00:00Z", assessment_);
    sams_visit_ = Visit(sam_, "2026-11-26T19:00:00Z", std::nullopt);
    maya_browser_ = SignIn("maya@clinic.test");
  }

  core::AppointmentId Visit(core::PractitionerId practitioner, const char* start,
                            std::optional<core::AssessmentId> assessment) {
    core::Instant begin = core::ParseInstant(start).value();
    core::RoomId room = setup_.rooms[practitioner == maya_ ? 0 : 1].id;
    Appointment a{.id = {},
                  .patient = ana_.id,
                  .practitioner = practitioner,
                  .service = setup_.services[1].id,
                  .room = room,
                  .time = core::Interval::Create(begin, begin + 30min).value(),
                  .blocked_until = begin + 30min,
                  .status = AppointmentStatus::kArrived,
                  .source = BookingSource::kPhone,
                  .created_at = clock_.Now(),
                  .updated_at = clock_.Now(),
                  .cancelled_at = std::nullopt,
                  .assessment = assessment};
    return storage_->InsertAppointment(clinic_.id, a).value().id;
  }

  std::string NotePath(core::AppointmentId visit) {
    return base_ + "/visits/" + std::to_string(visit.value()) + "/note";
  }

  Json Complete(std::int64_t version) {
    return {{"version", version},
            {"subjective",
             {{"words", "Sore after long desk days"},
              {"pain", 6},
              {"sleep", "some"},
              {"limits_movement", true},
              {"movements", {"turning_head"}}}},
            {"objective",
             {{"findings", "Taut band, right upper trapezius"},
              {"knots",
               {{{"region", "upper_trapezius_ridge"},
                 {"side", "right"},
                 {"size", "medium"},
                 {"tenderness", 2},
                 {"taut_band", true},
                 {"twitch_response", true},
                 {"reproduces_referral", true}},
                {{"region", "sacrum"},
                 {"side", nullptr},
                 {"size", "small"},
                 {"tenderness", 1},
                 {"taut_band", false},
                 {"twitch_response", false},
                 {"reproduces_referral", false}}}}}},
            {"treatment",
             {{"technique", "art"},
              {"muscles", {"upper_trapezius"}},
              {"minutes", 30},
              {"pressure", "firm"},
              {"pain_before", 6},
              {"pain_after", 3}}},
            {"assessment_plan", "Active trigger point; ART weekly for 4 weeks."}};
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(clinic_.id, filter).value().size();
  }

  core::clinic::ClinicSetup setup_;
  core::clinic::Patient ana_;
  core::AssessmentId assessment_;
  core::AppointmentId visit_;
  core::AppointmentId sams_visit_;
  Browser maya_browser_;
};

TEST_F(VisitNoteRoutesTest, ANewNoteIsADraftPrefilledFromTheSelfAssessment) {
  const std::size_t audits = AuditCount();
  http::Response r = Get(NotePath(visit_), maya_browser_);
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = Body(r);
  EXPECT_EQ(body["saved"], false);
  EXPECT_EQ(body["note"]["version"], 0);
  EXPECT_EQ(body["note"]["status"], "draft");
  EXPECT_EQ(body["note"]["content"]["subjective"]["pain"], 6);
  EXPECT_EQ(body["note"]["content"]["subjective"]["sleep"], "some");
  EXPECT_EQ(body["note"]["content"]["subjective"]["limits_movement"], true);
  EXPECT_EQ(body["note"]["content"]["subjective"]["movements"], Json{"turning_head"});
  EXPECT_EQ(body["self_assessment"]["id"], assessment_.value());
  ASSERT_EQ(body["self_assessment"]["knots"].size(), 1u);
  EXPECT_EQ(body["self_assessment"]["knots"][0]["region"], "upper_trapezius_ridge");
  EXPECT_EQ(body["patient"]["id"], ana_.id.value());
  EXPECT_EQ(body["visit"]["id"], visit_.value());
  EXPECT_GT(body["muscles"].size(), 10u);
  EXPECT_EQ(AuditCount(), audits + 1);  // the read is recorded
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
}

TEST_F(VisitNoteRoutesTest, DraftsAutosaveWithVersionsThenSignAndAddenda) {
  http::Response first = Send(Method::kPut, NotePath(visit_), Complete(0), &maya_browser_);
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(Body(first)["note"]["version"], 1);
  EXPECT_EQ(Body(first)["note"]["author"]["id"], maya_account_.id.value());

  Json edited = Complete(1);
  edited["assessment_plan"] = "Active trigger point; ART weekly for 3 weeks.";
  http::Response second = Send(Method::kPut, NotePath(visit_), edited, &maya_browser_);
  ASSERT_EQ(second.status, 200u) << second.body;
  EXPECT_EQ(Body(second)["note"]["version"], 2);
  EXPECT_EQ(Body(second)["note"]["content"]["objective"]["knots"].size(), 2u);

  // Another tab still at version 1: 409 with the note as it is now.
  http::Response stale = Send(Method::kPut, NotePath(visit_), Complete(1), &maya_browser_);
  ASSERT_EQ(stale.status, 409u) << stale.body;
  EXPECT_EQ(Body(stale)["note"]["version"], 2);
  EXPECT_EQ(Body(stale)["note"]["content"]["assessment_plan"],
            "Active trigger point; ART weekly for 3 weeks.");

  http::Response stale_sign =
      Send(Method::kPost, NotePath(visit_) + "/sign", Json{{"version", 1}}, &maya_browser_);
  EXPECT_EQ(stale_sign.status, 409u) << stale_sign.body;
  http::Response early_addendum = Send(Method::kPost, NotePath(visit_) + "/addenda",
                                       Json{{"text", "too early"}}, &maya_browser_);
  EXPECT_EQ(early_addendum.status, 409u) << early_addendum.body;

  http::Response signed_note =
      Send(Method::kPost, NotePath(visit_) + "/sign", Json{{"version", 2}}, &maya_browser_);
  ASSERT_EQ(signed_note.status, 200u) << signed_note.body;
  EXPECT_EQ(Body(signed_note)["note"]["status"], "signed");
  EXPECT_EQ(Body(signed_note)["note"]["signed_by"]["id"], maya_account_.id.value());
  EXPECT_EQ(Body(signed_note)["note"]["signed_by"]["name"], "Test practitioner");
  EXPECT_EQ(Body(signed_note)["note"]["signed_at"], "2026-11-26T18:00:00Z");

  // Signed: never saved over, never signed again.
  http::Response over = Send(Method::kPut, NotePath(visit_), Complete(3), &maya_browser_);
  ASSERT_EQ(over.status, 409u) << over.body;
  EXPECT_EQ(Body(over)["note"]["status"], "signed");
  EXPECT_EQ(
      Send(Method::kPost, NotePath(visit_) + "/sign", Json{{"version", 3}}, &maya_browser_).status,
      409u);

  http::Response addendum = Send(Method::kPost, NotePath(visit_) + "/addenda",
                                 Json{{"text", "Called next day: pain 2/10."}}, &maya_browser_);
  ASSERT_EQ(addendum.status, 201u) << addendum.body;
  ASSERT_EQ(Body(addendum)["note"]["addenda"].size(), 1u);
  EXPECT_EQ(Body(addendum)["note"]["addenda"][0]["sequence"], 1);
  EXPECT_EQ(Body(addendum)["note"]["addenda"][0]["text"], "Called next day: pain 2/10.");
  EXPECT_EQ(Body(addendum)["note"]["version"], 3);

  // The patient's notes, with the addendum; the owner may read them too.
  Browser owner = SignIn("owner@clinic.test");
  http::Response notes =
      Get(base_ + "/patients/" + std::to_string(ana_.id.value()) + "/notes", owner);
  ASSERT_EQ(notes.status, 200u) << notes.body;
  ASSERT_EQ(Body(notes)["notes"].size(), 1u);
  EXPECT_EQ(Body(notes)["notes"][0]["note"]["addenda"].size(), 1u);
  EXPECT_EQ(Body(notes)["notes"][0]["visit"]["id"], visit_.value());
}

TEST_F(VisitNoteRoutesTest, BadInputNamesTheFieldAndWritesNothing) {
  const std::size_t audits = AuditCount();
  Json body = Complete(0);
  body["objective"]["knots"][1]["tenderness"] = 5;
  http::Response r = Send(Method::kPut, NotePath(visit_), body, &maya_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(Body(r)["errors"][0]["field"], "objective.knots[1].tenderness");

  body = Complete(0);
  body["treatment"]["muscles"] = {"upper_trapezius", "biceps"};
  r = Send(Method::kPut, NotePath(visit_), body, &maya_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(Body(r)["errors"][0]["field"], "treatment.muscles[1]");

  body = Complete(0);
  body["treatment"]["pressure"] = "crushing";
  r = Send(Method::kPut, NotePath(visit_), body, &maya_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(Body(r)["errors"][0]["field"], "treatment.pressure");

  body = Complete(0);
  body.erase("version");
  r = Send(Method::kPut, NotePath(visit_), body, &maya_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(Body(r)["errors"][0]["field"], "version");

  // A draft without the treatment cannot be signed: the field is named, and it stays a draft.
  Json draft = {{"version", 0}, {"subjective", {{"pain", 5}}}};
  ASSERT_EQ(Send(Method::kPut, NotePath(visit_), draft, &maya_browser_).status, 200u);
  r = Send(Method::kPost, NotePath(visit_) + "/sign", Json{{"version", 1}}, &maya_browser_);
  ASSERT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(Body(r)["errors"][0]["field"], "treatment.technique");
  EXPECT_EQ(storage_->FindVisitNote(clinic_.id, visit_).value()->status,
            core::clinical::NoteStatus::kDraft);
  EXPECT_EQ(AuditCount(), audits + 6);  // 4 refusals recorded by the gate, 1 save, 1 refusal
}

TEST_F(VisitNoteRoutesTest, FrontDeskNeverSeesOrWritesNotes) {
  ASSERT_EQ(Send(Method::kPut, NotePath(visit_), Complete(0), &maya_browser_).status, 200u);
  Browser desk = SignIn("desk@clinic.test");
  EXPECT_EQ(Get(NotePath(visit_), desk).status, 403u);
  EXPECT_EQ(Send(Method::kPut, NotePath(visit_), Complete(1), &desk).status, 403u);
  EXPECT_EQ(Send(Method::kPost, NotePath(visit_) + "/sign", Json{{"version", 1}}, &desk).status,
            403u);
  EXPECT_EQ(Send(Method::kPost, NotePath(visit_) + "/addenda", Json{{"text", "x"}}, &desk).status,
            403u);
  EXPECT_EQ(Get(base_ + "/patients/" + std::to_string(ana_.id.value()) + "/notes", desk).status,
            403u);
  EXPECT_EQ(storage_->FindVisitNote(clinic_.id, visit_).value()->version, 1);
}

TEST_F(VisitNoteRoutesTest, APractitionerWritesOnlyTheNotesOfTheirOwnVisits) {
  // Sam's visit with Ana: Maya treats Ana too, so she may read it, but not write it.
  EXPECT_EQ(Get(NotePath(sams_visit_), maya_browser_).status, 200u);
  EXPECT_EQ(Send(Method::kPut, NotePath(sams_visit_), Complete(0), &maya_browser_).status, 403u);
  EXPECT_FALSE(storage_->FindVisitNote(clinic_.id, sams_visit_).value().has_value());
  // Another clinic's owner: not found.
  Browser stranger = SignIn("owner@other.test", "other-clinic");
  EXPECT_EQ(Get("/api/v1/clinics/other-clinic/visits/" + std::to_string(visit_.value()) + "/note",
                stranger)
                .status,
            404u);
  EXPECT_EQ(Get(NotePath(core::AppointmentId{999999}), maya_browser_).status, 404u);
}

}  // namespace
}  // namespace unknot::api
