#include "core/clinical/visit_note.hpp"

#include <gtest/gtest.h>

namespace unknot::core::clinical {
namespace {

using namespace std::chrono_literals;

Knowledge Small() {
  Knowledge k;
  k.regions = {{"upper_trapezius_ridge", "Top of the shoulder", "shoulder_girdle", true},
               {"sacrum", "Sacrum", "low_back_pelvis", false}};
  k.muscles = {{"upper_trapezius", "Upper trapezius", "", {}, {}, {}, {Treatment::kArt}},
               {"levator_scapulae", "Levator scapulae", "", {}, {}, {}, {Treatment::kArt}}};
  return k;
}

// A note that can be signed.
VisitNoteContent Complete() {
  VisitNoteContent c;
  c.subjective = {"Sore at the desk", 6, SleepEffect::kSome, true, {"turning_head"}};
  c.objective.findings = "Taut band in the right upper trapezius";
  c.objective.knots = {
      {"upper_trapezius_ridge", Side::kRight, FindingSize::kMedium, 2, true, true, true},
      {"sacrum", Side::kNone, FindingSize::kSmall, 1, false, false, false}};
  c.treatment = {Technique::kArt, {"upper_trapezius"}, 30min, Pressure::kFirm, 6, 3};
  c.assessment_plan = "Active trigger point; ART weekly, review in two weeks.";
  return c;
}

std::string FieldOf(const Result<void>& r) {
  return r ? "" : (r.error().fields().empty() ? "?" : r.error().fields()[0].field);
}

TEST(VisitNote, NamesRoundTrip) {
  for (auto size : {FindingSize::kSmall, FindingSize::kMedium, FindingSize::kLarge}) {
    EXPECT_EQ(ParseFindingSize(ToString(size)), size);
  }
  EXPECT_EQ(ToString(Technique::kDeepTissueMassage), "deep_tissue_massage");
  EXPECT_EQ(ParseTechnique("art"), Technique::kArt);
  EXPECT_EQ(ParseTechnique("deep_tissue"), std::nullopt);
  EXPECT_EQ(ParsePressure("firm"), Pressure::kFirm);
  EXPECT_EQ(ParseNoteStatus("signed"), NoteStatus::kSigned);
}

TEST(VisitNote, CompleteNoteIsValidForSigning) {
  EXPECT_TRUE(ValidateDraft(Small(), Complete()));
  EXPECT_TRUE(ValidateForSigning(Small(), Complete()));
}

TEST(VisitNote, EmptyDraftMaySaveButNotSign) {
  VisitNoteContent empty;
  EXPECT_TRUE(ValidateDraft(Small(), empty));
  EXPECT_EQ(FieldOf(ValidateForSigning(Small(), empty)), "subjective.pain");
}

TEST(VisitNote, DraftErrorsNameTheField) {
  VisitNoteContent c = Complete();
  c.objective.knots[1].tenderness = 4;
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "objective.knots[1].tenderness");

  c = Complete();
  c.objective.knots[0].region = "elbow";
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "objective.knots[0].region");

  c = Complete();
  c.objective.knots[0].side = Side::kNone;
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "objective.knots[0].side");

  c = Complete();
  c.objective.knots[1].side = Side::kLeft;
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "objective.knots[1].side");

  c = Complete();
  c.treatment.muscles = {"upper_trapezius", "biceps"};
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "treatment.muscles[1]");

  c = Complete();
  c.treatment.muscles = {"upper_trapezius", "upper_trapezius"};
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "treatment.muscles[1]");

  c = Complete();
  c.subjective.pain = 11;
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "subjective.pain");

  c = Complete();
  c.treatment.pain_after = -1;
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "treatment.pain_after");

  c = Complete();
  c.treatment.minutes = 241min;
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "treatment.minutes");

  c = Complete();
  c.subjective.movements = {"juggling"};
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "subjective.movements[0]");

  c = Complete();
  c.subjective.limits_movement = false;
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "subjective.movements");

  c = Complete();
  c.assessment_plan = std::string(kMaxNoteText + 1, 'x');
  EXPECT_EQ(FieldOf(ValidateDraft(Small(), c)), "assessment_plan");
}

TEST(VisitNote, SigningNeedsTheTreatmentAndThePlan) {
  VisitNoteContent c = Complete();
  c.treatment.technique.reset();
  EXPECT_EQ(FieldOf(ValidateForSigning(Small(), c)), "treatment.technique");
  c = Complete();
  c.treatment.minutes = 0min;
  EXPECT_EQ(FieldOf(ValidateForSigning(Small(), c)), "treatment.minutes");
  c = Complete();
  c.treatment.pain_before.reset();
  EXPECT_EQ(FieldOf(ValidateForSigning(Small(), c)), "treatment.pain_before");
  c = Complete();
  c.assessment_plan = "  \n";
  EXPECT_EQ(FieldOf(ValidateForSigning(Small(), c)), "assessment_plan");
}

TEST(VisitNote, AddendumText) {
  EXPECT_TRUE(ValidateAddendum("Patient called: less pain next day."));
  EXPECT_EQ(FieldOf(ValidateAddendum(" ")), "text");
  EXPECT_EQ(FieldOf(ValidateAddendum(std::string(kMaxAddendumText + 1, 'x'))), "text");
}

TEST(VisitNote, SubjectiveIsPrefilledFromTheSelfAssessment) {
  AssessmentInput input;
  Knot neck{"upper_trapezius_ridge", Side::kRight, KnotSize::kSmall,           4, Duration::kWeeks,
            SleepEffect::kSevere,    true,         {"walking", "turning_head"}};
  Knot back{"sacrum",
            Side::kNone,
            KnotSize::kLarge,
            7,
            Duration::kDays,
            SleepEffect::kSome,
            true,
            {"turning_head", "bending_forward"}};
  input.knots = {neck, back};
  Subjective s = SubjectiveFrom(input);
  EXPECT_EQ(s.pain, 7);
  EXPECT_EQ(s.sleep, SleepEffect::kSevere);
  EXPECT_TRUE(s.limits_movement);
  EXPECT_EQ(s.movements, (std::vector<std::string>{"turning_head", "bending_forward", "walking"}));
  EXPECT_EQ(s.words, "");
  EXPECT_TRUE(ValidateDraft(Small(), {s, {}, {}, ""}));

  AssessmentInput calm;
  calm.knots = {
      {"sacrum", Side::kNone, KnotSize::kSmall, 2, Duration::kDays, SleepEffect::kNone, false, {}}};
  s = SubjectiveFrom(calm);
  EXPECT_EQ(s.pain, 2);
  EXPECT_EQ(s.sleep, SleepEffect::kNone);
  EXPECT_FALSE(s.limits_movement);
  EXPECT_TRUE(s.movements.empty());
}

}  // namespace
}  // namespace unknot::core::clinical
