#include "core/scheduling/testing/scenario_runner.hpp"

#include <gtest/gtest.h>

namespace unknot::core::scheduling::testing {
namespace {

constexpr const char* kClinic =
    "zone America/Los_Angeles\n"
    "policy min_notice=0 horizon=60d step=15\n"
    "room R1 adjustment\n"
    "practitioner P1 chiropractor\n"
    "hours P1 monday 09:00-10:00\n"
    "service adjust 30 roles=chiropractor room=adjustment\n"
    "now 2026-03-01T00:00Z\n";

TEST(ScenarioRunnerTest, CountsTheChecksOfAPassingScenario) {
  ScenarioReport report = RunScenario(std::string(kClinic) +
                                      "query adjust 2026-03-09 2026-03-09\n"
                                      "expect\n"
                                      "2026-03-09 09:00 P1@R1\n"
                                      "2026-03-09 09:15 P1@R1\n"
                                      "2026-03-09 09:30 P1@R1\n"
                                      "\n"
                                      "check adjust 2026-03-09T09:15 -> free P1@R1\n");
  EXPECT_EQ(report.checks, 2);
  EXPECT_TRUE(report.failures.empty()) << report.failures[0].message;
}

TEST(ScenarioRunnerTest, ReportsAMismatchWithItsLineAndGoesOn) {
  ScenarioReport report = RunScenario(std::string(kClinic) +
                                      "check adjust 2026-03-09T09:15 -> free P2@R1\n"
                                      "check adjust 2026-03-09T09:15 -> free P1@R1\n");
  EXPECT_EQ(report.checks, 2);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].line, 8u);
  EXPECT_NE(report.failures[0].message.find("check mismatch"), std::string::npos);
}

TEST(ScenarioRunnerTest, StopsAtAMalformedLine) {
  ScenarioReport report = RunScenario("zone America/Los_Angeles\nfly P1 away\nzone UTC\n");
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].line, 2u);
  EXPECT_NE(report.failures[0].message.find("unknown command 'fly'"), std::string::npos);
}

// Found by fuzz/scenario_fuzz.cpp: an empty horizon read the last character of an empty string.
TEST(ScenarioRunnerTest, RefusesAnEmptyHorizon) {
  ScenarioReport report = RunScenario("zone America/Los_Angeles\npolicy horizon=\n");
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].line, 2u);
  EXPECT_NE(report.failures[0].message.find("empty duration"), std::string::npos);
}

// Found by fuzz/scenario_fuzz.cpp: a huge number of days overflowed when converted to minutes.
TEST(ScenarioRunnerTest, RefusesADurationOutOfRange) {
  ScenarioReport report =
      RunScenario("zone America/Los_Angeles\npolicy min_notice=111111111111111111d\n");
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].line, 2u);
  EXPECT_NE(report.failures[0].message.find("duration out of range"), std::string::npos);
}

}  // namespace
}  // namespace unknot::core::scheduling::testing
