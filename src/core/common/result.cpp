#include "core/common/result.hpp"

namespace unknot::core {

std::string_view ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kRateLimited:
      return "rate_limited";
  }
  return "internal";
}

Error Error::InvalidField(std::string field, std::string reason) {
  std::string message = field + ": " + reason;
  return {ErrorCode::kInvalidArgument,
          std::move(message),
          {FieldError{std::move(field), std::move(reason)}}};
}

Error Error::WithContext(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return {code_, std::move(message), fields_};
}

}  // namespace unknot::core
