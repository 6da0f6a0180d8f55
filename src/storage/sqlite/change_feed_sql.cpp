// SqliteStorage's change feed (core/ports/appointment_changes.hpp). The numbers are written by
// the triggers of the change-feed migration; these are plain reads on a reader connection.

#include <algorithm>

#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Result;
namespace ports = core::ports;

namespace {

// change_seq is read after kAppointmentColumns, so ReadAppointment reads the row as it always does.
int ChangeColumn() {
  return static_cast<int>(std::count(kAppointmentColumns.begin(), kAppointmentColumns.end(), ',')) +
         1;
}

}  // namespace

Result<std::vector<ports::AppointmentChange>> SqliteStorage::ChangesSince(core::ClinicId clinic,
                                                                          std::int64_t after,
                                                                          int limit) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kAppointmentColumns +
      ", change_seq FROM appointments WHERE clinic_id = ?1 AND change_seq > ?2 "
      "ORDER BY change_seq LIMIT ?3"));
  stmt.Bind(1, clinic.value()).Bind(2, after).Bind(3, std::int64_t{std::max(limit, 1)});
  const int change_column = ChangeColumn();
  std::vector<ports::AppointmentChange> changes;
  while (UNKNOT_TRY(stmt.Step())) {
    changes.push_back(
        {.change = stmt.Int(change_column), .appointment = UNKNOT_TRY(ReadAppointment(stmt))});
  }
  return changes;
}

Result<std::int64_t> SqliteStorage::LastChange(core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT coalesce(max(last_change), 0) FROM appointment_change_counters "
      "WHERE clinic_id = ?1"));
  stmt.Bind(1, clinic.value());
  if (!UNKNOT_TRY(stmt.Step())) return std::int64_t{0};
  return stmt.Int(0);
}

}  // namespace unknot::storage::sqlite
