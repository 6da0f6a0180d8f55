#pragma once

// Row readers of postgres_storage.cpp that SaveSetup (setup_write.cpp) shares, so that both read
// a set-up and an appointment exactly alike.

#include <string>

#include <pqxx/pqxx>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::storage::postgres::setup_rows {

// The clinic's whole set-up as LoadSetup returns it; kNotFound for an unknown clinic.
core::Result<core::clinic::ClinicSetup> ReadSetup(pqxx::transaction_base& tx,
                                                  core::ClinicId clinic);
// The column list ReadAppointment expects.
const std::string& AppointmentColumns();
core::Result<core::scheduling::Appointment> ReadAppointment(const pqxx::row& row);

}  // namespace unknot::storage::postgres::setup_rows
