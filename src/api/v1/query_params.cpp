#include "api/v1/query_params.hpp"

#include <charconv>

namespace unknot::api::v1 {

using core::Error;
using core::Result;

std::optional<std::string> OptionalQuery(const http::Request& request, std::string_view name) {
  auto value = request.QueryParam(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

Result<std::optional<std::int64_t>> IntegerQuery(const http::Request& request,
                                                 std::string_view name, std::int64_t min,
                                                 std::int64_t max) {
  auto text = OptionalQuery(request, name);
  if (!text) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [stop, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc{} || stop != end || value < min || value > max) {
    return Error::InvalidField(std::string(name), "must be an integer from " + std::to_string(min) +
                                                      " to " + std::to_string(max));
  }
  return std::optional<std::int64_t>{value};
}

Result<std::optional<std::int64_t>> IdQuery(const http::Request& request, std::string_view name) {
  auto text = OptionalQuery(request, name);
  if (!text) return std::optional<std::int64_t>{};
  auto value = ParsePositiveId(*text);
  if (!value) return Error::InvalidField(std::string(name), "must be a positive integer id");
  return value;
}

std::optional<std::int64_t> ParsePositiveId(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end || value <= 0) return std::nullopt;
  return value;
}

Result<std::optional<core::Instant>> InstantOrDateQuery(const http::Request& request,
                                                        std::string_view name,
                                                        const core::TimeZone& zone,
                                                        DateBound bound) {
  auto text = OptionalQuery(request, name);
  if (!text) return std::optional<core::Instant>{};
  if (auto date = core::ParseLocalDate(*text)) {
    date::local_days day{*date};
    if (bound == DateBound::kStartOfNextDay) day += date::days{1};
    // A day's first instant: where midnight falls in a DST gap the day starts when the gap ends,
    // and where it repeats the first midnight counts; the working-hours policy reads it so.
    auto start = core::LocalToUtc(zone, core::LocalDateTime{day}, core::kWorkingHoursDstPolicy);
    if (!start) return Error::InvalidField(std::string(name), start.error().message());
    return std::optional<core::Instant>{*start};
  }
  auto instant = core::ParseInstant(*text);
  if (!instant) {
    return Error::InvalidField(std::string(name),
                               "must be an RFC 3339 instant (2026-11-01T07:00:00Z) or a date "
                               "(YYYY-MM-DD, the clinic's local day)");
  }
  return std::optional<core::Instant>{*instant};
}

}  // namespace unknot::api::v1
