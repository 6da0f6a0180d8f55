// The ceiling for durable bookings: one single-row INSERT per transaction on SQLite in WAL mode
// with synchronous=FULL (one fdatasync per commit), on an appointment-shaped table. Booking
// throughput is compared with this rate in docs/benchmarks.md.

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <string>

#include "temp_dir.hpp"

namespace {

void BM_SqliteFullCommitSingleRow(benchmark::State& state) {
  unknot::testing::TempDir dir;
  std::string path = dir.File("commit.db");
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
               "CREATE TABLE appointment (id INTEGER PRIMARY KEY, practitioner_id INTEGER, "
               "start_at INTEGER, end_at INTEGER, patient TEXT, status TEXT, created_at INTEGER,"
               "UNIQUE (practitioner_id, start_at))",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO appointment VALUES (NULL, ?1, ?2, ?3, 'p', 'booked', 0)", -1,
                     &insert, nullptr);
  std::int64_t n = 0;
  for (auto _ : state) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_bind_int64(insert, 1, n % 100);
    sqlite3_bind_int64(insert, 2, n * 1800);
    sqlite3_bind_int64(insert, 3, n * 1800 + 1800);
    sqlite3_step(insert);
    sqlite3_reset(insert);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    ++n;
  }
  state.counters["commits_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  sqlite3_finalize(insert);
  sqlite3_close(db);
}
BENCHMARK(BM_SqliteFullCommitSingleRow)->UseRealTime()->MinTime(3.0);

}  // namespace
