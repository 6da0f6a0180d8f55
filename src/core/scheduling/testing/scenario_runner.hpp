#pragma once

// Runs one scheduling scenario (tests/scenarios/*.scn): readable text that sets up a clinic line
// by line, then asks the engine and states the answer expected (in the spirit of duckdb's
// sqllogictest). tests/scenarios/00_format.scn describes the format by example.
//
// A library of its own, without GoogleTest, so the scenario test and the scenario fuzz target
// (fuzz/scenario_fuzz.cpp) run the same parser.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace unknot::core::scheduling::testing {

struct ScenarioFailure {
  std::size_t line = 0;  // 1-based line of the scenario text
  std::string message;   // a result mismatch, or a malformed line (then the run stopped there)
};

struct ScenarioReport {
  int checks = 0;  // `expect` blocks and `check` lines compared
  std::vector<ScenarioFailure> failures;
};

// Never throws for any text: a malformed line ends the run with a failure naming it.
ScenarioReport RunScenario(std::string_view text);

}  // namespace unknot::core::scheduling::testing
