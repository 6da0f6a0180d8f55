#pragma once

// Decoding of request bodies: the one way a JSON request body becomes a value (API v1).

#include <cstddef>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/common/result.hpp"

namespace unknot::api::json {

// How deep objects and arrays may nest in a request body: far more than any request needs, and
// few enough that copying or writing the value (recursive in nlohmann::json) is safe.
inline constexpr std::size_t kMaxBodyDepth = 64;

// Parses a body that must be one JSON object. Every failure is kInvalidArgument with one field
// error:
// - `body` "is not valid JSON at byte N: <what>" for a syntax error (a body such as `0x2`,
//   `{"a":1,}` or trailing text), for a number too large for a double (`1e999`) and for invalid
//   UTF-8; N counts from 1 and is where the parser stopped; what the parser said is cut after
//   200 bytes;
// - `body` "nests objects and arrays more than 64 levels deep" (kMaxBodyDepth), as soon as the
//   parser reaches that depth;
// - `body` "must be a JSON object" for valid JSON of another kind;
// - `<path>` "must not contain control characters ..." for a string, or a member name, that holds
//   one (core::FindControlCharacter), with the path of that string: `patient.given_name`,
//   `knots[0].region`, shortened around "…" when longer than 240 bytes. Only the paths in
//   `multiline_fields` may hold line breaks.
// The check takes time in proportion to the body, however deep it nests.
core::Result<nlohmann::json> ParseObjectBody(
    std::string_view body, std::span<const std::string_view> multiline_fields = {});

}  // namespace unknot::api::json
