#pragma once

// Query parameters of list routes (staff patient search, the audit log): each bad one is a
// kInvalidArgument naming the parameter as the client spelled it. A parameter that is present but
// empty (`?staff=&from=`, as an HTML form sends blank fields) counts as absent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/message.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::api::v1 {

// A positive integer id written as plain decimal digits ("12"; not "", "0", "+1", " 1", "1e3" or
// one past INT64_MAX), or nullopt. Callers decide what a bad id is: a path id names nothing (404),
// a query parameter or body field is invalid (400).
std::optional<std::int64_t> ParsePositiveId(std::string_view text);

// The parameter's value, nullopt when absent or empty.
std::optional<std::string> OptionalQuery(const http::Request& request, std::string_view name);

// A whole number from `min` to `max` ("must be an integer from 1 to 100"); nullopt when absent.
core::Result<std::optional<std::int64_t>> IntegerQuery(const http::Request& request,
                                                       std::string_view name, std::int64_t min,
                                                       std::int64_t max);

// A positive integer id ("must be a positive integer id"); nullopt when absent.
core::Result<std::optional<std::int64_t>> IdQuery(const http::Request& request,
                                                  std::string_view name);

// Which end of a time range a date names.
enum class DateBound {
  kStartOfDay,      // `from=2026-11-01`: the clinic's local start of that day
  kStartOfNextDay,  // `to=2026-11-30`: through the end of that day (the next day's local start)
};

// An RFC 3339 instant ("2026-11-01T07:00:00Z", "2026-11-01T00:00:00-07:00") or a date
// (YYYY-MM-DD) read in `zone` as `bound` says, through core::LocalToUtc (a day that starts in a
// DST gap starts when the gap ends). nullopt when absent.
core::Result<std::optional<core::Instant>> InstantOrDateQuery(const http::Request& request,
                                                              std::string_view name,
                                                              const core::TimeZone& zone,
                                                              DateBound bound);

}  // namespace unknot::api::v1
