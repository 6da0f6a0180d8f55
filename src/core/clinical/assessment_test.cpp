#include "core/clinical/assessment.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace unknot::core::clinical {
namespace {

Condition Is(std::string answer, std::string value) {
  return {Condition::Kind::kIs, {}, std::move(answer), {std::move(value)}};
}
Condition Any(std::vector<Condition> children) {
  return {Condition::Kind::kAny, std::move(children), "", {}};
}
Condition All(std::vector<Condition> children) {
  return {Condition::Kind::kAll, std::move(children), "", {}};
}

// A small knowledge: two regions, three muscles, a few rules.
Knowledge Small() {
  Knowledge k;
  k.regions = {{"neck", "Neck", "head_neck", true},
               {"shoulder", "Shoulder", "shoulder_girdle", true},
               {"sacrum", "Sacrum", "low_back_pelvis", false},
               {"calf", "Calf", "leg", true}};
  k.causes = {{"desk_hours", "Desk", CauseKind::kMicrotrauma},
              {"fall", "A fall", CauseKind::kAcuteTrauma}};
  k.muscles = {
      {"refers_to_neck", "A", "", {"shoulder"}, {"neck"}, {}, {Treatment::kDeepTissue}},
      {"lies_in_neck", "B", "", {"neck"}, {"shoulder"}, {"desk_hours"}, {Treatment::kArt}},
      {"both_in_neck", "C", "", {"neck"}, {"neck"}, {}, {Treatment::kArt, Treatment::kDeepTissue}},
  };
  k.questions = {{"fever", "Fever?", QuestionKind::kYesNo, {}},
                 {"saddle", "Saddle?", QuestionKind::kYesNo, {}},
                 {"age_band", "Age?", QuestionKind::kChoice, {{"young", "Young"}, {"old", "Old"}}},
                 {"visited_before", "Visited?", QuestionKind::kYesNo, {}}};
  k.rules = {
      {"infection", Outcome::kMedicalCareSoon, Is("fever", "yes"), "fever", "doctor"},
      {"cauda", Outcome::kEmergency, Any({Is("saddle", "yes"), Is("below_knee", "both_sides")}),
       "saddle", "ER"},
      {"injury", Outcome::kSeeChiropractorFirst, Is("cause_kind", "acute_trauma"), "injury",
       "assess"},
      {"old_and_fall", Outcome::kMedicalCareSoon, All({Is("age_band", "old"), Is("cause", "fall")}),
       "fragile", "doctor"},
  };
  k.routines = {
      {"r1", {"lies_in_neck", "both_in_neck"}, Tool::kBall, "how", 30, 90, 1, 3, "daily", "", {}},
      {"r2", {"refers_to_neck"}, Tool::kFoamRoller, "how", 30, 120, 1, 3, "daily", "", {}}};
  k.prevention = {{"desk", {"desk_hours"}, "move"}};
  return k;
}

Knot At(const char* region, Side side, int pain = 5) {
  Knot k;
  k.region = region;
  k.side = side;
  k.pain = pain;
  return k;
}

TEST(KnowledgeValidateTest, TheSmallKnowledgeHoldsTogether) {
  auto ok = Validate(Small());
  EXPECT_TRUE(ok) << ok.error().message();
}

TEST(KnowledgeValidateTest, NamesTheFileEntryAndReason) {
  Knowledge k = Small();
  k.muscles[1].referral_regions.push_back("elbow");
  auto r = Validate(k);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields()[0].field, "muscles.json: lies_in_neck");
  EXPECT_EQ(r.error().fields()[0].reason, "referral region 'elbow' is not in regions.json");

  k = Small();
  k.rules[0].when = Is("fevr", "yes");
  EXPECT_EQ(Validate(k).error().fields()[0].field, "red_flags.json: infection");
  k = Small();
  k.rules[0].when = Is("age_band", "ancient");
  EXPECT_EQ(Validate(k).error().fields()[0].reason, "'age_band' cannot be 'ancient'");
  k = Small();
  k.causes.push_back(k.causes[0]);
  EXPECT_EQ(Validate(k).error().fields()[0].reason, "the id is used twice");
  k = Small();
  k.routines.pop_back();
  EXPECT_EQ(Validate(k).error().fields()[0].field, "home_care.json: refers_to_neck");
}

TEST(AssessmentValidateTest, EveryBadFieldIsNamed) {
  const Knowledge k = Small();
  auto field = [&](AssessmentInput input) {
    auto r = Validate(k, input);
    return r ? std::string("ok")
             : r.error().fields()[0].field + ": " + r.error().fields()[0].reason;
  };
  AssessmentInput good{{At("neck", Side::kLeft)}, {}, {}, {}};
  EXPECT_EQ(field(good), "ok");
  AssessmentInput input = good;
  input.knots[0].pain = 11;
  EXPECT_EQ(field(input), "knots[0].pain: must be between 0 and 10");
  input = good;
  input.knots.push_back(At("elbow", Side::kLeft));
  EXPECT_EQ(field(input), "knots[1].region: 'elbow' is not a region of the body map");
  input = good;
  input.knots[0].side = Side::kNone;
  EXPECT_EQ(field(input),
            "knots[0].side: is required for a region on both sides of the body (left or right)");
  input = good;
  input.knots.push_back(At("sacrum", Side::kRight));
  EXPECT_EQ(field(input), "knots[1].side: must be left out for a region in the middle of the back");
  input = good;
  input.answers["fever"] = "maybe";
  EXPECT_EQ(field(input), "answers.fever: must be yes or no");
  input = good;
  input.answers["age_band"] = "middle";
  EXPECT_EQ(field(input), "answers.age_band: 'middle' is not one of the options");
  input = good;
  input.answers["shoe_size"] = "yes";
  EXPECT_EQ(field(input), "answers.shoe_size: is not a question of the assessment");
  input = good;
  input.causes = {"desk_hours", "desk_hours"};
  EXPECT_EQ(field(input), "causes[1]: is listed twice");
  input = good;
  input.medications = {"aspirin"};
  EXPECT_EQ(field(input), "medications[0]: 'aspirin' is not one the assessment asks about");
  input = good;
  input.knots[0].movements = {"turning_head"};
  EXPECT_EQ(field(input), "knots[0].movements: are only given when the knot limits movement");
  input.knots[0].limits_movement = true;
  input.knots[0].movements = {"juggling"};
  EXPECT_EQ(field(input), "knots[0].movements[0]: 'juggling' is not a known movement");
  input.knots[0].movements = {"twisting", "lifting", "twisting"};
  EXPECT_EQ(field(input), "knots[0].movements[2]: is listed twice");
  input = good;
  input.medications = {"anticoagulant", "anticoagulant"};
  EXPECT_EQ(field(input), "medications[1]: is listed twice");
  EXPECT_EQ(field({{}, {}, {}, {}}), "knots: mark at least one knot");
}

TEST(AssessTest, TheMostUrgentMatchingRuleDecidesAndEveryReasonIsKept) {
  const Knowledge k = Small();
  AssessmentInput input{{At("neck", Side::kLeft)}, {"fall"}, {{"fever", "yes"}}, {}};
  auto result = Assess(k, input);
  EXPECT_EQ(result.outcome, Outcome::kMedicalCareSoon);
  ASSERT_EQ(result.reasons.size(), 2u);
  EXPECT_EQ(result.reasons[0].rule, "infection");
  EXPECT_EQ(result.reasons[1].rule, "injury");
  EXPECT_TRUE(result.treatments.empty());
  EXPECT_TRUE(result.home_care.empty());

  input.answers = {};
  result = Assess(k, input);
  EXPECT_EQ(result.outcome, Outcome::kSeeChiropractorFirst);
  EXPECT_TRUE(result.book_assessment);
  input.causes = {};
  result = Assess(k, input);
  EXPECT_EQ(result.outcome, Outcome::kBookOnline);
  EXPECT_TRUE(result.reasons.empty());
}

TEST(AssessTest, DerivedAnswersFeedTheRules) {
  const Knowledge k = Small();
  AssessmentInput calves{{At("calf", Side::kLeft), At("calf", Side::kRight)}, {}, {}, {}};
  EXPECT_EQ(Assess(k, calves).outcome, Outcome::kEmergency);
  calves.knots.pop_back();
  EXPECT_EQ(Assess(k, calves).outcome, Outcome::kBookOnline);
  auto answers = AnswersOf(k, calves);
  EXPECT_EQ(answers["below_knee"], std::vector<std::string>{"one_side"});
  EXPECT_EQ(answers["cause_kind"], std::vector<std::string>{"none"});
  EXPECT_EQ(answers["medication"], std::vector<std::string>{"none"});
  AssessmentInput old_fall{{At("neck", Side::kRight)}, {"fall"}, {{"age_band", "old"}}, {}};
  EXPECT_EQ(Assess(k, old_fall).outcome, Outcome::kMedicalCareSoon);
  old_fall.answers["age_band"] = "young";
  EXPECT_EQ(Assess(k, old_fall).outcome, Outcome::kSeeChiropractorFirst);
}

// DerivedAnswers() (knowledge.cpp, what rules may test) spells out the values AnswersOf() derives
// from the assessment's own vocabularies: every one of those must be listed there.
TEST(AssessTest, DerivedAnswersListEveryValueAnswersOfCanGive) {
  const auto& derived = DerivedAnswers();
  auto listed = [&](const std::string& answer, std::string_view value) {
    const auto& values = derived.at(answer);
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  for (Duration d :
       {Duration::kDays, Duration::kWeeks, Duration::kMonths1To3, Duration::kOver3Months}) {
    EXPECT_TRUE(listed("longest_duration", ToString(d))) << ToString(d);
  }
  for (const std::string& m : Medications()) EXPECT_TRUE(listed("medication", m)) << m;
  EXPECT_TRUE(listed("medication", "none"));
  for (CauseKind kind : {CauseKind::kAcuteTrauma, CauseKind::kMicrotrauma}) {
    EXPECT_TRUE(listed("cause_kind", ToString(kind))) << ToString(kind);
  }
  EXPECT_TRUE(listed("cause_kind", "none"));
  for (const char* v : {"none", "one_side", "both_sides"}) EXPECT_TRUE(listed("below_knee", v));
  // And nothing more: each list is exactly what AnswersOf can give.
  EXPECT_EQ(derived.at("longest_duration").size(), 4u);
  EXPECT_EQ(derived.at("medication").size(), Medications().size() + 1);
  EXPECT_EQ(derived.at("cause_kind").size(), 3u);
  EXPECT_EQ(derived.at("below_knee").size(), 3u);
}

TEST(AssessTest, ADoNotTreatCautionStopsOnlineBooking) {
  Knowledge k = Small();
  k.cautions = {{"clot", CautionLevel::kDoNotTreat, Is("saddle", "no"), "see a doctor", "DVT"}};
  AssessmentInput input{{At("neck", Side::kLeft)}, {}, {{"saddle", "no"}}, {}};
  auto result = Assess(k, input);
  EXPECT_EQ(result.outcome, Outcome::kMedicalCareSoon);
  ASSERT_EQ(result.cautions.size(), 1u);
  EXPECT_EQ(result.reasons[0].rule, "clot");
}

TEST(AssessTest, MusclesRankByReferralThenLocalWithACauseBonus) {
  const Knowledge k = Small();
  AssessmentInput input{{At("neck", Side::kLeft, 6)}, {}, {}, {}};
  auto result = Assess(k, input);
  ASSERT_EQ(result.muscles.size(), 3u);
  // Both referral and trigger point beats referral alone, which beats trigger point alone.
  EXPECT_EQ(result.muscles[0].muscle, "both_in_neck");
  EXPECT_EQ(result.muscles[1].muscle, "refers_to_neck");
  EXPECT_EQ(result.muscles[2].muscle, "lies_in_neck");
  EXPECT_EQ(result.muscles[0].sides, std::vector<Side>{Side::kLeft});
  EXPECT_TRUE(result.muscles[1].explains[0].referral);
  EXPECT_FALSE(result.muscles[2].explains[0].referral);
  EXPECT_DOUBLE_EQ(result.muscles[1].score, 1.0);
  EXPECT_DOUBLE_EQ(result.muscles[2].score, 0.85);
  // Desk hours load the muscle that lies in the neck: now it leads the one that only refers.
  input.causes = {"desk_hours"};
  result = Assess(k, input);
  EXPECT_EQ(result.muscles[1].muscle, "lies_in_neck");
  EXPECT_EQ(result.muscles[1].matching_causes, std::vector<std::string>{"desk_hours"});
  EXPECT_EQ(result.prevention.size(), 1u);
  // A second, painless mark the muscle does not explain halves its share.
  input.knots.push_back(At("shoulder", Side::kRight, 0));
  result = Assess(k, input);
  for (const auto& m : result.muscles) EXPECT_LE(m.score, 1.0);
}

TEST(AssessTest, RepeatedRunsGiveTheSameResult) {
  const Knowledge k = Small();
  AssessmentInput input{{At("neck", Side::kLeft, 6), At("shoulder", Side::kLeft, 3)},
                        {"desk_hours"},
                        {{"visited_before", "no"}},
                        {}};
  auto a = Assess(k, input);
  auto b = Assess(k, input);
  ASSERT_EQ(a.muscles.size(), b.muscles.size());
  for (std::size_t i = 0; i < a.muscles.size(); ++i) {
    EXPECT_EQ(a.muscles[i].muscle, b.muscles[i].muscle);
    EXPECT_EQ(a.muscles[i].score, b.muscles[i].score);
  }
  EXPECT_EQ(a.treatments.size(), b.treatments.size());
}

}  // namespace
}  // namespace unknot::core::clinical
