#pragma once

#include <string>

namespace unknot::testing {

// The demo clinic's JSON API (`unknot demo` loads it as mission-sports-chiro).
inline const std::string kBase = "/api/v1/clinics/mission-sports-chiro";

}  // namespace unknot::testing
