#pragma once

// FHIR R4 codecs: the clinic's setup and free slots as FHIR resources (JSON), and errors as
// OperationOutcome. Pure functions of their arguments; the routes (fhir_routes.hpp) decide what
// to read. Ids: Location is the clinic's slug; Practitioner, PractitionerRole and Schedule share
// the practitioner's id; HealthcareService is the service's id; a Slot is
// "{practitioner}-{service}-{start as Unix seconds}", so the same free time keeps its id.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http/message.hpp"
#include "api/json/json_writer.hpp"
#include "core/clinic/clinic_setup.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::api::fhir {

using Json = nlohmann::ordered_json;

inline constexpr std::string_view kFhirJson = "application/fhir+json";
// Our code systems: services by slug, roles and skills by their API names.
inline constexpr std::string_view kServiceSystem = "https://unknot.dev/fhir/CodeSystem/service";
inline constexpr std::string_view kRoleSystem = "https://unknot.dev/fhir/CodeSystem/role";
inline constexpr std::string_view kSkillSystem = "https://unknot.dev/fhir/CodeSystem/skill";
// The IANA zone of a Location (FHIR R4 core extension).
inline constexpr std::string_view kTimeZoneExtension =
    "http://hl7.org/fhir/StructureDefinition/timezone";
// SMART Scheduling Links (HL7 IG, STU1) Slot extensions.
inline constexpr std::string_view kBookingDeepLinkExtension =
    "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link";
inline constexpr std::string_view kBookingPhoneExtension =
    "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone";

// Links a resource needs that depend on where the client reached us.
struct Links {
  std::string origin;  // "http://host:port" (PublicOrigin)
  std::string slug;    // the clinic's

  // "{origin}/fhir/{slug}"
  std::string FhirBase() const;
  // "{origin}/c/{slug}/book?service=": what every deep link of the clinic starts with.
  std::string BookingDeepLinkPrefix() const;
  // The patient app's page that opens the booking of this service, practitioner and start.
  std::string BookingDeepLink(core::ServiceId service, core::PractitionerId practitioner,
                              core::Instant start) const;
};

Json LocationResource(const core::clinic::Clinic& clinic);
Json PractitionerResource(const core::clinic::Practitioner& practitioner);
// Who they are at the clinic: role as code, skills as specialty, the services they may deliver.
Json PractitionerRoleResource(const core::clinic::ClinicSetup& setup,
                              const core::clinic::Practitioner& practitioner);
Json HealthcareServiceResource(const core::clinic::ClinicSetup& setup,
                               const core::clinic::Service& service);
// One per practitioner, serving every service they may deliver.
Json ScheduleResource(const core::clinic::ClinicSetup& setup,
                      const core::clinic::Practitioner& practitioner);

// A free time of one practitioner for one service.
struct FreeSlot {
  core::Interval time;
  core::PractitionerId practitioner;
  core::ServiceId service;
};
std::string SlotId(const FreeSlot& slot);
// What a SlotId says: practitioner, service and start (positive ids); nullopt for any other text.
struct SlotKey {
  core::PractitionerId practitioner;
  core::ServiceId service;
  core::Instant start;
};
std::optional<SlotKey> ParseSlotId(std::string_view id);
// Slots as JSON text: status free, with the booking-deep-link and booking-phone extensions. The
// one Slot writer, for searches, reads, bulk-publish lines and refusals' alternatives: a one-day
// search of a busy clinic answers hundreds of Slots, so they are written straight into a string
// (json::Writer) with what is the same for every Slot of the clinic made once (see
// docs/benchmarks.md, "FHIR Slot search").
class SlotWriter {
 public:
  SlotWriter(const core::clinic::ClinicSetup& setup, const Links& links);
  // Appends the Slot resource, as one JSON object, to `w`.
  void Write(json::Writer& w, const FreeSlot& slot) const;
  // The Slot resource as JSON text.
  std::string Text(const FreeSlot& slot) const;

 private:
  std::string deep_link_prefix_;  // "{origin}/c/{slug}/book?service="
  std::string phone_extension_;   // the booking-phone extension object, as JSON text
  std::vector<std::pair<core::ServiceId, std::string>> service_types_;  // "serviceType":[...]
};

// An appointment: status, service, start and end, the practitioner and the location as
// participants (the patient is not published).
Json AppointmentResource(const core::clinic::ClinicSetup& setup,
                         const core::scheduling::Appointment& appointment);

// The CapabilityStatement of what /fhir/{clinic} implements, no more.
Json CapabilityStatement(const Links& links);

// An OperationOutcome with one error issue. `code` is from the FHIR issue-type value set
// ("invalid", "not-found", "not-supported", "exception", ...).
Json OperationOutcome(std::string_view code, std::string_view diagnostics,
                      std::string_view expression = "");

// A FHIR answer: `status` with `resource` as application/fhir+json.
http::Response FhirResponse(unsigned status, const Json& resource);
// An expected failure as an OperationOutcome with the status http::StatusFor gives it; each
// field error becomes an issue whose expression names the parameter. Internal and unavailable
// errors are logged and not described, as http::Problem does.
http::Response OutcomeResponse(const core::Error& error);

}  // namespace unknot::api::fhir
