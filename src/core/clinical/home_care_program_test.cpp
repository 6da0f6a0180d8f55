#include "core/clinical/home_care_program.hpp"

#include <gtest/gtest.h>

namespace unknot::core::clinical {
namespace {

using date::days;
using date::sys_days;

LocalDate Day(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y}, date::month{m}, date::day{d}};
}
LocalDate Plus(LocalDate day, int n) { return LocalDate{sys_days{day} + days{n}}; }

Condition Is(std::string answer, std::string value) {
  return {Condition::Kind::kIs, {}, std::move(answer), {std::move(value)}};
}

Knowledge Small() {
  Knowledge k;
  k.regions = {{"neck", "Neck", "head_neck", true}};
  k.muscles = {{"upper_trapezius", "Upper trapezius", "", {"neck"}, {"neck"}, {}, {}},
               {"rhomboids", "Rhomboids", "", {"neck"}, {"neck"}, {}, {}}};
  k.questions = {{"osteoporosis", "Thin bones?", QuestionKind::kYesNo, {}}};
  k.cautions = {
      {"anticoagulants", CautionLevel::kCaution, Is("medication", "anticoagulant"), "gentle",
       "light"},
      {"osteoporosis", CautionLevel::kCaution, Is("osteoporosis", "yes"), "light", "no heavy"},
      {"fever", CautionLevel::kDoNotTreat, Is("fever_or_chills", "yes"), "doctor", "no"}};
  k.routines = {{"ball", {"upper_trapezius"}, Tool::kBall, "how", 30, 90, 1, 3, "daily", "", {}},
                {"roller",
                 {"rhomboids", "upper_trapezius"},
                 Tool::kFoamRoller,
                 "how",
                 30,
                 120,
                 1,
                 3,
                 "daily",
                 "",
                 {}}};
  return k;
}

Prescription Rx(std::string routine, std::string muscle, int seconds = 60, int sets = 2,
                int days_per_week = 7) {
  return {std::move(routine), std::move(muscle), seconds, sets, days_per_week, {}};
}

TEST(HomeCareProgramTest, AcceptsRoutinesWithinTheirRanges) {
  EXPECT_TRUE(ValidatePrescriptions(
      Small(), {Rx("ball", "upper_trapezius", 30, 1, 3), Rx("roller", "rhomboids", 120, 3, 7)},
      "Roll after work.\nGently."));
  EXPECT_TRUE(ValidatePrescriptions(Small(), {}, ""));  // a paused program
}

TEST(HomeCareProgramTest, RefusesOutOfRangeValuesNamingTheField) {
  auto field = [](std::vector<Prescription> routines, std::string note = "") {
    auto r = ValidatePrescriptions(Small(), routines, note);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().fields().at(0).field;
  };
  EXPECT_EQ(field({Rx("nope", "upper_trapezius")}), "routines[0].routine");
  EXPECT_EQ(field({Rx("ball", "rhomboids")}), "routines[0].muscle");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius", 29)}), "routines[0].seconds");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius", 91)}), "routines[0].seconds");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius"), Rx("roller", "rhomboids", 121)}),
            "routines[1].seconds");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius", 60, 0)}), "routines[0].sets");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius", 60, 4)}), "routines[0].sets");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius", 60, 2, 2)}), "routines[0].days_per_week");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius", 60, 2, 8)}), "routines[0].days_per_week");
  EXPECT_EQ(field({Rx("ball", "upper_trapezius"), Rx("ball", "upper_trapezius")}),
            "routines[1].routine");
  EXPECT_EQ(field({}, std::string(kMaxHomeCareNoteLength + 1, 'x')), "note");
  EXPECT_EQ(field({}, std::string("bell\a")), "note");
  auto message = ValidatePrescriptions(Small(), {Rx("roller", "rhomboids", 10)}, "");
  EXPECT_EQ(message.error().fields().at(0).reason, "must be between 30 and 120 for roller");
}

TEST(HomeCareProgramTest, CarriesTheDateARoutineWasFirstPrescribed) {
  std::vector<Prescription> stored = {Rx("ball", "upper_trapezius")};
  stored[0].since = Day(2026, 3, 1);
  auto next = CarrySince(stored, {Rx("roller", "rhomboids"), Rx("ball", "upper_trapezius", 90)},
                         Day(2026, 3, 10));
  EXPECT_EQ(next[0].since, Day(2026, 3, 10));
  EXPECT_EQ(next[1].since, Day(2026, 3, 1));
  EXPECT_EQ(next[1].seconds, 90);
}

TEST(HomeCareProgramTest, CautionsComeFromThePatientsMedicationsAndAnswers) {
  Knowledge k = Small();
  AssessmentInput blood_thinner;
  blood_thinner.medications = {"anticoagulant"};
  AssessmentInput thin_bones;
  thin_bones.answers = {{"osteoporosis", "yes"}};
  AssessmentInput nothing;

  EXPECT_TRUE(CautionsFor(k, {}).empty());
  EXPECT_TRUE(CautionsFor(k, {nothing}).empty());
  auto one = CautionsFor(k, {blood_thinner});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]->id, "anticoagulants");
  // Two assessments: each caution once, in the knowledge's order.
  auto both = CautionsFor(k, {thin_bones, blood_thinner, thin_bones});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]->id, "anticoagulants");
  EXPECT_EQ(both[1]->id, "osteoporosis");
}

HomeCareProgram Program(LocalDate starts_on, std::vector<Prescription> routines) {
  HomeCareProgram p;
  p.starts_on = starts_on;
  for (auto& r : routines) r.since = starts_on;
  p.routines = std::move(routines);
  p.version = 1;
  return p;
}

TEST(HomeCareProgramTest, MarksMayNotBeInTheFutureNorBeforeTheProgram) {
  const LocalDate today = Day(2026, 3, 10);
  HomeCareProgram p = Program(Day(2026, 3, 5), {Rx("ball", "upper_trapezius")});
  EXPECT_TRUE(ValidateMarks(p, today, today, {"ball"}));
  EXPECT_TRUE(ValidateMarks(p, Day(2026, 3, 5), today, {"ball"}));
  EXPECT_TRUE(ValidateMarks(p, Day(2026, 3, 6), today, {}));  // un-marking a day
  auto future = ValidateMarks(p, Day(2026, 3, 11), today, {"ball"});
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().fields().at(0).field, "date");
  EXPECT_NE(future.error().fields().at(0).reason.find("after today"), std::string::npos);
  auto before = ValidateMarks(p, Day(2026, 3, 4), today, {"ball"});
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().fields().at(0).field, "date");
  EXPECT_NE(before.error().fields().at(0).reason.find("2026-03-05"), std::string::npos);
  auto unknown = ValidateMarks(p, today, today, {"ball", "roller"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields().at(0).field, "routines[1]");
  auto twice = ValidateMarks(p, today, today, {"ball", "ball"});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().fields().at(0).field, "routines[1]");
}

TEST(HomeCareProgramTest, AdherenceIsDaysDoneOverDaysPrescribedInTheWindow) {
  const LocalDate today = Day(2026, 3, 20);
  // Started 30 days ago: the whole window counts. Daily ball, 3-day roller.
  HomeCareProgram p = Program(Plus(today, -30), {Rx("ball", "upper_trapezius", 60, 2, 7),
                                                 Rx("roller", "rhomboids", 60, 2, 3)});
  std::vector<HomeCareMark> marks;
  for (int i = 0; i < 5; ++i) marks.push_back({Plus(today, -i), "ball"});    // 5 of the last 7
  marks.push_back({Plus(today, -1), "ball"});                                // a repeat: once
  marks.push_back({Plus(today, -10), "ball"});                               // outside 7, inside 14
  for (int i = 0; i < 4; ++i) marks.push_back({Plus(today, -i), "roller"});  // 4 > 3 prescribed
  marks.push_back({Plus(today, -2), "gone"});  // a routine no longer prescribed: ignored

  Adherence week = AdherenceOver(p, marks, today, 7);
  EXPECT_EQ(week.days, 7);
  ASSERT_EQ(week.routines.size(), 2u);
  EXPECT_EQ(week.routines[0], (RoutineAdherence{"ball", 5, 7}));
  EXPECT_EQ(week.routines[1], (RoutineAdherence{"roller", 4, 3}));
  EXPECT_EQ(week.done, 5 + 3);  // the roller's extra day does not lift it over 100 %
  EXPECT_EQ(week.prescribed, 10);
  EXPECT_EQ(week.Percent(), 80);

  Adherence fortnight = AdherenceOver(p, marks, today, 14);
  EXPECT_EQ(fortnight.routines[0], (RoutineAdherence{"ball", 6, 14}));
  EXPECT_EQ(fortnight.routines[1], (RoutineAdherence{"roller", 4, 6}));
  EXPECT_EQ(fortnight.done, 10);
  EXPECT_EQ(fortnight.prescribed, 20);
  EXPECT_EQ(fortnight.Percent(), 50);
}

TEST(HomeCareProgramTest, AdherenceCountsOnlyFromTheDayARoutineWasPrescribed) {
  const LocalDate today = Day(2026, 3, 20);
  HomeCareProgram p = Program(Plus(today, -2), {Rx("ball", "upper_trapezius", 60, 2, 7),
                                                Rx("roller", "rhomboids", 60, 2, 5)});
  p.routines[1].since = today;  // added today
  std::vector<HomeCareMark> marks = {{Plus(today, -2), "ball"}, {Plus(today, -1), "ball"}};
  Adherence week = AdherenceOver(p, marks, today, 7);
  EXPECT_EQ(week.routines[0], (RoutineAdherence{"ball", 2, 3}));    // 3 dates, every day
  EXPECT_EQ(week.routines[1], (RoutineAdherence{"roller", 0, 1}));  // ceil(5 * 1 / 7)
  EXPECT_EQ(week.Percent(), 50);

  // Nothing prescribed: 0 %, not a division by zero.
  EXPECT_EQ(AdherenceOver(Program(today, {}), {}, today, 14).Percent(), 0);
  EXPECT_EQ(AdherenceOver(Program(today, {}), {}, today, 14).prescribed, 0);
}

TEST(HomeCareProgramTest, PercentRoundsToTheNearestWhole) {
  Adherence a;
  a.done = 2;
  a.prescribed = 3;
  EXPECT_EQ(a.Percent(), 67);
  a.done = 1;
  EXPECT_EQ(a.Percent(), 33);
  a.done = 1;
  a.prescribed = 8;
  EXPECT_EQ(a.Percent(), 13);  // 12.5 rounds up
}

}  // namespace
}  // namespace unknot::core::clinical
