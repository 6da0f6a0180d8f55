#include "api/http/percent_encoding.hpp"

#include <optional>

namespace unknot::api::http {
namespace {

std::optional<int> HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// The byte encoded by "%XY" at `text[i]`, if `text[i..i+2]` is a well-formed escape.
std::optional<char> EscapeAt(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size()) return std::nullopt;
  auto high = HexValue(text[i + 1]);
  auto low = HexValue(text[i + 2]);
  if (!high || !low) return std::nullopt;
  return static_cast<char>(*high * 16 + *low);
}

bool KeptInPathSegment(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
}

}  // namespace

std::string EncodePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(segment.size());
  for (char c : segment) {
    if (KeptInPathSegment(c)) {
      encoded.push_back(c);
    } else {
      auto byte = static_cast<unsigned char>(c);
      encoded += {'%', kHex[byte >> 4], kHex[byte & 0x0F]};
    }
  }
  return encoded;
}

core::Result<std::string> DecodePath(std::string_view encoded) {
  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '%') {
      auto byte = EscapeAt(encoded, i);
      if (!byte)
        return core::Error(core::ErrorCode::kInvalidArgument, "malformed percent-escape in path");
      c = *byte;
      i += 2;
    }
    if (c == '\0') return core::Error(core::ErrorCode::kInvalidArgument, "NUL byte in path");
    decoded.push_back(c);
  }
  return decoded;
}

std::string DecodeQueryComponent(std::string_view encoded) {
  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (auto byte = EscapeAt(encoded, i)) {
        c = *byte;
        i += 2;
      }
    }
    decoded.push_back(c);
  }
  return decoded;
}

}  // namespace unknot::api::http
