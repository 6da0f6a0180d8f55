#pragma once

#include <string>

namespace unknot::testing {

// Compares `actual` with tests/golden/<name> in the source tree. With UPDATE_GOLDEN=1 in the
// environment it rewrites the file instead (and the test still passes), so a deliberate change is
// one command plus a reviewed diff.
void ExpectMatchesGolden(const std::string& name, const std::string& actual);

}  // namespace unknot::testing
