#pragma once

// Row <-> domain conversions and query loops shared by the SQLite storage files. Instants are
// INTEGER Unix seconds (UTC); weekly times are minutes since local midnight.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/clinic.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

inline std::int64_t Seconds(core::Instant t) { return t.time_since_epoch().count(); }
inline core::Instant FromSeconds(std::int64_t s) { return core::Instant{std::chrono::seconds{s}}; }
inline std::int64_t Minutes(std::chrono::minutes m) { return m.count(); }

// Reads an enum column; a value the code does not know means the file was edited by hand or
// written by a newer binary.
template <typename E, typename Parse>
core::Result<E> ParseColumn(const Statement& stmt, int column, Parse parse, std::string_view what) {
  std::string text = stmt.Text(column);
  std::optional<E> value = parse(text);
  if (!value) {
    return core::Error(core::ErrorCode::kInternal, "stored " + std::string(what) + " '" + text +
                                                       "' is not one this unknot knows");
  }
  return *value;
}

core::Result<core::TimeOfDay> MinuteColumn(const Statement& stmt, int column);
core::Result<core::Interval> IntervalColumns(const Statement& stmt, int start, int end);

extern const std::string kClinicColumns;
core::clinic::Clinic ReadClinic(const Statement& s);

extern const std::string kAppointmentColumns;
core::Result<core::scheduling::Appointment> ReadAppointment(const Statement& s);

// Runs a statement that inserts one row; returns the new rowid.
core::Result<std::int64_t> Insert(Statement& stmt, Connection& db);

// Runs a query whose ?1 is the clinic id and calls `on_row` (returning core::Result<void>) per row.
template <typename OnRow>
core::Result<void> ForEachRow(Connection& db, std::string_view sql, core::ClinicId clinic,
                              OnRow on_row) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(sql));
  stmt.Bind(1, clinic.value());
  while (UNKNOT_TRY(stmt.Step())) UNKNOT_TRY(on_row(stmt));
  return core::Ok();
}

// Reads every row of a query bound to one clinic id through `read`.
template <typename T, typename Read>
core::Result<std::vector<T>> QueryAll(Connection& db, std::string_view sql, core::ClinicId clinic,
                                      Read read) {
  std::vector<T> rows;
  UNKNOT_TRY(ForEachRow(db, sql, clinic, [&](const Statement& stmt) -> core::Result<void> {
    rows.push_back(UNKNOT_TRY(read(stmt)));
    return core::Ok();
  }));
  return rows;
}

}  // namespace unknot::storage::sqlite
