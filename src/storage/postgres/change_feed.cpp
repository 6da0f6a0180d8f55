// PostgresStorage's change feed (core/ports/appointment_changes.hpp). The numbers are written by
// the trigger of the change-feed migration; these are plain reads. Because the counter row stays
// locked until the writing transaction ends, a change is visible only after every lower number
// of its clinic is: reading "after n" never skips one that commits later.

#include <algorithm>

#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Result;
namespace ports = core::ports;

Result<std::vector<ports::AppointmentChange>> PostgresStorage::ChangesSince(core::ClinicId clinic,
                                                                            std::int64_t after,
                                                                            int limit) {
  return ReadOnce<std::vector<ports::AppointmentChange>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<ports::AppointmentChange>> {
        std::vector<ports::AppointmentChange> changes;
        for (const pqxx::row& r : tx.exec_params(
                 "SELECT " + kAppointmentColumns +
                     ", change_seq FROM appointments WHERE clinic_id = $1 AND change_seq > $2 "
                     "ORDER BY change_seq LIMIT $3",
                 clinic.value(), after, std::max(limit, 1))) {
          changes.push_back(
              {.change = Int(r["change_seq"]), .appointment = UNKNOT_TRY(ReadAppointment(r))});
        }
        return changes;
      });
}

Result<std::int64_t> PostgresStorage::LastChange(core::ClinicId clinic) {
  return ReadOnce<std::int64_t>(*pool_, [&](pqxx::transaction_base& tx) -> Result<std::int64_t> {
    return Int(
        tx.exec_params("SELECT coalesce(max(last_change), 0) FROM "
                       "appointment_change_counters WHERE clinic_id = $1",
                       clinic.value())[0][0]);
  });
}

}  // namespace unknot::storage::postgres
