#include "api/fhir/bulk_publish.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

#include "api/fhir/slot_search.hpp"
#include "api/json/setup_json.hpp"
#include "api/public_url.hpp"
#include "app/booking.hpp"

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

// When this process first answered each (key, tag): Last-Modified. Only the latest tag per key
// is kept, and the keys (which hold the client's Host) are bounded.
class FirstSeen {
 public:
  static constexpr std::size_t kMaxEntries = 96;

  core::Instant Of(const std::string& key, const std::string& tag, core::Instant now) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kMaxEntries && entries_.count(key) == 0) entries_.clear();
    auto& seen = entries_[key];
    if (seen.first != tag) seen = {tag, now};
    return seen.second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, core::Instant>> entries_;  // tag, first answered
};

// 304 when the client already holds the bytes `etag` names.
bool Fresh(const Request& request, const std::string& etag, core::Instant modified) {
  if (auto match = request.Header("if-none-match")) {
    return *match == "*" || match->find(etag) != std::string_view::npos;
  }
  if (auto since = request.Header("if-modified-since")) {
    auto at = ParseHttpDate(*since);
    return at && modified <= *at;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> Validators(const std::string& etag,
                                                            core::Instant modified) {
  return {{"ETag", etag}, {"Last-Modified", HttpDate(modified)}, {"Cache-Control", "no-cache"}};
}

// 200 with the body, or 304 when the client already holds these bytes.
Response Conditional(const Request& request, std::string body, std::string content_type,
                     const std::string& etag, core::Instant modified) {
  Response response;
  if (Fresh(request, etag, modified)) {
    response.status = 304;
    response.content_type.clear();
  } else {
    response.status = 200;
    response.body = std::move(body);
    response.content_type = std::move(content_type);
  }
  response.headers = Validators(etag, modified);
  return response;
}

std::string LocationFile(const core::clinic::ClinicSetup& setup) {
  std::string out;
  AppendLine(out, LocationResource(setup.clinic));
  return out;
}

std::string ScheduleFile(const core::clinic::ClinicSetup& setup) {
  std::string out;
  for (const auto& p : setup.practitioners) {
    if (p.status == core::clinic::PractitionerStatus::kActive) {
      AppendLine(out, ScheduleResource(setup, p));
    }
  }
  return out;
}

// This process's part of the Slot file's tag (see SlotFileTag).
const std::string& Instance() {
  static const std::string instance = [] {
    std::random_device device;
    return fmt::format("{:08x}{:08x}", device(), device());
  }();
  return instance;
}

core::Instant WindowStart(core::Instant now) {
  return std::chrono::floor<std::chrono::minutes>(now);
}

// Makes Slot.ndjson piece by piece: one local day's free slots at a time from the engine (as of
// the window's start), turned into lines a piece at a time. Holds one day's FreeSlots and one
// piece. Runs on the stream's strand only (Start and the WhenDrained callbacks).
class SlotFileProducer : public std::enable_shared_from_this<SlotFileProducer> {
 public:
  SlotFileProducer(core::ports::Storage& storage, app::ClinicContext clinic, Links links,
                   core::Instant from, core::Instant to)
      : storage_(storage),
        clinic_(std::move(clinic)),
        links_(std::move(links)),
        slot_writer_(clinic_.setup(), links_),
        clock_(from),
        from_(from),
        to_(to),
        day_(core::LocalDateOf(clinic_.zone, from)),
        last_day_(core::LocalDateOf(clinic_.zone, to - std::chrono::seconds{1})) {}

  // The next piece: whole lines, about kPieceBytes; empty once the file is done.
  core::Result<std::string> Next() {
    std::string piece;
    while (piece.size() < kPieceBytes) {
      if (next_ < day_slots_.size()) {
        piece += slot_writer_.Text(day_slots_[next_++]);
        piece += '\n';
        continue;
      }
      if (day_ > last_day_) break;
      core::Instant start = UNKNOT_TRY(DayStart(day_));
      core::Instant end = UNKNOT_TRY(DayStart(day_ + date::days{1}));
      SlotFilter filter{.from = std::max(from_, start),
                        .to = std::min(to_, end),
                        .practitioner = std::nullopt,
                        .service = std::nullopt};
      day_slots_ = UNKNOT_TRY(FindFreeSlots(storage_, clock_, clinic_, filter));
      next_ = 0;
      day_ += date::days{1};
    }
    return piece;
  }

  // Sends `first` (made before the head went out, so that a failure there was still a proper
  // error response), then the rest, each piece once the client has taken the one before.
  void Start(std::shared_ptr<http::StreamSink> sink, std::string first) {
    sink_ = std::move(sink);
    if (first.empty()) return sink_->Close();
    if (!sink_->Send(std::move(first))) return;
    sink_->WhenDrained([self = shared_from_this()] { self->Pump(); });
  }

 private:
  core::Result<core::Instant> DayStart(date::local_days day) const {
    return core::LocalToUtc(clinic_.zone, core::LocalDateTime{day}, core::kWorkingHoursDstPolicy);
  }

  // One piece per call, or several when the sink calls back at once (a sink without a queue).
  void Pump() {
    if (pumping_) {
      again_ = true;
      return;
    }
    pumping_ = true;
    try {
      do {
        again_ = false;
        auto piece = Next();
        if (!piece) {
          spdlog::error("bulk-publish Slot.ndjson failed midway: {}", piece.error().message());
          sink_->Abort();
          break;
        }
        if (piece->empty()) {
          sink_->Close();
          break;
        }
        if (!sink_->Send(std::move(*piece))) break;  // the client left
        sink_->WhenDrained([self = shared_from_this()] { self->Pump(); });
      } while (again_);
    } catch (const std::exception& e) {
      spdlog::error("bulk-publish Slot.ndjson failed midway: {}", e.what());
      sink_->Abort();
    }
    pumping_ = false;
  }

  core::ports::Storage& storage_;
  const app::ClinicContext clinic_;
  const Links links_;
  const SlotWriter slot_writer_;
  const core::FixedClock clock_;  // the window's start: every day is computed as of then
  const core::Instant from_, to_;
  date::local_days day_;  // the next day to compute
  const date::local_days last_day_;
  std::vector<FreeSlot> day_slots_;
  std::size_t next_ = 0;  // in day_slots_
  std::shared_ptr<http::StreamSink> sink_;
  bool pumping_ = false;
  bool again_ = false;
};

// A stream whose head carries the validators.
http::StreamStart Streamed(const std::string& etag, core::Instant modified,
                           std::function<void(std::shared_ptr<http::StreamSink>)> on_open) {
  http::StreamStart start;
  start.status = 200;
  start.content_type = std::string(kNdjson);
  start.headers = Validators(etag, modified);
  start.on_open = std::move(on_open);
  return start;
}

// The clinic of the path and the links for this request, or the OperationOutcome.
core::Result<std::pair<app::ClinicContext, Links>> ClinicOf(core::ports::Storage& storage,
                                                            const Request& request) {
  auto clinic = UNKNOT_TRY(app::LoadClinic(storage, request.PathParam("clinic")));
  Links links{.origin = PublicOrigin(request), .slug = clinic.setup().clinic.slug};
  return std::pair{std::move(clinic), std::move(links)};
}

std::string SeenKey(const Links& links, std::string_view file) {
  return links.origin + "|" + links.slug + "|" + std::string(file);
}

// The Slot file's validators as of `now`, for the clinic loaded after `generation` was read.
std::pair<std::string, core::Instant> SlotValidators(FirstSeen& seen,
                                                     const app::ClinicContext& clinic,
                                                     const Links& links, std::uint64_t generation,
                                                     core::Instant now) {
  std::string tag = SlotFileTag(Instance(), links, clinic.setup(), generation, WindowStart(now));
  core::Instant modified = seen.Of(SeenKey(links, "Slot.ndjson"), tag, now);
  return {std::move(tag), modified};
}

http::StreamReply ServeFile(core::ports::Storage& storage, const core::Clock& clock,
                            FirstSeen& seen, const Request& request) {
  // Read the generation first: a write that lands meanwhile makes the tag stale, never wrong.
  const std::uint64_t generation = storage.Generation();
  auto found = ClinicOf(storage, request);
  if (!found) return OutcomeResponse(found.error());
  auto& [clinic, links] = *found;
  const std::string_view file = request.PathParam("file");
  const core::Instant now = clock.Now();
  if (file == "Location.ndjson" || file == "Schedule.ndjson") {
    std::string body =
        file == "Location.ndjson" ? LocationFile(clinic.setup()) : ScheduleFile(clinic.setup());
    std::string tag = EntityTag(body);
    core::Instant modified = seen.Of(SeenKey(links, file), tag, now);
    if (Fresh(request, tag, modified)) return Conditional(request, "", "", tag, modified);
    return Streamed(tag, modified,
                    [body = std::move(body)](std::shared_ptr<http::StreamSink> sink) {
                      sink->Send(body);
                      sink->Close();
                    });
  }
  if (file != "Slot.ndjson") {
    return FhirResponse(404, OperationOutcome("not-found", "no such file"));
  }
  auto [tag, modified] = SlotValidators(seen, clinic, links, generation, now);
  if (Fresh(request, tag, modified)) return Conditional(request, "", "", tag, modified);
  if (request.method == http::Method::kHead) return Streamed(tag, modified, nullptr);
  const core::Instant from = WindowStart(now);
  const core::Instant to = from + clinic.setup().clinic.policy.horizon;
  auto producer = std::make_shared<SlotFileProducer>(storage, std::move(clinic), links, from, to);
  // The first piece now, so that a storage failure is still an OperationOutcome.
  auto first = producer->Next();
  if (!first) return OutcomeResponse(first.error());
  return Streamed(tag, modified,
                  [producer, first = std::move(*first)](std::shared_ptr<http::StreamSink> sink) {
                    producer->Start(std::move(sink), first);
                  });
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

std::string SlotFileTag(std::string_view instance, const Links& links,
                        const core::clinic::ClinicSetup& setup, std::uint64_t generation,
                        core::Instant window_start) {
  std::string determines;
  for (std::string_view part :
       {instance, std::string_view(links.origin), std::string_view(links.slug)}) {
    determines.append(part).push_back('\0');
  }
  determines += std::to_string(generation);
  determines.push_back('\0');
  determines += json::SetupJson(setup).dump();
  determines.push_back('\0');
  determines += LocationResource(setup.clinic).dump();
  determines.push_back('\0');
  determines += core::FormatInstant(window_start);
  return EntityTag(determines);
}

void AddBulkPublishRoutes(http::Router& router, core::ports::Storage& storage,
                          const core::Clock& clock) {
  // Shared by the handler copies the router keeps; lives as long as the router.
  auto seen = std::make_shared<FirstSeen>();
  router.Add(http::Method::kGet, "/fhir/{clinic}/$bulk-publish",
             [&storage, &clock, seen](Request& request) {
               const std::uint64_t generation = storage.Generation();
               auto found = ClinicOf(storage, request);
               if (!found) return OutcomeResponse(found.error());
               const auto& [clinic, links] = *found;
               const core::Instant now = clock.Now();
               // The files' validators cost no slot computation: the manifest's time is the
               // latest of their Last-Modified.
               core::Instant modified =
                   std::max({seen->Of(SeenKey(links, "Location.ndjson"),
                                      EntityTag(LocationFile(clinic.setup())), now),
                             seen->Of(SeenKey(links, "Schedule.ndjson"),
                                      EntityTag(ScheduleFile(clinic.setup())), now),
                             SlotValidators(*seen, clinic, links, generation, now).second});
               const std::string base = links.FhirBase() + "/$bulk-publish";
               Json output = Json::array();
               for (const char* type : {"Location", "Schedule", "Slot"}) {
                 output.push_back({{"type", type}, {"url", base + "/" + type + ".ndjson"}});
               }
               Json manifest = {{"transactionTime", core::FormatInstant(modified)},
                                {"request", base},
                                {"output", std::move(output)},
                                {"error", Json::array()}};
               std::string body = manifest.dump();
               std::string etag = EntityTag(body);
               return Conditional(request, std::move(body), "application/json", etag, modified);
             });
  router.AddStream(http::Method::kGet, "/fhir/{clinic}/$bulk-publish/{file}",
                   [&storage, &clock, seen](Request& request) {
                     return ServeFile(storage, clock, *seen, request);
                   });
}

}  // namespace unknot::api::fhir
