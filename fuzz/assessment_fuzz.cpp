// The knot self-assessment from its JSON body to its result, without storage or HTTP: the body
// decoding (api/json ParseAssessmentInput), the validation against the shipped knowledge
// (core/clinical Validate), the engine (Assess) on every input that passed, and the result's JSON
// (AssessmentResultJson) for the demo clinic. The same steps as POST …/assessments, many times
// faster, so the fuzzer gets deep into the rules.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "api/json/assessment_json.hpp"
#include "app/booking.hpp"
#include "app/demo_clinic.hpp"
#include "core/clinical/assessment.hpp"
#include "knowledge/load_knowledge.hpp"

namespace {

struct Fixture {
  unknot::knowledge::LoadedKnowledge knowledge;
  unknot::app::ClinicContext clinic;
};

const Fixture& Get() {
  static const Fixture fixture = [] {
    auto knowledge =
        unknot::knowledge::LoadKnowledge(std::filesystem::path(UNKNOT_SOURCE_DIR) / "data");
    auto setup =
        unknot::app::DemoClinicSetup(unknot::core::ParseInstant("2026-11-26T18:00:00Z").value());
    if (!knowledge || !setup) {
      std::fprintf(stderr, "fuzz setup: cannot load the knowledge or the demo clinic\n");
      std::abort();
    }
    auto zone = unknot::core::TimeZone::Find(setup->clinic.time_zone).value();
    return Fixture{std::move(*knowledge),
                   {std::make_shared<const unknot::core::clinic::ClinicSetup>(std::move(*setup)),
                    std::move(zone)}};
  }();
  return fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& fixture = Get();
  auto body = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return 0;
  auto input = unknot::api::json::ParseAssessmentInput(body);
  if (!input) return 0;
  const auto& knowledge = fixture.knowledge.knowledge;
  if (!unknot::core::clinical::Validate(knowledge, *input)) return 0;
  auto result = unknot::core::clinical::Assess(knowledge, *input);
  // dump() throws on invalid UTF-8: every string in the result must come from valid input.
  auto json = unknot::api::json::AssessmentResultJson(knowledge, fixture.clinic, result).dump();
  (void)json;
  return 0;
}
