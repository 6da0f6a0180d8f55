#pragma once

// The set-up reader of postgres_storage.cpp, shared with SaveSetup (setup_write.cpp) so that both
// read a set-up exactly alike.

#include <string>

#include <pqxx/pqxx>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/result.hpp"

namespace unknot::storage::postgres::setup_rows {

// The clinic's whole set-up as LoadSetup returns it; kNotFound for an unknown clinic.
core::Result<core::clinic::ClinicSetup> ReadSetup(pqxx::transaction_base& tx,
                                                  core::ClinicId clinic);

}  // namespace unknot::storage::postgres::setup_rows
