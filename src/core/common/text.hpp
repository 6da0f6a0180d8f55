#pragma once

// Checks on free text that enters the system from outside (names, addresses, notes).

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/common/result.hpp"

namespace unknot::core {

// Whether a field may hold line breaks (a visit note) or must be one line (a name, a phone).
enum class LineBreaks { kRefused, kAllowed };

// The position of the first control character in `text`: any byte below 0x20 (NUL, escape, tab,
// ...) and DEL (0x7F); with LineBreaks::kAllowed, '\n' and '\r' (and tab) pass. Such characters
// break log lines, CSV exports, headers and what a screen shows, and no person's name holds
// one. Bytes of multi-byte UTF-8 sequences are all 0x80 or above and never match.
std::optional<std::size_t> FindControlCharacter(std::string_view text, LineBreaks line_breaks);

// kInvalidArgument with `field` named when `text` holds a control character (FindControlCharacter).
Result<void> ValidateText(std::string_view field, std::string_view text,
                          LineBreaks line_breaks = LineBreaks::kRefused);

}  // namespace unknot::core
