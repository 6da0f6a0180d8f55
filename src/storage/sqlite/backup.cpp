#include "storage/sqlite/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (GNU)
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>
#include <utility>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

Error SystemError(const std::string& what, int error_number) {
  return Error(ErrorCode::kUnavailable, what + ": " + std::strerror(error_number));
}

Error AlreadyExists(const std::string& destination) {
  return Error(ErrorCode::kConflict,
               destination + " already exists; unknot backup never overwrites a file");
}

// The temporary copy beside the destination. It and SQLite's side files for it are removed on
// destruction unless Release() was called after it became the destination.
class TempCopy {
 public:
  static Result<TempCopy> Create(const std::string& destination) {
    std::filesystem::path target(destination);
    std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    // A dot file, so that a listing of the backup folder never shows a half-written copy. mkstemp
    // makes it readable by its owner only, which suits a file full of patients' details.
    // Appended piece by piece: `"." + std::string` makes GCC 12 at -O3 warn about a memcpy
    // overlap that cannot happen (-Wrestrict, GCC bug 105329), which -Werror turns into a failure.
    std::string name = ".";
    name += target.filename().string();
    name += ".tmp-XXXXXX";
    std::string path = (dir / name).string();
    int fd = mkstemp(path.data());
    if (fd < 0) return SystemError("cannot create a temporary file in " + dir.string(), errno);
    close(fd);
    return TempCopy(std::move(path));
  }

  TempCopy(TempCopy&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempCopy& operator=(TempCopy&&) = delete;
  TempCopy(const TempCopy&) = delete;
  TempCopy& operator=(const TempCopy&) = delete;
  ~TempCopy() {
    if (path_.empty()) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      std::remove((path_ + suffix).c_str());
    }
  }

  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  explicit TempCopy(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Copies every page of `source` into `copy`, `pages_per_step` at a time.
Result<void> CopyPages(Connection& source, Connection& copy, const BackupOptions& options) {
  sqlite3_backup* backup = sqlite3_backup_init(copy.raw(), "main", source.raw(), "main");
  if (backup == nullptr) {
    return SqliteError(sqlite3_errcode(copy.raw()), copy.raw(), "cannot start the backup");
  }
  const int pages = std::max(options.pages_per_step, 1);
  auto last_progress = std::chrono::steady_clock::now();
  int rc = SQLITE_OK;
  while (true) {
    rc = sqlite3_backup_step(backup, pages);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      last_progress = std::chrono::steady_clock::now();
      if (options.pause_between_steps.count() > 0) {
        std::this_thread::sleep_for(options.pause_between_steps);
      }
      continue;
    }
    int primary = rc & 0xff;
    bool busy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    if (busy && std::chrono::steady_clock::now() - last_progress < options.busy_timeout) {
      std::this_thread::sleep_for(options.busy_retry_pause);
      continue;
    }
    break;
  }
  // Finishing releases the locks; it reports the error of a failed step again, or its own.
  int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(rc, copy.raw(), "backup step failed");
  if (finished != SQLITE_OK) return SqliteError(finished, copy.raw(), "cannot finish the backup");
  return core::Ok();
}

// Reads the finished copy through a fresh connection, as a restore would: it must pass
// integrity_check and record `expected_version`. Returns its page count.
Result<std::int64_t> Verify(const std::string& path, int expected_version) {
  Connection copy = UNKNOT_TRY(Connection::Open(path, Connection::OpenMode::kReadWrite));
  Statement check = UNKNOT_TRY(copy.Prepare("PRAGMA integrity_check(1)"));
  if (!UNKNOT_TRY(check.Step()) || check.Text(0) != "ok") {
    // SQLite's report spans lines ("*** in database main ***\nPage 7: ..."); errors are one line.
    std::string report = check.Text(0);
    std::replace(report.begin(), report.end(), '\n', ' ');
    return Error(ErrorCode::kInternal,
                 "the copy fails PRAGMA integrity_check, so the source may be damaged: " + report);
  }
  int version = UNKNOT_TRY(CurrentSchemaVersion(copy));
  if (version != expected_version) {
    return Error(ErrorCode::kInternal, "the copy records schema version " +
                                           std::to_string(version) + ", the source " +
                                           std::to_string(expected_version));
  }
  return copy.QueryInt("PRAGMA page_count");
}

Result<void> Sync(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return SystemError("cannot open " + path, errno);
  int rc = fsync(fd);
  int error = errno;
  close(fd);
  if (rc != 0) return SystemError("cannot flush " + path + " to disk", error);
  return core::Ok();
}

// rename(2) that fails instead of replacing an existing `to`.
Result<void> RenameNoReplace(const std::string& from, const std::string& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return core::Ok();
  }
  int error = errno;
  if (error == EINVAL || error == ENOSYS) {
    // A file system without RENAME_NOREPLACE: link(2) refuses an existing name as well, and the
    // temporary name is removed by the caller's cleanup.
    if (link(from.c_str(), to.c_str()) == 0) return core::Ok();
    error = errno;
  }
  if (error == EEXIST) return AlreadyExists(to);
  return SystemError("cannot move the copy to " + to, error);
}

}  // namespace

Result<BackupReport> BackupDatabase(const std::string& source, const std::string& destination,
                                    const BackupOptions& options) {
  struct stat existing {};
  if (lstat(destination.c_str(), &existing) == 0) return AlreadyExists(destination);
  if (errno != ENOENT) return SystemError("cannot check " + destination, errno);

  Connection from = UNKNOT_TRY(OpenDatabase(source, CreateMode::kNever, SchemaCheck::kAllowOlder));
  // One read transaction around the whole copy: every step copies from the same WAL snapshot, so
  // the server's commits meanwhile neither block the backup nor make it start over (which the
  // backup API does when the source changes between steps outside a transaction).
  UNKNOT_TRY(from.Exec("BEGIN"));
  auto source_version = CurrentSchemaVersion(from);  // its read opens the snapshot
  if (!source_version) return source_version.error().WithContext(source);

  TempCopy temp = UNKNOT_TRY(TempCopy::Create(destination));
  const std::string temp_path = temp.path();
  auto context = "cannot back up " + source + " to " + destination;
  {
    auto copy = Connection::Open(temp_path, Connection::OpenMode::kReadWrite);
    if (!copy) return copy.error().WithContext(context);
    auto copied = CopyPages(from, *copy, options);
    if (!copied) return copied.error().WithContext(context);
  }
  (void)from.Exec("COMMIT");  // ends the read snapshot; the source was only read

  auto pages = Verify(temp_path, *source_version);
  if (!pages) return pages.error().WithContext(context);
  if (auto synced = Sync(temp_path, O_RDONLY); !synced) return synced.error().WithContext(context);
  if (auto moved = RenameNoReplace(temp_path, destination); !moved) return moved.error();
  temp.Release();
  std::remove(temp_path.c_str());  // still there only after the link(2) fallback
  std::filesystem::path dir = std::filesystem::path(destination).parent_path();
  if (auto synced = Sync(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY); !synced) {
    // Without a durable directory entry the backup might vanish in a crash; say so and take it
    // back rather than report a backup that may not be there.
    std::remove(destination.c_str());
    return synced.error().WithContext(context);
  }

  std::error_code ec;
  BackupReport report;
  report.destination = destination;
  report.bytes = std::filesystem::file_size(destination, ec);
  report.pages = *pages;
  report.schema_version = *source_version;
  return report;
}

}  // namespace unknot::storage::sqlite
