#pragma once

// StaffBook's write on PostgreSQL, for the writes that book inside a transaction of their own (a
// treatment plan's series): the same checks, the same exclusion constraints, the same audit row.

#include <pqxx/pqxx>

#include "core/ports/calendar.hpp"

namespace unknot::storage::postgres {

// Stores `booking` (and its audit entry) inside `tx`. Errors as CalendarRepository::StaffBook;
// after a kConflict from the exclusion constraints `tx` is aborted and must be rolled back.
core::Result<core::scheduling::Appointment> StaffBookRow(pqxx::dbtransaction& tx,
                                                         core::ClinicId clinic,
                                                         const core::ports::StaffBooking& booking,
                                                         core::Instant now);

}  // namespace unknot::storage::postgres
