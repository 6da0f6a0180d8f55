#include "api/json/setup_json.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"

namespace unknot::api::json {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace clinic = core::clinic;

using unknot::testing::At;

// The demo set-up with ids, as storage would return it.
clinic::ClinicSetup Demo() {
  clinic::ClinicSetup setup = app::DemoClinicSetup(At("2026-11-26T18:00:00Z")).value();
  setup.clinic.id = core::ClinicId{1};
  std::int64_t next = 1;
  for (auto& r : setup.rooms) r.id = core::RoomId{next++};
  for (auto& p : setup.practitioners) {
    p.id = core::PractitionerId{next++};
    for (auto& t : p.time_off) t.id = core::TimeOffId{next++};
  }
  for (auto& s : setup.services) s.id = core::ServiceId{next++};
  return setup;
}

// "field: reason" of a failed parse.
template <typename T>
std::string FieldOf(const core::Result<T>& result) {
  EXPECT_FALSE(result);
  if (result) return "parsed";
  EXPECT_EQ(result.error().code(), core::ErrorCode::kInvalidArgument);
  return result.error().fields().at(0).field + ": " + result.error().fields().at(0).reason;
}

// What GET …/setup shows of a thing, written back, is the same thing: the shapes round-trip.
TEST(SetupJsonTest, TheShownShapesParseBackToTheSameThings) {
  const clinic::ClinicSetup setup = Demo();
  json shown = SetupJson(setup);
  clinic::Clinic c = ParseClinicBody(shown["clinic"]).value();
  c.id = setup.clinic.id;
  EXPECT_EQ(c, setup.clinic);
  for (std::size_t i = 0; i < setup.rooms.size(); ++i) {
    clinic::Room r = ParseRoomBody(shown["rooms"][i]).value();
    r.id = setup.rooms[i].id;
    EXPECT_EQ(r, setup.rooms[i]);
  }
  for (std::size_t i = 0; i < setup.practitioners.size(); ++i) {
    clinic::Practitioner p = ParsePractitionerBody(shown["practitioners"][i]).value();
    p.id = setup.practitioners[i].id;
    p.time_off = setup.practitioners[i].time_off;
    EXPECT_EQ(p, setup.practitioners[i]);
  }
  for (std::size_t i = 0; i < setup.services.size(); ++i) {
    clinic::Service s = ParseServiceBody(shown["services"][i]).value();
    s.id = setup.services[i].id;
    EXPECT_EQ(s, setup.services[i]);
  }
  const json& reyes = shown["practitioners"][1];
  ASSERT_EQ(reyes["time_off"].size(), 1u);
  EXPECT_EQ(reyes["time_off"][0]["reason"], "Continuing education (ART lower-extremity course)");
  EXPECT_TRUE(reyes["time_off"][0]["id"].is_number_integer());
  EXPECT_EQ(shown["clinic"]["sessions"],
            (json{{"idle_timeout_minutes", 30}, {"absolute_timeout_minutes", 720}}));
}

TEST(SetupJsonTest, MalformedMembersAreNamed) {
  json clinic_body = SetupJson(Demo())["clinic"];
  json body = clinic_body;
  body["booking_policy"]["slot_step_minutes"] = "15";
  EXPECT_EQ(FieldOf(ParseClinicBody(body)),
            "booking_policy.slot_step_minutes: must be a whole number");
  body = clinic_body;
  body["booking_policy"]["rate_limits"]["per_email"].erase("burst");
  EXPECT_EQ(FieldOf(ParseClinicBody(body)),
            "booking_policy.rate_limits.per_email.burst: is required");
  body = clinic_body;
  body["address"].erase("city");
  EXPECT_EQ(FieldOf(ParseClinicBody(body)), "address.city: is required");
  body = clinic_body;
  body["sessions"]["idle_timeout_minutes"] = 18446744073709551615ull;
  EXPECT_EQ(FieldOf(ParseClinicBody(body)),
            "sessions.idle_timeout_minutes: must be at most 1054080");

  json p = SetupJson(Demo())["practitioners"][0];
  json bad = p;
  bad["weekly_hours"][1]["day"] = "mon";
  EXPECT_EQ(FieldOf(ParsePractitionerBody(bad)), "weekly_hours[1].day: must be monday to sunday");
  bad = p;
  bad["breaks"][0]["end"] = "25:00";
  EXPECT_EQ(FieldOf(ParsePractitionerBody(bad)),
            "breaks[0].end: must be a time HH:MM, 00:00 to 24:00");
  bad = p;
  bad["skills"] = json::array({"juggling"});
  EXPECT_EQ(FieldOf(ParsePractitionerBody(bad)).substr(0, 26), "skills[0]: must be one of ");
  bad = p;
  bad["active"] = "yes";
  EXPECT_EQ(FieldOf(ParsePractitionerBody(bad)), "active: must be true or false");

  json s = SetupJson(Demo())["services"][0];
  bad = s;
  bad["price"]["amount_minor"] = -1;
  EXPECT_EQ(FieldOf(ParseServiceBody(bad)).substr(0, 20), "price.amount_minor: ");
  bad = s;
  bad["room_kind"] = "sauna";
  EXPECT_EQ(FieldOf(ParseServiceBody(bad)), "room_kind: must be one of adjustment, massage");
  bad = s;
  bad.erase("allowed_roles");
  EXPECT_EQ(FieldOf(ParseServiceBody(bad)), "allowed_roles: is required");

  EXPECT_EQ(FieldOf(ParseRoomBody(json{{"name", "A"}})), "kind: is required");
}

TEST(SetupJsonTest, TimeOffNeedsTwoInstantsInOrder) {
  auto off = ParseTimeOffBody(
      json{{"start", "2026-12-24T00:00:00-08:00"}, {"end", "2026-12-26T08:00:00Z"}});
  ASSERT_TRUE(off);
  EXPECT_EQ(off->period.start(), At("2026-12-24T08:00:00Z"));
  EXPECT_EQ(off->reason, "");
  EXPECT_EQ(FieldOf(ParseTimeOffBody(
                json{{"start", "2026-12-26T08:00:00Z"}, {"end", "2026-12-26T08:00:00Z"}})),
            "end: must be after start");
  EXPECT_EQ(FieldOf(ParseTimeOffBody(json{{"start", "tomorrow"}, {"end", "2026-12-26T08:00:00Z"}}))
                .substr(0, 7),
            "start: ");
}

TEST(SetupJsonTest, DomainFieldNamesBecomeTheShapesNames) {
  EXPECT_EQ(JsonFieldName("hours[2].end"), "weekly_hours[2].end");
  EXPECT_EQ(JsonFieldName("policy.slot_step"), "booking_policy.slot_step_minutes");
  EXPECT_EQ(JsonFieldName("policy.address_writes.period"),
            "booking_policy.rate_limits.per_address.period_seconds");
  EXPECT_EQ(JsonFieldName("sessions.idle_timeout"), "sessions.idle_timeout_minutes");
  EXPECT_EQ(JsonFieldName("services[3].duration"), "services[3].duration_minutes");
  EXPECT_EQ(JsonFieldName("buffer_after"), "buffer_minutes");
  EXPECT_EQ(JsonFieldName("price"), "price.amount_minor");
  EXPECT_EQ(JsonFieldName("price.currency"), "price.currency");
  EXPECT_EQ(JsonFieldName("address.country"), "address.country");
  EXPECT_EQ(JsonFieldName("slug"), "slug");
}

TEST(SetupJsonTest, StrandedAppointmentsAreListedWithTheirReasons) {
  core::scheduling::Appointment a{
      .id = core::AppointmentId{7},
      .patient = core::PatientId{3},
      .practitioner = core::PractitionerId{5},
      .service = core::ServiceId{9},
      .room = core::RoomId{1},
      .time =
          core::Interval::Create(At("2026-12-01T17:00:00Z"), At("2026-12-01T17:30:00Z")).value(),
      .blocked_until = At("2026-12-01T17:30:00Z"),
      .status = core::scheduling::AppointmentStatus::kBooked,
      .source = core::scheduling::BookingSource::kOnline,
      .created_at = {},
      .updated_at = {},
      .cancelled_at = std::nullopt,
      .assessment = std::nullopt};
  json out = StrandedJson(
      {{a, {clinic::StrandReason::kOutsideHours, clinic::StrandReason::kDuringTimeOff}}});
  EXPECT_EQ(out, json::parse(R"([{"id": 7, "start": "2026-12-01T17:00:00Z",
    "end": "2026-12-01T17:30:00Z", "practitioner_id": 5, "service_id": 9, "room_id": 1,
    "reasons": ["outside_hours", "during_time_off"]}])"));
}

}  // namespace
}  // namespace unknot::api::json
