#include "api/fhir/appointment_write.hpp"

#include <gmock/gmock.h>

#include "api/fhir/fhir_resources.hpp"
#include "api/fhir/fhir_routes.hpp"
#include "api/test_fixture.hpp"
#include "api/v1/write_limits.hpp"

namespace unknot::api::fhir {
namespace {

using ::testing::HasSubstr;
using J = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

class AppointmentWriteTest : public PublicRoutesFixture {
 protected:
  void SetUp() override {
    PublicRoutesFixture::SetUp();
    AddFhirRoutes(router_, *storage_, clock_, tokens_);
    setup_ = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
    okafor_ = std::to_string(setup_.practitioners[0].id.value());
  }

  http::Response Send(http::Method method, const std::string& path, std::string body,
                      std::string type, Headers headers = {}, std::string address = "") {
    http::Request request;
    request.method = method;
    request.path = path;
    request.body = std::move(body);
    request.headers = std::move(headers);
    request.headers.emplace_back("content-type", std::move(type));
    request.client_address = std::move(address);
    return router_.Dispatch(request);
  }

  http::Response Create(const J& resource, Headers headers = {}, std::string address = "") {
    return Send(http::Method::kPost, fhir_ + "/Appointment", resource.dump(),
                "application/fhir+json", std::move(headers), std::move(address));
  }

  http::Response Patch(const std::string& id, const J& patch, const std::string& token) {
    return Send(http::Method::kPatch, fhir_ + "/Appointment/" + id, patch.dump(),
                "application/json-patch+json", {{"authorization", "Bearer " + token}});
  }

  http::Response Put(const std::string& id, const J& resource, const std::string& token) {
    return Send(http::Method::kPut, fhir_ + "/Appointment/" + id, resource.dump(),
                "application/fhir+json", {{"authorization", "Bearer " + token}});
  }

  http::Response Read(const std::string& id, const std::string& token) {
    http::Request request;
    request.path = fhir_ + "/Appointment/" + id;
    request.headers = {{"authorization", "Bearer " + token}};
    return router_.Dispatch(request);
  }

  static J PatientResource(std::string email = "ana@example.org") {
    return {{"resourceType", "Patient"},
            {"id", "p1"},
            {"name", {{{"given", {"Ana"}}, {"family", "Ruiz"}}}},
            {"telecom",
             {{{"system", "email"}, {"value", std::move(email)}},
              {{"system", "phone"}, {"value", "+14155550142"}}}}};
  }

  // A booking of `slot` ("Slot/..."), the patient contained.
  static J BySlot(const std::string& slot, std::string email = "ana@example.org") {
    return {{"resourceType", "Appointment"},
            {"status", "booked"},
            {"slot", {{{"reference", slot}}}},
            {"contained", {PatientResource(std::move(email))}},
            {"participant", {{{"actor", {{"reference", "#p1"}}}, {"status", "accepted"}}}}};
  }

  // A booking of an ART session (30 minutes) with Dr. Okafor at `start`.
  J ByStart(const std::string& start, const std::string& end,
            std::string email = "ana@example.org") {
    return {
        {"resourceType", "Appointment"},
        {"status", "booked"},
        {"serviceType", {{{"coding", {{{"system", kServiceSystem}, {"code", "art-session"}}}}}}},
        {"start", start},
        {"end", end},
        {"contained", {PatientResource(std::move(email))}},
        {"participant",
         {{{"actor", {{"reference", "#p1"}}}, {"status", "accepted"}},
          {{"actor", {{"reference", "Practitioner/" + okafor_}}}, {"status", "accepted"}}}}};
  }

  // The first free ART slot from `day` on, as Slot search gives it.
  J FreeSlot(const std::string& day = "2026-12-08") {
    http::Request request;
    request.path = fhir_ + "/Slot";
    request.query = "service-type=art-session&_count=1&start=ge" + day;
    auto r = router_.Dispatch(request);
    EXPECT_EQ(r.status, 200u) << r.body;
    return J::parse(r.body)["entry"][0]["resource"];
  }

  // An OperationOutcome answer: its status, first issue's expression and JSON API reason.
  static void ExpectOutcome(const http::Response& r, unsigned status, const std::string& expression,
                            const std::string& reason = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/fhir+json");
    auto body = J::parse(r.body);
    ASSERT_EQ(body["resourceType"], "OperationOutcome") << r.body;
    const J& issue = body["issue"][0];
    EXPECT_EQ(issue["severity"], "error");
    if (!expression.empty()) {
      EXPECT_EQ(issue.value("expression", J::array({""}))[0], expression) << r.body;
    }
    if (!reason.empty()) {
      EXPECT_EQ(issue["details"]["coding"][0]["system"], std::string(kRefusalSystem));
      EXPECT_EQ(issue["details"]["coding"][0]["code"], reason) << r.body;
    }
  }

  static std::string TokenOf(const J& created) {
    for (const auto& e : created["extension"]) {
      if (e["url"] == std::string(kManageTokenExtension)) return e["valueString"];
    }
    return "";
  }

  static std::string HeaderOf(const http::Response& r, const std::string& name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return "";
  }

  // Books an ART session at `start` and returns (id, token).
  std::pair<std::string, std::string> BookAt(const std::string& start, const std::string& end) {
    auto r = Create(ByStart(start, end));
    EXPECT_EQ(r.status, 201u) << r.body;
    auto body = J::parse(r.body);
    return {body["id"], TokenOf(body)};
  }

  // Ana (the email the bookings here use), on file with these booking rules.
  core::clinic::Patient Ana(core::clinic::OnlineBooking rule, bool assessment_first = false) {
    core::clinic::Patient ana{core::PatientId{}, "Ana",          "Ruiz",
                              "ana@example.org", "+14155550142", clock_.Now()};
    ana.online_booking = rule;
    ana.assessment_first = assessment_first;
    return storage_->CreatePatient(setup_.clinic.id, ana).value();
  }

  std::size_t Appointments() {
    auto window = core::Interval::Create(clock_.Now(), clock_.Now() + std::chrono::days{90});
    return storage_->ListAppointments(setup_.clinic.id, *window).value().size();
  }

  core::clinic::ClinicSetup setup_;
  std::string okafor_;
  const std::string fhir_ = "/fhir/mission-sports-chiro";
};

TEST_F(AppointmentWriteTest, BooksAFreeSlotWithAContainedPatient) {
  J slot = FreeSlot();
  auto r = Create(BySlot("Slot/" + slot["id"].get<std::string>()));
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.content_type, "application/fhir+json");
  auto created = J::parse(r.body);
  EXPECT_EQ(created["resourceType"], "Appointment");
  EXPECT_EQ(created["status"], "booked");
  EXPECT_EQ(created["start"], slot["start"]);
  EXPECT_EQ(created["end"], slot["end"]);
  EXPECT_EQ(created["serviceType"], slot["serviceType"]);
  EXPECT_EQ(created["participant"][0]["actor"]["reference"],
            "Practitioner/" + slot["schedule"]["reference"].get<std::string>().substr(9));
  const std::string id = created["id"];
  EXPECT_EQ(HeaderOf(r, "Location"), "http://localhost/fhir/mission-sports-chiro/Appointment/" + id)
      << "absolute, from the request's origin";
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
  const std::string token = TokenOf(created);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(r.body.find("Ruiz"), std::string::npos);  // the patient is not published

  // Read with the token gives the same resource, without the token.
  auto read = Read(id, token);
  ASSERT_EQ(read.status, 200u) << read.body;
  J without = created;
  without.erase("extension");
  EXPECT_EQ(J::parse(read.body), without);
  // And through the JSON API: one booking, one store.
  auto json = Get("/api/v1/clinics/mission-sports-chiro/appointments/" + id + "?token=" + token);
  ASSERT_EQ(json.status, 200u) << json.body;
  EXPECT_EQ(J::parse(json.body)["appointment"]["status"], "booked");

  // The slot is gone from the free ones.
  http::Request again;
  again.path = fhir_ + "/Slot/" + slot["id"].get<std::string>();
  EXPECT_EQ(router_.Dispatch(again).status, 404u);
}

TEST_F(AppointmentWriteTest, BooksByStartEndServiceAndPractitioner) {
  auto r = Create(ByStart("2026-12-08T17:00:00Z", "2026-12-08T17:30:00Z"));
  ASSERT_EQ(r.status, 201u) << r.body;
  auto created = J::parse(r.body);
  EXPECT_EQ(created["start"], "2026-12-08T17:00:00Z");
  EXPECT_EQ(created["participant"][0]["actor"]["reference"], "Practitioner/" + okafor_);

  // A HealthcareService participant names the service as well as serviceType does.
  std::string art;
  for (const auto& s : setup_.services) {
    if (s.slug == "art-session") art = std::to_string(s.id.value());
  }
  J by_service = ByStart("2026-12-08T18:00:00Z", "2026-12-08T18:30:00Z", "b@example.org");
  by_service.erase("serviceType");
  by_service["participant"].push_back({{"actor", {{"reference", "HealthcareService/" + art}}}});
  EXPECT_EQ(Create(by_service).status, 201u);
}

TEST_F(AppointmentWriteTest, RefusalsGiveTheJsonApisReasons) {
  J slot = FreeSlot();
  const std::string ref = "Slot/" + slot["id"].get<std::string>();
  ASSERT_EQ(Create(BySlot(ref)).status, 201u);
  ExpectOutcome(Create(BySlot(ref, "b@example.org")), 409, "Appointment.slot[0]", "taken");
  ExpectOutcome(Create(ByStart("2026-12-08T17:05:00Z", "2026-12-08T17:35:00Z")), 422,
                "Appointment.start", "not_on_step");
  // Within the two hours' notice of 2026-11-26T18:00Z.
  ExpectOutcome(Create(ByStart("2026-11-26T19:00:00Z", "2026-11-26T19:30:00Z")), 422,
                "Appointment.start", "too_soon");
  ExpectOutcome(Create(ByStart("2028-12-08T17:00:00Z", "2028-12-08T17:30:00Z")), 422,
                "Appointment.start", "beyond_horizon");
  // 3 a.m. in San Francisco.
  ExpectOutcome(Create(ByStart("2026-12-08T11:00:00Z", "2026-12-08T11:30:00Z")), 422,
                "Appointment.start", "outside_hours");
}

// As the JSON API's 409 offers `alternatives`, a taken Slot's OperationOutcome contains the
// nearest free Slots, each referenced from the issue; one of them books.
TEST_F(AppointmentWriteTest, ATakenSlotOffersTheNearestFreeSlots) {
  J slot = FreeSlot();
  const std::string ref = "Slot/" + slot["id"].get<std::string>();
  ASSERT_EQ(Create(BySlot(ref)).status, 201u);
  auto r = Create(BySlot(ref, "b@example.org"));
  ExpectOutcome(r, 409, "Appointment.slot[0]", "taken");
  auto outcome = J::parse(r.body);
  ASSERT_TRUE(outcome.contains("contained")) << r.body;
  const J& contained = outcome["contained"];
  ASSERT_FALSE(contained.empty());
  std::set<std::string> referenced;
  for (const auto& e : outcome["issue"][0]["extension"]) {
    EXPECT_EQ(e["url"], std::string(kAlternativeExtension));
    referenced.insert(e["valueReference"]["reference"].get<std::string>());
  }
  EXPECT_EQ(referenced.size(), contained.size());
  for (const auto& alternative : contained) {
    EXPECT_EQ(alternative["resourceType"], "Slot");
    EXPECT_EQ(alternative["status"], "free");
    EXPECT_EQ(alternative["serviceType"], slot["serviceType"]);
    EXPECT_NE(alternative["id"], slot["id"]) << "the taken time is not offered again";
    EXPECT_EQ(referenced.count("#" + alternative["id"].get<std::string>()), 1u);
    EXPECT_EQ(alternative["extension"].size(), 2u) << "deep link and phone, as searched Slots";
  }
  // Each is a real free time: the first books.
  auto booked = Create(BySlot("Slot/" + contained[0]["id"].get<std::string>(), "b@example.org"));
  EXPECT_EQ(booked.status, 201u) << booked.body;
  EXPECT_EQ(J::parse(booked.body)["start"], contained[0]["start"]);
}

TEST_F(AppointmentWriteTest, APatientBlockedFromOnlineBookingIsRefusedAndNothingIsWritten) {
  const core::clinic::Patient ana = Ana(core::clinic::OnlineBooking::kBlocked);
  J slot = FreeSlot();
  auto r = Create(BySlot("Slot/" + slot["id"].get<std::string>()));
  ExpectOutcome(r, 403, "", "online_booking_blocked");
  // Kindly: the clinic's phone to call instead.
  EXPECT_THAT(J::parse(r.body)["issue"][0]["diagnostics"].get<std::string>(),
              HasSubstr(setup_.clinic.phone));
  EXPECT_EQ(Appointments(), 0u);
  EXPECT_EQ(storage_->FindPatient(setup_.clinic.id, ana.id).value(), ana);
  // The time is still free.
  EXPECT_EQ(FreeSlot()["id"], slot["id"]);
}

TEST_F(AppointmentWriteTest, AnAssessmentFirstPatientMayBookOnlyTheAssessmentOnline) {
  Ana(core::clinic::OnlineBooking::kAllowed, /*assessment_first=*/true);
  ExpectOutcome(Create(ByStart("2026-12-08T17:00:00Z", "2026-12-08T17:30:00Z")), 422,
                "Appointment.serviceType[0]", "assessment_first");
  EXPECT_EQ(Appointments(), 0u);
  http::Request search;
  search.path = fhir_ + "/Slot";
  search.query = "service-type=new-patient-assessment&_count=1&start=ge2026-12-08";
  auto found = router_.Dispatch(search);
  ASSERT_EQ(found.status, 200u) << found.body;
  J assessment = J::parse(found.body)["entry"][0]["resource"];
  auto booked = Create(BySlot("Slot/" + assessment["id"].get<std::string>()));
  EXPECT_EQ(booked.status, 201u) << booked.body;
  EXPECT_EQ(Appointments(), 1u);
}

TEST_F(AppointmentWriteTest, FhirAndJsonApiWritesHaveRateBucketsOfTheirOwn) {
  v1::AddWriteLimits(router_, *storage_);  // the JSON API's, as the server adds them
  const std::string json_bookings = "/api/v1/clinics/mission-sports-chiro/appointments";
  auto fhir_post = [&](const std::string& address) {
    return Send(http::Method::kPost, fhir_ + "/Appointment", "{}", "application/fhir+json", {},
                address);
  };
  auto json_post = [&](const std::string& address) {
    return Send(http::Method::kPost, json_bookings, "{}", "application/json", {}, address);
  };
  // The demo clinic takes bursts of 20 writes per address, in each API.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(fhir_post("203.0.113.21").status, 400u) << i;
  ExpectOutcome(fhir_post("203.0.113.21"), 429, "", "per_address");
  EXPECT_EQ(json_post("203.0.113.21").status, 400u);  // not 429
  for (int i = 0; i < 20; ++i) ASSERT_EQ(json_post("203.0.113.22").status, 400u) << i;
  EXPECT_EQ(json_post("203.0.113.22").status, 429u);
  EXPECT_EQ(fhir_post("203.0.113.22").status, 400u);  // not 429
}

TEST_F(AppointmentWriteTest, MalformedBookingsNameTheElement) {
  const std::string start = "2026-12-08T17:00:00Z";
  const std::string end = "2026-12-08T17:30:00Z";
  auto with = [&](auto change) {
    J body = ByStart(start, end);
    change(body);
    return Create(body);
  };
  ExpectOutcome(with([](J& b) { b["status"] = "proposed"; }), 400, "Appointment.status");
  ExpectOutcome(with([](J& b) { b["resourceType"] = "Patient"; }), 400, "Appointment.resourceType");
  ExpectOutcome(with([](J& b) { b.erase("contained"); }), 400, "Appointment.contained");
  ExpectOutcome(with([](J& b) { b["participant"].erase(0); }), 400, "Appointment.participant");
  ExpectOutcome(with([](J& b) { b["participant"][1]["actor"]["reference"] = "Practitioner/999"; }),
                400, "Appointment.participant[1].actor");
  ExpectOutcome(with([](J& b) {
                  b["participant"][0] = {{"status", "accepted"}};
                }),
                400, "Appointment.participant[0].actor");
  ExpectOutcome(with([](J& b) { b["end"] = "2026-12-08T18:00:00Z"; }), 400, "Appointment.end");
  ExpectOutcome(with([](J& b) { b["start"] = "tomorrow"; }), 400, "Appointment.start");
  ExpectOutcome(with([](J& b) { b.erase("start"); }), 400, "Appointment.start");
  ExpectOutcome(with([](J& b) { b.erase("serviceType"); }), 400, "Appointment.serviceType");
  ExpectOutcome(with([](J& b) { b["serviceType"][0]["coding"][0]["code"] = "reiki"; }), 400,
                "Appointment.serviceType[0]");
  ExpectOutcome(with([](J& b) { b["comment"] = "please"; }), 400, "Appointment.comment");
  ExpectOutcome(with([](J& b) {
                  b["slot"] = {{{"reference", "Slot/abc"}}};
                }),
                400, "Appointment.slot[0]");
  ExpectOutcome(with([](J& b) { b["contained"][0]["telecom"][0]["value"] = "ana-at-example"; }),
                400, "Appointment.contained[0].telecom[0].value");
  ExpectOutcome(with([](J& b) { b["contained"][0]["telecom"].erase(1); }), 400,
                "Appointment.contained[0].telecom");
  ExpectOutcome(with([](J& b) { b["contained"][0]["name"][0].erase("family"); }), 400,
                "Appointment.contained[0].name[0].family");
  ExpectOutcome(with([](J& b) { b["contained"][0]["birthDate"] = "1990-01-01"; }), 400,
                "Appointment.contained[0].birthDate");
  ExpectOutcome(with([](J& b) { b["contained"][0]["name"][0]["family"] = "Ru\x01iz"; }), 400,
                "Appointment.contained[0].name[0].family");
  ExpectOutcome(with([](J& b) {
                  b["supportingInformation"] = {{{"reference", "Basic/1"}}};
                }),
                400, "Appointment.supportingInformation[0]");
  ExpectOutcome(Send(http::Method::kPost, fhir_ + "/Appointment", "{", "application/fhir+json"),
                400, "");
  // Nothing was stored on a refusal.
  EXPECT_EQ(Create(ByStart(start, end)).status, 201u);
}

TEST_F(AppointmentWriteTest, AReferencedSelfAssessmentAppliesItsTriageLimits) {
  J emergency = {
      {"knots",
       {{{"region", "upper_trapezius_ridge"},
         {"side", "left"},
         {"pain", 6},
         {"duration", "weeks"}}}},
      {"causes", {"desk_hours"}},
      {"answers",
       {{"visited_before", "yes"}, {"assessed_before", "yes"}, {"saddle_numbness", "yes"}}},
      {"age_band", "18_44"}};
  auto submitted = Post("/api/v1/clinics/mission-sports-chiro/assessments", emergency);
  ASSERT_EQ(submitted.status, 201u) << submitted.body;
  std::string id = std::to_string(J::parse(submitted.body)["id"].get<std::int64_t>());
  J booking = ByStart("2026-12-08T17:00:00Z", "2026-12-08T17:30:00Z");
  booking["supportingInformation"] = {
      {{"type", "QuestionnaireResponse"},
       {"identifier", {{"system", kAssessmentSystem}, {"value", id}}}}};
  auto refused = Create(booking);
  ExpectOutcome(refused, 409, "Appointment.supportingInformation[0]");
  EXPECT_THAT(refused.body, HasSubstr("+14155550134"));  // call the clinic
  booking["supportingInformation"][0]["identifier"]["value"] = "987654";
  ExpectOutcome(Create(booking), 404, "Appointment.supportingInformation[0]");
}

TEST_F(AppointmentWriteTest, IdempotencyKeyReplaysTheFirstAnswer) {
  Headers key = {{"idempotency-key", "fhir-123"}};
  J booking = ByStart("2026-12-08T17:00:00Z", "2026-12-08T17:30:00Z");
  auto first = Create(booking, key);
  ASSERT_EQ(first.status, 201u) << first.body;
  auto second = Create(booking, key);
  ASSERT_EQ(second.status, 201u) << second.body;
  EXPECT_EQ(second.body, first.body);  // the same appointment and token
  EXPECT_EQ(HeaderOf(second, "Idempotent-Replayed"), "true");
  EXPECT_EQ(HeaderOf(second, "Location"), HeaderOf(first, "Location"));
  auto different = Create(ByStart("2026-12-09T17:00:00Z", "2026-12-09T17:30:00Z"), key);
  EXPECT_EQ(different.status, 400u) << different.body;
  EXPECT_EQ(J::parse(different.body)["issue"][0]["location"][0], "http.Idempotency-Key");
  ExpectOutcome(Create(booking, {{"idempotency-key", ""}}), 400, "");
}

TEST_F(AppointmentWriteTest, CancelsByPatchWithTheManageToken) {
  auto [id, token] = BookAt("2026-12-08T17:00:00Z", "2026-12-08T17:30:00Z");
  J cancel = {{{"op", "replace"}, {"path", "/status"}, {"value", "cancelled"}}};
  ExpectOutcome(Patch(id, cancel, "wrong"), 404, "");
  ExpectOutcome(Patch(id, cancel, ""), 404, "");
  ExpectOutcome(Patch("999999", cancel, token), 404, "");
  // Anything but the cancellation is refused, never half done.
  ExpectOutcome(
      Patch(id, {{{"op", "replace"}, {"path", "/start"}, {"value", "2026-12-09"}}}, token), 422,
      "");
  ExpectOutcome(Patch(id, {{{"op", "replace"}, {"path", "/status"}, {"value", "noshow"}}}, token),
                422, "");
  J two = cancel;
  two.push_back({{"op", "replace"}, {"path", "/comment"}, {"value", "x"}});
  ExpectOutcome(Patch(id, two, token), 422, "");
  ExpectOutcome(Patch(id, J::object(), token), 400, "");
  EXPECT_EQ(J::parse(Read(id, token).body)["status"], "booked");

  auto r = Patch(id, cancel, token);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(J::parse(r.body)["status"], "cancelled");
  EXPECT_EQ(J::parse(Read(id, token).body)["status"], "cancelled");
  ExpectOutcome(Patch(id, cancel, token), 409, "Appointment.status", "not_booked");
}

TEST_F(AppointmentWriteTest, CancelsByPutOfTheResourceWithStatusCancelled) {
  auto [id, token] = BookAt("2026-12-08T17:00:00Z", "2026-12-08T17:30:00Z");
  J resource = J::parse(Read(id, token).body);
  resource["status"] = "cancelled";
  J moved = resource;
  moved["start"] = "2026-12-08T18:00:00Z";
  ExpectOutcome(Put(id, moved, token), 422, "Appointment.start");
  J booked = resource;
  booked["status"] = "booked";
  ExpectOutcome(Put(id, booked, token), 422, "Appointment.status");
  J other = resource;
  other["id"] = "99999";
  ExpectOutcome(Put(id, other, token), 400, "Appointment.id");
  ExpectOutcome(Put(id, resource, "wrong"), 404, "");
  // Instants may be written another way.
  resource["start"] = "2026-12-08T17:00:00.000Z";
  auto r = Put(id, resource, token);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(J::parse(r.body)["status"], "cancelled");
}

TEST_F(AppointmentWriteTest, ACancelInsideTheWindowIsRefusedAsByTheJsonApi) {
  // Booked for tomorrow morning; after the 15-minute grace the 24-hour window applies.
  auto [id, token] = BookAt("2026-11-27T17:00:00Z", "2026-11-27T17:30:00Z");
  clock_.Set(*core::ParseInstant("2026-11-26T18:30:00Z"));
  auto r = Patch(id, {{{"op", "replace"}, {"path", "/status"}, {"value", "cancelled"}}}, token);
  ExpectOutcome(r, 409, "Appointment.status", "inside_cancellation_window");
  EXPECT_THAT(r.body, HasSubstr("+14155550134"));
}

TEST_F(AppointmentWriteTest, WritesAreRateLimitedPerAddress) {
  // The demo clinic takes bursts of 20 writes per address.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Send(http::Method::kPost, fhir_ + "/Appointment", "{}", "application/fhir+json", {},
                   "203.0.113.9")
                  .status,
              400u);
  }
  auto r = Send(http::Method::kPost, fhir_ + "/Appointment", "{}", "application/fhir+json", {},
                "203.0.113.9");
  ExpectOutcome(r, 429, "", "per_address");
  EXPECT_FALSE(HeaderOf(r, "Retry-After").empty());
  // Another address is not held back.
  EXPECT_EQ(Send(http::Method::kPost, fhir_ + "/Appointment", "{}", "application/fhir+json", {},
                 "203.0.113.10")
                .status,
            400u);
}

TEST_F(AppointmentWriteTest, OtherWritesAreStillRefused) {
  auto r = Send(http::Method::kPost, fhir_ + "/Practitioner", "{}", "application/fhir+json");
  EXPECT_EQ(r.status, 405u);
  EXPECT_THAT(r.body, HasSubstr("OperationOutcome"));
  r = Send(http::Method::kPut, fhir_ + "/Slot/1-1-1", "{}", "application/fhir+json");
  EXPECT_EQ(r.status, 405u);
}

TEST_F(AppointmentWriteTest, TheCapabilityStatementListsTheWrites) {
  auto cap = J::parse(Get(fhir_ + "/metadata").body);
  for (const auto& resource : cap["rest"][0]["resource"]) {
    std::set<std::string> codes;
    for (const auto& i : resource["interaction"]) codes.insert(i["code"]);
    if (resource["type"] == "Appointment") {
      EXPECT_EQ(codes, (std::set<std::string>{"read", "create", "patch", "update"}));
    } else {
      EXPECT_EQ(codes, (std::set<std::string>{"read", "search-type"})) << resource["type"];
    }
  }
}

}  // namespace
}  // namespace unknot::api::fhir
