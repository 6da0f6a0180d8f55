#include "core/staff/authorization.hpp"

namespace unknot::core::staff {

std::string_view ToString(StaffRole role) { return NameOf(kStaffRoleNames, role); }

std::optional<StaffRole> ParseStaffRole(std::string_view text) {
  return ValueOf(kStaffRoleNames, text);
}

std::string_view ToString(Action action) {
  switch (action) {
    case Action::kViewSchedule:
      return "view_schedule";
    case Action::kBookAppointment:
      return "book_appointment";
    case Action::kMoveAppointment:
      return "move_appointment";
    case Action::kCancelAppointment:
      return "cancel_appointment";
    case Action::kSetAppointmentStatus:
      return "set_appointment_status";
    case Action::kDecideBookingRequest:
      return "decide_booking_request";
    case Action::kSearchPatients:
      return "search_patients";
    case Action::kAddPatient:
      return "add_patient";
    case Action::kViewPatientContact:
      return "view_patient_contact";
    case Action::kEditPatientContact:
      return "edit_patient_contact";
    case Action::kSetPatientBookingRules:
      return "set_patient_booking_rules";
    case Action::kViewSelfAssessment:
      return "view_self_assessment";
    case Action::kViewClinicalNotes:
      return "view_clinical_notes";
    case Action::kWriteClinicalNotes:
      return "write_clinical_notes";
    case Action::kViewTreatmentPlan:
      return "view_treatment_plan";
    case Action::kEditTreatmentPlan:
      return "edit_treatment_plan";
    case Action::kViewHomeCare:
      return "view_home_care";
    case Action::kAssignHomeCare:
      return "assign_home_care";
    case Action::kViewOutcomes:
      return "view_outcomes";
    case Action::kRecordOutcomes:
      return "record_outcomes";
    case Action::kViewOutcomeReport:
      return "view_outcome_report";
    case Action::kViewClinicSetup:
      return "view_clinic_setup";
    case Action::kEditClinicSetup:
      return "edit_clinic_setup";
    case Action::kManageOwnAccount:
      return "manage_own_account";
    case Action::kManageCalendarFeed:
      return "manage_calendar_feed";
    case Action::kManageStaff:
      return "manage_staff";
    case Action::kViewAuditLog:
      return "view_audit_log";
    case Action::kExportAuditLog:
      return "export_audit_log";
    case Action::kViewMessages:
      return "view_messages";
    case Action::kRetryMessage:
      return "retry_message";
    case Action::kViewWaitlist:
      return "view_waitlist";
    case Action::kManageWaitlist:
      return "manage_waitlist";
  }
  return "unknown";
}

std::string_view ToString(Access access) {
  switch (access) {
    case Access::kDenied:
      return "denied";
    case Access::kClinic:
      return "clinic";
    case Access::kOwnSchedule:
      return "own_schedule";
    case Access::kOwnPatients:
      return "own_patients";
  }
  return "unknown";
}

std::string_view ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow:
      return "allow";
    case Verdict::kDenyAsNotFound:
      return "deny_as_not_found";
    case Verdict::kDenyAsForbidden:
      return "deny_as_forbidden";
  }
  return "unknown";
}

Access AccessOf(StaffRole role, Action action) {
  const auto index = static_cast<std::size_t>(action);
  // Only a value cast from outside the enumerators gets here; refusing is the safe answer.
  if (index >= kPolicy.size()) return Access::kDenied;
  const PolicyRow& row = kPolicy[index];
  switch (role) {
    case StaffRole::kOwner:
      return row.owner;
    case StaffRole::kFrontDesk:
      return row.front_desk;
    case StaffRole::kPractitioner:
      return row.practitioner;
  }
  return Access::kDenied;
}

namespace {

Decision Allow(Access scope) { return {Verdict::kAllow, scope, ""}; }
Decision Forbid(std::string_view reason) {
  return {Verdict::kDenyAsForbidden, Access::kDenied, reason};
}

}  // namespace

Decision Decide(const Principal& principal, Action action, const Target& target) {
  // First, before anything about the role: another clinic's thing is a thing that does not exist.
  if (!principal.clinic.is_set() || principal.clinic != target.clinic) {
    return {Verdict::kDenyAsNotFound, Access::kDenied, "belongs to another clinic"};
  }
  const Access access = AccessOf(principal.role, action);
  switch (access) {
    case Access::kDenied:
      return Forbid("the role may not do this");
    case Access::kClinic:
      return Allow(access);
    case Access::kOwnSchedule:
      if (!principal.practitioner) return Forbid("the account has no schedule of its own");
      if (target.reach == Reach::kList) return Allow(access);
      if (target.practitioner && *target.practitioner == *principal.practitioner) {
        return Allow(access);
      }
      return Forbid("not on the principal's own schedule");
    case Access::kOwnPatients:
      if (!principal.practitioner) return Forbid("the account has no patients of its own");
      if (target.reach == Reach::kList) return Allow(access);
      if (target.patient == PatientLink::kHasAppointment) return Allow(access);
      return Forbid("not a patient the principal has an appointment with");
  }
  return Forbid("unknown access");
}

}  // namespace unknot::core::staff
