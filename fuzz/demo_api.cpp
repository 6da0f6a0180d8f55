#include "demo_api.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "api/v1/assessment_routes.hpp"
#include "api/v1/booking_routes.hpp"
#include "api/v1/clinic_routes.hpp"
#include "api/web_routes.hpp"
#include "app/demo_clinic.hpp"

namespace unknot::fuzz {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz setup: %s\n", what.c_str());
  std::abort();
}

// Under $UNKNOT_FUZZ_TMPDIR (fuzz/run.sh sets it and removes it afterwards, also after a crash),
// else /dev/shm when there is one (commits cost no disk flush there), else the temp directory.
std::filesystem::path MakeTempDir() {
  std::filesystem::path base = std::filesystem::temp_directory_path();
  if (const char* dir = std::getenv("UNKNOT_FUZZ_TMPDIR"); dir != nullptr && *dir != '\0') {
    base = dir;
  } else if (std::filesystem::exists("/dev/shm")) {
    base = "/dev/shm";
  }
  std::string pattern = (base / "unknot-fuzz-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) Die("cannot create a directory in " + base.string());
  return pattern;
}

bool HasLineBreakOrNul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

[[noreturn]] void Fail(const char* why, const http::Request& request,
                       const http::Response& response) {
  std::fprintf(stderr, "fuzz check failed: %s\n%s %s%s%s\n", why,
               std::string(http::ToString(request.method)).c_str(), request.path.c_str(),
               request.query.empty() ? "" : "?", request.query.c_str());
  for (const auto& [name, value] : request.headers) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), value.c_str());
  }
  std::fprintf(stderr, "\n%s\n--- answer %u\n", request.body.c_str(), response.status);
  for (const auto& [name, value] : response.headers) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), value.c_str());
  }
  std::fprintf(stderr, "\n%s\n", response.body.c_str());
  std::abort();
}

}  // namespace

DemoApi& DemoApi::Get() {
  static DemoApi api;
  return api;
}

DemoApi::DemoApi()
    : dir_(MakeTempDir()),
      clock_(core::ParseInstant("2026-11-26T18:00:00Z").value()),
      files_(dir_ / "no-web-app") {
  // The router logs every escaped exception; Dispatch reports those itself.
  spdlog::set_level(spdlog::level::off);
  const std::string path = (dir_ / "unknot.db").string();
  if (auto migrated = storage::sqlite::MigrateDatabase(path, clock_); !migrated) {
    Die(migrated.error().message());
  }
  auto storage = storage::sqlite::SqliteStorage::Open(path, clock_);
  if (!storage) Die(storage.error().message());
  storage_ = std::move(*storage);
  if (auto demo = app::LoadDemoClinic(*storage_, clock_); !demo) Die(demo.error().message());
  auto loaded = knowledge::LoadKnowledge(std::filesystem::path(UNKNOT_SOURCE_DIR) / "data");
  if (!loaded) Die(loaded.error().message());
  knowledge_ = std::move(*loaded);

  // As in unknot serve (src/server/commands.cpp).
  api::v1::AddClinicRoutes(router_, *storage_);
  api::v1::AddBookingRoutes(router_, *storage_, clock_, tokens_);
  api::v1::AddAssessmentRoutes(router_, *storage_, clock_, tokens_, knowledge_.knowledge,
                               knowledge_.body_map_svg);
  api::AddWebRoutes(router_, *storage_, files_);
  api::AddOpsRoutes(router_, *storage_, metrics_, "fuzz");
  FindStarts();
  Book();
}

DemoApi::~DemoApi() {
  router_ = http::Router();
  storage_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

http::Response DemoApi::Dispatch(http::Request& request) {
  http::Request copy = request;  // the handler may move from it; keep it for the report
  http::Response response = router_.Dispatch(request);
  if (response.status == 500) Fail("a 500 answer", copy, response);
  if (response.status < 100 || response.status > 599) Fail("an invalid status", copy, response);
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || HasLineBreakOrNul(name) || HasLineBreakOrNul(value)) {
      Fail("a header with CR, LF or NUL", copy, response);
    }
  }
  if (HasLineBreakOrNul(response.content_type)) Fail("a bad Content-Type", copy, response);
  return response;
}

// The free starts of the ART session in the coming weeks, read once: the API answers at most 31
// days at a time, and the clinic books up to its horizon.
void DemoApi::FindStarts() {
  auto setup = storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
  for (const auto& s : setup->services) {
    if (s.slug == "art-session") art_ = s.id.value();
  }
  for (const char* window : {"from=2026-11-27&to=2026-12-27", "from=2026-12-28&to=2027-01-27"}) {
    http::Request query;
    query.path = std::string(kClinic) + "/availability";
    query.query = "service=" + std::to_string(art_) + "&" + window;
    http::Response free = Dispatch(query);
    if (free.status != 200) Die("no availability: " + free.body);
    const Json days = Json::parse(free.body).at("days");
    for (const Json& day : days) {
      for (const Json& slot : day.at("slots")) starts_.push_back(slot.at("start"));
    }
  }
  if (starts_.empty()) Die("the demo clinic has no free start");
}

// Books an art session at the next of those starts that is still free (the fuzz inputs book,
// move and cancel appointments too), going round when it reaches the end.
void DemoApi::Book() {
  for (std::size_t tried = 0; tried < starts_.size(); ++tried) {
    const std::string& start = starts_[next_start_];
    next_start_ = (next_start_ + 1) % starts_.size();
    http::Request book;
    book.method = http::Method::kPost;
    book.path = std::string(kClinic) + "/appointments";
    book.headers = {{"content-type", "application/json"}};
    book.body = Json{{"service", art_},
                     {"start", start},
                     {"patient",
                      {{"given_name", "Fuzz"},
                       {"family_name", "Target"},
                       {"email", "fuzz@example.org"},
                       {"phone", "+14155550142"}}}}
                    .dump();
    http::Response booked = Dispatch(book);
    if (booked.status == 201) {
      Json body = Json::parse(booked.body);
      appointment_ = body.at("appointment").at("id").get<std::int64_t>();
      manage_token_ = body.at("manage_token").get<std::string>();
      return;
    }
  }
  Die("no free start left to book an appointment");
}

void DemoApi::BookAgainIfCancelled() {
  http::Request get;
  get.path = std::string(kClinic) + "/appointments/" + std::to_string(appointment_);
  get.query = "token=" + manage_token_;
  Json body = Json::parse(Dispatch(get).body);
  if (body.contains("appointment") && body["appointment"].value("status", "") == "booked") return;
  Book();
}

}  // namespace unknot::fuzz
