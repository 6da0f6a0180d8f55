#pragma once

// Versioned schema migrations. Each migration runs in its own transaction together with the row
// that records it in `schema_version`, so a database is always at exactly one version.

#include <span>
#include <string_view>

#include "core/common/clock.hpp"
#include "core/common/result.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// All migrations, in version order starting at 1.
std::span<const Migration> Migrations();
// The schema version this binary writes and expects.
int LatestSchemaVersion();

// The version recorded in the database; 0 for an empty database (no `schema_version` table).
// Only reads. A file that is not a SQLite database fails with kInvalidArgument.
core::Result<int> CurrentSchemaVersion(Connection& db);

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

// Applies every migration above the current version. A database newer than this binary fails
// with kConflict and is left untouched.
core::Result<MigrationReport> Migrate(Connection& db, const core::Clock& clock);

}  // namespace unknot::storage::sqlite
