#include "api/fhir/bulk_publish.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>

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

// An IMF-fixdate (RFC 9110 section 5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT": the form HttpDate
// writes and the one a client echoes back. Parsed by hand: date::parse trips g++ 12's
// -Wmaybe-uninitialized at -O2 inside date.h, which breaks the release build.
std::optional<core::Instant> ParseHttpDate(std::string_view text) {
  constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto number = [text](std::size_t at, std::size_t length) -> std::optional<int> {
    int value = 0;
    for (char c : text.substr(at, length)) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  const std::size_t month = kMonths.find(text.substr(8, 3));
  const auto day = number(5, 2), year = number(12, 4);
  const auto hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
  if (month == std::string_view::npos || month % 3 != 0 || !day || !year || !hour || !minute ||
      !second || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{*year},
                                 date::month{static_cast<unsigned>(month / 3 + 1)},
                                 date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return core::Instant{date::sys_days{ymd}} + std::chrono::hours{*hour} +
         std::chrono::minutes{*minute} + std::chrono::seconds{*second};
}

struct Published {
  BulkFiles files;
  std::string location_tag, schedule_tag, slot_tag;
  core::Instant location_modified, schedule_modified, slot_modified;
  core::Instant Modified() const {
    return std::max({location_modified, schedule_modified, slot_modified});
  }
};

// Per clinic and origin: the last files built, reused while no write has landed
// (Storage::Generation) for up to kReuseFor, so a poller's manifest and its three files cost one
// computation; and when this process first served each file's bytes (Last-Modified).
class BulkCache {
 public:
  static constexpr auto kReuseFor = std::chrono::seconds{60};
  static constexpr std::size_t kMaxEntries = 32;

  template <typename Build>
  core::Result<std::shared_ptr<const Published>> Get(const std::string& key,
                                                     std::uint64_t generation, core::Instant now,
                                                     Build build) {
    {
      std::lock_guard lock(mutex_);
      auto it = entries_.find(key);
      if (it != entries_.end() && it->second.generation == generation &&
          now >= it->second.built_at && now - it->second.built_at < kReuseFor) {
        return it->second.published;
      }
    }
    BulkFiles files = UNKNOT_TRY(build());  // outside the lock: it reads storage
    auto published = std::make_shared<Published>();
    published->location_tag = EntityTag(files.location);
    published->schedule_tag = EntityTag(files.schedule);
    published->slot_tag = EntityTag(files.slot);
    published->files = std::move(files);
    std::lock_guard lock(mutex_);
    // The key holds the client's Host: bound what a stream of made-up hosts can make us keep.
    if (entries_.size() >= kMaxEntries && entries_.count(key) == 0) entries_.clear();
    Entry& entry = entries_[key];
    auto first_seen = [&](std::pair<std::string, core::Instant>& seen, const std::string& tag) {
      if (seen.first != tag) seen = {tag, now};
      return seen.second;
    };
    published->location_modified = first_seen(entry.location, published->location_tag);
    published->schedule_modified = first_seen(entry.schedule, published->schedule_tag);
    published->slot_modified = first_seen(entry.slot, published->slot_tag);
    entry.generation = generation;
    entry.built_at = now;
    entry.published = published;
    return std::shared_ptr<const Published>(std::move(published));
  }

 private:
  struct Entry {
    std::uint64_t generation = 0;
    core::Instant built_at;
    std::shared_ptr<const Published> published;
    std::pair<std::string, core::Instant> location, schedule, slot;  // tag, first served
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
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

core::Result<std::shared_ptr<const Published>> Publish(core::ports::Storage& storage,
                                                       const core::Clock& clock, BulkCache& cache,
                                                       const app::ClinicContext& clinic,
                                                       const Links& links) {
  // Read the generation first: a write that lands meanwhile makes the entry stale.
  std::uint64_t generation = storage.Generation();
  return cache.Get(links.origin + "|" + links.slug, generation, clock.Now(),
                   [&] { return BuildBulkFiles(storage, clock, clinic, links); });
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
  auto cache = std::make_shared<BulkCache>();
  router.Add(http::Method::kGet, "/fhir/{clinic}/$bulk-publish",
             [&storage, &clock, cache](Request& request) {
               return WithClinic(
                   storage, request, [&](const app::ClinicContext& clinic, const Links& links) {
                     auto published = Publish(storage, clock, *cache, clinic, links);
                     if (!published) return OutcomeResponse(published.error());
                     const std::string base = links.FhirBase() + "/$bulk-publish";
                     Json output = Json::array();
                     for (const char* type : {"Location", "Schedule", "Slot"}) {
                       output.push_back({{"type", type}, {"url", base + "/" + type + ".ndjson"}});
                     }
                     core::Instant modified = (*published)->Modified();
                     Json manifest = {{"transactionTime", core::FormatInstant(modified)},
                                      {"request", base},
                                      {"output", std::move(output)},
                                      {"error", Json::array()}};
                     std::string body = manifest.dump();
                     std::string etag = EntityTag(body);
                     return Conditional(request, std::move(body), "application/json", etag,
                                        modified);
                   });
             });
  router.Add(
      http::Method::kGet, "/fhir/{clinic}/$bulk-publish/{file}",
      [&storage, &clock, cache](Request& request) {
        return WithClinic(
            storage, request, [&](const app::ClinicContext& clinic, const Links& links) {
              std::string_view file = request.PathParam("file");
              if (file != "Location.ndjson" && file != "Schedule.ndjson" && file != "Slot.ndjson") {
                return FhirResponse(404, OperationOutcome("not-found", "no such file"));
              }
              auto published = Publish(storage, clock, *cache, clinic, links);
              if (!published) return OutcomeResponse(published.error());
              const Published& p = **published;
              const std::string type(kNdjson);
              if (file == "Location.ndjson") {
                return Conditional(request, p.files.location, type, p.location_tag,
                                   p.location_modified);
              }
              if (file == "Schedule.ndjson") {
                return Conditional(request, p.files.schedule, type, p.schedule_tag,
                                   p.schedule_modified);
              }
              return Conditional(request, p.files.slot, type, p.slot_tag, p.slot_modified);
            });
      });
}

}  // namespace unknot::api::fhir
