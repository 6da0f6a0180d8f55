#pragma once

// FHIR R4 writes of an Appointment, the patient's booking and cancelling, through the very use
// cases of the JSON API (app::BookAppointment, app::CancelAppointment): the same rules, the same
// refusal reasons, the same Idempotency-Key storage.
//
//   POST  /fhir/{clinic}/Appointment        create (application/fhir+json)
//   PATCH /fhir/{clinic}/Appointment/{id}   cancel (application/json-patch+json):
//                                           [{"op":"replace","path":"/status","value":"cancelled"}]
//   PUT   /fhir/{clinic}/Appointment/{id}   cancel: the resource as read with status "cancelled"
//
// A create names the time by a `slot` reference ("Slot/{practitioner}-{service}-{start}", as
// Slot search returns it), or by `start` (and `end`, which must be start + the service's
// duration), the service (`serviceType` with our service code system, or a HealthcareService
// participant) and optionally a Practitioner participant (none: any suitable practitioner). The
// patient is a contained Patient (name, telecom email and phone) that a participant references
// ("#p1"). A self-assessment is referenced in `supportingInformation` by identifier
// ({"type": "QuestionnaireResponse", "identifier": {"system": kAssessmentSystem, "value": id}}):
// its triage limits apply as to the JSON API's `assessment` member. The 201 answer is the
// Appointment as a read returns it plus the manage token in the kManageTokenExtension extension
// (shown once), with `Location: {base}/Appointment/{id}`; read, patch and put take that token as
// `Authorization: Bearer`.
//
// Refusals are OperationOutcomes whose issue carries the JSON API's reason as details.coding
// (system kRefusalSystem: "taken", "too_soon", "not_on_step", "inside_cancellation_window", ...)
// with the JSON API's status (409 taken, 422 not bookable, ...). Malformed input is 400 with the
// FHIRPath of the element in `expression`. Writes are rate limited per client address (and bookings
// per patient email) with the clinic's rates, answered 429 with Retry-After. The buckets are this
// API's own, beside the JSON API's (api/v1/write_limits.hpp). A refused start (409 taken, 422 not
// bookable) carries the nearest free times as contained Slots, each referenced from the issue
// by a kAlternativeExtension extension.

#include <string_view>

#include "api/http/rate_limit.hpp"
#include "api/http/router.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::fhir {

inline constexpr std::string_view kManageTokenExtension =
    "https://unknot.dev/fhir/StructureDefinition/manage-token";
inline constexpr std::string_view kAssessmentSystem =
    "https://unknot.dev/fhir/NamingSystem/assessment";
inline constexpr std::string_view kRefusalSystem = "https://unknot.dev/fhir/CodeSystem/refusal";
// On the issue of a refused start (409 taken, 422 not bookable): a reference to one contained
// Slot, a nearest free time the JSON API would offer in `alternatives`.
inline constexpr std::string_view kAlternativeExtension =
    "https://unknot.dev/fhir/StructureDefinition/alternative-slot";

using LimiterClock = std::function<http::RateLimiter::Clock::time_point()>;

// Registers the three routes. The arguments must outlive the router.
void AddAppointmentWriteRoutes(http::Router& router, core::ports::Storage& storage,
                               const core::Clock& clock, core::ports::TokenService& tokens,
                               LimiterClock now = http::RateLimiter::Clock::now);

}  // namespace unknot::api::fhir
