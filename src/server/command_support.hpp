#pragma once

// What every `unknot` subcommand shares: opening the database named by --database (the one place
// that picks a backend), naming it in messages without a password, and reporting a failure.

#include <memory>
#include <string>

#include "core/common/clock.hpp"
#include "core/common/result.hpp"
#include "core/ports/storage.hpp"

namespace unknot::server {

struct DatabaseOptions;

// A PostgreSQL URI or a SQLite file; the errors of the backend's Open (missing file, not a
// SQLite database, a schema older or newer than this binary, ...).
core::Result<std::unique_ptr<core::ports::Storage>> OpenStorage(const DatabaseOptions& options,
                                                                const core::Clock& clock);

// The database for messages: a URI without its password.
std::string DescribeDatabase(const std::string& database);

// Prints "unknot: error: <message>" to stderr and returns 1, the exit code of a failed command.
int Fail(const core::Error& error);

}  // namespace unknot::server
