#pragma once

// What a new staff password must be (issue 13): at least 12 characters, not one of the common
// passwords of data/common-passwords.txt, and not containing the account's email name. Each
// refusal says why, in words a person can act on.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/common/result.hpp"

namespace unknot::core::staff {

inline constexpr std::size_t kMinPasswordCharacters = 12;
// Far more than any pass phrase; bounds the work one sign-in request can cause.
inline constexpr std::size_t kMaxPasswordCharacters = 256;
// A shorter email name ("al@...") would refuse too many good passwords to be worth it.
inline constexpr std::size_t kMinEmailNameToCheck = 3;

// The common-password list, held lower case in a hash set. Built once at start from the text of
// data/common-passwords.txt (knowledge/load_common_passwords.hpp reads the file).
class CommonPasswords {
 public:
  CommonPasswords() = default;

  // One entry a line; blank lines and lines starting with '#' are skipped; a trailing '\r' is
  // dropped; entries are lower-cased (ASCII letters).
  static CommonPasswords FromText(std::string_view text);

  // Whether `password`, lower-cased the same way, is in the list.
  bool Contains(std::string_view password) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::unordered_set<std::string> entries_;
};

enum class PasswordProblem {
  kNotText,            // not valid UTF-8, or holds a control character
  kTooShort,           // fewer than kMinPasswordCharacters code points
  kTooLong,            // more than kMaxPasswordCharacters code points
  kCommon,             // in the common-password list
  kContainsEmailName,  // holds the part of the account's email before the '@'
};

struct PasswordRefusal {
  PasswordProblem problem;
  std::string reason;  // for the person choosing the password

  friend bool operator==(const PasswordRefusal&, const PasswordRefusal&) = default;
};

// The number of Unicode code points in `text`, or nullopt when it is not valid UTF-8 (overlong
// forms, surrogates and values past U+10FFFF are invalid).
std::optional<std::size_t> CountCodePoints(std::string_view text);

// Every rule `password` breaks for an account with `email`, in the order of PasswordProblem;
// empty when it may be used.
std::vector<PasswordRefusal> FindPasswordProblems(std::string_view password, std::string_view email,
                                                  const CommonPasswords& common);

// Ok, or kInvalidArgument with one FieldError {field, reason} per rule broken.
Result<void> CheckNewPassword(std::string_view password, std::string_view email,
                              const CommonPasswords& common, std::string_view field = "password");

}  // namespace unknot::core::staff
