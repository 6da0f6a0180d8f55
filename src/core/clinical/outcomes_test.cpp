#include "core/clinical/outcomes.hpp"

#include <gtest/gtest.h>

namespace unknot::core::clinical {
namespace {

VisitOutcome Visit(int pain, SleepEffect sleep, std::vector<std::string> movements,
                   std::vector<int> scores) {
  VisitOutcome out{pain, sleep, std::move(movements), {}};
  const char* activities[] = {"sleep on my left side", "turn my head to reverse the car",
                              "deadlift"};
  for (std::size_t i = 0; i < scores.size(); ++i) out.psfs.push_back({activities[i], scores[i]});
  return out;
}

std::string FieldOf(const Result<void>& result) {
  return result ? "" : result.error().fields().at(0).field;
}

TEST(OutcomesTest, ValidationNamesTheField) {
  VisitOutcome ok = Visit(5, SleepEffect::kSome, {"turning_head"}, {2, 3, 4});
  EXPECT_TRUE(ValidateOutcome(ok));

  VisitOutcome bad = ok;
  bad.pain = 11;
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "pain");
  bad = ok;
  bad.psfs[2].score = -1;
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "psfs[2].score");
  bad = ok;
  bad.psfs[1].activity = "  ";
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "psfs[1].activity");
  bad = ok;
  bad.psfs[2].activity = "Sleep on my left side ";
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "psfs[2].activity");
  bad = ok;
  bad.psfs[0].activity = "line\nbreak";
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "psfs[0].activity");
  bad = ok;
  bad.psfs[0].activity = std::string(kMaxActivityLength + 1, 'a');
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "psfs[0].activity");
  bad = ok;
  bad.psfs.pop_back();
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "psfs");
  bad = ok;
  bad.movements = {"turning_head", "juggling"};
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "movements[1]");
  bad.movements = {"turning_head", "turning_head"};
  EXPECT_EQ(FieldOf(ValidateOutcome(bad)), "movements[1]");
}

TEST(OutcomesTest, PsfsScoreIsTheMean) {
  EXPECT_DOUBLE_EQ(PsfsScore(Visit(0, SleepEffect::kNone, {}, {2, 3, 7})), 4.0);
  EXPECT_DOUBLE_EQ(PsfsScore(VisitOutcome{}), 0.0);
}

TEST(OutcomesTest, PainDownByTheMcidIsCalledOutInWords) {
  auto changes = CompareOutcomes(Visit(7, SleepEffect::kNone, {}, {2, 2, 2}),
                                 Visit(4, SleepEffect::kNone, {}, {2, 2, 2}));
  ASSERT_GE(changes.size(), 1u);
  EXPECT_EQ(changes[0].measure, Measure::kPain);
  EXPECT_TRUE(changes[0].meaningful);
  EXPECT_EQ(changes[0].direction, Direction::kBetter);
  EXPECT_EQ(changes[0].text, "pain down 3 points since the first visit: a meaningful change");
}

TEST(OutcomesTest, SmallerChangesAreNotYetMeaningful) {
  auto changes = CompareOutcomes(Visit(7, SleepEffect::kSome, {}, {2, 2, 2}),
                                 Visit(6, SleepEffect::kSome, {}, {3, 3, 3}));
  EXPECT_FALSE(changes[0].meaningful);
  EXPECT_EQ(changes[0].text,
            "pain down 1 point since the first visit: not yet a meaningful change (2 points is)");
  EXPECT_EQ(changes[1].text, "sleep disturbance unchanged since the first visit (some)");
  EXPECT_FALSE(changes[1].meaningful);
  ASSERT_EQ(changes[3].measure, Measure::kPsfs);
  EXPECT_EQ(changes[3].text,
            "PSFS score up 1 point since the first visit: not yet a meaningful change (2 points "
            "is)");
  EXPECT_EQ(changes[4].measure, Measure::kPsfsItem);
  EXPECT_EQ(changes[4].item, 0u);
  EXPECT_FALSE(changes[4].meaningful);
}

TEST(OutcomesTest, WorseningIsNamedAsSuch) {
  auto changes = CompareOutcomes(Visit(3, SleepEffect::kNone, {}, {5, 5, 5}),
                                 Visit(6, SleepEffect::kSevere, {"lifting"}, {5, 5, 5}));
  EXPECT_EQ(changes[0].direction, Direction::kWorse);
  EXPECT_EQ(changes[0].text, "pain up 3 points since the first visit: a meaningful worsening");
  EXPECT_EQ(changes[1].text,
            "sleep disturbance up from none to severe since the first visit: a meaningful "
            "worsening");
  EXPECT_EQ(changes[2].text,
            "movement since the first visit, newly limited: lifting: a meaningful worsening");
}

TEST(OutcomesTest, PsfsItemsAreMatchedByPositionAndActivity) {
  VisitOutcome first = Visit(5, SleepEffect::kNone, {"turning_head", "looking_up"}, {1, 2, 3});
  VisitOutcome latest = Visit(5, SleepEffect::kNone, {"looking_up"}, {4, 5, 9});
  latest.psfs[1].activity = "carry groceries";         // another activity: not compared
  latest.psfs[0].activity = " SLEEP ON MY LEFT SIDE";  // the same one
  auto changes = CompareOutcomes(first, latest);
  ASSERT_EQ(changes.size(), 6u);  // pain, sleep, movement, PSFS, items 0 and 2
  EXPECT_EQ(changes[2].text,
            "movement since the first visit, no longer limited: turning head: a meaningful "
            "change");
  EXPECT_EQ(changes[3].measure, Measure::kPsfs);
  EXPECT_DOUBLE_EQ(changes[3].first, 2.0);  // items 0 and 2 only
  EXPECT_DOUBLE_EQ(changes[3].latest, 6.5);
  EXPECT_TRUE(changes[3].meaningful);
  EXPECT_EQ(changes[3].text, "PSFS score up 4.5 points since the first visit: a meaningful change");
  EXPECT_EQ(changes[4].item, 0u);
  EXPECT_EQ(changes[4].text,
            "\"SLEEP ON MY LEFT SIDE\" up 3 points since the first visit: a meaningful change");
  EXPECT_EQ(changes[5].item, 2u);
  EXPECT_TRUE(changes[5].meaningful);
}

TEST(OutcomesTest, PrefillTakesTheAssessmentAndThePreviousActivities) {
  AssessmentInput assessment;
  assessment.knots = {
      Knot{"upper_trapezius",
           Side::kLeft,
           KnotSize::kSmall,
           4,
           Duration::kWeeks,
           SleepEffect::kSome,
           true,
           {"looking_up", "turning_head"}},
      Knot{"rhomboid",
           Side::kRight,
           KnotSize::kLarge,
           7,
           Duration::kDays,
           SleepEffect::kNone,
           false,
           {}},
  };
  VisitOutcome prefilled = PrefillOutcome(assessment, std::nullopt);
  EXPECT_EQ(prefilled.pain, 7);
  EXPECT_EQ(prefilled.sleep, SleepEffect::kSome);
  EXPECT_EQ(prefilled.movements, (std::vector<std::string>{"turning_head", "looking_up"}));
  EXPECT_TRUE(prefilled.psfs.empty());
  VisitOutcome previous = Visit(3, SleepEffect::kNone, {}, {4, 5, 6});
  EXPECT_EQ(PrefillOutcome(assessment, previous).psfs, previous.psfs);
}

TEST(OutcomesTest, VisitsToMeaningfulChangeCountsVisits) {
  std::vector<VisitOutcome> visits{Visit(7, SleepEffect::kNone, {}, {2, 2, 2}),
                                   Visit(6, SleepEffect::kNone, {}, {3, 3, 3}),
                                   Visit(4, SleepEffect::kNone, {}, {3, 3, 3})};
  EXPECT_EQ(VisitsToMeaningfulChange(visits), 3);
  visits[1].psfs = {
      {"sleep on my left side", 4}, {"turn my head to reverse the car", 4}, {"deadlift", 4}};
  EXPECT_EQ(VisitsToMeaningfulChange(visits), 2);  // the PSFS mean rose 2
  EXPECT_EQ(VisitsToMeaningfulChange({visits[0]}), std::nullopt);
}

// One visit of a plan.
PlanVisitOutcome At(ServiceId service, PractitionerId practitioner, const VisitOutcome& outcome) {
  return {service, practitioner, outcome};
}

TEST(OutcomesTest, ReportCountsPlansPerServiceAndPractitioner) {
  const ServiceId massage{1};
  const ServiceId art{2};
  const PractitionerId lee{10};
  const PractitionerId kim{11};
  VisitOutcome bad = Visit(8, SleepEffect::kNone, {}, {1, 1, 1});
  VisitOutcome same = bad;
  VisitOutcome good = Visit(5, SleepEffect::kNone, {}, {1, 1, 1});
  std::vector<PlanOutcomes> plans{
      {{At(massage, lee, bad), At(massage, lee, good)}},  // reached at visit 2
      {{At(massage, lee, bad), At(massage, lee, same), At(massage, lee, same),
        At(massage, lee, good)}},                         // at visit 4
      {{At(massage, kim, bad), At(massage, kim, same)}},  // not reached
      {{At(art, kim, bad)}},                              // one visit: not evaluable
      {},                                                 // nothing recorded yet: not counted
  };
  OutcomeReport report = BuildOutcomeReport(plans, {});
  const PlanSummary& m = report.by_service.at(massage);
  EXPECT_EQ(m.plans, 3);
  EXPECT_EQ(m.evaluable, 3);
  EXPECT_EQ(m.reached, 2);
  EXPECT_EQ(m.median_visits, 3.0);
  EXPECT_EQ(m.visits_to_change, (std::map<int, int>{{2, 1}, {4, 1}}));
  EXPECT_EQ(m.unplanned_visits, 0);
  const PlanSummary& a = report.by_service.at(art);
  EXPECT_EQ(a.plans, 1);
  EXPECT_EQ(a.evaluable, 0);
  EXPECT_EQ(a.median_visits, std::nullopt);
  EXPECT_EQ(report.by_practitioner.at(lee).reached, 2);
  EXPECT_EQ(report.by_practitioner.at(kim).plans, 2);
  EXPECT_EQ(report.by_practitioner.at(kim).reached, 0);
  EXPECT_EQ(report.overall.plans, 4);
  EXPECT_EQ(report.overall.reached, 2);
}

TEST(OutcomesTest, APlanWithTwoServicesCountsUnderEachByItsVisitsOfIt) {
  const ServiceId massage{1};
  const ServiceId art{2};
  const PractitionerId lee{10};
  const PractitionerId kim{11};
  VisitOutcome bad = Visit(8, SleepEffect::kNone, {}, {1, 1, 1});
  VisitOutcome better = Visit(7, SleepEffect::kNone, {}, {1, 1, 1});
  VisitOutcome good = Visit(5, SleepEffect::kNone, {}, {1, 1, 1});
  // ART with Lee weekly, a massage with Kim in between: the massages start from a later baseline.
  std::vector<PlanOutcomes> plans{
      {{At(art, lee, bad), At(massage, kim, better), At(art, lee, better), At(massage, kim, better),
        At(art, lee, good)}}};
  OutcomeReport report = BuildOutcomeReport(plans, {{art, lee}, {massage, lee}});
  const PlanSummary& a = report.by_service.at(art);
  EXPECT_EQ(a.plans, 1);
  EXPECT_EQ(a.reached, 1);
  EXPECT_EQ(a.visits_to_change, (std::map<int, int>{{3, 1}}));  // the third ART visit
  EXPECT_EQ(a.unplanned_visits, 1);
  const PlanSummary& m = report.by_service.at(massage);
  EXPECT_EQ(m.plans, 1);
  EXPECT_EQ(m.evaluable, 1);
  EXPECT_EQ(m.reached, 0);  // 7 -> 7 over its two massages
  EXPECT_EQ(m.unplanned_visits, 1);
  EXPECT_EQ(report.by_practitioner.at(lee).visits_to_change, (std::map<int, int>{{3, 1}}));
  EXPECT_EQ(report.by_practitioner.at(lee).unplanned_visits, 2);
  EXPECT_EQ(report.by_practitioner.at(kim).reached, 0);
  EXPECT_EQ(report.by_practitioner.at(kim).unplanned_visits, 0);
  // Overall the plan is one plan, by all its visits: 8 -> 5 at its fifth visit.
  EXPECT_EQ(report.overall.plans, 1);
  EXPECT_EQ(report.overall.visits_to_change, (std::map<int, int>{{5, 1}}));
  EXPECT_EQ(report.overall.unplanned_visits, 2);
}

TEST(OutcomesTest, UnplannedVisitsAloneMakeRowsWithoutPlans) {
  OutcomeReport report = BuildOutcomeReport({}, {{ServiceId{1}, PractitionerId{10}}});
  EXPECT_EQ(report.by_service.at(ServiceId{1}).plans, 0);
  EXPECT_EQ(report.by_service.at(ServiceId{1}).unplanned_visits, 1);
  EXPECT_EQ(report.overall.median_visits, std::nullopt);
}

}  // namespace
}  // namespace unknot::core::clinical
