#pragma once

// Versioned schema migrations. Each migration runs in its own transaction together with the row
// that records it in `schema_version`, so a database is always at exactly one version.

#include <span>

#include "core/common/clock.hpp"
#include "core/common/result.hpp"
#include "storage/migration.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

using storage::Migration;
using storage::MigrationReport;

// All migrations, in version order starting at 1.
std::span<const Migration> Migrations();
// The schema version this binary writes and expects.
int LatestSchemaVersion();

// The version recorded in the database; 0 for an empty database (no `schema_version` table).
// Only reads. A file that is not a SQLite database fails with kInvalidArgument.
core::Result<int> CurrentSchemaVersion(Connection& db);

// Applies every migration above the current version. A database newer than this binary fails
// with kConflict and is left untouched.
core::Result<MigrationReport> Migrate(Connection& db, const core::Clock& clock);

}  // namespace unknot::storage::sqlite
