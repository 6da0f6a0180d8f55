// The scheduling scenario files (tests/scenarios/*.scn): the parser and runner of
// core/scheduling/testing/scenario_runner.hpp, and through it the scheduling engine
// (FindAvailability, CheckSlot, NearestSlots) on whatever clinic the text sets up. Any text may
// fail to parse or mismatch; it must never crash, hang or trip a sanitizer.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/scheduling/testing/scenario_runner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto report = unknot::core::scheduling::testing::RunScenario(
      std::string_view(reinterpret_cast<const char*>(data), size));
  (void)report;
  return 0;
}
