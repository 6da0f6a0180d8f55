#include "server/command_support.hpp"

#include <cstdio>

#include "server/commands.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::server {

core::Result<std::unique_ptr<core::ports::Storage>> OpenStorage(const DatabaseOptions& options,
                                                                const core::Clock& clock) {
  if (storage::postgres::IsPostgresUri(options.database)) {
    auto opened =
        storage::postgres::PostgresStorage::Open({options.database, options.pool_size}, clock);
    if (!opened) return opened.error();
    return std::unique_ptr<core::ports::Storage>(std::move(*opened));
  }
  auto opened = storage::sqlite::SqliteStorage::Open(options.database, clock);
  if (!opened) return opened.error();
  return std::unique_ptr<core::ports::Storage>(std::move(*opened));
}

std::string DescribeDatabase(const std::string& database) {
  return storage::postgres::IsPostgresUri(database) ? storage::postgres::RedactUri(database)
                                                    : database;
}

int Fail(const core::Error& error) {
  std::fprintf(stderr, "unknot: error: %s\n", error.message().c_str());
  return 1;
}

}  // namespace unknot::server
