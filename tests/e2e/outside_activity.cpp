#include "outside_activity.hpp"

#include <cstdlib>

namespace unknot::testing {

using namespace std::chrono_literals;

OutsideActivity::OutsideActivity(std::string database, std::string backup_dir,
                                 std::string backup_prefix,
                                 std::function<std::vector<Acknowledgement>()> acknowledged)
    : database_(std::move(database)),
      backup_dir_(std::move(backup_dir)),
      backup_prefix_(std::move(backup_prefix)),
      acknowledged_(std::move(acknowledged)) {
  shell_ = std::thread([this] { ShellLoop(); });
  backup_ = std::thread([this] { BackupLoop(); });
}

OutsideActivity::~OutsideActivity() { Stop(); }

void OutsideActivity::Stop() {
  stop_ = true;
  if (shell_.joinable()) shell_.join();
  if (backup_.joinable()) backup_.join();
}

std::vector<std::string> OutsideActivity::ShellProblems() const {
  std::lock_guard lock(mutex_);
  return shell_problems_;
}

std::vector<OutsideActivity::Backup> OutsideActivity::Backups() const {
  std::lock_guard lock(mutex_);
  return backups_;
}

void OutsideActivity::ShellLoop() {
  long long last_count = -1;
  while (!stop_) {
    // A busy timeout as any careful user sets: the shell waits for the server's locks instead
    // of failing at once.
    ProcessResult r = RunProcess(
        {kSqliteShell, "-cmd", ".timeout 10000", database_, "SELECT count(*) FROM appointments"},
        60s);
    ++shell_runs_;
    std::lock_guard lock(mutex_);
    if (r.exit_code != 0) {
      shell_problems_.push_back(r.exit_code == -1
                                    ? "sqlite3 did not finish within 60 s (or died of a signal)"
                                    : "sqlite3 exit " + std::to_string(r.exit_code) + ": " + r.err);
      continue;
    }
    // Every run starts after the previous one ended, and a commit is durable before anyone can
    // see it: the count never goes down, whatever happened to the server in between.
    const long long count = std::atoll(r.out.c_str());
    if (count < last_count) {
      shell_problems_.push_back("sqlite3 counted " + std::to_string(count) +
                                " appointments after " + std::to_string(last_count));
    }
    last_count = count;
  }
}

void OutsideActivity::BackupLoop() {
  for (int n = 1; !stop_; ++n) {
    Backup backup;
    backup.acknowledged_before = acknowledged_();
    backup.path = backup_dir_ + "/" + backup_prefix_ + "-" + std::to_string(n) + ".db";
    ++backups_started_;
    backup.result =
        RunProcess({UnknotBinary(), "backup", "--database", database_, "--to", backup.path}, 120s);
    std::lock_guard lock(mutex_);
    backups_.push_back(std::move(backup));
  }
}

}  // namespace unknot::testing
