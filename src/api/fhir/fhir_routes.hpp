#pragma once

// FHIR R4 at /fhir/{clinic} (application/fhir+json):
//   GET /fhir/{clinic}/metadata                       CapabilityStatement
//   GET /fhir/{clinic}/{type}[?_id=]                  search: Location, Practitioner,
//                                                     PractitionerRole, HealthcareService,
//                                                     Schedule, Slot (a searchset Bundle)
//   GET /fhir/{clinic}/{type}/{id}                    read
//   GET /fhir/{clinic}/Appointment/{id}               read, with the manage token as
//                                                     `Authorization: Bearer` (else 404)
//   GET /fhir/{clinic}/$bulk-publish[/{file}]         SMART Scheduling Links (bulk_publish.hpp)
//   POST /fhir/{clinic}/Appointment, PATCH and PUT /fhir/{clinic}/Appointment/{id}
//                                                     book and cancel (appointment_write.hpp)
// Slot search: schedule, service-type, start (ge/lt; a date is the clinic's local day), status
// (free), _count and _offset (the `next` link). Every error is an OperationOutcome; an unknown
// search parameter is refused (400), never ignored. The arguments must outlive the router.

#include "api/http/router.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"

namespace unknot::api::fhir {

void AddFhirRoutes(http::Router& router, core::ports::Storage& storage, const core::Clock& clock,
                   core::ports::TokenService& tokens);

}  // namespace unknot::api::fhir
