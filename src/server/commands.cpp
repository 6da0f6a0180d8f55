#include "server/commands.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

#include "api/fhir/fhir_routes.hpp"
#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "api/http/server.hpp"
#include "api/http/static_files.hpp"
#include "api/v1/assessment_routes.hpp"
#include "api/v1/booking_routes.hpp"
#include "api/v1/calendar_feed_routes.hpp"
#include "api/v1/calendar_stream.hpp"
#include "api/v1/clinic_routes.hpp"
#include "api/v1/home_care_routes.hpp"
#include "api/v1/ics_routes.hpp"
#include "api/v1/outcome_routes.hpp"
#include "api/v1/reminder_routes.hpp"
#include "api/v1/sign_in_throttle.hpp"
#include "api/v1/staff_api.hpp"
#include "api/v1/waitlist_routes.hpp"
#include "api/v1/write_limits.hpp"
#include "api/web_routes.hpp"
#include "app/demo_clinic.hpp"
#include "app/live_changes.hpp"
#include "core/common/clock.hpp"
#include "knowledge/load_common_passwords.hpp"
#include "knowledge/load_knowledge.hpp"
#include "messaging/wordings.hpp"
#include "security/password_hasher.hpp"
#include "security/sodium_tokens.hpp"
#include "server/command_support.hpp"
#include "server/delivery_command.hpp"
#include "server/demo_staff.hpp"
#include "storage/postgres/change_listener.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/sqlite/backup.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::server {
namespace {

core::Result<storage::MigrationReport> MigrateAny(const DatabaseOptions& options,
                                                  const core::Clock& clock) {
  if (storage::postgres::IsPostgresUri(options.database)) {
    auto pool = UNKNOT_TRY(storage::postgres::ConnectionPool::Connect(options.database, 1));
    return storage::postgres::Migrate(*pool, clock);
  }
  return storage::sqlite::MigrateDatabase(options.database, clock);
}

}  // namespace

core::Result<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&](std::string_view why) {
    // Appended piece by piece: "'" + std::string trips GCC 12's -O3 -Wrestrict false positive.
    std::string reason = "'";
    reason.append(text).append("' ").append(why);
    return core::Error::InvalidField("--listen", std::move(reason));
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("must be HOST:PORT, e.g. 127.0.0.1:8080");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("must put an IPv6 address in brackets, e.g. [::1]:8080");
  }
  if (host.empty()) return bad("has no host");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad("has no valid port (0 to 65535)");
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

int Migrate(const DatabaseOptions& options) {
  core::SystemClock clock;
  auto report = MigrateAny(options, clock);
  if (!report) return Fail(report.error());
  const std::string database = DescribeDatabase(options.database);
  if (report->from_version == report->to_version) {
    std::printf("%s is up to date (schema version %d)\n", database.c_str(), report->to_version);
  } else {
    std::printf("migrated %s from schema version %d to %d\n", database.c_str(),
                report->from_version, report->to_version);
  }
  return 0;
}

int Backup(const std::string& database, const std::string& destination) {
  if (storage::postgres::IsPostgresUri(database)) {
    // The URI is not repeated: it may carry a password.
    return Fail(core::Error(core::ErrorCode::kInvalidArgument,
                            "--database is a PostgreSQL URI; backups of PostgreSQL are made with "
                            "pg_dump, not unknot backup (see docs/operations.md)"));
  }
  auto report = storage::sqlite::BackupDatabase(database, destination);
  if (!report) return Fail(report.error());
  std::printf("backed up %s to %s: %ju bytes, %" PRId64 " pages, schema version %d\n",
              database.c_str(), report->destination.c_str(), report->bytes, report->pages,
              report->schema_version);
  return 0;
}

int LoadDemo(const DatabaseOptions& options) {
  core::SystemClock clock;
  const std::string database = DescribeDatabase(options.database);
  auto storage = OpenStorage(options, clock);
  if (!storage) return Fail(storage.error());
  auto result = app::LoadDemoClinic(**storage, clock);
  if (!result) return Fail(result.error());
  // The staff too: a database loaded before the demo had staff gets them on the next run.
  core::Result<std::vector<DemoStaffMember>> staff = std::vector<DemoStaffMember>{};
  try {
    staff = EnsureDemoStaff(**storage, result->clinic.id, clock, security::HashCost::Interactive());
  } catch (const std::runtime_error& e) {
    return Fail(core::Error(core::ErrorCode::kInternal, e.what()));
  }
  if (!staff) return Fail(staff.error().WithContext("the demo staff"));
  if (result->outcome == app::DemoOutcome::kCreated) {
    std::printf("loaded the demo clinic '%s' (%s) into %s\n", result->clinic.name.c_str(),
                result->clinic.slug.c_str(), database.c_str());
  } else if (staff->empty()) {
    std::printf("the demo clinic '%s' is already in %s; nothing changed\n",
                result->clinic.slug.c_str(), database.c_str());
  } else {
    std::printf("the demo clinic '%s' is already in %s; added its demo staff\n",
                result->clinic.slug.c_str(), database.c_str());
  }
  if (!staff->empty()) {
    std::printf("demo staff (sign in at /c/%s/staff; demo only, never use these for real data):\n",
                result->clinic.slug.c_str());
    for (const DemoStaffMember& member : *staff) {
      std::printf("  %-13s %-30s password %s\n",
                  std::string(core::staff::ToString(member.role)).c_str(),
                  std::string(member.email).c_str(), std::string(member.password).c_str());
    }
  }
  return 0;
}

int Serve(const ServeOptions& options) {
  auto listen = ParseListenAddress(options.listen);
  if (!listen) return Fail(listen.error());
  auto trusted_proxies = api::http::TrustedProxies::Create(options.trusted_proxies);
  if (!trusted_proxies) return Fail(trusted_proxies.error());
  // The clinical knowledge is checked before anything else: a wrong file stops the server here,
  // with the file, the entry and the reason.
  auto knowledge = knowledge::LoadKnowledge(options.data);
  if (!knowledge) return Fail(knowledge.error().WithContext("clinical data in " + options.data));
  auto common_passwords = knowledge::LoadCommonPasswords(options.data);
  if (!common_passwords) return Fail(common_passwords.error());
  core::SystemClock clock;
  auto opened = OpenStorage({options.database, options.pool_size}, clock);
  if (!opened) return Fail(opened.error());
  core::ports::Storage& storage = **opened;

  api::http::StaticFiles files(options.web_root);
  api::http::Metrics metrics;
  api::http::Router router;
  security::SodiumTokens tokens;
  api::v1::AddClinicRoutes(router, storage);
  api::v1::AddBookingRoutes(router, storage, clock, tokens);
  api::v1::AddIcsRoutes(router, storage, tokens);
  api::v1::AddPatientHomeCareRoutes(router, storage, clock, tokens, knowledge->knowledge);
  api::v1::AddPatientOutcomeRoutes(router, storage, tokens);
  api::v1::AddCalendarFeedRoutes(router, storage, clock, tokens);
  api::fhir::AddFhirRoutes(router, storage, clock, tokens);
  api::v1::AddAssessmentRoutes(router, storage, clock, tokens, knowledge->knowledge,
                               knowledge->body_map_svg);
  api::v1::AddWaitlistRoutes(router, storage, clock, tokens);
  api::v1::AddWriteLimits(router, storage);
  api::v1::AddReminderRoutes(router, storage, clock, tokens);

  // The staff side: one gate before every staff route; password hashing on its own small pool.
  auto hasher = std::make_unique<security::PasswordHasher>();
  api::v1::SignInThrottle throttle;
  api::v1::StaffGateOptions gate_options;
  gate_options.cookie_security = options.secure_cookies ? security::CookieSecurity::kSecure
                                                        : security::CookieSecurity::kPlainHttp;
  gate_options.allowed_origins = options.allowed_origins;
  api::v1::StaffRoutes staff(router, storage, clock, gate_options);
  const messaging::Wordings message_wordings;
  api::v1::AddStaffApi(
      router, staff,
      {*hasher, *common_passwords, throttle, &knowledge->knowledge, &message_wordings});

  // The live calendar: one change feed for this server. On PostgreSQL it is told by LISTEN, so
  // writes through any server reach it; a SQLite file has one writer, this process, whose commit
  // count says when to look.
  auto* change_feed = dynamic_cast<core::ports::AppointmentChangeFeed*>(&storage);
  if (change_feed == nullptr) {
    return Fail(core::Error(core::ErrorCode::kInternal, "the storage has no change feed"));
  }
  const bool postgres = storage::postgres::IsPostgresUri(options.database);
  app::LiveChangesOptions live_options;
  // Every commit counts (not Generation(), which skips writes that cannot change availability):
  // a write the calendar shows must never be missed; a commit that changed no appointment costs
  // one indexed read per clinic with open calendars.
  if (!postgres) live_options.generation = [&storage] { return storage.Writes().commits; };
  auto live = std::make_unique<app::LiveChanges>(*change_feed, live_options);
  std::unique_ptr<storage::postgres::ChangeListener> listener;
  if (postgres) {
    auto started = storage::postgres::ChangeListener::Start(
        options.database,
        [&live = *live](std::optional<core::ClinicId> clinic) { live.Notify(clinic); });
    if (!started) return Fail(started.error());
    listener = std::move(*started);
  }
  api::v1::AddCalendarStreamRoutes(staff, *live, *change_feed);

  api::AddWebRoutes(router, storage, files);
  api::AddOpsRoutes(router, storage, metrics, std::string(kVersion));

  api::http::ServerOptions server_options;
  server_options.host = listen->host;
  server_options.port = listen->port;
  server_options.threads = options.threads;
  server_options.max_streams = options.max_streams;
  server_options.trusted_proxies = std::move(*trusted_proxies);
  auto server = api::http::Server::Create(server_options, std::move(router), metrics);
  if (!server) return Fail(server.error());
  // Patient messages (issue 16): the outbox is written with every appointment change either way;
  // a worker sends them when an SMTP server is set, else they wait for `unknot deliver`. Started
  // once the port is ours, so a server that cannot listen says only that.
  std::unique_ptr<messaging::DeliveryThread> delivery;
  if (!options.no_delivery && !options.delivery.smtp.empty()) {
    auto deliverer = MakeDeliverer(storage, clock, options.delivery);
    if (!deliverer) return Fail(deliverer.error());
    delivery = std::make_unique<messaging::DeliveryThread>(
        std::move(*deliverer), std::chrono::milliseconds{options.delivery.idle_ms});
  } else {
    spdlog::info("patient messages are queued, not sent (no --smtp, or --no-delivery)");
  }

  if (!files.available()) {
    spdlog::warn("no web app in '{}': /c/{{clinic}}/ will answer 503 (set --web-root)",
                 options.web_root);
  }

  std::string host =
      listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::string url = "http://" + host + ":" + std::to_string((*server)->port()) + "/";
  auto clinics = storage.ListClinics();
  std::printf("Unknot %s serving %s (database %s)\n", std::string(kVersion).c_str(), url.c_str(),
              DescribeDatabase(options.database).c_str());
  if (clinics && !clinics->empty()) {
    for (const auto& c : *clinics) {
      std::printf("  %s: %sc/%s/\n", c.name.c_str(), url.c_str(), c.slug.c_str());
    }
  }
  std::fflush(stdout);
  (*server)->Run();
  delivery.reset();  // finishes the message it is sending
  // Hashes still queued answer into the server's io_context: they finish before it goes.
  hasher.reset();
  // Every stream has ended with Run(); the feed stops telling them.
  listener.reset();
  live->Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace unknot::server
