#pragma once

// Reading and writing a whole clinic setup (clinic, rooms, practitioners with schedules,
// services) in SQL.

#include "core/clinic/clinic_setup.hpp"
#include "core/common/result.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

// Reads the setup; the caller provides the read transaction. kNotFound for an unknown clinic.
core::Result<core::clinic::ClinicSetup> ReadSetup(Connection& db, core::ClinicId clinic);

// Writes a validated setup and returns it with ids; runs inside the caller's transaction.
// kConflict when the slug is taken.
core::Result<core::clinic::ClinicSetup> WriteSetup(Connection& db, core::clinic::ClinicSetup setup,
                                                   core::Instant now);

}  // namespace unknot::storage::sqlite
