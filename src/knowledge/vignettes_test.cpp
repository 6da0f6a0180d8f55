// Clinical vignettes: people as a clinic meets them, run through the shipped knowledge (data/)
// and the engine (core/clinical). Each states the triage outcome a clinician would expect and
// the muscle that should lead the list (and others that belong near the top). Decision support:
// these test that the engine routes people safely, not that it diagnoses.

#include <gtest/gtest.h>

#include <algorithm>

#include "core/clinical/assessment.hpp"
#include "knowledge/load_knowledge.hpp"
#include "temp_dir.hpp"

namespace unknot::knowledge {
namespace {

using core::clinical::AssessmentInput;
using core::clinical::Duration;
using core::clinical::Knot;
using core::clinical::KnotSize;
using core::clinical::Outcome;
using core::clinical::Side;
using core::clinical::SleepEffect;
using core::clinical::Treatment;

const core::clinical::Knowledge& Shipped() {
  static const LoadedKnowledge loaded =
      LoadKnowledge(std::filesystem::path(testing::SourceDir()) / "data").value();
  return loaded.knowledge;
}

Knot K(const char* region, Side side, int pain, Duration duration = Duration::kWeeks) {
  Knot k;
  k.region = region;
  k.side = side;
  k.pain = pain;
  k.duration = duration;
  return k;
}

Knot Limits(Knot k, std::vector<std::string> movements) {
  k.limits_movement = true;
  k.movements = std::move(movements);
  return k;
}

constexpr Side L = Side::kLeft;
constexpr Side R = Side::kRight;

struct Vignette {
  const char* name;
  AssessmentInput input;
  Outcome outcome;
  std::vector<std::string> reasons;  // rules (or do-not-treat cautions) that must be among them
  const char* top_muscle;            // nullptr: any (the triage is the point)
  std::vector<std::string> also_near_top;  // within the first three
  std::vector<std::string> cautions = {};
};

// Answers most adults give: no red flags, treated here before, 18-44, examined before.
std::map<std::string, std::string> Usual(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> answers{
      {"age_band", "18_44"}, {"visited_before", "yes"}, {"assessed_before", "yes"}};
  for (auto& [k, v] : extra) answers[k] = v;
  return answers;
}

std::vector<Vignette> Vignettes() {
  return {
      {"UpperTrapeziusKnotFromDeskWork",
       {{K("upper_trapezius_ridge", L, 6), K("temple", L, 4)},
        {"desk_hours", "posture"},
        Usual(),
        {}},
       Outcome::kBookOnline,
       {},
       "upper_trapezius",
       {}},
      {"LowBackKnotAfterDeadlifts",
       {{K("lumbar_paraspinal_lower", R, 7, Duration::kDays),
         K("lumbar_paraspinal_upper", R, 5, Duration::kDays)},
        {"sport_overload"},
        Usual(),
        {}},
       Outcome::kSeeChiropractorFirst,
       {"recent_injury"},
       nullptr,
       {"multifidus"},
       {"acute_strain"}},
      {"NeckPainTheDayAfterACarAccident",
       {{K("posterior_neck_upper", L, 6, Duration::kDays), K("neck_angle", L, 5, Duration::kDays)},
        {"car_accident"},
        Usual({{"dangerous_mechanism", "no"},
               {"cannot_turn_head", "no"},
               {"tingling_after_injury", "no"}}),
        {}},
       Outcome::kSeeChiropractorFirst,
       {"recent_injury"},
       "upper_trapezius",
       {"splenius_cervicis"}},
      {"NeckAfterACarAccidentCannotTurnTheHead",
       {{K("posterior_neck_upper", R, 7, Duration::kDays)},
        {"car_accident"},
        Usual({{"cannot_turn_head", "yes"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"neck_after_car_accident"},
       nullptr,
       {}},
      {"NeckAfterACarAccidentAtSixtySix",
       {{K("neck_angle", L, 5, Duration::kDays)},
        {"car_accident"},
        Usual({{"age_band", "65_69"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"neck_after_car_accident"},
       nullptr,
       {}},
      {"SaddleNumbnessWithNewBladderTrouble",
       {{K("lumbar_paraspinal_lower", L, 8, Duration::kDays)},
        {},
        Usual({{"saddle_numbness", "yes"}, {"new_bladder_problem", "yes"}}),
        {}},
       Outcome::kEmergency,
       {"cauda_equina"},
       nullptr,
       {}},
      {"BackPainWithFeverAndWeightLoss",
       {{K("mid_thoracic_paraspinal", R, 6)},
        {},
        Usual({{"fever_or_chills", "yes"}, {"unexplained_weight_loss", "yes"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"possible_infection", "possible_cancer", "fever"},
       nullptr,
       {}},
      {"KnotInAPatientOnWarfarin",
       {{K("upper_trapezius_ridge", R, 5), K("neck_angle", R, 3)},
        {"desk_hours"},
        Usual(),
        {"anticoagulant"}},
       Outcome::kBookOnline,
       {},
       "upper_trapezius",
       {"levator_scapulae"},
       {"anticoagulants"}},
      {"BilateralLegWeakness",
       {{K("lumbar_paraspinal_lower", L, 6)}, {}, Usual({{"both_legs_symptoms", "yes"}}), {}},
       Outcome::kEmergency,
       {"both_legs"},
       nullptr,
       {}},
      {"NightPainNotEasedByRest",
       {{K("lower_thoracic_paraspinal", L, 7, Duration::kMonths1To3)},
        {},
        Usual({{"night_pain_not_eased", "yes"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"possible_cancer"},
       nullptr,
       {}},
      {"HistoryOfCancerWithNewBackPain",
       {{K("lumbar_paraspinal_upper", R, 5)},
        {"posture"},
        Usual({{"history_of_cancer", "yes"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"possible_cancer"},
       nullptr,
       {}},
      {"QuicklyWorseningFootDrop",
       {{K("mid_buttock", L, 6, Duration::kDays)},
        {},
        Usual({{"leg_weakness_worsening", "yes"}}),
        {}},
       Outcome::kEmergency,
       {"worsening_weakness"},
       nullptr,
       {}},
      {"WorstHeadacheOfLifeWithNeckPain",
       {{K("suboccipital", L, 9, Duration::kDays)},
        {},
        Usual({{"sudden_severe_neck_pain_or_headache", "yes"}}),
        {}},
       Outcome::kEmergency,
       {"neck_artery_or_stroke"},
       nullptr,
       {}},
      {"NeckPainWithDizzinessAndDoubleVision",
       {{K("posterior_neck_upper", R, 6, Duration::kDays)},
        {"sport_overload"},
        Usual({{"stroke_signs", "yes"}}),
        {}},
       Outcome::kEmergency,
       {"neck_artery_or_stroke", "recent_injury"},
       nullptr,
       {}},
      {"SuddenSevereBackPainAtSeventyTwo",
       {{K("lumbar_paraspinal_upper", L, 9, Duration::kDays)},
        {},
        Usual({{"age_band", "70_plus"}, {"sudden_severe_back_or_belly_pain", "yes"}}),
        {}},
       Outcome::kEmergency,
       {"aorta"},
       nullptr,
       {}},
      {"ShoulderBladePainWithChestPain",
       {{K("interscapular", L, 7, Duration::kDays)},
        {},
        Usual({{"chest_pain_or_breathless", "yes"}}),
        {}},
       Outcome::kEmergency,
       {"chest"},
       nullptr,
       {}},
      {"FallWithOsteoporosis",
       {{K("lower_thoracic_paraspinal", R, 7, Duration::kDays)},
        {"fall"},
        Usual({{"osteoporosis", "yes"}, {"age_band", "65_69"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"possible_fracture", "recent_injury"},
       nullptr,
       {}},
      {"ClumsyHandsWithNeckKnots",
       {{K("posterior_neck_lower", L, 4, Duration::kMonths1To3)},
        {"desk_hours"},
        Usual({{"clumsy_hands_or_balance", "yes"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"spinal_cord"},
       nullptr,
       {}},
      {"PainDownTheLegBelowTheKnee",
       {{K("posterior_thigh", R, 6), K("calf", R, 5), K("lateral_thigh", R, 4)},
        {"desk_hours"},
        Usual({{"pain_below_knee_or_limb_tingling", "yes"}}),
        {}},
       Outcome::kSeeChiropractorFirst,
       {"nerve_signs"},
       "gluteus_minimus",
       {}},
      {"SixMonthsOfPainNobodyHasExamined",
       {{K("lumbar_paraspinal_lower", L, 5, Duration::kOver3Months)},
        {"desk_hours"},
        Usual({{"assessed_before", "no"}}),
        {}},
       Outcome::kSeeChiropractorFirst,
       {"long_standing_unassessed"},
       nullptr,
       {"multifidus"}},
      {"SixteenYearOldSwimmer",
       {{K("infraspinous", R, 4)}, {"repetitive_work"}, Usual({{"age_band", "under_18"}}), {}},
       Outcome::kSeeChiropractorFirst,
       {"minor"},
       "infraspinatus",
       {}},
      {"MorningStiffnessThatEasesWithMovement",
       {{K("sacroiliac", L, 5, Duration::kOver3Months),
         K("sacroiliac", R, 5, Duration::kOver3Months)},
        {},
        Usual({{"morning_stiffness_eases_with_movement", "yes"}}),
        {}},
       Outcome::kMedicalCareSoon,
       {"inflammatory_back_pain"},
       nullptr,
       {}},
      {"SwollenWarmCalf",
       {{K("calf", L, 6, Duration::kDays)}, {}, Usual({{"calf_swollen_warm", "yes"}}), {}},
       Outcome::kMedicalCareSoon,
       {"possible_blood_clot"},
       nullptr,
       {}},
      {"RunnerWithAGluteKnot",
       {{K("upper_buttock", R, 5), K("posterior_thigh", R, 3)}, {"repetitive_work"}, Usual(), {}},
       Outcome::kBookOnline,
       {},
       "gluteus_medius",
       {"gluteus_minimus"}},
      {"StiffNeckAfterSleepingTwisted",
       {{Limits(K("neck_angle", L, 6, Duration::kDays), {"turning_head"}),
         K("medial_scapular_border", L, 4, Duration::kDays)},
        {"sleeping_position"},
        Usual(),
        {}},
       Outcome::kBookOnline,
       {},
       "levator_scapulae",
       {}},
      {"RoundedShouldersAtTheDesk",
       {{K("interscapular", R, 5, Duration::kMonths1To3),
         K("medial_scapular_border", R, 5, Duration::kMonths1To3)},
        {"desk_hours", "posture"},
        Usual(),
        {}},
       Outcome::kBookOnline,
       {},
       "rhomboids",
       {"middle_trapezius"}},
      {"HeadacheFromTheBaseOfTheSkull",
       {{K("suboccipital", L, 5), K("occiput", L, 4), K("temple", L, 4)},
        {"desk_hours", "posture"},
        Usual(),
        {}},
       Outcome::kBookOnline,
       {},
       "suboccipitals",
       {"semispinalis_capitis"}},
      {"PregnantWithLowBackKnots",
       {{K("lumbar_paraspinal_lower", L, 4), K("sacroiliac", L, 4)},
        {"posture"},
        Usual({{"pregnant", "yes"}}),
        {}},
       Outcome::kBookOnline,
       {},
       nullptr,
       {},
       {"pregnancy"}},
      {"OneSidedFlankAndHipPain",
       {{K("flank", R, 6), K("iliac_crest", R, 5), K("lateral_hip", R, 5)},
        {"sleeping_position"},
        Usual(),
        {}},
       Outcome::kBookOnline,
       {},
       "quadratus_lumborum",
       {}},
      {"NewPatientWithAStiffNeck",
       {{Limits(K("neck_angle", R, 6), {"turning_head"})},
        {"desk_hours"},
        Usual({{"visited_before", "no"}}),
        {}},
       Outcome::kBookOnline,
       {},
       "levator_scapulae",
       {}},
  };
}

class VignetteTest : public ::testing::TestWithParam<Vignette> {};

TEST_P(VignetteTest, RoutesAndRanksAsACliniciansWould) {
  const Vignette& v = GetParam();
  const auto& k = Shipped();
  ASSERT_TRUE(core::clinical::Validate(k, v.input)) << v.name;
  const auto result = core::clinical::Assess(k, v.input);
  std::string got;
  for (const auto& m : result.muscles) got += m.muscle + " (" + std::to_string(m.score) + ") ";
  EXPECT_EQ(ToString(result.outcome), ToString(v.outcome)) << got;
  for (const std::string& rule : v.reasons) {
    EXPECT_TRUE(std::any_of(result.reasons.begin(), result.reasons.end(),
                            [&](const auto& r) { return r.rule == rule; }))
        << "missing reason " << rule;
  }
  if (v.outcome == Outcome::kBookOnline) {
    EXPECT_TRUE(result.reasons.empty());
  }
  if (v.top_muscle != nullptr) {
    ASSERT_FALSE(result.muscles.empty());
    EXPECT_EQ(result.muscles.front().muscle, v.top_muscle) << got;
  }
  for (const std::string& m : v.also_near_top) {
    const std::size_t n = std::min<std::size_t>(3, result.muscles.size());
    EXPECT_TRUE(std::any_of(result.muscles.begin(), result.muscles.begin() + static_cast<long>(n),
                            [&](const auto& match) { return match.muscle == m; }))
        << m << " not in the top three: " << got;
  }
  for (const std::string& c : v.cautions) {
    EXPECT_TRUE(std::any_of(result.cautions.begin(), result.cautions.end(),
                            [&](const auto* caution) { return caution->id == c; }))
        << "missing caution " << c;
  }
  // Safety: nothing to book and no home care unless the outcome allows booking.
  if (v.outcome >= Outcome::kMedicalCareSoon) {
    EXPECT_TRUE(result.treatments.empty());
    EXPECT_TRUE(result.home_care.empty());
  } else {
    EXPECT_FALSE(result.treatments.empty());
    EXPECT_EQ(result.book_assessment, v.outcome == Outcome::kSeeChiropractorFirst ||
                                          result.treatments.front().assessment_first);
  }
}

std::string VignetteName(const ::testing::TestParamInfo<Vignette>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(Clinic, VignetteTest, ::testing::ValuesIn(Vignettes()), VignetteName);

TEST(VignetteListTest, ThereAreAtLeastTwentyFive) { EXPECT_GE(Vignettes().size(), 25u); }

TEST(VignetteDetailTest, MovementLimitsPutArtFirstAndANewPatientIsAssessedBeforeArt) {
  const auto& k = Shipped();
  AssessmentInput returning{
      {Limits(K("neck_angle", R, 6), {"turning_head"})}, {"sport_overload"}, Usual(), {}};
  returning.causes = {"repetitive_work"};
  auto result = core::clinical::Assess(k, returning);
  ASSERT_FALSE(result.treatments.empty());
  EXPECT_EQ(result.treatments.front().treatment, Treatment::kArt);
  EXPECT_FALSE(result.book_assessment);
  AssessmentInput newcomer = returning;
  newcomer.answers["visited_before"] = "no";
  result = core::clinical::Assess(k, newcomer);
  EXPECT_EQ(result.treatments.front().treatment, Treatment::kArt);
  EXPECT_TRUE(result.treatments.front().assessment_first);
  EXPECT_TRUE(result.book_assessment);
}

TEST(VignetteDetailTest, PostureKnotsPutDeepTissueFirstWithHomeCareAndPrevention) {
  const auto& k = Shipped();
  AssessmentInput input{{K("interscapular", L, 5), K("medial_scapular_border", L, 4),
                         K("upper_trapezius_ridge", L, 5)},
                        {"desk_hours", "posture"},
                        Usual(),
                        {}};
  input.knots[0].size = KnotSize::kLarge;
  input.knots[0].sleep = SleepEffect::kSome;
  auto result = core::clinical::Assess(k, input);
  ASSERT_FALSE(result.treatments.empty());
  EXPECT_EQ(result.treatments.front().treatment, Treatment::kDeepTissue);
  EXPECT_FALSE(result.home_care.empty());
  EXPECT_FALSE(result.prevention.empty());
  for (const auto* p : result.prevention) {
    EXPECT_TRUE(std::any_of(p->causes.begin(), p->causes.end(), [](const std::string& c) {
      return c == "desk_hours" || c == "posture";
    })) << p->id;
  }
}

}  // namespace
}  // namespace unknot::knowledge
