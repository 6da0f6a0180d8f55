#pragma once

#include <string_view>

#include "core/common/time.hpp"

namespace unknot::testing {

// An instant a test writes as RFC 3339 text ("2026-11-26T18:00:00Z"); a typo stops the test.
inline core::Instant At(std::string_view text) { return core::ParseInstant(text).value(); }

}  // namespace unknot::testing
