#include "api/v1/write_limits.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/http/client_address.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;

enum class WriteKind { kBooking, kCancel, kReschedule, kAssessment, kHold, kWaitlist };

std::string_view KindName(WriteKind kind) {
  switch (kind) {
    case WriteKind::kBooking:
      return "booking";
    case WriteKind::kCancel:
      return "cancel";
    case WriteKind::kReschedule:
      return "reschedule";
    case WriteKind::kAssessment:
      return "assessment";
    case WriteKind::kHold:
      return "hold";
    case WriteKind::kWaitlist:
      return "waitlist";
  }
  return "write";
}

std::string_view KindPlural(WriteKind kind) {
  switch (kind) {
    case WriteKind::kBooking:
      return "bookings";
    case WriteKind::kCancel:
      return "cancellations";
    case WriteKind::kReschedule:
      return "reschedules";
    case WriteKind::kAssessment:
      return "assessments";
    case WriteKind::kHold:
      return "holds";
    case WriteKind::kWaitlist:
      return "waitlist entries";
  }
  return "writes";
}

http::RateLimiter::Rate RateOf(const core::clinic::RateLimit& limit) {
  return {static_cast<double>(limit.count) / static_cast<double>(limit.period.count()),
          static_cast<double>(limit.burst)};
}

// "10 per minute", "5 per hour", "3 per 90 seconds".
std::string Describe(const core::clinic::RateLimit& limit) {
  std::string count = std::to_string(limit.count) + " per ";
  auto seconds = limit.period.count();
  if (seconds == 60) return count + "minute";
  if (seconds == 3600) return count + "hour";
  if (seconds == 86400) return count + "day";
  return count + std::to_string(seconds) + " seconds";
}

// The booking's patient.email, trimmed and in lower case; nullopt when the body has none or it
// is longer than an email address can be (the handler refuses it; the limiter keeps no key).
std::optional<std::string> EmailOf(const Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return std::nullopt;
  auto patient = body.find("patient");
  if (patient == body.end() || !patient->is_object()) return std::nullopt;
  auto email = patient->find("email");
  if (email == patient->end() || !email->is_string()) return std::nullopt;
  std::string text = email->get<std::string>();
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), space));
  text.erase(std::find_if_not(text.rbegin(), text.rend(), space).base(), text.end());
  if (text.empty() || text.size() > 254) return std::nullopt;
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Response TooManyRequests(std::chrono::seconds retry_after, std::string_view limit,
                         const std::string& detail) {
  Response response = http::Problem(429, "Too many requests", detail);
  Json body = Json::parse(response.body);
  body["limit"] = limit;
  body["retry_after_seconds"] = retry_after.count();
  response.body = body.dump();
  response.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return response;
}

struct Limits {
  Limits(core::ports::Storage& s, LimiterClock n, std::size_t max_buckets)
      : storage(s), now(std::move(n)), limiter(max_buckets) {}

  core::ports::Storage& storage;
  LimiterClock now;
  http::RateLimiter limiter;
};

// The 429 for `request`, or nullopt when it may go on.
std::optional<Response> Check(Limits& limits, WriteKind kind, const Request& request) {
  if (request.client_address.empty()) return std::nullopt;
  auto clinic = limits.storage.FindClinic(request.PathParam("clinic"));
  if (!clinic) return std::nullopt;  // the handler answers 404 (or 503)
  const core::clinic::BookingPolicy& policy = clinic->policy;
  const std::string prefix = std::to_string(clinic->id.value()) + "|";
  const auto now = limits.now();

  auto by_address = limits.limiter.Take(
      prefix + std::string(KindName(kind)) + "|" + http::AddressKey(request.client_address),
      RateOf(policy.address_writes), now);
  if (!by_address.allowed) {
    return TooManyRequests(by_address.retry_after, "per_address",
                           "too many " + std::string(KindPlural(kind)) +
                               " from this address (the clinic takes " +
                               Describe(policy.address_writes) + "); try again in " +
                               std::to_string(by_address.retry_after.count()) + " seconds");
  }
  if (kind != WriteKind::kBooking) return std::nullopt;
  std::optional<std::string> email = EmailOf(request);
  if (!email) return std::nullopt;
  auto by_email =
      limits.limiter.Take(prefix + "email|" + *email, RateOf(policy.email_bookings), now);
  if (!by_email.allowed) {
    return TooManyRequests(by_email.retry_after, "per_email",
                           "too many bookings for this email address (the clinic takes " +
                               Describe(policy.email_bookings) + "); try again in " +
                               std::to_string(by_email.retry_after.count()) +
                               " seconds or call the clinic at " + clinic->phone);
  }
  return std::nullopt;
}

}  // namespace

void AddWriteLimits(http::Router& router, core::ports::Storage& storage, LimiterClock now,
                    std::size_t max_buckets) {
  // Shared by the wrapped handlers, which the router may copy; lives as long as they do.
  auto limits = std::make_shared<Limits>(storage, std::move(now), max_buckets);
  auto guard = [&](std::string_view pattern, WriteKind kind) {
    router.Wrap(http::Method::kPost, pattern, [&limits, kind](http::Handler inner) {
      return [limits, kind, inner = std::move(inner)](Request& request) {
        if (auto refused = Check(*limits, kind, request)) return std::move(*refused);
        return inner(request);
      };
    });
  };
  guard("/api/v1/clinics/{clinic}/appointments", WriteKind::kBooking);
  guard("/api/v1/clinics/{clinic}/appointments/{id}/cancel", WriteKind::kCancel);
  guard("/api/v1/clinics/{clinic}/appointments/{id}/reschedule", WriteKind::kReschedule);
  guard("/api/v1/clinics/{clinic}/assessments", WriteKind::kAssessment);
  guard("/api/v1/clinics/{clinic}/holds", WriteKind::kHold);
  guard("/api/v1/clinics/{clinic}/waitlist", WriteKind::kWaitlist);
}

Response TooManyBookingsResponse(const app::ClinicContext& clinic,
                                 const app::TooManyBookings& refused) {
  Response response = http::Problem(409, "Too many future bookings", refused.message,
                                    {{"patient.email",
                                      "has as many upcoming online bookings as "
                                      "the clinic takes"}});
  Json body = Json::parse(response.body);
  body["limit"] = refused.limit;
  body["phone"] = clinic.setup().clinic.phone;
  response.body = body.dump();
  return response;
}

}  // namespace unknot::api::v1
