#pragma once

// Free slots as FHIR sees them: one per (practitioner, service, start), computed by the same use
// case as GET /api/v1/clinics/{clinic}/availability (app::GetAvailability), over any span (split
// into the engine's 31-day requests).

#include <optional>
#include <vector>

#include "api/fhir/fhir_resources.hpp"
#include "app/booking.hpp"

namespace unknot::api::fhir {

struct SlotFilter {
  core::Instant from;  // starts at or after
  core::Instant to;    // starts before
  std::optional<core::PractitionerId> practitioner;
  std::optional<core::ServiceId> service;
};

// Every free slot matching `filter`, ordered by start, then practitioner, then service. A
// practitioner or service the clinic does not have matches nothing. Errors: those of
// app::GetAvailability (storage).
core::Result<std::vector<FreeSlot>> FindFreeSlots(core::ports::Storage& storage,
                                                  const core::Clock& clock,
                                                  const app::ClinicContext& clinic,
                                                  const SlotFilter& filter);

}  // namespace unknot::api::fhir
