#include "api/json/request_body.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/common/text.hpp"

namespace unknot::api::json {
namespace {

using core::Error;
using core::Result;
using Json = nlohmann::json;

// What a refusal repeats of the parser's message (whose "last read" is the text it stopped at,
// as long as the body): this many bytes at most.
constexpr std::size_t kLongestParserMessage = 200;

// Where the UTF-8 character holding byte `i` of `text` starts (text.size() for the end).
std::size_t CharacterStart(std::string_view text, std::size_t i) {
  while (i > 0 && i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  return i;
}

// `text`, or its first `bytes` bytes or so, cut between UTF-8 characters, and "…".
std::string Truncated(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) return std::string(text);
  return std::string(text.substr(0, CharacterStart(text, bytes))) + "\u2026";
}

// The DOM builder of nlohmann::json::parse, but a failure is kept with its byte offset instead of
// being thrown or dropped: json::parse(…, allow_exceptions=false) says only that it failed. It
// also stops at an object or array nested deeper than kMaxBodyDepth: a value that deep would
// overflow the stack of whatever copies or writes it later (nlohmann::json's copy and dump()
// recurse), so one small body could end the process.
class DomWithPosition : public nlohmann::detail::json_sax_dom_parser<Json> {
  using Base = nlohmann::detail::json_sax_dom_parser<Json>;

 public:
  explicit DomWithPosition(Json& result) : Base(result, /*allow_exceptions_=*/false) {}

  // sax_parse calls these through the static type, so they stand in for the base's.
  bool start_object(std::size_t elements) { return Enter() && Base::start_object(elements); }
  bool start_array(std::size_t elements) { return Enter() && Base::start_array(elements); }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool end_array() {
    --depth_;
    return Base::end_array();
  }
  bool too_deep() const { return too_deep_; }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const Exception& error) {
    position_ = position;
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while
    // parsing value - invalid literal; last read: '0x'": what follows the position is for people
    // (the byte offset replaces line and column; a body is one line more often than not).
    std::string_view what = error.what();
    if (auto close = what.find("] "); what.starts_with('[') && close != std::string_view::npos) {
      what.remove_prefix(close + 2);
    }
    if (auto colon = what.find(": "); what.starts_with("parse error") && colon != what.npos) {
      what.remove_prefix(colon + 2);
    }
    message_ = Truncated(what, kLongestParserMessage);
    return false;
  }

  std::size_t position() const { return position_; }
  const std::string& message() const { return message_; }

 private:
  bool Enter() {
    too_deep_ = ++depth_ > kMaxBodyDepth;
    return !too_deep_;
  }

  std::size_t position_ = 0;
  std::string message_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

// A member name or string value as it may appear in a field path: control characters written
// as \uXXXX, so that the error that names the field does not carry them itself.
std::string Printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// A path as a refusal names it. Only deep nesting or long member names make one longer than
// kShownPath bytes; its middle is left out ("…", cut between UTF-8 characters), so that a
// refusal does not repeat a path of many kilobytes.
constexpr std::size_t kShownPath = 240;
std::string Shown(std::string_view path) {
  if (path.size() <= kShownPath) return std::string(path);
  std::size_t tail = CharacterStart(path, path.size() - kShownPath / 2);
  return Truncated(path, kShownPath / 2) + std::string(path.substr(tail));
}

// The first string (value or member name) with a control character, depth first in document
// order. An explicit stack, and one path that the walk extends and cuts back: each pending value
// holds only where its parent's path ends and its own step (".name" or "[i]"). A copy of the
// whole path per value once made a 1 MiB body 500,000 arrays deep cost the square of its depth,
// a minute of a core for one request, before the depth limit came.
Result<void> CheckStrings(const Json& root, std::span<const std::string_view> multiline_fields) {
  struct Pending {
    const Json* value;
    std::size_t parent_length;  // of `path` when the value's parent was visited
    const std::string* name;    // the member name, or null for an array element
    std::size_t index;          // the element's index, for an array element
  };
  std::string path;
  std::vector<Pending> pending{{&root, 0, nullptr, 0}};
  while (!pending.empty()) {
    Pending next = pending.back();
    pending.pop_back();
    // The parent's path is still the prefix: only the parent's descendants, visited since, have
    // changed what follows it.
    path.resize(next.parent_length);
    if (next.value != &root) {
      if (next.name != nullptr) {
        if (!path.empty()) path += '.';
        path += *next.name;
        if (core::FindControlCharacter(*next.name, core::LineBreaks::kRefused)) {
          return Error::InvalidField(Shown(Printable(path)),
                                     "is a member name with control characters");
        }
      } else {
        path += '[';
        path += std::to_string(next.index);
        path += ']';
      }
    }
    const Json& value = *next.value;
    if (value.is_string()) {
      bool multiline = std::find(multiline_fields.begin(), multiline_fields.end(), path) !=
                       multiline_fields.end();
      UNKNOT_TRY(
          core::ValidateText(Shown(path), value.get_ref<const std::string&>(),
                             multiline ? core::LineBreaks::kAllowed : core::LineBreaks::kRefused));
    } else if (value.is_object()) {
      std::size_t first = pending.size();
      for (const auto& [name, member] : value.get_ref<const Json::object_t&>()) {
        pending.push_back({&member, path.size(), &name, 0});
      }
      std::reverse(pending.begin() + static_cast<std::ptrdiff_t>(first), pending.end());
    } else if (value.is_array()) {
      const auto& elements = value.get_ref<const Json::array_t&>();
      for (std::size_t i = elements.size(); i-- > 0;) {
        pending.push_back({&elements[i], path.size(), nullptr, i});
      }
    }
  }
  return core::Ok();
}

}  // namespace

Result<Json> ParseObjectBody(std::string_view body,
                             std::span<const std::string_view> multiline_fields) {
  Json root;
  DomWithPosition dom(root);
  bool parsed = Json::sax_parse(body, &dom, nlohmann::json::input_format_t::json, /*strict=*/true);
  if (dom.too_deep()) {
    return Error::InvalidField("body", "nests objects and arrays more than " +
                                           std::to_string(kMaxBodyDepth) + " levels deep");
  }
  if (!parsed || dom.is_errored()) {
    return Error::InvalidField("body",
                               "is not valid JSON at byte " +
                                   std::to_string(std::max<std::size_t>(dom.position(), 1)) + ": " +
                                   dom.message());
  }
  if (!root.is_object()) return Error::InvalidField("body", "must be a JSON object");
  UNKNOT_TRY(CheckStrings(root, multiline_fields));
  return root;
}

}  // namespace unknot::api::json
