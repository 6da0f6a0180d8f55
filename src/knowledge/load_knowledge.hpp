#pragma once

// Reads the clinical knowledge from data/ (JSON files and the body-map SVG, see data/README.md)
// into core::clinical::Knowledge and validates it. Every failure names the file, the entry and
// the reason, so `unknot serve` can stop at start with one clear line.

#include <filesystem>
#include <string>

#include "core/clinical/knowledge.hpp"
#include "core/common/result.hpp"

namespace unknot::knowledge {

struct LoadedKnowledge {
  core::clinical::Knowledge knowledge;
  std::string body_map_svg;  // served to clients as is
};

core::Result<LoadedKnowledge> LoadKnowledge(const std::filesystem::path& directory);

// Checks the body map against the regions: every shape names a known region (and a side exactly
// when the region is sided), and every region (each side of a sided one) has a shape.
core::Result<void> ValidateBodyMap(const core::clinical::Knowledge& knowledge,
                                   const std::string& svg);

}  // namespace unknot::knowledge
