#include "api/v1/staff_api.hpp"

#include "api/v1/audit_routes.hpp"
#include "api/v1/booking_rules_routes.hpp"
#include "api/v1/calendar_feed_routes.hpp"
#include "api/v1/calendar_routes.hpp"
#include "api/v1/home_care_routes.hpp"
#include "api/v1/message_routes.hpp"
#include "api/v1/outcome_routes.hpp"
#include "api/v1/patient_routes.hpp"
#include "api/v1/setup_routes.hpp"
#include "api/v1/treatment_plan_routes.hpp"
#include "api/v1/visit_note_routes.hpp"
#include "api/v1/waitlist_routes.hpp"

namespace unknot::api::v1 {

void AddStaffApi(http::Router& router, StaffRoutes& staff, SessionRouteDeps deps) {
  AddSessionRoutes(router, staff, deps);
  AddPatientRoutes(staff, staff.storage());
  AddAuditRoutes(staff, staff.storage());
  AddSetupRoutes(staff, staff.storage(), staff.clock());
  AddCalendarRoutes(staff, staff.storage(), staff.clock());
  AddBookingRulesRoutes(staff, staff.storage());
  if (deps.knowledge != nullptr) AddVisitNoteRoutes(staff, staff.storage(), *deps.knowledge);
  AddTreatmentPlanRoutes(staff, staff.storage(), staff.clock());
  if (deps.knowledge != nullptr) AddHomeCareRoutes(staff, staff.storage(), *deps.knowledge);
  AddOutcomeRoutes(staff, staff.storage());
  AddCalendarFeedStaffRoutes(staff, staff.storage(), CalendarFeedTokens());
  if (deps.message_wordings != nullptr) {
    AddMessageRoutes(staff, staff.storage(), *deps.message_wordings);
  }
  // The waitlist (issue 16); callers get no link, so any token service will do.
  AddStaffWaitlistRoutes(staff, staff.storage(), CalendarFeedTokens());
}

}  // namespace unknot::api::v1
