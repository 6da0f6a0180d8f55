#pragma once

// Holding a time while the patient fills in their details (issue 16). A hold is checked like a
// booking (the same refusals: too soon, beyond the horizon, outside hours, off the grid, taken)
// and keeps the practitioner's time for the clinic's hold minutes: availability stops offering it
// and the database refuses other bookings of it, until the booking that presents the hold's token
// (BookingRequest::hold) uses it, the patient releases it, or it expires.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "app/booking.hpp"
#include "core/ports/holds.hpp"

namespace unknot::app {

struct HoldRequest {
  core::ServiceId service;
  std::optional<core::PractitionerId> practitioner;  // nullopt: any suitable practitioner
  core::Instant start;
};

struct Held {
  core::ports::Hold hold;
  std::string token;  // shown once; storage keeps only its hash
};

using HoldOutcome = std::variant<Held, Refused>;

// Holds the start for the service with the practitioner (or the first free suitable one).
// Refused like a booking: the reason and the nearest free starts. Errors: kNotFound (service,
// practitioner), kInvalidArgument (a practitioner who cannot deliver the service).
core::Result<HoldOutcome> HoldTime(core::ports::Storage& storage, const core::Clock& clock,
                                   core::ports::TokenService& tokens, const ClinicContext& clinic,
                                   const HoldRequest& request);

// Frees the held time at once. kNotFound when the token names no hold (released, used, expired
// and pruned, or never issued): the same answer whichever, so tokens cannot be probed.
core::Result<void> ReleaseHeldTime(core::ports::Storage& storage, core::ports::TokenService& tokens,
                                   const ClinicContext& clinic, std::string_view token);

}  // namespace unknot::app
