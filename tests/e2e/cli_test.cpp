// The `unknot` command as a user meets it: help, version, usage errors, migrate, demo and backup,
// and the refusals that must leave a database file exactly as it was.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>

#include "http_client.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

ProcessResult Unknot(std::vector<std::string> args) {
  args.insert(args.begin(), UnknotBinary());
  return RunProcess(args);
}

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// Runs one SQL statement on a database file outside of unknot.
void Sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

long long CountRows(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  std::string sql = "SELECT count(*) FROM " + table;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  long long n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST(CliTest, VersionAndHelp) {
  ProcessResult version = Unknot({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(Contains(version.out, "unknot 0.1.0")) << version.out;

  ProcessResult help = Unknot({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* sub : {"serve", "migrate", "demo", "backup"}) {
    EXPECT_TRUE(Contains(help.out, sub)) << sub;
  }

  ProcessResult serve = Unknot({"serve", "--help"});
  EXPECT_EQ(serve.exit_code, 0);
  for (const char* flag : {"--listen", "--database", "--web-root", "--trusted-proxy"}) {
    EXPECT_TRUE(Contains(serve.out, flag)) << flag;
  }
  EXPECT_EQ(Unknot({"migrate", "--help"}).exit_code, 0);
  EXPECT_EQ(Unknot({"demo", "--help"}).exit_code, 0);
  ProcessResult backup = Unknot({"backup", "--help"});
  EXPECT_EQ(backup.exit_code, 0);
  for (const char* flag : {"--to", "--database", "pg_dump"}) {
    EXPECT_TRUE(Contains(backup.out, flag)) << flag;
  }
}

TEST(CliTest, UsageErrorsExitWithTwoAndPrintUsage) {
  ProcessResult unknown = Unknot({"--bogus"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "--bogus")) << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "Usage:"));

  ProcessResult serve = Unknot({"serve", "--no-such-flag"});
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_TRUE(Contains(serve.err, "--no-such-flag"));
  EXPECT_TRUE(Contains(serve.err, "--listen"));  // the serve command's own usage

  ProcessResult none = Unknot({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(Contains(none.err, "subcommand"));

  ProcessResult no_to = Unknot({"backup"});
  EXPECT_EQ(no_to.exit_code, 2);
  EXPECT_TRUE(Contains(no_to.err, "--to")) << no_to.err;

  ProcessResult threads = Unknot({"serve", "--threads", "0"});
  EXPECT_EQ(threads.exit_code, 2);

  TempDir dir;
  ProcessResult listen = Unknot({"serve", "--database", dir.File("x.db"), "--listen", "localhost"});
  EXPECT_EQ(listen.exit_code, 2);
  EXPECT_TRUE(Contains(listen.err, "--listen: 'localhost' must be HOST:PORT")) << listen.err;

  ProcessResult proxy =
      Unknot({"serve", "--database", dir.File("x.db"), "--trusted-proxy", "10.0.0.0/33"});
  EXPECT_EQ(proxy.exit_code, 2);
  EXPECT_TRUE(Contains(proxy.err, "'10.0.0.0/33' is not an IP address or network")) << proxy.err;
}

TEST(CliTest, MigrateAndDemoAreIdempotent) {
  TempDir dir;
  std::string db = dir.File("clinic.db");
  ProcessResult migrate = Unknot({"migrate", "--database", db});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  // Versions are contiguous from 1, so the number of rows is the version reached.
  long long versions = CountRows(db, "schema_version");
  EXPECT_GE(versions, 3);
  EXPECT_TRUE(Contains(migrate.out, "from schema version 0 to " + std::to_string(versions)))
      << migrate.out;
  ProcessResult again = Unknot({"migrate", "--database", db});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_TRUE(Contains(again.out, "up to date"));

  ProcessResult demo = Unknot({"demo", "--database", db});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_TRUE(Contains(demo.out, "loaded the demo clinic"));
  std::vector<std::pair<std::string, long long>> counts;
  for (const char* table :
       {"clinics", "rooms", "practitioners", "practitioner_skills", "working_hours", "breaks",
        "time_off", "services", "service_roles", "service_skills"}) {
    counts.emplace_back(table, CountRows(db, table));
  }
  EXPECT_EQ(counts[0].second, 1);
  EXPECT_EQ(counts[1].second, 4);
  EXPECT_EQ(counts[2].second, 4);
  EXPECT_EQ(counts[7].second, 6);

  ProcessResult twice = Unknot({"demo", "--database", db});
  EXPECT_EQ(twice.exit_code, 0);
  EXPECT_TRUE(Contains(twice.out, "nothing changed"));
  for (const auto& [table, n] : counts) EXPECT_EQ(CountRows(db, table), n) << table;
}

TEST(CliTest, DatabaseEnvironmentVariableIsTheDefault) {
  TempDir dir;
  std::string db = dir.File("from-env.db");
  setenv("UNKNOT_DATABASE", db.c_str(), 1);
  ProcessResult migrate = Unknot({"migrate"});
  unsetenv("UNKNOT_DATABASE");
  EXPECT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_TRUE(std::filesystem::exists(db));
}

TEST(CliTest, ANonSqliteFileIsRefusedAndLeftAlone) {
  TempDir dir;
  std::string notes = dir.File("notes.txt");
  std::ofstream(notes) << "Dear diary, my upper back hurts.\n";
  std::string before = ReadFile(notes);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"migrate", "--database", notes},
        {"demo", "--database", notes},
        {"serve", "--database", notes, "--listen", "127.0.0.1:0"}}) {
    ProcessResult r = Unknot(args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_TRUE(Contains(r.err, "not a SQLite database")) << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
  }
  EXPECT_EQ(ReadFile(notes), before);
  EXPECT_FALSE(std::filesystem::exists(notes + "-wal"));
}

TEST(CliTest, ADirectoryOrAMissingFileIsRefused) {
  TempDir dir;
  ProcessResult directory = Unknot({"migrate", "--database", dir.path().string()});
  EXPECT_EQ(directory.exit_code, 1);
  EXPECT_TRUE(Contains(directory.err, "is a directory"));

  std::string missing = dir.File("missing.db");
  for (const char* command : {"serve", "demo"}) {
    ProcessResult r = Unknot({command, "--database", missing, "--listen", "127.0.0.1:0"});
    if (std::string(command) == "demo") r = Unknot({command, "--database", missing});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_TRUE(Contains(r.err, "unknot migrate")) << r.err;
    EXPECT_EQ(Lines(r.err), 1);
  }
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST(CliTest, ANewerSchemaIsRefusedAndLeftAlone) {
  TempDir dir;
  std::string db = dir.File("future.db");
  ASSERT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  Sql(db, "INSERT INTO schema_version VALUES (99, 'from a newer unknot', 0)");
  Sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  std::string before = ReadFile(db);
  for (std::vector<std::string> args : {std::vector<std::string>{"migrate", "--database", db},
                                        {"demo", "--database", db},
                                        {"serve", "--database", db, "--listen", "127.0.0.1:0"}}) {
    ProcessResult r = Unknot(args);
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_TRUE(Contains(r.err, "newer than this unknot")) << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
  }
  EXPECT_EQ(ReadFile(db), before);
}

TEST(CliTest, AnOlderSchemaAsksForMigrate) {
  TempDir dir;
  std::string db = dir.File("old.db");
  Sql(db, "CREATE TABLE unrelated (x)");  // a SQLite file with no unknot schema yet
  ProcessResult r = Unknot({"serve", "--database", db, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "run: unknot migrate")) << r.err;
}

// Names in `dir` that start with a dot: a backup's temporary file would be one.
std::vector<std::string> HiddenFiles(const std::filesystem::path& dir) {
  std::vector<std::string> hidden;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(".")) hidden.push_back(name);
  }
  return hidden;
}

// Reads the port from serve's "... serving http://127.0.0.1:PORT/ ..." line; 0 when absent.
std::uint16_t PortOf(const std::string& line) {
  constexpr std::string_view kPrefix = "http://127.0.0.1:";
  std::size_t at = line.find(kPrefix);
  if (at == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::atoi(line.c_str() + at + kPrefix.size()));
}

TEST(CliTest, BackupCopiesADatabaseInUseAndTheCopyServes) {
  TempDir dir;
  std::string db = dir.File("clinic.db");
  ASSERT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  ASSERT_EQ(Unknot({"demo", "--database", db}).exit_code, 0);
  // The database is in use by a server, as it is in production.
  Child server({UnknotBinary(), "serve", "--database", db, "--listen", "127.0.0.1:0"});
  ASSERT_NE(PortOf(server.WaitForLine("serving http://")), 0) << server.Stderr();

  std::string copy = dir.File("clinic-backup.db");
  ProcessResult backup = Unknot({"backup", "--database", db, "--to", copy});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(Lines(backup.out), 1) << backup.out;
  EXPECT_TRUE(Contains(backup.out, copy)) << backup.out;
  EXPECT_TRUE(Contains(backup.out, std::to_string(std::filesystem::file_size(copy)) + " bytes"))
      << backup.out;
  EXPECT_TRUE(Contains(backup.out, " pages")) << backup.out;
  EXPECT_TRUE(
      Contains(backup.out, "schema version " + std::to_string(CountRows(db, "schema_version"))))
      << backup.out;
  EXPECT_TRUE(HiddenFiles(dir.path()).empty());
  EXPECT_EQ(server.Stop(), 0);

  // The copy, served on its own, is the demo clinic.
  Child restored({UnknotBinary(), "serve", "--database", copy, "--listen", "127.0.0.1:0"});
  std::uint16_t port = PortOf(restored.WaitForLine("serving http://"));
  ASSERT_NE(port, 0) << restored.Stderr();
  EXPECT_EQ(HttpGet(port, "/api/v1/clinics/mission-sports-chiro").status, 200u);
  EXPECT_EQ(restored.Stop(), 0);
  EXPECT_EQ(CountRows(copy, "clinics"), 1);
  EXPECT_EQ(CountRows(copy, "practitioners"), CountRows(db, "practitioners"));

  // $UNKNOT_DATABASE is the default source, as for the other commands.
  setenv("UNKNOT_DATABASE", db.c_str(), 1);
  ProcessResult from_env = Unknot({"backup", "--to", dir.File("second.db")});
  unsetenv("UNKNOT_DATABASE");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_EQ(CountRows(dir.File("second.db"), "clinics"), 1);
}

TEST(CliTest, BackupNeverOverwritesAFile) {
  TempDir dir;
  std::string db = dir.File("clinic.db");
  ASSERT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  std::string copy = dir.File("backup.db");
  std::ofstream(copy, std::ios::binary) << "yesterday's backup\n";

  ProcessResult r = Unknot({"backup", "--database", db, "--to", copy});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_TRUE(Contains(r.err, copy + " already exists")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(ReadFile(copy), "yesterday's backup\n");
  EXPECT_TRUE(HiddenFiles(dir.path()).empty());
}

TEST(CliTest, BackupOfAMissingOrForeignDatabaseFailsAndWritesNothing) {
  TempDir dir;
  std::string copy = dir.File("backup.db");
  std::string missing = dir.File("missing.db");
  ProcessResult r = Unknot({"backup", "--database", missing, "--to", copy});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_TRUE(Contains(r.err, missing)) << r.err;
  EXPECT_FALSE(std::filesystem::exists(missing));

  std::string notes = dir.File("notes.txt");
  std::ofstream(notes) << "Dear diary, my upper back hurts.\n";
  ProcessResult not_sqlite = Unknot({"backup", "--database", notes, "--to", copy});
  EXPECT_EQ(not_sqlite.exit_code, 1);
  EXPECT_TRUE(Contains(not_sqlite.err, "not a SQLite database")) << not_sqlite.err;
  EXPECT_EQ(Lines(not_sqlite.err), 1) << not_sqlite.err;

  EXPECT_FALSE(std::filesystem::exists(copy));
  EXPECT_TRUE(HiddenFiles(dir.path()).empty());
}

TEST(CliTest, BackupOfPostgresqlPointsToPgDump) {
  TempDir dir;
  std::string copy = dir.File("backup.db");
  for (const char* uri :
       {"postgresql://unknot:s3cret@db.example.org/unknot", "postgres://localhost/unknot"}) {
    ProcessResult r = Unknot({"backup", "--database", uri, "--to", copy});
    EXPECT_EQ(r.exit_code, 1) << uri;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "pg_dump")) << r.err;
    EXPECT_FALSE(Contains(r.err, "s3cret")) << r.err;  // a URI may carry a password
  }
  EXPECT_FALSE(std::filesystem::exists(copy));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace unknot::testing
