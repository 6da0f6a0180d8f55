#pragma once

// Online backup of a SQLite database file with SQLite's backup API, safe while `unknot serve`
// writes to the same file: the copy is one consistent moment of the source, verified, durable and
// put in place atomically, or nothing is left behind.

#include <chrono>
#include <cstdint>
#include <string>

#include "core/common/result.hpp"

namespace unknot::storage::sqlite {

struct BackupOptions {
  // Pages copied per sqlite3_backup_step call. Each step holds the source's read lock and the
  // copy's write lock only for its own pages.
  int pages_per_step = 256;
  // A pause after each step; 0 copies as fast as the disk allows. Tests raise it so that writes
  // to the source certainly happen while a backup is in progress.
  std::chrono::milliseconds pause_between_steps{0};
  // A step that finds the source or the copy busy or locked is retried after `busy_retry_pause`,
  // until no step has made progress for `busy_timeout`.
  std::chrono::milliseconds busy_retry_pause{10};
  std::chrono::milliseconds busy_timeout{30000};
};

struct BackupReport {
  std::string destination;
  std::uintmax_t bytes = 0;  // size of the finished copy
  std::int64_t pages = 0;
  int schema_version = 0;
};

// Copies the database at `source` to the new file `destination`.
//
// The source is opened and checked like OpenDatabase(kNever, kAllowOlder) does for the other
// commands (a schema older than this binary's may be backed up, e.g. before `unknot migrate`):
// a missing file fails with kNotFound, a directory or a file that is not SQLite with
// kInvalidArgument, a schema newer than this binary with kConflict. An existing `destination`
// (a file, a directory or a symbolic link) fails with kConflict and is not touched.
//
// The copy is one read snapshot of the source (WAL lets the server keep committing meanwhile).
// It is written to a temporary file in `destination`'s directory, must pass
// `PRAGMA integrity_check` (kInternal otherwise) and record the same schema version as the
// source, is fsynced and then renamed to `destination` without replacing anything created there
// in the meantime. Disk and lock failures are kUnavailable. On every failure the temporary file
// is removed and `destination` does not exist.
core::Result<BackupReport> BackupDatabase(const std::string& source, const std::string& destination,
                                          const BackupOptions& options = {});

}  // namespace unknot::storage::sqlite
