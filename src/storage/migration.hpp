#pragma once

// What every backend's versioned migrations share: a numbered migration and the report of a run.
// Each backend keeps its own list (its own SQL dialect) and applies it the same way: one
// transaction per migration together with its `schema_version` row.

#include <string_view>

namespace unknot::storage {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

}  // namespace unknot::storage
