#pragma once

// Versioned schema migrations for PostgreSQL, the same scheme as SQLite's: each migration runs in
// its own transaction together with its `schema_version` row, under an advisory lock so that
// several servers starting at once migrate once. PostgreSQL's history starts at version 1 with
// the schema SQLite reached at its version 3 (see docs/adr/0005-postgresql-backend.md).

#include <span>

#include "core/common/clock.hpp"
#include "core/common/result.hpp"
#include "storage/migration.hpp"
#include "storage/postgres/pool.hpp"

namespace unknot::storage::postgres {

using storage::Migration;
using storage::MigrationReport;

std::span<const Migration> Migrations();
int LatestSchemaVersion();

// The version recorded in the database; 0 when it has no `schema_version` table.
core::Result<int> CurrentSchemaVersion(ConnectionPool& pool);

// Applies every migration above the current version; kConflict (nothing written) for a database
// newer than this binary.
core::Result<MigrationReport> Migrate(ConnectionPool& pool, const core::Clock& clock);

}  // namespace unknot::storage::postgres
