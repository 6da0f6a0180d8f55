#include "sqlite_file_check.hpp"

#include <sqlite3.h>

#include <memory>

namespace unknot::testing {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct Finalize {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

Statement Prepare(sqlite3* db, const char* sql, std::string& error) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    error = std::string(sql) + ": " + sqlite3_errmsg(db);
  }
  return Statement(stmt);
}

}  // namespace

SqliteFileCheck CheckSqliteFile(const std::string& path,
                                const std::vector<Acknowledgement>& acknowledged) {
  SqliteFileCheck check;
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  Db db(raw);
  if (opened != SQLITE_OK) {
    check.error = "cannot open " + path + ": " + sqlite3_errstr(opened);
    return check;
  }
  sqlite3_busy_timeout(db.get(), 10000);

  // One read transaction, so that every answer is of the same moment.
  if (sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    check.error = std::string("BEGIN: ") + sqlite3_errmsg(db.get());
    return check;
  }
  const auto text_of = [&](const char* sql) -> std::string {
    Statement stmt = Prepare(db.get(), sql, check.error);
    if (!stmt) return "";
    std::string result;
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
      if (!result.empty()) result += "; ";
      result += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    return result;
  };
  check.integrity = text_of("PRAGMA integrity_check");
  const std::string overlaps = text_of(
      "SELECT count(*) FROM appointments a JOIN appointments b "
      "ON a.id < b.id AND (a.practitioner_id = b.practitioner_id OR a.room_id = b.room_id) "
      "AND a.start_at < b.blocked_until AND b.start_at < a.blocked_until "
      "WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'");
  check.overlaps = overlaps.empty() ? -1 : std::stoll(overlaps);
  const std::string count = text_of("SELECT count(*) FROM appointments");
  check.appointments = count.empty() ? 0 : std::stoll(count);

  Statement find =
      Prepare(db.get(), "SELECT practitioner_id, start_at, status FROM appointments WHERE id = ?1",
              check.error);
  if (!find) return check;
  for (const auto& a : acknowledged) {
    sqlite3_reset(find.get());
    sqlite3_bind_int64(find.get(), 1, a.id);
    const int step = sqlite3_step(find.get());
    if (step != SQLITE_ROW) {
      check.missing.push_back(Describe(a) + (step == SQLITE_DONE
                                                 ? ": not in the file"
                                                 : std::string(": ") + sqlite3_errmsg(db.get())));
      continue;
    }
    const unsigned char* status = sqlite3_column_text(find.get(), 2);
    const std::string status_text = status != nullptr ? reinterpret_cast<const char*>(status) : "";
    if (sqlite3_column_int64(find.get(), 0) != a.practitioner ||
        sqlite3_column_int64(find.get(), 1) != a.start_seconds || status_text != "booked") {
      check.missing.push_back(Describe(a) + ": the file has practitioner " +
                              std::to_string(sqlite3_column_int64(find.get(), 0)) + ", start " +
                              std::to_string(sqlite3_column_int64(find.get(), 1)) + ", status " +
                              status_text);
    }
  }
  sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr);
  return check;
}

}  // namespace unknot::testing
