// The staff-side commands as an operator meets them (issue 13): `unknot clinic create`,
// `unknot user add` with the password on stdin, `unknot demo`'s staff and `unknot audit verify`,
// including an audit log edited with the sqlite3 shell by someone with the file in hand.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/common/clock.hpp"
#include "process.hpp"
#include "security/password_hasher.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

ProcessResult Unknot(std::vector<std::string> args) {
  args.insert(args.begin(), UnknotBinary());
  return RunProcess(args);
}

// Runs unknot with `input` on its stdin (a file, so stdin is not a terminal).
ProcessResult UnknotWithInput(const TempDir& dir, const std::string& input,
                              std::vector<std::string> args) {
  const std::string file = dir.File("stdin.txt");
  std::ofstream(file, std::ios::binary | std::ios::trunc) << input;
  args.insert(args.begin(),
              {"/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", file, UnknotBinary()});
  return RunProcess(args);
}

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
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

const std::vector<std::string> kBackBay = {
    "clinic",        "create",         "--slug",          "back-bay",
    "--name",        "Back Bay Knots", "--time-zone",     "America/New_York",
    "--phone",       "+16175550100",   "--address-line1", "100 Boylston St",
    "--city",        "Boston",         "--region",        "MA",
    "--postal-code", "02116",          "--country",       "US"};

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// `args` with the value after `flag` replaced by `value`.
std::vector<std::string> Replaced(std::vector<std::string> args, const std::string& flag,
                                  const std::string& value) {
  auto at = std::find(args.begin(), args.end(), flag);
  EXPECT_TRUE(at != args.end() && at + 1 != args.end()) << flag;
  if (at != args.end() && at + 1 != args.end()) *(at + 1) = value;
  return args;
}

// A migrated database in `dir` with the Back Bay clinic.
std::string BackBayDatabase(const TempDir& dir) {
  std::string db = dir.File("clinic.db");
  EXPECT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  ProcessResult created = Unknot(With(kBackBay, {"--database", db}));
  EXPECT_EQ(created.exit_code, 0) << created.err;
  return db;
}

class StaffCliTest : public ::testing::Test {
 protected:
  // The storage API on the database file, as the server would read it.
  std::unique_ptr<storage::sqlite::SqliteStorage> Open(const std::string& db) {
    auto opened = storage::sqlite::SqliteStorage::Open(db, clock_);
    EXPECT_TRUE(opened) << opened.error().message();
    return opened ? std::move(*opened) : nullptr;
  }

  core::SystemClock clock_;
};

TEST_F(StaffCliTest, HelpTellsEveryFlag) {
  ProcessResult help = Unknot({"--help"});
  for (const char* sub : {"clinic", "user", "audit"}) EXPECT_TRUE(Contains(help.out, sub)) << sub;
  ProcessResult clinic = Unknot({"clinic", "create", "--help"});
  EXPECT_EQ(clinic.exit_code, 0);
  for (const char* flag :
       {"--slug", "--name", "--time-zone", "--phone", "--address-line1", "--address-line2",
        "--city", "--region", "--postal-code", "--country", "--database"}) {
    EXPECT_TRUE(Contains(clinic.out, flag)) << flag;
  }
  ProcessResult user = Unknot({"user", "add", "--help"});
  EXPECT_EQ(user.exit_code, 0);
  for (const char* flag : {"--clinic", "--role", "--email", "--name", "--practitioner",
                           "--database", "--data", "never a flag", "without\necho"}) {
    EXPECT_TRUE(Contains(user.out, flag)) << flag;
  }
  EXPECT_FALSE(Contains(user.out, "--password"));
  ProcessResult audit = Unknot({"audit", "verify", "--help"});
  EXPECT_EQ(audit.exit_code, 0);
  EXPECT_TRUE(Contains(audit.out, "--clinic"));
}

TEST_F(StaffCliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Unknot({"clinic"}).exit_code, 2);
  EXPECT_EQ(Unknot({"user"}).exit_code, 2);
  EXPECT_EQ(Unknot({"audit"}).exit_code, 2);
  ProcessResult no_city = Unknot({"clinic", "create", "--slug", "x", "--name", "X", "--time-zone",
                                  "UTC", "--phone", "+16175550100", "--address-line1", "1 Main",
                                  "--postal-code", "1", "--country", "US"});
  EXPECT_EQ(no_city.exit_code, 2);
  EXPECT_TRUE(Contains(no_city.err, "--city")) << no_city.err;
  ProcessResult role =
      Unknot({"user", "add", "--clinic", "x", "--role", "admin", "--email", "a@b.c"});
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_TRUE(Contains(role.err, "--role")) << role.err;
  // There is no password flag to put a password in the shell's history.
  ProcessResult password = Unknot({"user", "add", "--clinic", "x", "--role", "owner", "--email",
                                   "a@b.c", "--password", "knots-be-gone-2026"});
  EXPECT_EQ(password.exit_code, 2);
}

TEST_F(StaffCliTest, ClinicCreateThenUserAddWithThePasswordOnStdin) {
  TempDir dir;
  std::string db = dir.File("clinic.db");
  ASSERT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  ProcessResult created = Unknot(With(kBackBay, {"--database", db, "--address-line2", "Suite 4"}));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_TRUE(Contains(created.out, "created the clinic 'Back Bay Knots' (back-bay)"))
      << created.out;
  EXPECT_TRUE(Contains(created.out, "100 Boylston St, Suite 4, Boston, MA 02116, US"));
  EXPECT_TRUE(Contains(created.out,
                       "unknot user add --clinic back-bay --role owner --email "
                       "YOU@EXAMPLE --database " +
                           db))
      << created.out;
  {
    auto storage = Open(db);
    ASSERT_TRUE(storage);
    auto setup = storage->LoadSetup(storage->FindClinic("back-bay")->id);
    ASSERT_TRUE(setup);
    EXPECT_EQ((*setup)->clinic.time_zone, "America/New_York");
    EXPECT_TRUE((*setup)->rooms.empty());
    EXPECT_TRUE((*setup)->practitioners.empty());
    EXPECT_TRUE((*setup)->services.empty());
  }

  // As the browser tests send it: the password, then the same again.
  ProcessResult owner =
      UnknotWithInput(dir, "knots-be-gone-2026\nknots-be-gone-2026\n",
                      {"user", "add", "--clinic", "back-bay", "--role", "owner", "--email",
                       "Boss@Example.org", "--name", "Pat Boss", "--database", db});
  ASSERT_EQ(owner.exit_code, 0) << owner.err;
  EXPECT_TRUE(Contains(owner.out, "added boss@example.org to 'Back Bay Knots' (back-bay) as owner"))
      << owner.out;
  EXPECT_FALSE(Contains(owner.out + owner.err, "knots-be-gone")) << "the password is never shown";
  // One line is enough.
  ProcessResult desk =
      UnknotWithInput(dir, "desk-calendar-2026\n",
                      {"user", "add", "--clinic", "back-bay", "--role", "front_desk", "--email",
                       "frontdesk@example.org", "--database", db});
  ASSERT_EQ(desk.exit_code, 0) << desk.err;

  auto storage = Open(db);
  ASSERT_TRUE(storage);
  core::ClinicId clinic = storage->FindClinic("back-bay")->id;
  auto account = storage->FindStaffByEmail(clinic, "boss@example.org");
  ASSERT_TRUE(account) << account.error().message();
  EXPECT_EQ(account->display_name, "Pat Boss");
  EXPECT_EQ(account->role, core::staff::StaffRole::kOwner);
  EXPECT_FALSE(account->disabled);
  EXPECT_TRUE(account->password_hash.starts_with("$argon2id$")) << account->password_hash;
  security::PasswordHasher hasher;
  EXPECT_EQ(hasher.Verify("knots-be-gone-2026", account->password_hash).get().value(),
            security::PasswordMatch::kMatch);
  EXPECT_EQ(hasher.NeedsRehash(account->password_hash), false);  // the production cost
  auto front_desk = storage->FindStaffByEmail(clinic, "frontdesk@example.org");
  ASSERT_TRUE(front_desk);
  EXPECT_EQ(front_desk->display_name, "frontdesk@example.org");
  EXPECT_EQ(hasher.Verify("desk-calendar-2026", front_desk->password_hash).get().value(),
            security::PasswordMatch::kMatch);
  // Both creations are in the clinic's audit log.
  auto audit = storage->ListAudit(clinic, {});
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ(audit->back().action, "manage_staff");
  EXPECT_EQ(audit->back().record, "staff/" + std::to_string(account->id.value()));
  EXPECT_TRUE(Contains(audit->back().detail, "unknot user add")) << audit->back().detail;
}

TEST_F(StaffCliTest, ABadPasswordIsRefusedWithItsReasonAndNothingIsWritten) {
  TempDir dir;
  std::string db = BackBayDatabase(dir);
  const std::vector<std::string> add = {"user",       "add",   "--clinic", "back-bay",
                                        "--role",     "owner", "--email",  "boss@example.org",
                                        "--database", db};
  struct Case {
    std::string input;
    std::string reason;
  };
  for (const Case& c : {
           Case{"short-pw\n", "is too short: use at least 12 characters"},
           Case{"password1234\npassword1234\n", "is one of the most common passwords"},
           Case{"my-boss-knots-2026\n", "boss"},  // the email's name
           Case{"knots-be-gone-2026\nknots-be-gone-2027\n",
                "the second line of stdin does not repeat the first"},
           Case{"", "stdin was empty"},
       }) {
    ProcessResult r = UnknotWithInput(dir, c.input, add);
    EXPECT_EQ(r.exit_code, 1) << c.input;
    EXPECT_TRUE(Contains(r.err, c.reason)) << r.err;
    EXPECT_TRUE(Contains(r.err, "nothing was written")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(CountRows(db, "staff_accounts"), 0);
  EXPECT_EQ(CountRows(db, "audit_log"), 0);
}

TEST_F(StaffCliTest, APractitionerAccountNeedsTheClinicsPractitioner) {
  TempDir dir;
  std::string db = dir.File("demo.db");
  ASSERT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  ASSERT_EQ(Unknot({"demo", "--database", db}).exit_code, 0);
  const std::vector<std::string> add = {
      "user",         "add",     "--clinic",          "mission-sports-chiro", "--role",
      "practitioner", "--email", "reyes@example.org", "--database",           db};
  ProcessResult missing = UnknotWithInput(dir, "release-the-knots-2026\n", add);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.err, "--practitioner: is required for the practitioner role"))
      << missing.err;
  ProcessResult unknown =
      UnknotWithInput(dir, "release-the-knots-2026\n", With(add, {"--practitioner", "dr-nobody"}));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(Contains(unknown.err, "no practitioner 'dr-nobody'; its practitioners: "))
      << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "daniel-reyes")) << unknown.err;
  EXPECT_EQ(CountRows(db, "staff_accounts"), 3);  // the demo staff only

  ProcessResult linked = UnknotWithInput(dir, "release-the-knots-2026\n",
                                         With(add, {"--practitioner", "daniel-reyes"}));
  ASSERT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_TRUE(Contains(linked.out, "daniel-reyes (Dr. Daniel Reyes, DC)")) << linked.out;
  auto storage = Open(db);
  ASSERT_TRUE(storage);
  auto clinic = storage->FindClinic("mission-sports-chiro");
  auto account = storage->FindStaffByEmail(clinic->id, "reyes@example.org");
  ASSERT_TRUE(account);
  ASSERT_TRUE(account->practitioner);
  auto setup = storage->LoadSetup(clinic->id);
  EXPECT_EQ((*setup)->FindPractitioner(*account->practitioner)->slug, "daniel-reyes");
  EXPECT_EQ(account->display_name, "Dr. Daniel Reyes, DC");
}

TEST_F(StaffCliTest, DuplicatesAndUnknownsAreClearErrors) {
  TempDir dir;
  std::string db = BackBayDatabase(dir);
  ProcessResult slug = Unknot(With(Replaced(kBackBay, "--name", "Another"), {"--database", db}));
  EXPECT_EQ(slug.exit_code, 1);
  EXPECT_TRUE(Contains(slug.err, "--slug: 'back-bay' is taken")) << slug.err;
  EXPECT_EQ(CountRows(db, "clinics"), 1);

  const std::vector<std::string> add = {"user",       "add",   "--clinic", "back-bay",
                                        "--role",     "owner", "--email",  "boss@example.org",
                                        "--database", db};
  ASSERT_EQ(UnknotWithInput(dir, "knots-be-gone-2026\n", add).exit_code, 0);
  ProcessResult email =
      UnknotWithInput(dir, "another-one-2026\n",
                      {"user", "add", "--clinic", "back-bay", "--role", "front_desk", "--email",
                       "BOSS@example.org", "--database", db});
  EXPECT_EQ(email.exit_code, 1);
  EXPECT_TRUE(Contains(email.err,
                       "--email: the clinic 'back-bay' already has an account with "
                       "boss@example.org"))
      << email.err;
  EXPECT_EQ(CountRows(db, "staff_accounts"), 1);

  ProcessResult clinic = UnknotWithInput(dir, "knots-be-gone-2026\n",
                                         {"user", "add", "--clinic", "nowhere", "--role", "owner",
                                          "--email", "a@example.org", "--database", db});
  EXPECT_EQ(clinic.exit_code, 1);
  EXPECT_TRUE(Contains(clinic.err, "--clinic: there is no clinic 'nowhere'")) << clinic.err;
}

TEST_F(StaffCliTest, EachBadClinicFieldNamesItsFlag) {
  TempDir dir;
  std::string db = dir.File("clinic.db");
  ASSERT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  struct Case {
    std::string flag;
    std::string value;
    std::string message;
  };
  for (const Case& c : {
           Case{"--time-zone", "Boston", "--time-zone: unknown time zone 'Boston'"},
           Case{"--phone", "617-555-0100", "--phone: must be an international number"},
           Case{"--slug", "Back Bay", "--slug: may hold only lower-case letters"},
           Case{"--country", "USA", "--country: must be a two-letter ISO 3166 code"},
           Case{"--city", "", "--city: must not be empty"},
       }) {
    ProcessResult r = Unknot(With(Replaced(kBackBay, c.flag, c.value), {"--database", db}));
    EXPECT_EQ(r.exit_code, 1) << c.flag;
    EXPECT_TRUE(Contains(r.err, "unknot: error: " + c.message)) << r.err;
  }
  EXPECT_EQ(CountRows(db, "clinics"), 0);
}

TEST_F(StaffCliTest, DemoCreatesOneStaffMemberPerRoleOnce) {
  TempDir dir;
  std::string db = dir.File("demo.db");
  ASSERT_EQ(Unknot({"migrate", "--database", db}).exit_code, 0);
  ProcessResult first = Unknot({"demo", "--database", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  for (const char* shown :
       {"owner@demo.unknot.test", "demo-keys-to-the-clinic", "desk@demo.unknot.test",
        "demo-phones-and-calendar", "practitioner@demo.unknot.test", "demo-release-the-knots",
        "never use these for real data"}) {
    EXPECT_TRUE(Contains(first.out, shown)) << shown << "\n" << first.out;
  }
  EXPECT_EQ(CountRows(db, "staff_accounts"), 3);
  ProcessResult second = Unknot({"demo", "--database", db});
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_TRUE(Contains(second.out, "nothing changed")) << second.out;
  EXPECT_FALSE(Contains(second.out, "demo-keys-to-the-clinic"));
  EXPECT_EQ(CountRows(db, "staff_accounts"), 3);
  EXPECT_EQ(CountRows(db, "audit_log"), 3);

  auto storage = Open(db);
  ASSERT_TRUE(storage);
  auto clinic = storage->FindClinic("mission-sports-chiro");
  auto staff = storage->ListStaff(clinic->id);
  ASSERT_TRUE(staff);
  ASSERT_EQ(staff->size(), 3u);
  EXPECT_EQ((*staff)[0].role, core::staff::StaffRole::kOwner);
  EXPECT_EQ((*staff)[1].role, core::staff::StaffRole::kFrontDesk);
  EXPECT_EQ((*staff)[2].role, core::staff::StaffRole::kPractitioner);
  EXPECT_TRUE((*staff)[2].practitioner);
}

TEST_F(StaffCliTest, AuditVerifyFindsARowEditedWithTheSqliteShell) {
  const std::string sqlite3_shell = "/usr/bin/sqlite3";
  if (!std::filesystem::exists(sqlite3_shell)) GTEST_SKIP() << "no " << sqlite3_shell;
  TempDir dir;
  std::string db = BackBayDatabase(dir);
  ASSERT_EQ(Unknot({"demo", "--database", db}).exit_code, 0);

  ProcessResult intact = Unknot({"audit", "verify", "--database", db});
  EXPECT_EQ(intact.exit_code, 0) << intact.err;
  EXPECT_TRUE(Contains(intact.out, "audit log intact: 3 entries in 2 clinics")) << intact.out;

  {
    // A staff member's read, as the server records it.
    auto storage = Open(db);
    ASSERT_TRUE(storage);
    core::staff::AuditEntry entry;
    entry.clinic = storage->FindClinic("mission-sports-chiro")->id;
    entry.staff_email = "owner@demo.unknot.test";
    entry.role = core::staff::StaffRole::kOwner;
    entry.action = "view_patient_contact";
    entry.record = "patient/1";
    entry.at = clock_.Now();
    auto appended = storage->AppendAudit(entry);
    ASSERT_TRUE(appended) << appended.error().message();
    EXPECT_EQ(appended->sequence, 4);
  }
  ProcessResult four = Unknot({"audit", "verify", "--database", db});
  EXPECT_EQ(four.exit_code, 0) << four.err;
  EXPECT_TRUE(Contains(four.out, "audit log intact: 4 entries in 2 clinics")) << four.out;

  // Someone with the file drops the triggers that keep the log append-only and hides a read.
  ProcessResult edit =
      RunProcess({sqlite3_shell, db,
                  "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "
                  "UPDATE audit_log SET record = 'patient/2' WHERE sequence = 4;"});
  ASSERT_EQ(edit.exit_code, 0) << edit.err;

  ProcessResult broken = Unknot({"audit", "verify", "--database", db});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_TRUE(Contains(broken.out, "audit log of 'mission-sports-chiro' BROKEN at sequence 4: "))
      << broken.out;
  EXPECT_FALSE(Contains(broken.out, "back-bay")) << broken.out;
  EXPECT_TRUE(Contains(broken.err, "the audit log of 1 clinic")) << broken.err;
  EXPECT_TRUE(Contains(broken.err, "docs/operations.md")) << broken.err;

  ProcessResult other = Unknot({"audit", "verify", "--database", db, "--clinic", "back-bay"});
  EXPECT_EQ(other.exit_code, 0) << other.err;
  EXPECT_TRUE(Contains(other.out, "audit log of 'back-bay' intact: 0 entries")) << other.out;
  ProcessResult one =
      Unknot({"audit", "verify", "--database", db, "--clinic", "mission-sports-chiro"});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_TRUE(Contains(one.out, "sequence 4")) << one.out;

  // A removed entry in the middle breaks the chain too.
  ProcessResult remove =
      RunProcess({sqlite3_shell, db, "DELETE FROM audit_log WHERE sequence = 2;"});
  ASSERT_EQ(remove.exit_code, 0) << remove.err;
  ProcessResult gap = Unknot({"audit", "verify", "--database", db});
  EXPECT_EQ(gap.exit_code, 1);
  EXPECT_TRUE(Contains(gap.out, "BROKEN at sequence 2: sequence 2 is missing")) << gap.out;
}

}  // namespace
}  // namespace unknot::testing
