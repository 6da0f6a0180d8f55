// unknot: the one binary. Subcommands serve the web app and API, migrate the database, load the
// demo clinic and back the database up. Usage errors exit with 2, failed commands with 1.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "api/http/client_address.hpp"
#include "server/commands.hpp"

namespace {

std::string DefaultDatabase() {
  const char* env = std::getenv("UNKNOT_DATABASE");
  return env != nullptr && *env != '\0' ? env : "unknot.db";
}

// $UNKNOT_DATA, else ./data when it exists (running from a checkout or an install folder), else
// the data/ folder of the source tree this binary was built from.
std::string DefaultDataDir() {
  const char* env = std::getenv("UNKNOT_DATA");
  if (env != nullptr && *env != '\0') return env;
  std::error_code ec;
  if (std::filesystem::is_directory("data", ec)) return "data";
  return UNKNOT_SOURCE_DATA_DIR;
}

}  // namespace

int main(int argc, char** argv) {
  using unknot::server::kVersion;
  CLI::App app{"Unknot: booking, triage and care for clinics that treat muscle knots in the back.",
               "unknot"};
  app.set_version_flag("--version", std::string("unknot ") + std::string(kVersion));
  // At most one subcommand; "none" is checked after parsing so that an unknown flag is reported
  // as such rather than as a missing subcommand.
  app.require_subcommand(0, 1);
  app.fallthrough();  // --log-level may also follow the subcommand

  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();

  const std::string database_help =
      "SQLite database file, or a PostgreSQL URI postgresql://USER@HOST:PORT/DB (default: "
      "$UNKNOT_DATABASE, else ./unknot.db)";

  unknot::server::ServeOptions serve;
  serve.database = DefaultDatabase();
  serve.web_root = "web/dist";
  serve.data = DefaultDataDir();
  CLI::App* serve_cmd = app.add_subcommand("serve", "Serve the web app and the JSON API");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on ([IPv6]:PORT works)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            auto parsed = unknot::server::ParseListenAddress(value);
            return parsed ? "" : parsed.error().fields().front().reason;
          },
          "HOST:PORT"))
      ->capture_default_str();
  serve_cmd->add_option("--database", serve.database, database_help);
  serve_cmd
      ->add_option("--web-root", serve.web_root,
                   "Directory of the built patient web app (npm run build in web/)")
      ->capture_default_str();
  serve_cmd->add_option(
      "--data", serve.data,
      "Directory of the clinical knowledge: regions, muscles, red flags, home care "
      "(default: $UNKNOT_DATA, else ./data, else the source tree's data/)");
  serve_cmd->add_option("--threads", serve.threads, "I/O threads")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--trusted-proxy", serve.trusted_proxies,
                   "A reverse proxy (CIDR such as 10.0.0.0/8 or fd00::/8, or one address) whose "
                   "X-Forwarded-For names the client; rate limits then count that client. "
                   "Repeatable. Default: none, the TCP peer is the client")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            auto parsed = unknot::api::http::TrustedProxies::Create({value});
            return parsed ? "" : parsed.error().fields().front().reason;
          },
          "CIDR"));
  serve_cmd->add_flag("--secure-cookies", serve.secure_cookies,
                      "Staff session cookies only over HTTPS (Secure, __Host- name): set this "
                      "whenever staff reach the server through https://, e.g. behind a TLS proxy");
  serve_cmd->add_option(
      "--allowed-origin", serve.allowed_origins,
      "Another origin staff pages may send changes from (e.g. https://clinic.example when a "
      "proxy rewrites Host). Repeatable. Default: only the Host the request names");
  serve_cmd
      ->add_option("--pool-size", serve.pool_size,
                   "PostgreSQL connections this server opens at most (ignored for SQLite)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{512}))
      ->capture_default_str();

  unknot::server::DatabaseOptions database{DefaultDatabase(), 1};
  CLI::App* migrate_cmd = app.add_subcommand(
      "migrate", "Create the database or bring its schema up to date (safe to run again)");
  migrate_cmd->add_option("--database", database.database, database_help);
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "Load the demo clinic into a migrated database (running it again changes nothing)");
  demo_cmd->add_option("--database", database.database, database_help);
  std::string backup_to;
  CLI::App* backup_cmd = app.add_subcommand(
      "backup", "Copy the SQLite database to a new file (safe while serve runs)");
  backup_cmd->footer(
      "The copy is one moment of the database, taken with SQLite's online backup while serve\n"
      "may keep writing. It is written beside FILE under a temporary name, must pass\n"
      "PRAGMA integrity_check and have the source's schema version, and is then renamed to\n"
      "FILE (readable by its owner only); on any failure nothing is left behind. A schema\n"
      "older than this unknot's is fine (back up before migrate). PostgreSQL databases are\n"
      "backed up with pg_dump instead (docs/operations.md).");
  backup_cmd->add_option("--database", database.database,
                         "SQLite database file (default: $UNKNOT_DATABASE, else ./unknot.db)");
  backup_cmd
      ->add_option("--to", backup_to,
                   "The backup file to create; an existing file is never overwritten")
      ->type_name("FILE")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage errors: the reason, then the usage of the command that was being parsed.
    std::cerr << "unknot: error: " << e.what() << "\n\n";
    CLI::App* failed = &app;
    for (CLI::App* sub : {serve_cmd, migrate_cmd, demo_cmd, backup_cmd}) {
      if (sub->parsed()) failed = sub;
    }
    std::cerr << failed->help();
    return 2;
  }

  // Logs go to stderr (docs/operations.md); stdout carries only the commands' own answers.
  spdlog::set_default_logger(spdlog::stderr_color_mt("unknot"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  if (serve_cmd->parsed()) return unknot::server::Serve(serve);
  if (migrate_cmd->parsed()) return unknot::server::Migrate(database);
  if (demo_cmd->parsed()) return unknot::server::LoadDemo(database);
  if (backup_cmd->parsed()) return unknot::server::Backup(database.database, backup_to);
  std::cerr << "unknot: error: a subcommand is required\n\n" << app.help();
  return 2;
}
