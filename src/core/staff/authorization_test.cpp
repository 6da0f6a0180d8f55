#include "core/staff/authorization.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace unknot::core::staff {
namespace {

// The policy as issue 13 words it, written out again by hand so that a change to kPolicy has to
// be made twice, on purpose. Owner: everything in their clinic. Front desk: schedule, bookings,
// patients' contact details and booking rules; never clinical notes. Practitioner: their own
// schedule, and the records of patients they have an appointment with.
constexpr std::string_view kExpectedMatrix = R"(
  action                      owner   front_desk    practitioner
  view_schedule               clinic  clinic        own_schedule
  book_appointment            clinic  clinic        own_schedule
  move_appointment            clinic  clinic        own_schedule
  cancel_appointment          clinic  clinic        own_schedule
  set_appointment_status      clinic  clinic        own_schedule
  decide_booking_request      clinic  clinic        denied
  search_patients             clinic  clinic        own_patients
  add_patient                 clinic  clinic        denied
  view_patient_contact        clinic  clinic        own_patients
  edit_patient_contact        clinic  clinic        denied
  set_patient_booking_rules   clinic  clinic        denied
  view_self_assessment        clinic  clinic        own_patients
  view_clinical_notes         clinic  denied        own_patients
  write_clinical_notes        clinic  denied        own_schedule
  view_treatment_plan         clinic  clinic        own_patients
  edit_treatment_plan         clinic  denied        own_patients
  view_home_care              clinic  denied        own_patients
  assign_home_care            clinic  denied        own_patients
  view_outcomes               clinic  denied        own_patients
  record_outcomes             clinic  denied        own_patients
  view_outcome_report         clinic  denied        denied
  view_clinic_setup           clinic  clinic        clinic
  edit_clinic_setup           clinic  denied        denied
  manage_own_account          clinic  clinic        clinic
  manage_calendar_feed        clinic  denied        own_schedule
  manage_staff                clinic  denied        denied
  view_audit_log              clinic  denied        denied
  export_audit_log            clinic  denied        denied
  view_waitlist               clinic  clinic        denied
  manage_waitlist             clinic  clinic        denied
)";

// Every action, found by walking the enum until a value has no name.
std::vector<Action> AllActions() {
  std::vector<Action> actions;
  for (int i = 0;; ++i) {
    const auto action = static_cast<Action>(i);
    if (ToString(action) == "unknown") break;
    actions.push_back(action);
  }
  return actions;
}

struct ExpectedRow {
  std::string owner;
  std::string front_desk;
  std::string practitioner;
};

std::map<std::string, ExpectedRow> ParseExpected() {
  std::map<std::string, ExpectedRow> rows;
  std::istringstream in{std::string(kExpectedMatrix)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string action;
    ExpectedRow row;
    if (!(fields >> action >> row.owner >> row.front_desk >> row.practitioner)) continue;
    if (action == "action") continue;  // the heading
    EXPECT_TRUE(rows.emplace(action, row).second) << action << " is listed twice";
  }
  return rows;
}

constexpr ClinicId kClinic{1};
constexpr ClinicId kOtherClinic{2};
constexpr PractitionerId kMe{10};
constexpr PractitionerId kColleague{11};

const Principal kOwner{kClinic, StaffRole::kOwner, std::nullopt};
const Principal kFrontDesk{kClinic, StaffRole::kFrontDesk, std::nullopt};
const Principal kPractitioner{kClinic, StaffRole::kPractitioner, kMe};

// One thing of a colleague's, about a patient the principal has never seen: the target that
// only kClinic access reaches.
Target ColleaguesThing(ClinicId clinic = kClinic) {
  return {clinic, Reach::kOneThing, kColleague, PatientLink::kNone};
}
// One thing on my own schedule, about a patient of mine: the target every non-denied cell
// reaches.
Target MyThing(ClinicId clinic = kClinic) {
  return {clinic, Reach::kOneThing, kMe, PatientLink::kHasAppointment};
}

TEST(AuthorizationTest, TheTableIsTheMatrixSpelledOutInIssue13) {
  const auto expected = ParseExpected();
  const auto actions = AllActions();
  ASSERT_EQ(expected.size(), actions.size()) << "the spelled-out matrix and enum Action differ";
  for (Action action : actions) {
    const std::string name(ToString(action));
    SCOPED_TRACE(name);
    auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << "not in the spelled-out matrix";
    EXPECT_EQ(ToString(AccessOf(StaffRole::kOwner, action)), it->second.owner);
    EXPECT_EQ(ToString(AccessOf(StaffRole::kFrontDesk, action)), it->second.front_desk);
    EXPECT_EQ(ToString(AccessOf(StaffRole::kPractitioner, action)), it->second.practitioner);
  }
}

TEST(AuthorizationTest, EveryActionHasAnEntryForEveryRole) {
  const auto actions = AllActions();
  // One row per action, in order (the static_assert checks the order of those present).
  ASSERT_EQ(actions.size(), kPolicy.size());
  std::set<std::string_view> names;
  for (Action action : actions) {
    const std::string_view name = ToString(action);
    EXPECT_TRUE(names.insert(name).second) << name << " named twice";
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string_view::npos);
    EXPECT_EQ(kPolicy[static_cast<std::size_t>(action)].action, action);
    for (StaffRole role : kAllStaffRoles) {
      EXPECT_NE(ToString(AccessOf(role, action)), "unknown") << name << " / " << ToString(role);
    }
  }
}

TEST(AuthorizationTest, OwnerMayDoEverythingInTheirClinic) {
  for (Action action : AllActions()) {
    SCOPED_TRACE(ToString(action));
    for (const Target& target : {ColleaguesThing(), MyThing(), Target::List(kClinic)}) {
      const Decision decision = Decide(kOwner, action, target);
      EXPECT_EQ(decision.verdict, Verdict::kAllow);
      EXPECT_EQ(decision.scope, Access::kClinic);
    }
  }
}

TEST(AuthorizationTest, FrontDeskRunsTheDeskButNeverSeesTheClinicalRecord) {
  for (Action action :
       {Action::kViewSchedule, Action::kBookAppointment, Action::kMoveAppointment,
        Action::kCancelAppointment, Action::kSetAppointmentStatus, Action::kDecideBookingRequest,
        Action::kSearchPatients, Action::kAddPatient, Action::kViewPatientContact,
        Action::kEditPatientContact, Action::kSetPatientBookingRules, Action::kViewClinicSetup,
        Action::kManageOwnAccount, Action::kViewWaitlist, Action::kManageWaitlist}) {
    SCOPED_TRACE(ToString(action));
    EXPECT_EQ(Decide(kFrontDesk, action, ColleaguesThing()).verdict, Verdict::kAllow);
    EXPECT_EQ(Decide(kFrontDesk, action, Target::List(kClinic)).scope, Access::kClinic);
  }
  for (Action action :
       {Action::kViewClinicalNotes, Action::kWriteClinicalNotes, Action::kEditTreatmentPlan,
        Action::kViewHomeCare, Action::kAssignHomeCare, Action::kViewOutcomes,
        Action::kRecordOutcomes, Action::kViewOutcomeReport, Action::kEditClinicSetup,
        Action::kManageStaff, Action::kViewAuditLog, Action::kExportAuditLog}) {
    SCOPED_TRACE(ToString(action));
    // Not even for a front desk member who is also linked to a practitioner record.
    const Principal also_treats{kClinic, StaffRole::kFrontDesk, kMe};
    for (const Target& target : {ColleaguesThing(), MyThing(), Target::List(kClinic)}) {
      const Decision decision = Decide(also_treats, action, target);
      EXPECT_EQ(decision.verdict, Verdict::kDenyAsForbidden);
      EXPECT_EQ(decision.scope, Access::kDenied);
      EXPECT_FALSE(decision.reason.empty());
    }
  }
}

TEST(AuthorizationTest, PractitionerActsOnTheirOwnSchedule) {
  for (Action action :
       {Action::kViewSchedule, Action::kBookAppointment, Action::kMoveAppointment,
        Action::kCancelAppointment, Action::kSetAppointmentStatus, Action::kWriteClinicalNotes}) {
    SCOPED_TRACE(ToString(action));
    // My appointment, whoever the patient is (a first visit has no earlier appointment).
    EXPECT_TRUE(Decide(kPractitioner, action, {kClinic, Reach::kOneThing, kMe, PatientLink::kNone})
                    .allowed());
    // A colleague's appointment, even with a patient of mine.
    EXPECT_EQ(Decide(kPractitioner, action,
                     {kClinic, Reach::kOneThing, kColleague, PatientLink::kHasAppointment})
                  .verdict,
              Verdict::kDenyAsForbidden);
    // A thing on no schedule at all.
    EXPECT_EQ(Decide(kPractitioner, action, {kClinic, Reach::kOneThing, std::nullopt, {}}).verdict,
              Verdict::kDenyAsForbidden);
    // The calendar as a list: allowed, narrowed to my own schedule.
    const Decision list = Decide(kPractitioner, action, Target::List(kClinic));
    EXPECT_TRUE(list.allowed());
    EXPECT_EQ(list.scope, Access::kOwnSchedule);
  }
}

TEST(AuthorizationTest, PractitionerSeesTheRecordsOfTheirOwnPatientsOnly) {
  for (Action action :
       {Action::kSearchPatients, Action::kViewPatientContact, Action::kViewSelfAssessment,
        Action::kViewClinicalNotes, Action::kViewTreatmentPlan, Action::kEditTreatmentPlan,
        Action::kViewHomeCare, Action::kAssignHomeCare, Action::kViewOutcomes,
        Action::kRecordOutcomes}) {
    SCOPED_TRACE(ToString(action));
    // A note a colleague wrote about a patient I also treat: the patient's record is mine to see.
    EXPECT_TRUE(Decide(kPractitioner, action,
                       {kClinic, Reach::kOneThing, kColleague, PatientLink::kHasAppointment})
                    .allowed());
    EXPECT_EQ(
        Decide(kPractitioner, action, {kClinic, Reach::kOneThing, kMe, PatientLink::kNone}).verdict,
        Verdict::kDenyAsForbidden);
    const Decision list = Decide(kPractitioner, action, Target::List(kClinic));
    EXPECT_TRUE(list.allowed());
    EXPECT_EQ(list.scope, Access::kOwnPatients);
  }
}

TEST(AuthorizationTest, PractitionerDoesNotRunTheDeskOrTheClinic) {
  for (Action action :
       {Action::kDecideBookingRequest, Action::kAddPatient, Action::kEditPatientContact,
        Action::kSetPatientBookingRules, Action::kViewOutcomeReport, Action::kEditClinicSetup,
        Action::kManageStaff, Action::kViewAuditLog, Action::kExportAuditLog, Action::kViewWaitlist,
        Action::kManageWaitlist}) {
    SCOPED_TRACE(ToString(action));
    EXPECT_EQ(Decide(kPractitioner, action, MyThing()).verdict, Verdict::kDenyAsForbidden);
  }
  EXPECT_TRUE(Decide(kPractitioner, Action::kViewClinicSetup, ColleaguesThing()).allowed());
  EXPECT_TRUE(Decide(kPractitioner, Action::kManageOwnAccount, ColleaguesThing()).allowed());
}

TEST(AuthorizationTest, PractitionerAccountWithoutAPractitionerRecordHasNothingOfItsOwn) {
  const Principal unlinked{kClinic, StaffRole::kPractitioner, std::nullopt};
  for (Action action : AllActions()) {
    SCOPED_TRACE(ToString(action));
    const Access access = AccessOf(StaffRole::kPractitioner, action);
    for (const Target& target : {MyThing(), Target::List(kClinic)}) {
      EXPECT_EQ(Decide(unlinked, action, target).allowed(), access == Access::kClinic);
    }
  }
}

TEST(AuthorizationTest, EveryRoleSeesAnotherClinicAsNotFound) {
  for (StaffRole role : kAllStaffRoles) {
    const Principal principal{kClinic, role, kMe};
    for (Action action : AllActions()) {
      SCOPED_TRACE(std::string(ToString(role)) + " " + std::string(ToString(action)));
      for (const Target& target :
           {MyThing(kOtherClinic), ColleaguesThing(kOtherClinic), Target::List(kOtherClinic)}) {
        const Decision decision = Decide(principal, action, target);
        EXPECT_EQ(decision.verdict, Verdict::kDenyAsNotFound);
        EXPECT_EQ(decision.scope, Access::kDenied);
      }
    }
  }
}

TEST(AuthorizationTest, APrincipalWithoutAClinicFindsNothing) {
  const Principal nobody{ClinicId{}, StaffRole::kOwner, std::nullopt};
  EXPECT_EQ(Decide(nobody, Action::kViewSchedule, Target::List(ClinicId{})).verdict,
            Verdict::kDenyAsNotFound);
}

TEST(AuthorizationTest, AnActionOutsideTheEnumIsRefused) {
  const auto bogus = static_cast<Action>(kPolicy.size() + 3);
  EXPECT_EQ(AccessOf(StaffRole::kOwner, bogus), Access::kDenied);
  EXPECT_EQ(Decide(kOwner, bogus, MyThing()).verdict, Verdict::kDenyAsForbidden);
}

TEST(AuthorizationTest, RoleNamesRoundTrip) {
  for (StaffRole role : kAllStaffRoles) {
    EXPECT_EQ(ParseStaffRole(ToString(role)), role);
  }
  EXPECT_EQ(ToString(StaffRole::kFrontDesk), "front_desk");
  EXPECT_EQ(ParseStaffRole("Owner"), std::nullopt);
  EXPECT_EQ(ParseStaffRole("admin"), std::nullopt);
}

std::optional<PractitionerId> MaybePractitioner() {
  const auto id = *rc::gen::inRange<std::int64_t>(0, 4);
  if (id == 0) return std::nullopt;
  return PractitionerId{id};
}

// Whatever the facts: nothing of another clinic is ever allowed, a denied cell is never allowed,
// and an allowed decision's scope is the table's cell.
RC_GTEST_PROP(AuthorizationProperties, DecideNeverGoesBeyondTheTable, ()) {
  const auto actions = AllActions();
  const Action action = *rc::gen::elementOf(actions);
  const StaffRole role = *rc::gen::elementOf(kAllStaffRoles);
  const Principal principal{ClinicId{*rc::gen::inRange<std::int64_t>(0, 3)}, role,
                            MaybePractitioner()};
  const Target target{ClinicId{*rc::gen::inRange<std::int64_t>(0, 3)},
                      *rc::gen::element(Reach::kOneThing, Reach::kList), MaybePractitioner(),
                      *rc::gen::element(PatientLink::kNone, PatientLink::kHasAppointment)};
  const Decision decision = Decide(principal, action, target);
  if (principal.clinic != target.clinic || !principal.clinic.is_set()) {
    RC_ASSERT(decision.verdict == Verdict::kDenyAsNotFound);
  } else if (AccessOf(role, action) == Access::kDenied) {
    RC_ASSERT(decision.verdict == Verdict::kDenyAsForbidden);
  }
  if (decision.allowed()) {
    RC_ASSERT(decision.scope == AccessOf(role, action));
    if (decision.scope == Access::kOwnSchedule && target.reach == Reach::kOneThing) {
      RC_ASSERT(target.practitioner == principal.practitioner);
    }
    if (decision.scope == Access::kOwnPatients && target.reach == Reach::kOneThing) {
      RC_ASSERT(target.patient == PatientLink::kHasAppointment);
    }
  } else {
    RC_ASSERT(decision.scope == Access::kDenied);
  }
}

}  // namespace
}  // namespace unknot::core::staff
