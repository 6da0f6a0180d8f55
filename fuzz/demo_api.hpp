#pragma once

// The real API of `unknot serve` for the fuzz targets, without sockets: a migrated SQLite
// database with the demo clinic (in a temporary directory, on /dev/shm when there is one), the
// clinical knowledge from data/, and every route the server registers (API v1, web, ops).
// Built once per fuzzing process; the clock stands still at 2026-11-26T18:00Z like the route
// tests' fixture, so the demo clinic's next weeks are bookable.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/message.hpp"
#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "api/http/static_files.hpp"
#include "core/common/clock.hpp"
#include "knowledge/load_knowledge.hpp"
#include "security/sodium_tokens.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::fuzz {

namespace http = api::http;

class DemoApi {
 public:
  // The one instance; aborts when the database or the knowledge cannot be set up.
  static DemoApi& Get();

  // The router's answer, with checks every answer must pass whatever the request: no 500 (an
  // escaped exception or a broken invariant), a status the server can send, and header names and
  // values without CR, LF or NUL (they would split the response). A failed check prints the
  // request and the response and aborts, which libFuzzer reports as a crash.
  http::Response Dispatch(http::Request& request);

  static constexpr std::string_view kClinic = "/api/v1/clinics/mission-sports-chiro";

  // An appointment booked through the API and its manage token, for the cancel and reschedule
  // routes; booked again when the last one was cancelled.
  std::int64_t appointment() const { return appointment_; }
  const std::string& manage_token() const { return manage_token_; }
  void BookAgainIfCancelled();

  ~DemoApi();

 private:
  DemoApi();
  void FindStarts();
  void Book();

  std::filesystem::path dir_;
  core::FixedClock clock_;
  std::unique_ptr<storage::sqlite::SqliteStorage> storage_;
  knowledge::LoadedKnowledge knowledge_;
  security::SodiumTokens tokens_;
  http::StaticFiles files_;
  http::Metrics metrics_;
  http::Router router_;
  std::int64_t art_ = 0;             // the ART session's service id
  std::vector<std::string> starts_;  // its free starts when the process began
  std::size_t next_start_ = 0;
  std::int64_t appointment_ = 0;
  std::string manage_token_;
};

}  // namespace unknot::fuzz
