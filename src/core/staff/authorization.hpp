#pragma once

// Who may do what on the staff side, in one place (docs/adr/0008-staff-authorization-table.md).
//
// The policy is a table, kPolicy below: one row per staff action, one column per role, and in
// each cell whether the role may do it and how far (the whole clinic, only the principal's own
// schedule, or only patients the principal has an appointment with). Decide() applies it to the
// facts of one request. Routes never check a role by hand: one middleware names the route's
// action, the route's handler looks up the target's facts, and Decide() answers.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "core/common/enum_names.hpp"
#include "core/common/ids.hpp"

namespace unknot::core::staff {

// A staff account's role in its clinic. Not to be confused with clinic::Role (what kind of
// practitioner someone is).
enum class StaffRole { kOwner, kFrontDesk, kPractitioner };

inline constexpr EnumNames<StaffRole, 3> kStaffRoleNames{{
    {StaffRole::kOwner, "owner"},
    {StaffRole::kFrontDesk, "front_desk"},
    {StaffRole::kPractitioner, "practitioner"},
}};

inline constexpr std::array<StaffRole, 3> kAllStaffRoles{StaffRole::kOwner, StaffRole::kFrontDesk,
                                                         StaffRole::kPractitioner};

std::string_view ToString(StaffRole role);
std::optional<StaffRole> ParseStaffRole(std::string_view text);

// Everything a staff member can ask of Unknot, named by what it does to whose data. Issue 13
// (sign-in, set-up, patients, audit), 14 (calendar, phone bookings, booking rules) and 15 (visit
// notes, plans, home care, outcomes). A new staff route names one of these; a new kind of
// request gets a new action and a row in kPolicy (the build and the tests insist).
enum class Action {
  // The calendar and its appointments.
  kViewSchedule,          // calendar, appointments, hours, breaks and time off shown in it
  kBookAppointment,       // a caller, a walk-in, a follow-up, a treatment plan's series
  kMoveAppointment,       // another time, practitioner or room
  kCancelAppointment,     // with a reason
  kSetAppointmentStatus,  // arrived, completed, no-show
  kDecideBookingRequest,  // approve or decline an online request that needs approval
  // Patients: who they are and how they may book.
  kSearchPatients,      // by name, phone or email
  kAddPatient,          // a caller who is not on file yet
  kViewPatientContact,  // name, phone, email, address, appointments
  kEditPatientContact,
  kSetPatientBookingRules,  // online allowed / needs approval / blocked; assessment first
  kViewSelfAssessment,      // what the patient told us online: knots, triage and its reasons
  // The clinical record (issue 15).
  kViewClinicalNotes,   // SOAP notes, findings on the body map, addenda
  kWriteClinicalNotes,  // drafts, signing, addenda
  kViewTreatmentPlan,   // visits planned, done, left, missed
  kEditTreatmentPlan,
  kViewHomeCare,  // routines assigned and what the patient marked done
  kAssignHomeCare,
  kViewOutcomes,  // pain, sleep, movement, PSFS over time
  kRecordOutcomes,
  kViewOutcomeReport,  // per service and practitioner, without patient names
  // Running the clinic.
  kViewClinicSetup,   // clinic details, rooms, practitioners, services, hours
  kEditClinicSetup,   // the same, plus booking policy, overbooking, time off
  kManageOwnAccount,  // who am I, own password, own sessions, sign out everywhere
  // A practitioner's secret calendar feed link (issue 17): create, rotate, turn off.
  kManageCalendarFeed,
  kManageStaff,  // staff accounts, roles, disabling, ending anyone's session
  kViewAuditLog,
  kExportAuditLog,  // CSV
  // Patient messages (issue 16): the clinic's undelivered (dead) messages and the last error,
  // and putting one back in the queue.
  kViewMessages,
  kRetryMessage,
  // The waitlist (issue 16).
  kViewWaitlist,    // its entries, with names and contacts
  kManageWaitlist,  // add a caller, mark urgent, remove an entry
};

// The stable lower_snake_case name of an action (logs, audit entries, test names). Every
// enumerator has one: the switch behind it has no default, so the build refuses a missing name.
std::string_view ToString(Action action);

// How far a role's permission for an action reaches, inside the principal's own clinic.
enum class Access {
  kDenied,
  kClinic,       // anything of the clinic
  kOwnSchedule,  // things on the principal's own schedule (their appointments, their hours)
  kOwnPatients,  // patients the principal has an appointment with, and everything about them
};

std::string_view ToString(Access access);

struct PolicyRow {
  Action action;
  Access owner;
  Access front_desk;
  Access practitioner;
};

// clang-format off
// THE POLICY. Rows are in the order of enum Action (checked at compile time below).
inline constexpr std::array kPolicy = [] {
  using enum Access;
  return std::array{
    //        action                            owner    front desk    practitioner
    PolicyRow{Action::kViewSchedule,            kClinic, kClinic,      kOwnSchedule},
    PolicyRow{Action::kBookAppointment,         kClinic, kClinic,      kOwnSchedule},
    PolicyRow{Action::kMoveAppointment,         kClinic, kClinic,      kOwnSchedule},
    PolicyRow{Action::kCancelAppointment,       kClinic, kClinic,      kOwnSchedule},
    PolicyRow{Action::kSetAppointmentStatus,    kClinic, kClinic,      kOwnSchedule},
    PolicyRow{Action::kDecideBookingRequest,    kClinic, kClinic,      kDenied},

    PolicyRow{Action::kSearchPatients,          kClinic, kClinic,      kOwnPatients},
    PolicyRow{Action::kAddPatient,              kClinic, kClinic,      kDenied},
    PolicyRow{Action::kViewPatientContact,      kClinic, kClinic,      kOwnPatients},
    PolicyRow{Action::kEditPatientContact,      kClinic, kClinic,      kDenied},
    PolicyRow{Action::kSetPatientBookingRules,  kClinic, kClinic,      kDenied},
    PolicyRow{Action::kViewSelfAssessment,      kClinic, kClinic,      kOwnPatients},

    PolicyRow{Action::kViewClinicalNotes,       kClinic, kDenied,      kOwnPatients},
    PolicyRow{Action::kWriteClinicalNotes,      kClinic, kDenied,      kOwnSchedule},
    PolicyRow{Action::kViewTreatmentPlan,       kClinic, kClinic,      kOwnPatients},
    PolicyRow{Action::kEditTreatmentPlan,       kClinic, kDenied,      kOwnPatients},
    PolicyRow{Action::kViewHomeCare,            kClinic, kDenied,      kOwnPatients},
    PolicyRow{Action::kAssignHomeCare,          kClinic, kDenied,      kOwnPatients},
    PolicyRow{Action::kViewOutcomes,            kClinic, kDenied,      kOwnPatients},
    PolicyRow{Action::kRecordOutcomes,          kClinic, kDenied,      kOwnPatients},
    PolicyRow{Action::kViewOutcomeReport,       kClinic, kDenied,      kDenied},

    PolicyRow{Action::kViewClinicSetup,         kClinic, kClinic,      kClinic},
    PolicyRow{Action::kEditClinicSetup,         kClinic, kDenied,      kDenied},
    PolicyRow{Action::kManageOwnAccount,        kClinic, kClinic,      kClinic},
    PolicyRow{Action::kManageCalendarFeed,      kClinic, kDenied,      kOwnSchedule},
    PolicyRow{Action::kManageStaff,             kClinic, kDenied,      kDenied},
    PolicyRow{Action::kViewAuditLog,            kClinic, kDenied,      kDenied},
    PolicyRow{Action::kExportAuditLog,          kClinic, kDenied,      kDenied},
    PolicyRow{Action::kViewMessages,            kClinic, kClinic,      kDenied},
    PolicyRow{Action::kRetryMessage,            kClinic, kClinic,      kDenied},
    PolicyRow{Action::kViewWaitlist,            kClinic, kClinic,      kDenied},
    PolicyRow{Action::kManageWaitlist,          kClinic, kClinic,      kDenied},
  };
}();
// clang-format on

// Row i is the row of the action whose value is i, so a lookup is an index and a reordered or
// missing row stops the build. (A new enumerator at the end without a row is caught by the test
// that walks every named action.)
consteval bool PolicyRowsInActionOrder() {
  for (std::size_t i = 0; i < kPolicy.size(); ++i) {
    if (static_cast<std::size_t>(kPolicy[i].action) != i) return false;
  }
  return true;
}
static_assert(PolicyRowsInActionOrder(), "kPolicy rows must follow the order of enum Action");

// The cell of kPolicy for `role` and `action`.
Access AccessOf(StaffRole role, Action action);

// The signed-in staff member, as the session says.
struct Principal {
  ClinicId clinic;
  StaffRole role = StaffRole::kFrontDesk;
  // The clinic's practitioner record this account belongs to; set for a practitioner (and for an
  // owner or front desk member who also treats, which changes nothing for them here).
  std::optional<PractitionerId> practitioner;
};

// For a request about one patient: whether the principal has an appointment with that patient
// (any appointment that was not cancelled, past or future; storage answers).
enum class PatientLink {
  kNone,            // no appointment with the principal, not known, or not about one patient
  kHasAppointment,  // the principal is the practitioner of an appointment with the patient
};

// Whether a request touches one thing or lists many.
enum class Reach {
  kOneThing,  // one appointment, one patient's record, one note: judged on its facts
  kList,      // a list over the clinic: allowed as far as the scope, which the handler narrows to
};
// A list that is about one practitioner or one patient by its address (one practitioner's day,
// one patient's appointments) is kOneThing with that practitioner or patient link: it is judged
// on them, not narrowed.

// The facts about what a request touches, looked up by the handler from storage (never taken
// from the client's word). The defaults are the refusing ones: a fact a handler forgot to look up
// denies, it never allows.
struct Target {
  // The clinic the thing belongs to. For a route under /clinics/{clinic}/, the clinic of the slug
  // (and a thing found under it belongs to it, or is not found).
  ClinicId clinic;
  Reach reach = Reach::kOneThing;
  // The practitioner whose schedule the thing is on: an appointment's practitioner, the
  // practitioner whose hours these are, the practitioner of the visit a note is about.
  std::optional<PractitionerId> practitioner;
  PatientLink patient = PatientLink::kNone;

  static Target List(ClinicId clinic) { return {clinic, Reach::kList, std::nullopt, {}}; }
};

enum class Verdict {
  kAllow,
  kDenyAsNotFound,   // 404: another clinic's things look like things that do not exist
  kDenyAsForbidden,  // 403: a thing of the principal's own clinic the role may not touch
};

std::string_view ToString(Verdict verdict);

struct Decision {
  Verdict verdict = Verdict::kDenyAsForbidden;
  // When allowed: how far. For a Reach::kList target, kOwnSchedule and kOwnPatients mean the
  // handler must narrow what it returns to the principal's own schedule or own patients.
  // kDenied when the verdict is a denial.
  Access scope = Access::kDenied;
  // Why, in words, for the log line of a denial.
  std::string_view reason;

  bool allowed() const { return verdict == Verdict::kAllow; }
};

// Applies kPolicy. In this order: another clinic's target is kDenyAsNotFound whatever the role
// and action (so a refusal never reveals that it exists); a kDenied cell is kDenyAsForbidden;
// kOwnSchedule allows one thing on the principal's own schedule, kOwnPatients one thing about a
// patient the principal has an appointment with, and both allow a list (to be narrowed). A
// principal without a practitioner record has no own schedule and no own patients.
Decision Decide(const Principal& principal, Action action, const Target& target);

}  // namespace unknot::core::staff
