#pragma once

// JSON shapes of availability and appointments (API v1); see docs/api.md.

#include <string>

#include <nlohmann/json.hpp>

#include "app/booking.hpp"

namespace unknot::api::json {

// {"start", "end"} as UTC instants plus "local_start"/"local_end" in the clinic's zone.
nlohmann::json TimeJson(const app::ClinicContext& clinic, const core::Interval& time);
// A free start: "start"/"end" (UTC), "local_start", and "options": [{"practitioner": id,
// "room": id}].
nlohmann::json SlotJson(const app::ClinicContext& clinic, const core::Interval& time,
                        std::span<const core::scheduling::SlotOption> options);
// {"practitioners": [{id, display_name}], "rooms": [{id, name}]}: the names slots refer to.
nlohmann::json NamesJson(const app::ClinicContext& clinic);
nlohmann::json AvailabilityJson(const app::AvailabilityResult& result);
// The same answer as AvailabilityJson(result).dump() means, written straight as text (json_writer):
// the availability route's answer, recomputed after every write, where building the tree cost
// about a third of the request.
std::string AvailabilityText(const app::AvailabilityResult& result);
nlohmann::json AppointmentJson(const app::ClinicContext& clinic,
                               const core::scheduling::Appointment& appointment);
// The 201 body of a new booking: the appointment, its manage token and manage link
// (`/c/{clinic}/manage/{id}#token=…`, the token in the fragment).
nlohmann::json BookedJson(const app::ClinicContext& clinic, const app::Booked& booked);

}  // namespace unknot::api::json
