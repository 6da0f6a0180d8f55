#pragma once

// Row <-> domain conversions and query loops shared by the SQLite storage files; the column
// conventions are storage/columns.hpp's.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/clinic.hpp"
#include "core/clinic/patient.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"
#include "storage/columns.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

using storage::FromSeconds;
using storage::Minutes;
using storage::Seconds;

// Reads an enum column (see ParseStoredName).
template <typename E, typename Parse>
core::Result<E> ParseColumn(const Statement& stmt, int column, Parse parse, std::string_view what) {
  return ParseStoredName<E>(stmt.Text(column), parse, what);
}

core::Result<core::TimeOfDay> MinuteColumn(const Statement& stmt, int column);
core::Result<core::Interval> IntervalColumns(const Statement& stmt, int start, int end);

extern const std::string kClinicColumns;
core::clinic::Clinic ReadClinic(const Statement& s);

// The columns of a patient row in the order ReadPatient reads them from column `first` on.
extern const std::string kPatientColumns;
core::Result<core::clinic::Patient> ReadPatient(const Statement& s, int first);

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
