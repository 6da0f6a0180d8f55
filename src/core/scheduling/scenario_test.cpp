// Runs the scheduling scenarios in tests/scenarios/*.scn (see
// core/scheduling/testing/scenario_runner.hpp and tests/scenarios/00_format.scn).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/scheduling/testing/scenario_runner.hpp"

namespace unknot::core::scheduling {
namespace {

namespace fs = std::filesystem;

void RunScenarioFile(const fs::path& path) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  testing::ScenarioReport report = testing::RunScenario(text.str());
  for (const testing::ScenarioFailure& failure : report.failures) {
    ADD_FAILURE_AT(path.c_str(), static_cast<int>(failure.line)) << failure.message;
  }
  EXPECT_GT(report.checks, 0) << path << " checks nothing";
}

fs::path ScenarioDir() {
  if (const char* root = std::getenv("UNKNOT_SOURCE_DIR"); root != nullptr && *root != '\0') {
    return fs::path(root) / "tests" / "scenarios";
  }
  return UNKNOT_SCENARIO_DIR;
}

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(ScenarioDir(), error)) {
    if (entry.path().extension() == ".scn") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, Passes) { RunScenarioFile(ScenarioDir() / GetParam()); }

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()),
                         [](const ::testing::TestParamInfo<std::string>& file) {
                           std::string name = fs::path(file.param).stem().string();
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) {
                                 return std::isalnum(static_cast<unsigned char>(c)) == 0;
                               },
                               '_');
                           return name;
                         });

TEST(ScenarioFilesTest, AreFound) {
  EXPECT_GE(ScenarioFiles().size(), 12u) << "looked in " << ScenarioDir();
}

}  // namespace
}  // namespace unknot::core::scheduling
