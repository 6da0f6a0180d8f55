#pragma once

// What else touches a clinic's SQLite file while `unknot serve` writes to it: a person with the
// `sqlite3` shell who looks at it, and `unknot backup` from cron. For the crash tests.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crash_load.hpp"
#include "process.hpp"

namespace unknot::testing {

// The sqlite3 command-line shell (Debian's, installed by scripts/install-deps).
inline const std::string kSqliteShell = "/usr/bin/sqlite3";

// Two threads, each running a program in a loop until Stop():
// - the sqlite3 shell opens the database, counts its appointments and closes it again (the last
//   connection to close checkpoints the WAL and deletes it, unless another process holds a lock);
// - `unknot backup` copies it to a new file in `backup_dir` each time.
class OutsideActivity {
 public:
  struct Backup {
    std::string path;
    ProcessResult result;
    // What had been acknowledged before the backup started: all of it must be in the copy.
    std::vector<Acknowledgement> acknowledged_before;
  };

  // `acknowledged` gives the bookings acknowledged so far (called from the backup thread).
  OutsideActivity(std::string database, std::string backup_dir, std::string backup_prefix,
                  std::function<std::vector<Acknowledgement>()> acknowledged);
  ~OutsideActivity();
  OutsideActivity(const OutsideActivity&) = delete;
  OutsideActivity& operator=(const OutsideActivity&) = delete;

  // Lets the programs that run finish, then stops both loops.
  void Stop();

  int shell_runs() const { return shell_runs_.load(); }
  int backups_started() const { return backups_started_.load(); }
  // After Stop(): each failed shell run or count that went down, one line each.
  std::vector<std::string> ShellProblems() const;
  // After Stop(): every backup that was made or attempted.
  std::vector<Backup> Backups() const;

 private:
  void ShellLoop();
  void BackupLoop();

  std::string database_;
  std::string backup_dir_;
  std::string backup_prefix_;
  std::function<std::vector<Acknowledgement>()> acknowledged_;
  std::atomic<bool> stop_{false};
  std::atomic<int> shell_runs_{0};
  std::atomic<int> backups_started_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> shell_problems_;
  std::vector<Backup> backups_;
  std::thread shell_;
  std::thread backup_;
};

}  // namespace unknot::testing
