#pragma once

// JSON shapes of the staff patient pages and the audit log (API v1, docs/api.md "Staff API").
// Instants are RFC 3339 UTC text, ids numbers, absent values null.

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/booking.hpp"
#include "core/clinic/patient.hpp"
#include "core/common/result.hpp"
#include "core/ports/staff.hpp"
#include "core/ports/storage.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/staff/account.hpp"

namespace unknot::api::json {

// One patient as the search lists them: {"id", "given_name", "family_name", "email", "phone",
// "next_appointment", "last_appointment"} (the two instants or null).
nlohmann::json PatientSummaryJson(const core::ports::PatientSummary& summary);

// The patient's contact details: {"id", "given_name", "family_name", "email", "phone",
// "created_at"}.
nlohmann::json PatientContactJson(const core::clinic::Patient& patient);

// An appointment on a patient's record: the public appointment shape (AppointmentJson: "id",
// "start", "end", "local_start", "local_end", "status", "source", "practitioner", "service",
// "room", ...) plus "assessment_id" (the self-assessment it followed, or null).
nlohmann::json PatientAppointmentJson(const app::ClinicContext& clinic,
                                      const core::scheduling::Appointment& appointment);

// An appointment as the front desk acts on it: PatientAppointmentJson plus "patient_id",
// "version" (sent back with a change), "declined" and "cancel_reason".
nlohmann::json StaffAppointmentJson(const app::ClinicContext& clinic,
                                    const core::scheduling::Appointment& appointment);

// {"online_booking": "allowed" | "requires_approval" | "blocked", "assessment_first": bool}.
nlohmann::json BookingRulesJson(const core::clinic::Patient& patient);

// A stored self-assessment: {"id", "created_at", "outcome", "input", "result"} with the stored
// input and result embedded as JSON. kInternal when the stored text is not JSON.
core::Result<nlohmann::json> StoredAssessmentJson(const core::ports::StoredAssessment& assessment);

// What GET …/patients/{id} answers, gathered by the handler.
struct PatientRecord {
  core::clinic::Patient patient;
  std::vector<core::scheduling::Appointment> appointments;  // newest first
  // The self-assessments the appointments followed, newest appointment's first; nullopt when the
  // role may not see them (the answer then has no "assessments" member at all).
  std::optional<std::vector<core::ports::StoredAssessment>> assessments;
  // Appointments with status no_show that started in the last 12 months (the clinic's rule
  // may make such a patient's online bookings need approval).
  int no_shows_12_months = 0;
};

// {"patient": contact, "booking_rules": BookingRulesJson, "no_shows_12_months": n,
// "appointments": [...], "assessments": [...]}. kInternal as StoredAssessmentJson.
core::Result<nlohmann::json> PatientRecordJson(const app::ClinicContext& clinic,
                                               const PatientRecord& record);

// One audit entry: {"sequence", "at", "staff_id", "staff_email", "role", "action", "patient_id",
// "record", "detail", "client_address", "request_id"} (staff_id, role and patient_id may be
// null).
nlohmann::json AuditEntryJson(const core::staff::AuditEntry& entry);

}  // namespace unknot::api::json
