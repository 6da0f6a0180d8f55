#include "core/staff/password_policy.hpp"

#include <algorithm>

#include "core/common/text.hpp"

namespace unknot::core::staff {

namespace {

// Lower-cases ASCII letters only: the list is ASCII, and a locale-dependent lower-casing of other
// scripts would make the same password pass on one server and fail on another.
std::string AsciiLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

// The names in an email a password should not contain: the part before the last '@', and the
// part before a '+' tag ("jane+work@..." gives "jane+work" and "jane"); lower case, each at least
// kMinEmailNameToCheck characters.
std::vector<std::string> EmailNames(std::string_view email) {
  std::vector<std::string> names;
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return names;
  const std::string local = AsciiLower(email.substr(0, at));
  if (local.size() >= kMinEmailNameToCheck) names.push_back(local);
  const auto plus = local.find('+');
  if (plus != std::string::npos && plus >= kMinEmailNameToCheck) {
    names.push_back(local.substr(0, plus));
  }
  return names;
}

}  // namespace

CommonPasswords CommonPasswords::FromText(std::string_view text) {
  CommonPasswords list;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    list.entries_.insert(AsciiLower(line));
  }
  return list;
}

bool CommonPasswords::Contains(std::string_view password) const {
  return entries_.contains(AsciiLower(password));
}

std::optional<std::size_t> CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t value = 0;
    if (lead < 0x80) {
      length = 1;
      value = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      value = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      value = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      value = lead & 0x07;
    } else {
      return std::nullopt;  // a continuation byte, or 0xF8 and above
    }
    if (i + length > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      value = (value << 6) | (next & 0x3F);
    }
    static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < kSmallest[length]) return std::nullopt;           // overlong
    if (value >= 0xD800 && value <= 0xDFFF) return std::nullopt;  // surrogate
    if (value > 0x10FFFF) return std::nullopt;                    // past Unicode
    i += length;
    ++count;
  }
  return count;
}

std::vector<PasswordRefusal> FindPasswordProblems(std::string_view password, std::string_view email,
                                                  const CommonPasswords& common) {
  std::vector<PasswordRefusal> problems;
  const auto characters = CountCodePoints(password);
  if (!characters || FindControlCharacter(password, LineBreaks::kRefused)) {
    problems.push_back(
        {PasswordProblem::kNotText, "must be text without control characters (tabs, line breaks)"});
  }
  const std::size_t count = characters.value_or(password.size());
  if (count < kMinPasswordCharacters) {
    problems.push_back({PasswordProblem::kTooShort,
                        "is too short: use at least " + std::to_string(kMinPasswordCharacters) +
                            " characters (this one has " + std::to_string(count) +
                            "); a few unrelated words make a good one"});
  }
  if (count > kMaxPasswordCharacters) {
    problems.push_back(
        {PasswordProblem::kTooLong,
         "is too long: use at most " + std::to_string(kMaxPasswordCharacters) + " characters"});
  }
  if (common.Contains(password)) {
    problems.push_back({PasswordProblem::kCommon,
                        "is one of the most common passwords, which attackers try first"});
  }
  const std::string lowered = AsciiLower(password);
  for (const std::string& name : EmailNames(email)) {
    if (lowered.find(name) != std::string::npos) {
      problems.push_back({PasswordProblem::kContainsEmailName,
                          "contains the name of the account's email address (\"" + name +
                              "\"), which is the first thing an attacker tries"});
      break;
    }
  }
  return problems;
}

Result<void> CheckNewPassword(std::string_view password, std::string_view email,
                              const CommonPasswords& common, std::string_view field) {
  const auto problems = FindPasswordProblems(password, email, common);
  if (problems.empty()) return Ok();
  std::vector<FieldError> fields;
  std::string message = "the password cannot be used: it ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i > 0) message += "; it ";
    message += problems[i].reason;
    fields.push_back({std::string(field), problems[i].reason});
  }
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(fields));
}

}  // namespace unknot::core::staff
