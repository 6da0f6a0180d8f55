#include "api/v1/calendar_routes.hpp"

#include "api/v1/staff_routes_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using core::staff::AuditEntry;

class CalendarRoutesTest : public StaffRoutesFixture {
 protected:
  void SetUp() override {
    StaffRoutesFixture::SetUp();
    v1::AddCalendarRoutes(*staff_routes_, *storage_, clock_);
    ana_ = AddPatient("Ana", "Ruiz", "ana.ruiz@example.org", "+14155550142");
  }

  // A state-changing request by `who`, as the browser sends it (cookie, Origin, CSRF token).
  http::Response Send(http::Method method, const std::string& path, const SignedIn& who,
                      const Json& body) {
    http::Request request;
    request.method = method;
    request.path = base_ + path;
    request.headers = {{"cookie", who.cookie},
                       {"host", "clinic.test"},
                       {"origin", "http://clinic.test"},
                       {"x-csrf-token", who.session.csrf_token},
                       {"content-type", "application/json"}};
    request.body = body.dump();
    request.client_address = "203.0.113.7";
    request.request_id = "req-write";
    return router_.Dispatch(request);
  }

  Json Booking(std::size_t practitioner, const char* start) const {
    return Json{{"patient", ana_.id.value()},
                {"service", setup_.services.at(1).id.value()},  // ART, 30 minutes
                {"practitioner", setup_.practitioners.at(practitioner).id.value()},
                {"start", start},
                {"source", "phone"}};
  }

  void AllowOverbooking(std::size_t practitioner) {
    auto saved = storage_->SaveSetup(
        clinic_.id,
        [&](const core::clinic::ClinicSetup& stored, const auto&) {
          core::clinic::ClinicSetup changed = stored;
          changed.practitioners.at(practitioner).allow_overbooking = true;
          return core::Result<core::clinic::ClinicSetup>(changed);
        },
        clock_.Now());
    ASSERT_TRUE(saved) << saved.error().message();
    ASSERT_TRUE(saved->practitioners.at(practitioner).allow_overbooking);
  }

  std::string AppointmentPath(std::int64_t id) const {
    return "/calendar/appointments/" + std::to_string(id);
  }

  core::clinic::Patient ana_;
};

// The fixture's clock: Thursday 2026-11-26 10:00 in Los Angeles (18:00Z). Dr. Okafor
// (practitioners[0]) works 08:00-17:00 with lunch 12:00-13:00; the online minimum notice is 2 h.

TEST_F(CalendarRoutesTest, BooksACallerWithNoEmailInsideTheOnlineMinimumNotice) {
  Json body = Booking(0, "2026-11-26T18:30:00Z");  // 30 minutes from now
  body["patient"] =
      Json{{"given_name", "Walter"}, {"family_name", "Nash"}, {"phone", "+14155550177"}};
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_, body);
  ASSERT_EQ(r.status, 201u) << r.body;
  const Json a = Body(r);
  EXPECT_EQ(a["status"], "booked");
  EXPECT_EQ(a["source"], "phone");
  EXPECT_EQ(a["start"], "2026-11-26T18:30:00Z");
  EXPECT_EQ(a["version"], 1);
  EXPECT_EQ(a["overbooked"], false);
  EXPECT_EQ(a["patient"]["given_name"], "Walter");
  auto patient =
      storage_->FindPatient(clinic_.id, core::PatientId{a["patient"]["id"].get<std::int64_t>()});
  ASSERT_TRUE(patient);
  EXPECT_EQ(patient->email, "");
  // The online path still insists on an email.
  EXPECT_FALSE(core::clinic::Validate(*patient));
  EXPECT_TRUE(core::clinic::Validate(*patient, core::clinic::EmailRule::kOptional));
}

TEST_F(CalendarRoutesTest, RefusesBadInputNamingTheField) {
  Json body = Booking(0, "2026-11-27T17:00:00Z");
  body["source"] = "online";
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_, body);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(FirstField(r), "source");
  body = Booking(0, "2026-11-27T17:00:00Z");
  body.erase("service");
  EXPECT_EQ(FirstField(Send(http::Method::kPost, "/calendar/appointments", desk_, body)),
            "service");
  body = Booking(0, "2026-11-27T17:00:00Z");
  body["patient"] = Json{{"given_name", "Walter"},
                         {"family_name", "Nash"},
                         {"phone", "+14155550177"},
                         {"email", "not an email"}};
  r = Send(http::Method::kPost, "/calendar/appointments", desk_, body);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(FirstField(r), "patient.email");
}

TEST_F(CalendarRoutesTest, OutsideHoursIs422) {
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_,
                Booking(0, "2026-11-27T03:00:00Z"));  // Thursday 19:00 local
  EXPECT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(Body(r)["reason"], "outside_hours");
}

TEST_F(CalendarRoutesTest, ATakenTimeIsRefusedUnlessThePractitionerAllowsOverbooking) {
  AddAppointment(ana_, 0, "2026-11-27T17:00:00Z");  // Friday 09:00 local, room 0
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_,
                Booking(0, "2026-11-27T17:00:00Z"));
  ASSERT_EQ(r.status, 409u) << r.body;
  Json problem = Body(r);
  EXPECT_EQ(problem["reason"], "taken");
  ASSERT_FALSE(problem["alternatives"].empty());
  EXPECT_LE(problem["alternatives"].size(), 3u);
  EXPECT_EQ(problem["alternatives"][0]["start"], "2026-11-27T16:30:00Z");

  Json over = Booking(0, "2026-11-27T17:00:00Z");
  over["overbook"] = true;
  r = Send(http::Method::kPost, "/calendar/appointments", desk_, over);
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_NE(Body(r)["detail"].get<std::string>().find("not allowed overbooking"),
            std::string::npos);

  AllowOverbooking(0);
  r = Send(http::Method::kPost, "/calendar/appointments", desk_, over);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(Body(r)["overbooked"], true);
  // Without asking to overbook, still refused.
  r = Send(http::Method::kPost, "/calendar/appointments", desk_,
           Booking(0, "2026-11-27T17:00:00Z"));
  EXPECT_EQ(r.status, 409u);
  // Outside hours (Friday 19:00 local) and off the slot grid (09:07): refused unless asked to
  // overbook, then booked as overbooked.
  for (const char* start : {"2026-11-28T03:00:00Z", "2026-11-27T17:07:00Z"}) {
    SCOPED_TRACE(start);
    Json odd = Booking(0, start);
    odd["source"] = "walk_in";
    r = Send(http::Method::kPost, "/calendar/appointments", desk_, odd);
    EXPECT_EQ(r.status, 422u) << r.body;
    odd["overbook"] = true;
    r = Send(http::Method::kPost, "/calendar/appointments", desk_, odd);
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(Body(r)["overbooked"], true);
    EXPECT_EQ(Body(r)["start"], start);
  }
}

// Today's alternatives are never times already gone (the fixture's now is 10:00 local, 18:00Z).
TEST_F(CalendarRoutesTest, AlternativesToATakenTimeTodayAreNotInThePast) {
  AddAppointment(ana_, 0, "2026-11-26T18:30:00Z");
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_,
                Booking(0, "2026-11-26T18:30:00Z"));
  ASSERT_EQ(r.status, 409u) << r.body;
  const Json alternatives = Body(r)["alternatives"];
  ASSERT_FALSE(alternatives.empty());
  for (const Json& a : alternatives) {
    EXPECT_GE(a["start"].get<std::string>(), "2026-11-26T18:00:00Z") << a.dump();
  }
}

TEST_F(CalendarRoutesTest, OverbookingNeverTakesAnotherPractitionersRoom) {
  AllowOverbooking(0);
  // Another practitioner holds the asked-for room at 19:00 local, outside Dr. Okafor's hours.
  auto theirs = AddAppointment(ana_, 1, "2026-11-28T03:00:00Z");
  Json over = Booking(0, "2026-11-28T03:00:00Z");
  over["overbook"] = true;
  over["room"] = theirs.room.value();
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_, over);
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(Body(r)["reason"], "taken");
  // Without a room asked for, another room of the kind is found.
  over.erase("room");
  r = Send(http::Method::kPost, "/calendar/appointments", desk_, over);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_NE(Body(r)["room"], theirs.room.value());
}

TEST_F(CalendarRoutesTest, OutsideHoursWithoutOverbookingPermissionSaysWhy) {
  Json over = Booking(0, "2026-11-28T03:00:00Z");
  over["overbook"] = true;
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_, over);
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(Body(r)["reason"], "outside_hours");
  EXPECT_NE(Body(r)["detail"].get<std::string>().find("not allowed overbooking"),
            std::string::npos);
}

TEST_F(CalendarRoutesTest, MoveAnswersAnOldVersionWithTheCurrentState) {
  auto a = AddAppointment(ana_, 0, "2026-11-27T17:00:00Z");
  auto r = Send(http::Method::kPatch, AppointmentPath(a.id.value()), desk_,
                Json{{"version", 1}, {"start", "2026-11-27T18:00:00Z"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["start"], "2026-11-27T18:00:00Z");
  EXPECT_EQ(Body(r)["version"], 2);

  r = Send(http::Method::kPatch, AppointmentPath(a.id.value()), desk_,
           Json{{"version", 1}, {"start", "2026-11-27T19:00:00Z"}});
  ASSERT_EQ(r.status, 409u) << r.body;
  const Json problem = Body(r);
  EXPECT_EQ(problem["current"]["version"], 2);
  EXPECT_EQ(problem["current"]["start"], "2026-11-27T18:00:00Z");
  EXPECT_EQ(problem["current"]["patient"]["family_name"], "Ruiz");

  // The same for cancel and status.
  r = Send(http::Method::kPost, AppointmentPath(a.id.value()) + "/cancel", desk_,
           Json{{"version", 1}, {"reason", "called to cancel"}});
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(Body(r)["current"]["version"], 2);
  r = Send(http::Method::kPost, AppointmentPath(a.id.value()) + "/status", desk_,
           Json{{"version", 1}, {"status", "arrived"}});
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(Body(r)["current"]["status"], "booked");
}

TEST_F(CalendarRoutesTest, MoveOntoATakenTimeIsRefusedWithAlternatives) {
  auto a = AddAppointment(ana_, 0, "2026-11-27T17:00:00Z");
  AddAppointment(ana_, 0, "2026-11-27T18:00:00Z", {}, 1);
  auto r = Send(http::Method::kPatch, AppointmentPath(a.id.value()), desk_,
                Json{{"version", 1}, {"start", "2026-11-27T18:00:00Z"}});
  ASSERT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(Body(r)["reason"], "taken");
  EXPECT_FALSE(Body(r)["alternatives"].empty());
  EXPECT_EQ(storage_->FindAppointment(clinic_.id, a.id)->time.start(),
            core::ParseInstant("2026-11-27T17:00:00Z").value());
}

TEST_F(CalendarRoutesTest, CancelAndStatusFollowSensibleTransitions) {
  auto a = AddAppointment(ana_, 0, "2026-11-26T17:00:00Z");  // began an hour ago
  auto r = Send(http::Method::kPost, AppointmentPath(a.id.value()) + "/status", desk_,
                Json{{"version", 1}, {"status", "arrived"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["status"], "arrived");
  r = Send(http::Method::kPost, AppointmentPath(a.id.value()) + "/status", desk_,
           Json{{"version", 2}, {"status", "no_show"}});
  EXPECT_EQ(r.status, 409u);
  r = Send(http::Method::kPost, AppointmentPath(a.id.value()) + "/status", desk_,
           Json{{"version", 2}, {"status", "completed"}});
  ASSERT_EQ(r.status, 200u) << r.body;

  auto b = AddAppointment(ana_, 0, "2026-11-27T17:00:00Z");
  r = Send(http::Method::kPost, AppointmentPath(b.id.value()) + "/cancel", desk_,
           Json{{"version", 1}, {"reason", "called: has the flu"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Body(r)["status"], "cancelled");
  EXPECT_EQ(Body(r)["cancel_reason"], "called: has the flu");
  r = Send(http::Method::kPost, AppointmentPath(b.id.value()) + "/status", desk_,
           Json{{"version", 2}, {"status", "arrived"}});
  EXPECT_EQ(r.status, 409u);
  EXPECT_NE(Body(r)["detail"].get<std::string>().find("cancelled"), std::string::npos);
  r = Send(http::Method::kPost, AppointmentPath(b.id.value()) + "/status", desk_,
           Json{{"version", 2}, {"status", "booked"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(FirstField(r), "status");
  // Not yet started: no no-show.
  auto c = AddAppointment(ana_, 0, "2026-11-27T19:00:00Z");
  r = Send(http::Method::kPost, AppointmentPath(c.id.value()) + "/status", desk_,
           Json{{"version", 1}, {"status", "no_show"}});
  EXPECT_EQ(r.status, 409u);
}

TEST_F(CalendarRoutesTest, EachWriteLeavesOneAuditEntry) {
  auto count = [&] { return AuditLog().size(); };
  std::size_t before = count();
  auto r = Send(http::Method::kPost, "/calendar/appointments", desk_,
                Booking(0, "2026-11-27T17:00:00Z"));
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::int64_t id = Body(r)["id"].get<std::int64_t>();
  EXPECT_EQ(count(), before + 1);
  AuditEntry entry = AuditLog().front();
  EXPECT_EQ(entry.action, "book_appointment");
  EXPECT_EQ(entry.record, "appointment/" + std::to_string(id));
  EXPECT_EQ(entry.patient, ana_.id);
  EXPECT_EQ(entry.staff, desk_.account.id);

  before = count();
  r = Send(http::Method::kPatch, AppointmentPath(id), desk_,
           Json{{"version", 1}, {"start", "2026-11-27T18:00:00Z"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(count(), before + 1);
  EXPECT_EQ(AuditLog().front().action, "move_appointment");

  before = count();
  r = Send(http::Method::kPost, AppointmentPath(id) + "/cancel", desk_,
           Json{{"version", 2}, {"reason", "private reason"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(count(), before + 1);
  entry = AuditLog().front();
  EXPECT_EQ(entry.action, "cancel_appointment");
  EXPECT_EQ(entry.detail.find("private"), std::string::npos);  // the reason is not logged

  // A refused write leaves one entry too (the gate's).
  before = count();
  EXPECT_EQ(Send(http::Method::kPost, AppointmentPath(id) + "/cancel", desk_,
                 Json{{"version", 3}, {"reason", "again"}})
                .status,
            409u);
  EXPECT_EQ(count(), before + 1);
}

TEST_F(CalendarRoutesTest, CalendarShowsWorkingAndFreeTime) {
  AddAppointment(ana_, 0, "2026-11-27T17:00:00Z");  // Friday 09:00-09:30 local
  auto r = StaffGet(&desk_, base_ + "/calendar?from=2026-11-27&days=1");
  ASSERT_EQ(r.status, 200u) << r.body;
  const Json body = Body(r);
  EXPECT_EQ(body["time_zone"], "America/Los_Angeles");
  EXPECT_EQ(body["from"], "2026-11-27");
  EXPECT_EQ(body["to"], "2026-11-27");
  ASSERT_EQ(body["practitioners"].size(), setup_.practitioners.size());
  const Json& okafor = body["practitioners"][0];
  EXPECT_EQ(okafor["slug"], setup_.practitioners[0].slug);
  EXPECT_EQ(okafor["working"],
            (Json::array({{{"start", "2026-11-27T16:00:00Z"}, {"end", "2026-11-27T20:00:00Z"}},
                          {{"start", "2026-11-27T21:00:00Z"}, {"end", "2026-11-28T01:00:00Z"}}})));
  EXPECT_EQ(okafor["free"],
            (Json::array({{{"start", "2026-11-27T16:00:00Z"}, {"end", "2026-11-27T17:00:00Z"}},
                          {{"start", "2026-11-27T17:30:00Z"}, {"end", "2026-11-27T20:00:00Z"}},
                          {{"start", "2026-11-27T21:00:00Z"}, {"end", "2026-11-28T01:00:00Z"}}})));
  ASSERT_EQ(body["appointments"].size(), 1u);
  EXPECT_EQ(body["appointments"][0]["patient"]["given_name"], "Ana");
  EXPECT_EQ(body["rooms"].size(), setup_.rooms.size());

  // Gzipped for a client that takes it.
  http::Request zipped;
  zipped.method = http::Method::kGet;
  zipped.path = base_ + "/calendar";
  zipped.query = "from=2026-11-27&days=7";
  zipped.headers = {{"cookie", desk_.cookie}, {"accept-encoding", "gzip, br"}};
  zipped.client_address = "203.0.113.7";
  auto packed = router_.Dispatch(zipped);
  ASSERT_EQ(packed.status, 200u);
  EXPECT_EQ(HeaderOf(packed, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(packed, "Cache-Control"), "no-store");

  EXPECT_EQ(FirstField(StaffGet(&desk_, base_ + "/calendar?from=2026-11-27&days=8")), "days");
  EXPECT_EQ(FirstField(StaffGet(&desk_, base_ + "/calendar?from=27.11.2026")), "from");
  EXPECT_EQ(StaffGet(nullptr, base_ + "/calendar?from=2026-11-27").status, 401u);
}

TEST_F(CalendarRoutesTest, APractitionerSeesAndChangesOnlyTheirOwnSchedule) {
  auto own = AddAppointment(ana_, 0, "2026-11-27T17:00:00Z");
  auto other = AddAppointment(ana_, 1, "2026-11-27T18:00:00Z", {}, 1);
  auto r = StaffGet(&okafor_, base_ + "/calendar?from=2026-11-27&days=7");
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = Body(r);
  ASSERT_EQ(body["practitioners"].size(), 1u);
  EXPECT_EQ(body["practitioners"][0]["id"], setup_.practitioners[0].id.value());
  ASSERT_EQ(body["appointments"].size(), 1u);
  EXPECT_EQ(body["appointments"][0]["id"], own.id.value());

  body = Body(StaffGet(&desk_, base_ + "/calendar?from=2026-11-27&days=7"));
  EXPECT_EQ(body["practitioners"].size(), setup_.practitioners.size());
  EXPECT_EQ(body["appointments"].size(), 2u);

  // Booking on another's schedule, moving or cancelling another's appointment: refused.
  EXPECT_EQ(Send(http::Method::kPost, "/calendar/appointments", okafor_,
                 Booking(1, "2026-11-27T19:00:00Z"))
                .status,
            403u);
  EXPECT_EQ(Send(http::Method::kPatch, AppointmentPath(other.id.value()), okafor_,
                 Json{{"version", 1}, {"start", "2026-11-27T19:00:00Z"}})
                .status,
            403u);
  EXPECT_EQ(Send(http::Method::kPost, AppointmentPath(other.id.value()) + "/cancel", okafor_,
                 Json{{"version", 1}, {"reason", "x"}})
                .status,
            403u);
  // Moving their own onto another practitioner's schedule: refused too.
  EXPECT_EQ(Send(http::Method::kPatch, AppointmentPath(own.id.value()), okafor_,
                 Json{{"version", 1},
                      {"start", "2026-11-27T19:00:00Z"},
                      {"practitioner", setup_.practitioners[1].id.value()}})
                .status,
            403u);
  // Their own schedule: allowed (a patient on file; adding a patient is the front desk's).
  auto booked = Send(http::Method::kPost, "/calendar/appointments", okafor_,
                     Booking(0, "2026-11-27T19:00:00Z"));
  EXPECT_EQ(booked.status, 201u) << booked.body;
  Json with_new = Booking(0, "2026-11-27T21:00:00Z");
  with_new["patient"] = Json{{"given_name", "W"}, {"family_name", "N"}, {"phone", "+14155550177"}};
  EXPECT_EQ(Send(http::Method::kPost, "/calendar/appointments", okafor_, with_new).status, 403u);
}

}  // namespace
}  // namespace unknot::api
