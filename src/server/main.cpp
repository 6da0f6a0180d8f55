// unknot: the one binary. Subcommands serve the web app and API, migrate the database, load the
// demo clinic, back the database up, create clinics and staff accounts and verify the audit log.
// Usage errors exit with 2, failed commands with 1.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "api/http/client_address.hpp"
#include "server/commands.hpp"
#include "server/delivery_command.hpp"
#include "server/staff_commands.hpp"

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

  serve_cmd
      ->add_option("--max-streams", serve.max_streams,
                   "Live calendar streams (server-sent events) open at once; one more gets 503")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->capture_default_str();

  // Patient messages (issue 16): the same delivery flags on serve and deliver.
  auto add_delivery_flags = [](CLI::App* cmd, unknot::server::DeliveryFlags& flags) {
    cmd->add_option("--smtp", flags.smtp,
                    "SMTP server for patient e-mails, smtp://HOST:PORT (smtps:// for TLS from the "
                    "start); credentials from --smtp-credentials or $UNKNOT_SMTP_USERNAME and "
                    "$UNKNOT_SMTP_PASSWORD, never on the command line");
    cmd->add_option("--smtp-tls", flags.smtp_tls,
                    "starttls: require STARTTLS before sending; none: plain SMTP")
        ->check(CLI::IsMember({"none", "starttls"}))
        ->capture_default_str();
    cmd->add_option("--smtp-credentials", flags.smtp_credentials,
                    "File with the SMTP username on its first line and the password on its second");
    cmd->add_option("--mail-from", flags.mail_from, "The From: address of patient e-mails")
        ->capture_default_str();
    cmd->add_option("--public-url", flags.public_url,
                    "The address patients reach the server at, for the links in messages")
        ->capture_default_str();
    cmd->add_option("--delivery-batch", flags.batch, "Messages claimed at once by a deliverer")
        ->capture_default_str();
    cmd->add_option("--delivery-lease", flags.lease_seconds,
                    "Seconds a claimed message is held before another deliverer may retry it "
                    "(the deliverer died)")
        ->capture_default_str();
    cmd->add_option("--delivery-wait-ms", flags.idle_ms,
                    "Milliseconds between polls of the outbox when nothing was due")
        ->capture_default_str();
    cmd->add_option("--delivery-retry", flags.retry_seconds,
                    "Seconds before the first retry of a failed message (doubling after each)")
        ->capture_default_str();
  };
  add_delivery_flags(serve_cmd, serve.delivery);
  serve_cmd->add_flag("--no-delivery", serve.no_delivery,
                      "Only queue patient messages (another process runs `unknot deliver`)");

  unknot::server::DatabaseOptions database{DefaultDatabase(), 1};
  CLI::App* migrate_cmd = app.add_subcommand(
      "migrate", "Create the database or bring its schema up to date (safe to run again)");
  migrate_cmd->add_option("--database", database.database, database_help);
  CLI::App* demo_cmd = app.add_subcommand(
      "demo",
      "Load the demo clinic and its demo staff into a migrated database (running it again "
      "changes nothing)");
  demo_cmd->footer(
      "The demo staff, one per role, have fixed passwords that demo prints when it creates\n"
      "them (README.md lists them): for the demo clinic only, never for real data.");
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

  // unknot clinic create
  unknot::server::ClinicCreateOptions clinic_create;
  clinic_create.database = {DefaultDatabase(), 1};
  CLI::App* clinic_cmd = app.add_subcommand("clinic", "Set up clinics (clinic create)");
  clinic_cmd->require_subcommand(1);
  CLI::App* clinic_create_cmd = clinic_cmd->add_subcommand(
      "create", "Create an empty clinic: no rooms, practitioners or services yet");
  clinic_create_cmd->footer(
      "The clinic gets the default booking policy (2 h notice, 60 days ahead, 24 h to cancel\n"
      "online, 15-minute slots, default rate limits) and session settings (30 min idle, 12 h\n"
      "at most). A wrong value names its flag and exits 1; a slug already used is refused.\n"
      "On success it prints the clinic and the `unknot user add` command for its first owner.");
  clinic_create_cmd
      ->add_option("--slug", clinic_create.slug,
                   "The clinic in URLs (/c/SLUG/): 1 to 64 lower-case letters, digits and '-'")
      ->required();
  clinic_create_cmd
      ->add_option("--name", clinic_create.name, "The clinic's name, as patients see it")
      ->required();
  clinic_create_cmd
      ->add_option("--time-zone", clinic_create.time_zone,
                   "IANA time zone of the clinic's hours, e.g. America/New_York")
      ->required();
  clinic_create_cmd
      ->add_option("--phone", clinic_create.phone,
                   "International (E.164) number, e.g. +16175550100")
      ->required();
  clinic_create_cmd->add_option("--address-line1", clinic_create.address_line1, "Street address")
      ->required();
  clinic_create_cmd->add_option("--address-line2", clinic_create.address_line2,
                                "Suite, floor (optional)");
  clinic_create_cmd->add_option("--city", clinic_create.city, "City")->required();
  clinic_create_cmd->add_option("--region", clinic_create.region,
                                "State or province, e.g. MA (optional)");
  clinic_create_cmd->add_option("--postal-code", clinic_create.postal_code, "ZIP or postal code")
      ->required();
  clinic_create_cmd
      ->add_option("--country", clinic_create.country, "Two-letter ISO 3166 code, e.g. US")
      ->required();
  clinic_create_cmd->add_option("--database", clinic_create.database.database, database_help);

  // unknot user add
  unknot::server::UserAddOptions user_add;
  user_add.database = {DefaultDatabase(), 1};
  user_add.data = DefaultDataDir();
  CLI::App* user_cmd = app.add_subcommand("user", "Staff accounts (user add)");
  user_cmd->require_subcommand(1);
  CLI::App* user_add_cmd =
      user_cmd->add_subcommand("add", "Add a staff account to a clinic, with a password");
  user_add_cmd->footer(
      "The password is never a flag. When stdin is a terminal it is asked for twice, without\n"
      "echo; otherwise it is the first line of stdin, and a second line, when present, must\n"
      "repeat it (as in: printf 'PW\\nPW\\n' | unknot user add ...). It must have at least 12\n"
      "characters, not be a common password (--data/common-passwords.txt) and not contain\n"
      "the email's name; a refused password exits 1 with the reason and writes nothing. The\n"
      "password is stored only as an argon2id hash. An email the clinic already has is\n"
      "refused. The account is recorded in the clinic's audit log.");
  user_add_cmd->add_option("--clinic", user_add.clinic, "The clinic's slug")->required();
  user_add_cmd
      ->add_option("--role", user_add.role,
                   "owner (everything, staff and audit log), front_desk (calendar and patients' "
                   "contact details) or practitioner (own schedule and own patients' records)")
      ->check(CLI::IsMember({"owner", "front_desk", "practitioner"}))
      ->required();
  user_add_cmd->add_option("--email", user_add.email, "Sign-in email, unique within the clinic")
      ->required();
  user_add_cmd->add_option(
      "--name", user_add.name,
      "Display name (default: the linked practitioner's name, else the email)");
  user_add_cmd->add_option("--practitioner", user_add.practitioner,
                           "The clinic's practitioner (by slug) whose schedule this account "
                           "keeps: required for --role practitioner, optional otherwise");
  user_add_cmd->add_option("--database", user_add.database.database, database_help);
  user_add_cmd->add_option("--data", user_add.data,
                           "Directory of common-passwords.txt (default: $UNKNOT_DATA, else "
                           "./data, else the source tree's data/)");

  // unknot audit verify
  unknot::server::AuditVerifyOptions audit_verify;
  audit_verify.database = {DefaultDatabase(), 1};
  CLI::App* audit_cmd = app.add_subcommand("audit", "The staff audit log (audit verify)");
  audit_cmd->require_subcommand(1);
  CLI::App* audit_verify_cmd = audit_cmd->add_subcommand(
      "verify", "Check that no audit log entry was changed or removed outside unknot");
  audit_verify_cmd->footer(
      "Walks each clinic's hash chain from its first entry. Exit 0 and the number of entries\n"
      "when every chain holds; exit 1 when one does not, with each broken clinic, the first\n"
      "entry that fails and why (see docs/operations.md, \"The audit log\"). Entries removed from\n"
      "the end of a chain cannot be seen this way: compare the count with an earlier run.");
  audit_verify_cmd->add_option("--database", audit_verify.database.database, database_help);
  audit_verify_cmd->add_option("--clinic", audit_verify.clinic,
                               "Only this clinic (slug); default: every clinic");

  unknot::server::DeliverOptions deliver;
  deliver.database = {DefaultDatabase(), 2};
  CLI::App* deliver_cmd =
      app.add_subcommand("deliver", "Send the queued patient messages (e-mail, SMS) until stopped");
  deliver_cmd->footer(
      "Claims due messages from the outbox, sends them and marks them sent; a failed one is\n"
      "retried with backoff and is dead after 8 attempts. Several may run on one PostgreSQL\n"
      "database; with SQLite run it beside `serve --no-delivery`, or let serve deliver itself.");
  deliver_cmd->add_option("--database", deliver.database.database, database_help);
  add_delivery_flags(deliver_cmd, deliver.delivery);
  deliver_cmd->get_option("--smtp")->required();
  deliver_cmd->add_flag("--once", deliver.once, "Deliver what is due now, then exit");

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
    for (CLI::App* sub :
         {serve_cmd, migrate_cmd, demo_cmd, backup_cmd, clinic_cmd, clinic_create_cmd, user_cmd,
          user_add_cmd, audit_cmd, audit_verify_cmd, deliver_cmd}) {
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
  if (deliver_cmd->parsed()) return unknot::server::Deliver(deliver);
  if (demo_cmd->parsed()) return unknot::server::LoadDemo(database);
  if (backup_cmd->parsed()) return unknot::server::Backup(database.database, backup_to);
  if (clinic_create_cmd->parsed()) return unknot::server::CreateClinic(clinic_create);
  if (user_add_cmd->parsed()) return unknot::server::AddUser(user_add);
  if (audit_verify_cmd->parsed()) return unknot::server::VerifyAuditLog(audit_verify);
  std::cerr << "unknot: error: a subcommand is required\n\n" << app.help();
  return 2;
}
