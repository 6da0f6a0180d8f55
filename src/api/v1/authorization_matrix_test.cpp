// The authorization matrix (issue 13): every staff route the router holds x every role x own
// clinic / another clinic / signed out gets the status the policy table says. The routes are
// enumerated from the router itself, so a new route under /api/v1/clinics/{clinic}/ that is
// neither in the short list of public routes below nor registered through the staff gate (with
// an action, hence a row of kPolicy) fails here.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "api/fhir/fhir_routes.hpp"
#include "api/staff_test_fixture.hpp"
#include "api/v1/calendar_feed_routes.hpp"
#include "api/v1/clinic_routes.hpp"
#include "api/v1/home_care_routes.hpp"
#include "api/v1/ics_routes.hpp"
#include "api/v1/outcome_routes.hpp"
#include "api/v1/waitlist_routes.hpp"
#include "knowledge/load_knowledge.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api::v1 {
namespace {

using http::Method;
namespace staff = core::staff;

// Routes anyone may call: the patient side, and the doors of sign-in. Adding one here is a
// decision to publish it; everything else under a clinic is staff-only.
const std::set<std::string> kPublicRoutes = {
    "GET /api/v1/clinics/{clinic}",
    "GET /api/v1/clinics/{clinic}/practitioners",
    "GET /api/v1/clinics/{clinic}/services",
    "GET /api/v1/clinics/{clinic}/rooms",
    "GET /api/v1/clinics/{clinic}/availability",
    "POST /api/v1/clinics/{clinic}/appointments",
    "GET /api/v1/clinics/{clinic}/appointments/{id}",
    // The patient's calendar file: guarded by the manage token like the appointment itself.
    "GET /api/v1/clinics/{clinic}/appointments/{id}.ics",
    // The patient's own outcome chart (issue 15): the same manage token.
    "GET /api/v1/clinics/{clinic}/appointments/{id}/outcomes",
    // A practitioner's calendar feed: guarded by the feed's secret key.
    "GET /api/v1/clinics/{clinic}/practitioners/{id}/calendar.ics",
    "POST /api/v1/clinics/{clinic}/appointments/{id}/cancel",
    "POST /api/v1/clinics/{clinic}/appointments/{id}/reschedule",
    // A time held while the patient fills in details (issue 16): the hold's token is its key.
    "POST /api/v1/clinics/{clinic}/holds",
    "DELETE /api/v1/clinics/{clinic}/holds/{token}",
    // The waitlist (issue 16): joining is public; an entry or an offer by its link's token.
    "POST /api/v1/clinics/{clinic}/waitlist",
    "GET /api/v1/clinics/{clinic}/waitlist/entry",
    "POST /api/v1/clinics/{clinic}/waitlist/entry/leave",
    "GET /api/v1/clinics/{clinic}/waitlist/offer",
    "POST /api/v1/clinics/{clinic}/waitlist/offer/confirm",
    // The patient's home-care program and the days they mark: the manage token again.
    "GET /api/v1/clinics/{clinic}/appointments/{id}/home-care",
    "PUT /api/v1/clinics/{clinic}/appointments/{id}/home-care/log/{date}",
    "GET /api/v1/clinics/{clinic}/assessment-form",
    "GET /api/v1/clinics/{clinic}/body-map.svg",
    "POST /api/v1/clinics/{clinic}/assessments",
    "GET /api/v1/clinics/{clinic}/assessments/{id}",
    "POST /api/v1/clinics/{clinic}/session",
    "GET /api/v1/clinics/{clinic}/session",
    "DELETE /api/v1/clinics/{clinic}/session",
    // FHIR R4 and SMART Scheduling Links (issue 17): the public data, and the patient's own
    // appointment by its manage token; the catch-alls answer OperationOutcomes.
    "GET /fhir/{clinic}/metadata",
    "GET /fhir/{clinic}/{type}",
    "GET /fhir/{clinic}/{type}/{id}",
    "GET /fhir/{clinic}/$bulk-publish",
    "GET /fhir/{clinic}/$bulk-publish/{file}",
    "POST /fhir/{clinic}/Appointment",
    "PATCH /fhir/{clinic}/Appointment/{id}",
    "PUT /fhir/{clinic}/Appointment/{id}",
    "GET /fhir/{rest...}",
    "POST /fhir/{rest...}",
    "PUT /fhir/{rest...}",
    "PATCH /fhir/{rest...}",
    "DELETE /fhir/{rest...}",
};

std::string Key(Method method, const std::string& pattern) {
  return std::string(http::ToString(method)) + " " + pattern;
}

// The pattern with its parameters filled in: the clinic's slug, "1" for every id.
std::string Fill(const std::string& pattern, const std::string& slug) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      std::size_t close = pattern.find('}', i);
      out += pattern.substr(i, close - i + 1) == "{clinic}" ? slug : "1";
      i = close + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

class AuthorizationMatrixTest : public StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    auto loaded = knowledge::LoadKnowledge(std::filesystem::path(testing::SourceDir()) / "data");
    ASSERT_TRUE(loaded) << loaded.error().message();
    knowledge_ = std::move(*loaded);
    AddClinicRoutes(router_, *storage_);
    AddBookingRoutes(router_, *storage_, clock_, tokens_);
    AddIcsRoutes(router_, *storage_, tokens_);
    AddPatientHomeCareRoutes(router_, *storage_, clock_, tokens_, knowledge_.knowledge);
    AddPatientOutcomeRoutes(router_, *storage_, tokens_);
    AddCalendarFeedRoutes(router_, *storage_, clock_, tokens_);
    fhir::AddFhirRoutes(router_, *storage_, clock_, tokens_);
    AddAssessmentRoutes(router_, *storage_, clock_, tokens_, knowledge_.knowledge,
                        knowledge_.body_map_svg);
    AddWaitlistRoutes(router_, *storage_, clock_, tokens_);
  }

  http::Response Call(const StaffRouteInfo& route, const std::string& slug,
                      const Browser* browser) {
    std::optional<nlohmann::json> body;
    if (route.method == Method::kPost || route.method == Method::kPut ||
        route.method == Method::kPatch) {
      body = nlohmann::json::object();
    }
    return Send(route.method, Fill(route.pattern, slug), body, browser);
  }

  std::size_t AuditCount(core::ClinicId clinic) {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(clinic, filter).value().size();
  }

  knowledge::LoadedKnowledge knowledge_;
  security::SodiumTokens tokens_;
};

TEST_F(AuthorizationMatrixTest, EveryClinicRouteIsPublicOrGuardedByThePolicy) {
  std::set<std::string> guarded;
  for (const auto& route : staff_->routes()) {
    EXPECT_TRUE(guarded.insert(Key(route.method, route.pattern)).second)
        << "registered twice: " << Key(route.method, route.pattern);
    EXPECT_EQ(kPublicRoutes.count(Key(route.method, route.pattern)), 0u)
        << Key(route.method, route.pattern) << " is both public and a staff route";
  }
  std::size_t clinic_routes = 0;
  for (const auto& route : router_.Routes()) {
    if (route.pattern.rfind("/api/v1/clinics/{clinic}", 0) != 0 &&
        route.pattern.rfind("/fhir/", 0) != 0) {
      continue;
    }
    ++clinic_routes;
    const std::string key = Key(route.method, route.pattern);
    EXPECT_TRUE(kPublicRoutes.count(key) == 1 || guarded.count(key) == 1)
        << key << " has no entry in the policy table: register it through StaffRoutes with an "
        << "action, or add it to kPublicRoutes if patients may call it";
  }
  EXPECT_EQ(clinic_routes, kPublicRoutes.size() + guarded.size());
  EXPECT_GE(guarded.size(), 8u);
}

// Treatment plans (issue 15): writing a plan is clinical (the front desk may not), reading it is
// for everyone who sees the patient, previewing and booking its series is a booking.
TEST_F(AuthorizationMatrixTest, TreatmentPlanRoutesNameTheirActions) {
  const std::map<std::string, staff::Action> expected = {
      {"POST /api/v1/clinics/{clinic}/patients/{id}/treatment-plans",
       staff::Action::kEditTreatmentPlan},
      {"GET /api/v1/clinics/{clinic}/patients/{id}/treatment-plans",
       staff::Action::kViewTreatmentPlan},
      {"GET /api/v1/clinics/{clinic}/treatment-plans/{plan}", staff::Action::kViewTreatmentPlan},
      {"POST /api/v1/clinics/{clinic}/treatment-plans/{plan}/preview",
       staff::Action::kBookAppointment},
      {"POST /api/v1/clinics/{clinic}/treatment-plans/{plan}/book",
       staff::Action::kBookAppointment},
  };
  std::size_t found = 0;
  for (const auto& route : staff_->routes()) {
    auto it = expected.find(Key(route.method, route.pattern));
    if (it == expected.end()) continue;
    EXPECT_EQ(route.action, it->second) << it->first;
    ++found;
  }
  EXPECT_EQ(found, expected.size());
}

TEST_F(AuthorizationMatrixTest, EveryStaffRouteByRoleAndClinic) {
  struct Who {
    const char* email;
    staff::StaffRole role;
  };
  const Who roles[] = {{"owner@clinic.test", staff::StaffRole::kOwner},
                       {"desk@clinic.test", staff::StaffRole::kFrontDesk},
                       {"maya@clinic.test", staff::StaffRole::kPractitioner}};
  int checked = 0;
  for (const auto& route : staff_->routes()) {
    const std::string name = Key(route.method, route.pattern);
    SCOPED_TRACE(name);
    // Signed out: 401, whatever the route.
    EXPECT_EQ(Call(route, clinic_.slug, nullptr).status, 401u);
    // Signed in to another clinic: the route's things do not exist for it.
    Browser stranger = SignIn("owner@other.test", "other-clinic");
    EXPECT_EQ(Call(route, clinic_.slug, &stranger).status, 404u);
    for (const Who& who : roles) {
      SCOPED_TRACE(who.email);
      Browser browser = SignIn(who.email);  // fresh: a route may end the caller's sessions
      const staff::Access cell = staff::AccessOf(who.role, route.action);
      const std::size_t audit_before = AuditCount(clinic_.id);
      http::Response r = Call(route, clinic_.slug, &browser);
      EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
      if (cell == staff::Access::kDenied) {
        EXPECT_EQ(r.status, 403u) << r.body;
        // Refused before the handler ran; the refusal itself is recorded.
        EXPECT_EQ(AuditCount(clinic_.id), audit_before + 1);
      } else {
        EXPECT_NE(r.status, 401u) << r.body;
        EXPECT_LT(r.status, 500u) << r.body;
        // A role allowed on the whole clinic is never refused; one limited to its own schedule
        // or patients may be refused a thing that is not its own (id 1 here).
        if (cell == staff::Access::kClinic) {
          EXPECT_NE(r.status, 403u) << r.body;
        }
        EXPECT_GT(AuditCount(clinic_.id), audit_before);  // every access leaves an entry
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(staff_->routes().size() * 3));
}

// Issue 15's visit notes: each route with its action, and the front desk refused on every one.
TEST_F(AuthorizationMatrixTest, VisitNoteRoutesAreClinicalAndNeverTheFrontDesks) {
  const std::map<std::string, staff::Action> expected = {
      {"GET /api/v1/clinics/{clinic}/visits/{appointment}/note", staff::Action::kViewClinicalNotes},
      {"PUT /api/v1/clinics/{clinic}/visits/{appointment}/note",
       staff::Action::kWriteClinicalNotes},
      {"POST /api/v1/clinics/{clinic}/visits/{appointment}/note/sign",
       staff::Action::kWriteClinicalNotes},
      {"POST /api/v1/clinics/{clinic}/visits/{appointment}/note/addenda",
       staff::Action::kWriteClinicalNotes},
      {"GET /api/v1/clinics/{clinic}/patients/{id}/notes", staff::Action::kViewClinicalNotes},
  };
  std::size_t found = 0;
  for (const auto& route : staff_->routes()) {
    auto it = expected.find(Key(route.method, route.pattern));
    if (it == expected.end()) continue;
    ++found;
    SCOPED_TRACE(it->first);
    EXPECT_EQ(route.action, it->second);
    Browser desk = SignIn("desk@clinic.test");
    EXPECT_EQ(Call(route, clinic_.slug, &desk).status, 403u);
  }
  EXPECT_EQ(found, expected.size());
}

// Outcomes (issue 15) are clinical: the front desk never reaches them, nor the owner's report.
TEST_F(AuthorizationMatrixTest, FrontDeskIsRefusedOutcomes) {
  Browser desk = SignIn("desk@clinic.test");
  const std::string base = "/api/v1/clinics/" + clinic_.slug;
  EXPECT_EQ(Get(base + "/visits/1/outcomes", desk).status, 403u);
  EXPECT_EQ(Send(Method::kPut, base + "/visits/1/outcomes", nlohmann::json::object(), &desk).status,
            403u);
  EXPECT_EQ(Get(base + "/patients/1/outcomes", desk).status, 403u);
  EXPECT_EQ(Get(base + "/outcome-report", desk).status, 403u);
  Browser maya = SignIn("maya@clinic.test");
  EXPECT_EQ(Get(base + "/outcome-report", maya).status, 403u);
}

}  // namespace
}  // namespace unknot::api::v1
