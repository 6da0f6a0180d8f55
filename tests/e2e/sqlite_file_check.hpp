#pragma once

// What the crash tests check in a SQLite database file, read with the SQLite library only.

#include <cstdint>
#include <string>
#include <vector>

#include "crash_load.hpp"

namespace unknot::testing {

struct SqliteFileCheck {
  std::string error;                 // why the file could not be read; "" when it could
  std::string integrity;             // PRAGMA integrity_check's answer: "ok" when sound
  std::int64_t overlaps = -1;        // pairs of live appointments that overlap (must be 0)
  std::int64_t appointments = 0;     // rows in appointments
  std::vector<std::string> missing;  // acknowledged bookings absent, cancelled or changed
};

// Opens `path` (waiting up to 10 s for locks), checks its integrity, that no two live
// appointments overlap for a practitioner or a room (turnover buffers included), and that every
// booking in `acknowledged` is there, booked, at its start with its practitioner.
SqliteFileCheck CheckSqliteFile(const std::string& path,
                                const std::vector<Acknowledgement>& acknowledged);

}  // namespace unknot::testing
