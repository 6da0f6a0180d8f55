#include "core/common/text.hpp"

#include <string>

namespace unknot::core {

std::optional<std::size_t> FindControlCharacter(std::string_view text, LineBreaks line_breaks) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != 0x7F) continue;
    if (line_breaks == LineBreaks::kAllowed && (byte == '\n' || byte == '\r' || byte == '\t')) {
      continue;
    }
    return i;
  }
  return std::nullopt;
}

Result<void> ValidateText(std::string_view field, std::string_view text, LineBreaks line_breaks) {
  auto at = FindControlCharacter(text, line_breaks);
  if (!at) return Ok();
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto byte = static_cast<unsigned char>(text[*at]);
  std::string code = "U+00";
  code.push_back(kHex[byte >> 4]);
  code.push_back(kHex[byte & 0xF]);
  return Error::InvalidField(std::string(field),
                             "must not contain control characters (" + code + " at character " +
                                 std::to_string(*at + 1) + ")" +
                                 (line_breaks == LineBreaks::kRefused ? "; it is one line" : ""));
}

}  // namespace unknot::core
