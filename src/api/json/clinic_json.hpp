#pragma once

// JSON shapes of the clinic model for API v1. The one place that decides field names; see
// docs/api.md.

#include <nlohmann/json.hpp>

#include "core/clinic/clinic_setup.hpp"

namespace unknot::api::json {

// The public view of a clinic, with opening hours when the setup is given.
nlohmann::json ClinicJson(const core::clinic::Clinic& clinic);
nlohmann::json ClinicJson(const core::clinic::ClinicSetup& setup);
nlohmann::json RoomJson(const core::clinic::Room& room);
// Time-off reasons are private to staff: only the periods are shown.
nlohmann::json PractitionerJson(const core::clinic::Practitioner& practitioner);
nlohmann::json ServiceJson(const core::clinic::Service& service);
// "$120.00" for USD; other currencies as "120.00 EUR".
std::string FormatMoney(const core::clinic::Money& money);

}  // namespace unknot::api::json
