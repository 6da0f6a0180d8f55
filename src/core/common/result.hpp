#pragma once

// Expected failures travel as values. Result<T> holds either a T or an Error; the names follow
// std::expected (C++23), which g++ 12 does not have in C++20 mode.

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace unknot::core {

enum class ErrorCode {
  kInvalidArgument,  // the caller sent something malformed or out of range
  kNotFound,         // the thing named does not exist (or is not visible to the caller)
  kConflict,         // the request clashes with stored state (taken slot, duplicate slug, ...)
  kUnavailable,      // a dependency (database, disk) cannot serve now; retrying may help
  kInternal,         // a bug or corrupted state; never caused by user input alone
  kUnauthenticated,  // no valid sign-in (no session, expired, wrong password)
  kForbidden,        // signed in, but the role may not do this to this thing of its clinic
  kRateLimited,      // too many attempts; the caller must wait (see the error's message)
};

// The stable lower_snake_case name of a code, used in logs and problem `type` URIs.
std::string_view ToString(ErrorCode code);

// One invalid input field and why; `field` is the name the caller used (a JSON path, a query
// parameter or a CLI flag).
struct FieldError {
  std::string field;
  std::string reason;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  Error(ErrorCode code, std::string message, std::vector<FieldError> fields)
      : code_(code), message_(std::move(message)), fields_(std::move(fields)) {}

  // Shorthand for the common case of one bad field.
  static Error InvalidField(std::string field, std::string reason);
  static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& fields() const { return fields_; }

  // A copy whose message is prefixed with `context: `, for errors passed up a layer.
  Error WithContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<FieldError> fields_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(state_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const { assert(has_value()); }
  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  Error&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool failed_ = false;
};

inline Result<void> Ok() { return {}; }

}  // namespace unknot::core

// UNKNOT_TRY(expr): evaluates a Result; on failure returns its Error from the enclosing function,
// otherwise yields the value. A GNU statement expression, as in Ladybird's TRY (g++ and clang).
// Each use gets its own variable name so that nested uses (a lambda inside a TRY) do not shadow.
#define UNKNOT_TRY(expr) UNKNOT_TRY_IMPL_(expr, UNKNOT_CONCAT_(unknot_try_result_, __COUNTER__))
#define UNKNOT_CONCAT_INNER_(a, b) a##b
#define UNKNOT_CONCAT_(a, b) UNKNOT_CONCAT_INNER_(a, b)
#define UNKNOT_TRY_IMPL_(expr, name)           \
  __extension__({                              \
    auto name = (expr);                        \
    if (!name) return std::move(name).error(); \
    std::move(name).value();                   \
  })
