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

// The DOM builder of nlohmann::json::parse, but a failure is kept with its byte offset instead of
// being thrown or dropped: json::parse(…, allow_exceptions=false) says only that it failed.
class DomWithPosition : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit DomWithPosition(Json& result)
      : nlohmann::detail::json_sax_dom_parser<Json>(result, /*allow_exceptions_=*/false) {}

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
    message_ = std::string(what);
    return false;
  }

  std::size_t position() const { return position_; }
  const std::string& message() const { return message_; }

 private:
  std::size_t position_ = 0;
  std::string message_;
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

// A path as a refusal names it. Only a body nested scores of levels deep has one longer than
// kShownPath bytes; its middle is left out ("…", cut between UTF-8 characters), so that the
// refusal of a 1 MiB body does not repeat a path of megabytes.
constexpr std::size_t kShownPath = 240;
std::string Shown(std::string_view path) {
  if (path.size() <= kShownPath) return std::string(path);
  auto continuation = [&](std::size_t i) {
    return (static_cast<unsigned char>(path[i]) & 0xC0) == 0x80;
  };
  std::size_t head = kShownPath / 2;
  while (head > 0 && continuation(head)) --head;
  std::size_t tail = path.size() - kShownPath / 2;
  while (tail < path.size() && continuation(tail)) ++tail;
  return std::string(path.substr(0, head)) + "\u2026" + std::string(path.substr(tail));
}

// The first string (value or member name) with a control character, depth first in document
// order. An explicit stack: a body may nest as deep as its size allows. The walk keeps one path
// and each pending value only where its parent's path ends and its own step (".name" or "[i]"):
// a copy of the whole path per value made a 1 MiB body 500,000 arrays deep cost the square of
// its depth, minutes of a core for one request.
Result<void> CheckStrings(const Json& root, std::span<const std::string_view> multiline_fields) {
  struct Pending {
    const Json* value;
    std::size_t parent_length;  // of `path` when the value's parent was visited
    const std::string* name;    // the member name, or null for an array element
    std::size_t index;          // the element's index, for an array element
  };
  std::string path;
  std::vector<Pending> pending{{&root, 0, nullptr, 0}};
  bool at_root = true;
  while (!pending.empty()) {
    Pending next = pending.back();
    pending.pop_back();
    // The parent's path is still the prefix: only the parent's descendants, visited since, have
    // changed what follows it.
    path.resize(next.parent_length);
    if (!at_root) {
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
    at_root = false;
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
  if (!Json::sax_parse(body, &dom, nlohmann::json::input_format_t::json, /*strict=*/true) ||
      dom.is_errored()) {
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
