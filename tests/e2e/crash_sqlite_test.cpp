// Issue 12, "Never lose an acknowledged booking", on SQLite: `unknot serve` is killed with
// SIGKILL at a random moment while clients book, an outside `sqlite3` shell reads the same file
// in a loop and `unknot backup` copies it. After each restart every booking that was answered
// 201 is there, no two live appointments overlap, the file passes `PRAGMA integrity_check`, and
// so does every backup, with every booking acknowledged before it started.
//
// UNKNOT_CRASH_CYCLES sets the number of crashes (`make crash-test` runs many), UNKNOT_CRASH_SEED
// repeats a run's random choices. See docs/reliability.md.

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "booking_race.hpp"
#include "crash_load.hpp"
#include "http_client.hpp"
#include "outside_activity.hpp"
#include "process.hpp"
#include "sqlite_file_check.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kClients = 8;
// Fewer free slots than this at the start of a cycle: the cycle starts on a new database.
constexpr std::size_t kMinFreeSlots = 200;

class SqliteCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kSqliteShell))
        << "the sqlite3 shell is needed (scripts/install-deps installs it)";
    std::filesystem::create_directories(backup_dir_);
    std::cout << "[crash] seed " << seed_ << " (UNKNOT_CRASH_SEED repeats it)\n";
  }

  // A new database file with the demo clinic; the server is started on it.
  void NewDatabase() {
    if (server_) server_->Stop();
    db_ = dir_.File("unknot-" + std::to_string(++databases_) + ".db");
    acknowledged_.clear();
    auto migrated = RunProcess({UnknotBinary(), "migrate", "--database", db_});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    auto demo = RunProcess({UnknotBinary(), "demo", "--database", db_});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    Start();
  }

  void Start() {
    server_ = std::make_unique<Child>(std::vector<std::string>{
        UnknotBinary(), "serve", "--database", db_, "--listen", "127.0.0.1:0", "--threads", "4",
        "--trusted-proxy", kTrustLoopback});
    port_ = WaitForServePort(*server_);
    ASSERT_NE(port_, 0) << server_->Stderr();
  }

  // The live database after a restart: sound, no overlaps, every acknowledged booking there
  // (in the file and over the API of the restarted server).
  void CheckDatabase(const std::vector<Acknowledgement>& new_this_cycle) {
    SqliteFileCheck file = CheckSqliteFile(db_, acknowledged_);
    EXPECT_EQ(file.error, "");
    EXPECT_EQ(file.integrity, "ok");
    EXPECT_EQ(file.overlaps, 0);
    EXPECT_TRUE(file.missing.empty())
        << file.missing.size() << " of " << acknowledged_.size()
        << " acknowledged bookings lost, first: " << file.missing.front();
    last_missing_ = file.missing.size();
    const auto over_api = MissingOverApi(port_, new_this_cycle);
    EXPECT_TRUE(over_api.empty()) << over_api.size() << " acknowledged bookings unknown to the "
                                  << "restarted server, first: " << over_api.front();
  }

  void CheckBackups(const std::vector<OutsideActivity::Backup>& backups) {
    for (const auto& backup : backups) {
      ASSERT_EQ(backup.result.exit_code, 0) << backup.path << ": " << backup.result.err;
      SqliteFileCheck file = CheckSqliteFile(backup.path, backup.acknowledged_before);
      EXPECT_EQ(file.error, "") << backup.path;
      EXPECT_EQ(file.integrity, "ok") << backup.path;
      EXPECT_EQ(file.overlaps, 0) << backup.path;
      EXPECT_TRUE(file.missing.empty())
          << backup.path << " lacks " << file.missing.size() << " of "
          << backup.acknowledged_before.size()
          << " bookings acknowledged before it started, first: " << file.missing.front();
      ++backups_checked_;
      // The copies are checked: keep the folder small for long runs.
      std::filesystem::remove(backup.path);
    }
  }

  // Counts a finished database: its acknowledged bookings and how many the last check found.
  void CloseDatabaseBooks() {
    total_acknowledged_ += acknowledged_.size();
    total_lost_ += last_missing_;
    last_missing_ = 0;
  }

  TempDir dir_;
  std::string backup_dir_ = dir_.File("backups");
  unsigned seed_ = CrashSeed();
  std::mt19937 random_{seed_};
  int databases_ = 0;
  std::string db_;
  std::unique_ptr<Child> server_;
  std::uint16_t port_ = 0;
  std::vector<Acknowledgement> acknowledged_;  // on the current database, all cycles
  std::size_t last_missing_ = 0;
  std::size_t total_acknowledged_ = 0, total_lost_ = 0;
  int backups_checked_ = 0, shell_runs_ = 0, conflicts_ = 0, no_answer_ = 0;
};

TEST_F(SqliteCrashTest, KillNineUnderLoadLosesNoAcknowledgedBooking) {
  const int cycles = CrashCycles();
  ASSERT_NO_FATAL_FAILURE(NewDatabase());
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle) + ", seed " + std::to_string(seed_));
    std::vector<Slot> slots = FreeSlots(port_, random_);
    if (slots.size() < kMinFreeSlots) {
      CloseDatabaseBooks();
      ASSERT_NO_FATAL_FAILURE(NewDatabase());
      slots = FreeSlots(port_, random_);
      ASSERT_GE(slots.size(), kMinFreeSlots);
    }
    // The crash comes after this many more acknowledged bookings, counted once the shell has
    // read the file twice and a backup has started.
    const int more = std::uniform_int_distribution<int>(20, 80)(random_);
    std::vector<Acknowledgement> new_this_cycle;
    std::vector<OutsideActivity::Backup> backups;
    {
      BookingLoad load(port_, std::move(slots), kClients, cycle * 100000);
      const std::vector<Acknowledgement> before = acknowledged_;
      OutsideActivity outside(db_, backup_dir_, "backup-" + std::to_string(cycle), [&] {
        std::vector<Acknowledgement> all = before;
        for (auto& a : load.Acknowledged()) all.push_back(std::move(a));
        return all;
      });
      const bool outside_ran = PollUntil(
          [&] {
            return load.Finished() || (outside.shell_runs() >= 2 && outside.backups_started() >= 1);
          },
          120s);
      const int base = load.created();
      PollUntil([&] { return load.Finished() || load.created() >= base + more; }, 120s);
      server_->Kill();
      load.Stop();
      outside.Stop();
      EXPECT_TRUE(outside_ran) << "the sqlite3 shell or unknot backup did not run";
      EXPECT_GE(load.created(), base + more) << "the load stopped before the crash";

      const LoadTally tally = load.Tally();
      EXPECT_EQ(tally.other, 0) << tally.first_other;
      EXPECT_EQ(tally.unavailable, 0);
      EXPECT_EQ(tally.read_back_lost, 0) << "a booking answered 201 was not found right after";
      const auto problems = outside.ShellProblems();
      EXPECT_TRUE(problems.empty()) << problems.front();
      new_this_cycle = load.Acknowledged();
      backups = outside.Backups();
      shell_runs_ += outside.shell_runs();
      conflicts_ += tally.conflicts;
      no_answer_ += tally.no_answer;
    }
    acknowledged_.insert(acknowledged_.end(), new_this_cycle.begin(), new_this_cycle.end());
    ASSERT_NO_FATAL_FAILURE(Start());
    CheckDatabase(new_this_cycle);
    CheckBackups(backups);
    std::cout << "[crash] sqlite cycle " << cycle << ": " << new_this_cycle.size()
              << " acknowledged, " << acknowledged_.size() - last_missing_ << " of "
              << acknowledged_.size() << " found after the restart, " << backups.size()
              << " backups\n";
  }
  CloseDatabaseBooks();
  std::cout << "[crash] sqlite: cycles " << cycles << ", acknowledged " << total_acknowledged_
            << ", found " << total_acknowledged_ - total_lost_ << ", lost " << total_lost_
            << ", backups checked " << backups_checked_ << ", sqlite3 shell runs " << shell_runs_
            << ", databases " << databases_ << ", 409/422 " << conflicts_
            << ", no answer (server killed) " << no_answer_ << "\n";
  EXPECT_EQ(total_lost_, 0u);
}

}  // namespace
}  // namespace unknot::testing
