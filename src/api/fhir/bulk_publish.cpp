#include "api/fhir/bulk_publish.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "api/fhir/slot_search.hpp"
#include "api/public_url.hpp"

namespace unknot::api::fhir {
namespace {

using http::Request;
using http::Response;

constexpr std::string_view kNdjson = "application/fhir+ndjson";

void AppendLine(std::string& out, const Json& resource) {
  out += resource.dump();
  out += '\n';
}

std::string HttpDate(core::Instant instant) {
  return date::format("%a, %d %b %Y %H:%M:%S GMT", instant);
}

std::optional<core::Instant> ParseHttpDate(std::string_view text) {
  std::istringstream in{std::string(text)};
  core::Instant instant;
  in >> date::parse("%a, %d %b %Y %H:%M:%S GMT", instant);
  if (in.fail()) return std::nullopt;
  return instant;
}

// When this process first served each entity tag, per clinic and file: Last-Modified.
class FirstSeen {
 public:
  core::Instant Of(const std::string& key, const std::string& etag, core::Instant now) {
    std::lock_guard lock(mutex_);
    auto& entry = seen_[key];
    if (entry.first != etag) entry = {etag, now};
    return entry.second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, core::Instant>> seen_;
};

// 200 with the body, or 304 when the client already holds these bytes.
Response Conditional(const Request& request, std::string body, std::string content_type,
                     const std::string& etag, core::Instant modified) {
  bool fresh = false;
  if (auto match = request.Header("if-none-match")) {
    fresh = *match == "*" || match->find(etag) != std::string_view::npos;
  } else if (auto since = request.Header("if-modified-since")) {
    auto at = ParseHttpDate(*since);
    fresh = at && modified <= *at;
  }
  Response response;
  if (fresh) {
    response.status = 304;
    response.content_type.clear();
  } else {
    response.status = 200;
    response.body = std::move(body);
    response.content_type = std::move(content_type);
  }
  response.headers = {
      {"ETag", etag}, {"Last-Modified", HttpDate(modified)}, {"Cache-Control", "no-cache"}};
  return response;
}

struct Published {
  BulkFiles files;
  std::string location_tag, schedule_tag, slot_tag;
  core::Instant modified;  // the latest Last-Modified of the three
};

core::Result<Published> Publish(core::ports::Storage& storage, const core::Clock& clock,
                                FirstSeen& seen, const app::ClinicContext& clinic,
                                const Links& links) {
  Published out{.files = UNKNOT_TRY(BuildBulkFiles(storage, clock, clinic, links)),
                .location_tag = "",
                .schedule_tag = "",
                .slot_tag = "",
                .modified = {}};
  core::Instant now = clock.Now();
  const std::string key = links.origin + "|" + links.slug + "|";
  out.location_tag = EntityTag(out.files.location);
  out.schedule_tag = EntityTag(out.files.schedule);
  out.slot_tag = EntityTag(out.files.slot);
  out.modified = std::max({seen.Of(key + "Location", out.location_tag, now),
                           seen.Of(key + "Schedule", out.schedule_tag, now),
                           seen.Of(key + "Slot", out.slot_tag, now)});
  return out;
}

template <typename Act>
Response WithClinic(core::ports::Storage& storage, const Request& request, Act act) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return OutcomeResponse(clinic.error());
  Links links{.origin = PublicOrigin(request), .slug = clinic->setup().clinic.slug};
  return act(*clinic, links);
}

}  // namespace

std::string EntityTag(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return fmt::format("\"{:016x}\"", hash);
}

core::Result<BulkFiles> BuildBulkFiles(core::ports::Storage& storage, const core::Clock& clock,
                                       const app::ClinicContext& clinic, const Links& links) {
  const auto& setup = clinic.setup();
  BulkFiles files;
  AppendLine(files.location, LocationResource(setup.clinic));
  for (const auto& p : setup.practitioners) {
    if (p.status == core::clinic::PractitionerStatus::kActive) {
      AppendLine(files.schedule, ScheduleResource(setup, p));
    }
  }
  core::Instant now = clock.Now();
  SlotFilter filter{.from = now,
                    .to = now + setup.clinic.policy.horizon,
                    .practitioner = std::nullopt,
                    .service = std::nullopt};
  for (const auto& slot : UNKNOT_TRY(FindFreeSlots(storage, clock, clinic, filter))) {
    AppendLine(files.slot, SlotResource(setup, links, slot));
  }
  return files;
}

void AddBulkPublishRoutes(http::Router& router, core::ports::Storage& storage,
                          const core::Clock& clock) {
  // Shared by the handler copies the router keeps; lives as long as the router.
  auto seen = std::make_shared<FirstSeen>();
  router.Add(http::Method::kGet, "/fhir/{clinic}/$bulk-publish",
             [&storage, &clock, seen](Request& request) {
               return WithClinic(
                   storage, request, [&](const app::ClinicContext& clinic, const Links& links) {
                     auto published = Publish(storage, clock, *seen, clinic, links);
                     if (!published) return OutcomeResponse(published.error());
                     const std::string base = links.FhirBase() + "/$bulk-publish";
                     Json output = Json::array();
                     for (const char* type : {"Location", "Schedule", "Slot"}) {
                       output.push_back({{"type", type}, {"url", base + "/" + type + ".ndjson"}});
                     }
                     Json manifest = {{"transactionTime", core::FormatInstant(published->modified)},
                                      {"request", base},
                                      {"output", std::move(output)},
                                      {"error", Json::array()}};
                     std::string body = manifest.dump();
                     return Conditional(request, body, "application/json", EntityTag(body),
                                        published->modified);
                   });
             });
  router.Add(
      http::Method::kGet, "/fhir/{clinic}/$bulk-publish/{file}",
      [&storage, &clock, seen](Request& request) {
        return WithClinic(
            storage, request, [&](const app::ClinicContext& clinic, const Links& links) {
              std::string_view file = request.PathParam("file");
              if (file != "Location.ndjson" && file != "Schedule.ndjson" && file != "Slot.ndjson") {
                return FhirResponse(404, OperationOutcome("not-found", "no such file"));
              }
              auto published = Publish(storage, clock, *seen, clinic, links);
              if (!published) return OutcomeResponse(published.error());
              Published& p = *published;
              core::Instant now = clock.Now();
              const std::string key = links.origin + "|" + links.slug + "|";
              if (file == "Location.ndjson") {
                return Conditional(request, std::move(p.files.location), std::string(kNdjson),
                                   p.location_tag, seen->Of(key + "Location", p.location_tag, now));
              }
              if (file == "Schedule.ndjson") {
                return Conditional(request, std::move(p.files.schedule), std::string(kNdjson),
                                   p.schedule_tag, seen->Of(key + "Schedule", p.schedule_tag, now));
              }
              return Conditional(request, std::move(p.files.slot), std::string(kNdjson), p.slot_tag,
                                 seen->Of(key + "Slot", p.slot_tag, now));
            });
      });
}

}  // namespace unknot::api::fhir
