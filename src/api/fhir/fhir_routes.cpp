#include "api/fhir/fhir_routes.hpp"

#include <charconv>
#include <set>
#include <utility>
#include <vector>

#include "api/fhir/appointment_write.hpp"
#include "api/fhir/bulk_publish.hpp"
#include "api/fhir/fhir_resources.hpp"
#include "api/fhir/slot_search.hpp"
#include "api/http/gzip.hpp"
#include "api/http/percent_encoding.hpp"
#include "api/json/json_writer.hpp"
#include "api/public_url.hpp"
#include "api/v1/availability_cache.hpp"
#include "app/booking.hpp"

namespace unknot::api::fhir {
namespace {

using core::Error;
using core::Result;
using http::Request;
using http::Response;
using namespace std::chrono_literals;

constexpr std::int64_t kDefaultCount = 50;
constexpr std::int64_t kMaxCount = 1000;
constexpr auto kDefaultSpan = std::chrono::days{7};
constexpr auto kMaxSpan = std::chrono::days{31};

// The query as (decoded name, decoded value, raw pair) in order; repeated names kept.
struct Param {
  std::string name;
  std::string value;
  std::string raw;
};

std::vector<Param> ParseQuery(std::string_view query) {
  std::vector<Param> out;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    out.push_back(
        {http::DecodeQueryComponent(name), http::DecodeQueryComponent(value), std::string(pair)});
  }
  return out;
}

Error Invalid(const std::string& param, const std::string& reason) {
  return Error::InvalidField(param, reason);
}

// Refuses any parameter not in `known` (strict handling, FHIR R4 3.1.1.4.4).
Result<void> CheckKnown(const std::vector<Param>& params, const std::set<std::string>& known) {
  for (const auto& p : params) {
    if (known.count(p.name) == 0) {
      return Invalid(p.name, "is not a search parameter this server supports for this type");
    }
  }
  return core::Ok();
}

Result<std::int64_t> NonNegative(const Param& p, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const char* end = p.value.data() + p.value.size();
  auto [stop, ec] = std::from_chars(p.value.data(), end, value);
  if (p.value.empty() || ec != std::errc{} || stop != end || value < min || value > max) {
    return Invalid(p.name,
                   "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

// "ge2027-03-14" / "lt2027-03-14T08:00:00Z": a date is the clinic's local day, read through the
// one local -> UTC conversion (a day that starts in a DST gap starts when the gap ends).
Result<core::Instant> StartBound(const Param& p, const core::TimeZone& zone) {
  std::string_view text = p.value.size() > 2 ? std::string_view(p.value).substr(2) : "";
  if (auto day = core::ParseLocalDate(text)) {
    auto start = core::LocalToUtc(zone, core::LocalDateTime{date::local_days{*day}},
                                  core::kWorkingHoursDstPolicy);
    if (!start) return Invalid(p.name, start.error().message());
    return *start;
  }
  auto instant = core::ParseInstant(text);
  if (!instant) {
    return Invalid(p.name, "must be ge or lt followed by a date (YYYY-MM-DD) or an instant");
  }
  return *instant;
}

struct SlotSearch {
  SlotFilter filter;
  std::int64_t count = kDefaultCount;
  std::int64_t offset = 0;
};

Result<SlotSearch> ParseSlotSearch(const std::vector<Param>& params,
                                   const app::ClinicContext& clinic, core::Instant now) {
  UNKNOT_TRY(
      CheckKnown(params, {"schedule", "service-type", "start", "status", "_count", "_offset"}));
  SlotSearch search;
  std::optional<core::Instant> from;
  std::optional<core::Instant> to;
  bool nothing = false;  // a reference or code this clinic does not have: no matches
  for (const auto& p : params) {
    if (p.name == "schedule") {
      std::string_view id = p.value;
      if (id.starts_with("Schedule/")) id.remove_prefix(9);
      std::int64_t value = 0;
      auto [stop, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
      if (id.empty() || ec != std::errc{} || stop != id.data() + id.size() || value <= 0) {
        nothing = true;
      } else {
        search.filter.practitioner = core::PractitionerId{value};
      }
    } else if (p.name == "service-type") {
      std::string_view code = p.value;
      if (auto bar = code.find('|'); bar != std::string_view::npos) {
        if (code.substr(0, bar) != kServiceSystem) {
          return Invalid(p.name, "the system must be " + std::string(kServiceSystem));
        }
        code.remove_prefix(bar + 1);
      }
      const auto& services = clinic.setup().services;
      auto it = std::find_if(services.begin(), services.end(),
                             [&](const auto& s) { return s.slug == code; });
      if (it == services.end()) {
        nothing = true;
      } else {
        search.filter.service = it->id;
      }
    } else if (p.name == "start") {
      if (p.value.starts_with("ge")) {
        from = UNKNOT_TRY(StartBound(p, clinic.zone));
      } else if (p.value.starts_with("lt")) {
        to = UNKNOT_TRY(StartBound(p, clinic.zone));
      } else {
        return Invalid(p.name, "only the prefixes ge and lt are supported");
      }
    } else if (p.name == "status") {
      if (p.value != "free") return Invalid(p.name, "only free slots are published");
    } else if (p.name == "_count") {
      search.count = UNKNOT_TRY(NonNegative(p, 1, kMaxCount));
    } else if (p.name == "_offset") {
      search.offset = UNKNOT_TRY(NonNegative(p, 0, 1'000'000));
    }
  }
  search.filter.from = from.value_or(now);
  search.filter.to = to.value_or(search.filter.from + kDefaultSpan);
  if (search.filter.to - search.filter.from > kMaxSpan) {
    return Invalid("start", "ge and lt may be at most 31 days apart");
  }
  if (nothing) search.filter.to = search.filter.from;
  return search;
}

// The query again with _offset replaced.
std::string WithOffset(const std::vector<Param>& params, std::int64_t offset) {
  std::string query;
  for (const auto& p : params) {
    if (p.name == "_offset") continue;
    query += p.raw + "&";
  }
  return query + "_offset=" + std::to_string(offset);
}

Json SearchSet(const std::string& self, std::size_t total) {
  return Json{{"resourceType", "Bundle"},
              {"type", "searchset"},
              {"total", total},
              {"link", Json::array({{{"relation", "self"}, {"url", self}}})},
              {"entry", Json::array()}};
}

void AddEntry(Json& bundle, const std::string& base, Json resource) {
  std::string full_url = base + "/" + resource["resourceType"].get<std::string>() + "/" +
                         resource["id"].get<std::string>();
  bundle["entry"].push_back({{"fullUrl", std::move(full_url)},
                             {"resource", std::move(resource)},
                             {"search", {{"mode", "match"}}}});
}

// The searchset Bundle of a Slot search as JSON text, written straight into one string (a busy
// day is hundreds of Slots; see SlotWriter): the same members and order as SearchSet/AddEntry.
Result<std::string> SlotBundleText(core::ports::Storage& storage, const core::Clock& clock,
                                   const app::ClinicContext& clinic, const Links& links,
                                   const Request& request) {
  auto params = ParseQuery(request.query);
  auto search = UNKNOT_TRY(ParseSlotSearch(params, clinic, clock.Now()));
  auto slots = UNKNOT_TRY(FindFreeSlots(storage, clock, clinic, search.filter));
  const std::string base = links.FhirBase();
  const std::string type_url = base + "/Slot";
  auto begin = std::min(slots.size(), static_cast<std::size_t>(search.offset));
  auto end = std::min(slots.size(), begin + static_cast<std::size_t>(search.count));
  const SlotWriter slot_writer(clinic.setup(), links);
  json::Writer w(512 + 900 * (end - begin));
  w.Raw("{").Key("resourceType", true).String("Bundle");
  w.Key("type").String("searchset");
  w.Key("total").Int(static_cast<std::int64_t>(slots.size()));
  w.Key("link").Raw("[{").Key("relation", true).String("self");
  w.Key("url").String(type_url + (request.query.empty() ? "" : "?" + request.query)).Raw("}");
  if (end < slots.size()) {
    w.Raw(",{").Key("relation", true).String("next");
    w.Key("url").String(type_url + "?" + WithOffset(params, static_cast<std::int64_t>(end)));
    w.Raw("}");
  }
  w.Raw("]").Key("entry").Raw("[");
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) w.Raw(",");
    w.Raw("{").Key("fullUrl", true).String(type_url + "/" + SlotId(slots[i]));
    w.Key("resource");
    slot_writer.Write(w, slots[i]);
    w.Key("search").Raw("{").Key("mode", true).String("match").Raw("}}");
  }
  w.Raw("]}");
  return w.Take();
}

// A Slot search answered from `cache` while nothing was written since (same storage generation,
// at most a second old; stored without a scope, since a search may span many days), else computed;
// checked before the clinic is even loaded. The key is everything the text depends on: clinic,
// origin (in every link) and the query as sent. Gzip is made once per cached answer, when a client
// first asks for it.
Response AnswerSlotSearch(core::ports::Storage& storage, const core::Clock& clock,
                          v1::AvailabilityCache& cache, const Request& request) {
  using Body = v1::AvailabilityCache::Body;
  const std::uint64_t generation = storage.Generation();
  const auto now = v1::AvailabilityCache::Clock::now();
  const std::string origin = PublicOrigin(request);
  const std::string key =
      std::string(request.PathParam("clinic")) + "|" + origin + "|" + std::string(request.query);
  std::shared_ptr<const Body> body = cache.Find(key, generation, now, v1::ChangesIn(storage));
  if (body == nullptr) {
    auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
    if (!clinic) return OutcomeResponse(clinic.error());
    Links links{.origin = origin, .slug = clinic->setup().clinic.slug};
    auto text = SlotBundleText(storage, clock, *clinic, links, request);
    if (!text) return OutcomeResponse(text.error());
    body = std::make_shared<const Body>(Body{std::move(*text), {}, std::nullopt});
    cache.Store(key, generation, now, body);
  }
  const bool gzip = http::AcceptsGzip(request);
  if (gzip && body->gzip.empty()) {
    body = std::make_shared<const Body>(Body{body->json, http::Gzip(body->json), body->scope});
    cache.Store(key, generation, now, body);
  }
  Response response = http::Response::Json(200, gzip ? body->gzip : body->json);
  response.content_type = std::string(kFhirJson);
  response.headers = {{"Vary", "Accept-Encoding"}};
  if (gzip) response.headers.emplace_back("Content-Encoding", "gzip");
  return response;
}

// Every resource of a setup-derived type; nullopt for a type this server does not serve.
std::optional<std::vector<Json>> ResourcesOf(std::string_view type,
                                             const core::clinic::ClinicSetup& setup) {
  std::vector<Json> out;
  if (type == "Location") {
    out.push_back(LocationResource(setup.clinic));
  } else if (type == "Practitioner") {
    for (const auto& p : setup.practitioners) out.push_back(PractitionerResource(p));
  } else if (type == "PractitionerRole") {
    for (const auto& p : setup.practitioners) out.push_back(PractitionerRoleResource(setup, p));
  } else if (type == "HealthcareService") {
    for (const auto& s : setup.services) out.push_back(HealthcareServiceResource(setup, s));
  } else if (type == "Schedule") {
    for (const auto& p : setup.practitioners) out.push_back(ScheduleResource(setup, p));
  } else {
    return std::nullopt;
  }
  return out;
}

Response NotSupported(std::string_view type) {
  return FhirResponse(404, OperationOutcome("not-supported", "this server does not serve " +
                                                                 std::string(type) + " resources"));
}

// Runs `act` with the clinic of the path and the links for this request.
template <typename Act>
Response WithClinic(core::ports::Storage& storage, const Request& request, Act act) {
  auto clinic = app::LoadClinic(storage, request.PathParam("clinic"));
  if (!clinic) return OutcomeResponse(clinic.error());
  Links links{.origin = PublicOrigin(request), .slug = clinic->setup().clinic.slug};
  return act(*clinic, links);
}

Response Search(core::ports::Storage& storage, const core::Clock& clock,
                v1::AvailabilityCache& slot_cache, const Request& request) {
  if (request.PathParam("type") == "Slot")
    return AnswerSlotSearch(storage, clock, slot_cache, request);
  return WithClinic(storage, request, [&](const app::ClinicContext& clinic, const Links& links) {
    std::string_view type = request.PathParam("type");
    if (type == "Appointment") {
      return FhirResponse(400, OperationOutcome("not-supported",
                                                "Appointments cannot be searched; read one with "
                                                "its manage token as a Bearer token"));
    }
    auto resources = ResourcesOf(type, clinic.setup());
    if (!resources) return NotSupported(type);
    auto params = ParseQuery(request.query);
    if (auto known = CheckKnown(params, {"_id"}); !known) return OutcomeResponse(known.error());
    std::set<std::string> ids;
    for (const auto& p : params) ids.insert(p.value);
    std::vector<Json> matches;
    for (auto& resource : *resources) {
      if (ids.empty() || ids.count(resource["id"].get<std::string>()) > 0) {
        matches.push_back(std::move(resource));
      }
    }
    std::string self = links.FhirBase() + "/" + std::string(type) +
                       (request.query.empty() ? "" : "?" + request.query);
    Json bundle = SearchSet(self, matches.size());
    for (auto& resource : matches) AddEntry(bundle, links.FhirBase(), std::move(resource));
    return FhirResponse(200, bundle);
  });
}

// A slot id names a free time; it reads as long as that time is still free.
Response ReadSlot(core::ports::Storage& storage, const core::Clock& clock,
                  const app::ClinicContext& clinic, const Links& links, std::string_view id) {
  auto not_found = [&] {
    return FhirResponse(404, OperationOutcome("not-found", "no free Slot " + std::string(id)));
  };
  auto key = ParseSlotId(id);
  if (!key) return not_found();
  SlotFilter filter{.from = key->start,
                    .to = key->start + 1s,
                    .practitioner = key->practitioner,
                    .service = key->service};
  auto slots = FindFreeSlots(storage, clock, clinic, filter);
  if (!slots) return OutcomeResponse(slots.error());
  if (slots->empty()) return not_found();
  Response response =
      http::Response::Json(200, SlotWriter(clinic.setup(), links).Text(slots->front()));
  response.content_type = std::string(kFhirJson);
  return response;
}

// Read with the manage token, exactly as the JSON API: a wrong or missing token is 404, like an
// unknown id, so ids cannot be probed.
Response ReadAppointment(core::ports::Storage& storage, core::ports::TokenService& tokens,
                         const app::ClinicContext& clinic, const Request& request,
                         std::string_view id) {
  std::string token;
  if (auto auth = request.Header("authorization"); auth && auth->starts_with("Bearer ")) {
    token = std::string(auth->substr(7));
  }
  std::int64_t value = 0;
  auto [stop, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (id.empty() || ec != std::errc{} || stop != id.data() + id.size() || value <= 0) {
    return FhirResponse(404, OperationOutcome("not-found", "no such Appointment"));
  }
  auto appointment =
      app::GetAppointment(storage, tokens, clinic, core::AppointmentId{value}, token);
  if (!appointment) return OutcomeResponse(appointment.error());
  Response response = FhirResponse(200, AppointmentResource(clinic.setup(), *appointment));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response Read(core::ports::Storage& storage, const core::Clock& clock,
              core::ports::TokenService& tokens, const Request& request) {
  return WithClinic(storage, request, [&](const app::ClinicContext& clinic, const Links& links) {
    std::string_view type = request.PathParam("type");
    std::string_view id = request.PathParam("id");
    if (type == "Slot") return ReadSlot(storage, clock, clinic, links, id);
    if (type == "Appointment") return ReadAppointment(storage, tokens, clinic, request, id);
    auto resources = ResourcesOf(type, clinic.setup());
    if (!resources) return NotSupported(type);
    for (auto& resource : *resources) {
      if (resource["id"] == id) return FhirResponse(200, resource);
    }
    return FhirResponse(
        404, OperationOutcome("not-found", "no " + std::string(type) + "/" + std::string(id)));
  });
}

}  // namespace

void AddFhirRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
                   core::ports::TokenService& tokens) {
  router.Add(http::Method::kGet, "/fhir/{clinic}/metadata", [&storage](Request& request) {
    return WithClinic(storage, request, [](const app::ClinicContext&, const Links& links) {
      return FhirResponse(200, CapabilityStatement(links));
    });
  });
  // Slot searches' answers, up to ~750 KB each (a full page of 1000 Slots): fewer than the JSON
  // availability keeps.
  auto slot_cache = std::make_shared<v1::AvailabilityCache>(32);
  router.Add(http::Method::kGet, "/fhir/{clinic}/{type}",
             [&storage, &clock, slot_cache](Request& request) {
               return Search(storage, clock, *slot_cache, request);
             });
  router.Add(http::Method::kGet, "/fhir/{clinic}/{type}/{id}",
             [&storage, &clock, &tokens](Request& request) {
               return Read(storage, clock, tokens, request);
             });
  AddBulkPublishRoutes(router, storage, clock);
  AddAppointmentWriteRoutes(router, storage, clock, tokens);
  // Whatever else reaches /fhir is answered in FHIR's terms too.
  auto unknown = [](Request& request) {
    bool get = request.method == http::Method::kGet || request.method == http::Method::kHead;
    return FhirResponse(
        get ? 404 : 405,
        OperationOutcome("not-supported",
                         get ? "no such FHIR resource or operation here"
                             : "this FHIR server writes only Appointments (create, and cancel by "
                               "patch or update)"));
  };
  for (http::Method method : {http::Method::kGet, http::Method::kPost, http::Method::kPut,
                              http::Method::kPatch, http::Method::kDelete}) {
    router.Add(method, "/fhir/{rest...}", unknown);
  }
}

}  // namespace unknot::api::fhir
