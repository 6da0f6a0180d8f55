#include "api/json/staff_json.hpp"

#include "api/json/booking_json.hpp"
#include "core/clinical/knowledge.hpp"

namespace unknot::api::json {

using nlohmann::json;

namespace {

json OptionalInstant(const std::optional<core::Instant>& instant) {
  return instant ? json(core::FormatInstant(*instant)) : json(nullptr);
}

template <typename Id>
json OptionalId(const std::optional<Id>& id) {
  return id ? json(id->value()) : json(nullptr);
}

// Stored JSON text as a value; kInternal (naming the assessment, never its content) when it does
// not parse.
core::Result<json> StoredJson(const core::ports::StoredAssessment& assessment, const char* part,
                              const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return core::Error(core::ErrorCode::kInternal,
                       "stored " + std::string(part) + " of assessment " +
                           std::to_string(assessment.id.value()) + " is not JSON");
  }
  return parsed;
}

}  // namespace

json PatientSummaryJson(const core::ports::PatientSummary& summary) {
  const auto& p = summary.patient;
  return {{"id", p.id.value()},
          {"given_name", p.given_name},
          {"family_name", p.family_name},
          {"email", p.email},
          {"phone", p.phone},
          {"next_appointment", OptionalInstant(summary.next_appointment)},
          {"last_appointment", OptionalInstant(summary.last_appointment)}};
}

json PatientContactJson(const core::clinic::Patient& patient) {
  return {{"id", patient.id.value()},
          {"given_name", patient.given_name},
          {"family_name", patient.family_name},
          {"email", patient.email},
          {"phone", patient.phone},
          {"created_at", core::FormatInstant(patient.created_at)}};
}

json PatientAppointmentJson(const app::ClinicContext& clinic,
                            const core::scheduling::Appointment& appointment) {
  json out = AppointmentJson(clinic, appointment);
  out["assessment_id"] = OptionalId(appointment.assessment);
  return out;
}

json StaffAppointmentJson(const app::ClinicContext& clinic,
                          const core::scheduling::Appointment& appointment) {
  json out = PatientAppointmentJson(clinic, appointment);
  out["patient_id"] = appointment.patient.value();
  out["version"] = appointment.version;
  out["declined"] = appointment.declined;
  out["cancel_reason"] = appointment.cancel_reason;
  return out;
}

json BookingRulesJson(const core::clinic::Patient& patient) {
  return {{"online_booking", core::clinic::ToString(patient.online_booking)},
          {"assessment_first", patient.assessment_first}};
}

core::Result<json> StoredAssessmentJson(const core::ports::StoredAssessment& assessment) {
  // Parsed first: leaving a braced list half built through UNKNOT_TRY's return would skip the
  // destructors of the elements already made (g++ statement expressions).
  json input = UNKNOT_TRY(StoredJson(assessment, "input", assessment.input_json));
  json result = UNKNOT_TRY(StoredJson(assessment, "result", assessment.result_json));
  return json{{"id", assessment.id.value()},
              {"created_at", core::FormatInstant(assessment.created_at)},
              {"outcome", core::clinical::ToString(assessment.outcome)},
              {"input", std::move(input)},
              {"result", std::move(result)}};
}

core::Result<json> PatientRecordJson(const app::ClinicContext& clinic,
                                     const PatientRecord& record) {
  json appointments = json::array();
  for (const auto& appointment : record.appointments) {
    appointments.push_back(PatientAppointmentJson(clinic, appointment));
  }
  json out = {{"patient", PatientContactJson(record.patient)},
              {"booking_rules", BookingRulesJson(record.patient)},
              {"no_shows_12_months", record.no_shows_12_months},
              {"appointments", std::move(appointments)}};
  if (record.assessments) {
    json assessments = json::array();
    for (const auto& assessment : *record.assessments) {
      assessments.push_back(UNKNOT_TRY(StoredAssessmentJson(assessment)));
    }
    out["assessments"] = std::move(assessments);
  }
  return out;
}

json AuditEntryJson(const core::staff::AuditEntry& entry) {
  return {{"sequence", entry.sequence},
          {"at", core::FormatInstant(entry.at)},
          {"staff_id", OptionalId(entry.staff)},
          {"staff_email", entry.staff_email},
          {"role", entry.role ? json(core::staff::ToString(*entry.role)) : json(nullptr)},
          {"action", entry.action},
          {"patient_id", OptionalId(entry.patient)},
          {"record", entry.record},
          {"detail", entry.detail},
          {"client_address", entry.client_address},
          {"request_id", entry.request_id}};
}

}  // namespace unknot::api::json
