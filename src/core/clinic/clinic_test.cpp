#include <gtest/gtest.h>

#include "core/clinic/clinic_setup.hpp"
#include "core/clinic/patient.hpp"

namespace unknot::core::clinic {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;

TimeOfDay T(const char* hhmm) { return TimeOfDay::Parse(hhmm).value(); }

Practitioner Chiropractor(std::vector<Skill> skills) {
  Practitioner p;
  p.slug = "dr-test";
  p.display_name = "Dr. Test";
  p.role = Role::kChiropractor;
  p.skills = std::move(skills);
  p.hours = {{date::Monday, T("08:00"), T("12:00")}, {date::Monday, T("13:00"), T("17:00")}};
  p.breaks = {{date::Monday, T("10:00"), T("10:15"), "coffee"}};
  return p;
}

Service ArtSession() {
  Service s;
  s.slug = "art-session";
  s.name = "ART session";
  s.duration = 30min;
  s.allowed_roles = {Role::kChiropractor};
  s.required_skills = {Skill::kActiveReleaseTechnique};
  s.room_kind = RoomKind::kAdjustment;
  s.price = {9500, "USD"};
  return s;
}

ClinicSetup ValidSetup() {
  ClinicSetup setup;
  setup.clinic = {ClinicId{},
                  "test-clinic",
                  "Test Clinic",
                  "+14155550100",
                  {"1 Main St", "", "San Francisco", "CA", "94103", "US"},
                  "America/Los_Angeles",
                  BookingPolicy{},
                  SessionPolicy{}};
  setup.rooms = {{RoomId{}, "Room 1", RoomKind::kAdjustment}};
  setup.practitioners = {Chiropractor({Skill::kActiveReleaseTechnique})};
  setup.services = {ArtSession()};
  return setup;
}

std::string FirstField(const Result<void>& r) {
  if (r || r.error().fields().empty()) return r ? "ok" : r.error().message();
  return r.error().fields().front().field;
}

TEST(ClinicValidationTest, AcceptsAWellFormedClinic) {
  Result<void> r = Validate(ValidSetup());
  EXPECT_TRUE(r) << r.error().message();
}

TEST(ClinicValidationTest, NamesTheBadField) {
  ClinicSetup s = ValidSetup();
  s.clinic.slug = "Bad Slug";
  EXPECT_EQ(FirstField(Validate(s)), "clinic.slug");
  s = ValidSetup();
  s.clinic.phone = "415-555-0100";
  EXPECT_EQ(FirstField(Validate(s)), "clinic.phone");
  s = ValidSetup();
  s.clinic.time_zone = "Pacific Time";
  EXPECT_EQ(FirstField(Validate(s)), "clinic.time_zone");
  s = ValidSetup();
  s.clinic.policy.slot_step = 7min;
  EXPECT_EQ(FirstField(Validate(s)), "clinic.policy.slot_step");
}

TEST(ClinicValidationTest, ChecksTheOnlineBookingLimits) {
  BookingPolicy defaults;
  EXPECT_EQ(defaults.address_writes, (RateLimit{10, 1min, 20}));
  EXPECT_EQ(defaults.email_bookings, (RateLimit{5, 1h, 5}));
  EXPECT_EQ(defaults.max_future_online_bookings, 3);

  ClinicSetup s = ValidSetup();
  s.clinic.policy.address_writes.count = 0;
  EXPECT_EQ(FirstField(Validate(s)), "clinic.policy.address_writes.count");
  s = ValidSetup();
  s.clinic.policy.email_bookings.period = 0s;
  EXPECT_EQ(FirstField(Validate(s)), "clinic.policy.email_bookings.period");
  s = ValidSetup();
  s.clinic.policy.email_bookings.burst = 0;
  EXPECT_EQ(FirstField(Validate(s)), "clinic.policy.email_bookings.burst");
  s = ValidSetup();
  s.clinic.policy.max_future_online_bookings = 0;
  EXPECT_EQ(FirstField(Validate(s)), "clinic.policy.max_future_online_bookings");
}

TEST(PractitionerValidationTest, RejectsOverlappingHoursAndStrayBreaks) {
  Practitioner p = Chiropractor({});
  p.hours.push_back({date::Monday, T("11:00"), T("14:00")});
  EXPECT_EQ(FirstField(Validate(p)), "hours[2].start");
  p = Chiropractor({});
  p.hours[0].end = T("07:00");
  EXPECT_EQ(FirstField(Validate(p)), "hours[0].end");
  p = Chiropractor({});
  p.breaks.push_back({date::Monday, T("12:15"), T("12:45"), "between shifts"});
  EXPECT_EQ(FirstField(Validate(p)), "breaks[1].start");
  p = Chiropractor({});
  p.breaks.push_back({date::Tuesday, T("10:00"), T("10:15"), "no hours on Tuesday"});
  EXPECT_EQ(FirstField(Validate(p)), "breaks[1].start");
  p = Chiropractor({Skill::kSportsInjury, Skill::kActiveReleaseTechnique});  // unsorted
  EXPECT_EQ(FirstField(Validate(p)), "skills");
}

TEST(ServiceTest, ArtNeedsAnArtCertifiedChiropractor) {
  Service art = ArtSession();
  EXPECT_TRUE(art.CanBeDeliveredBy(Chiropractor({Skill::kActiveReleaseTechnique})));
  EXPECT_FALSE(art.CanBeDeliveredBy(Chiropractor({Skill::kSportsInjury})));
  Practitioner therapist = Chiropractor({Skill::kActiveReleaseTechnique});
  therapist.role = Role::kMassageTherapist;
  EXPECT_FALSE(art.CanBeDeliveredBy(therapist));
  Practitioner inactive = Chiropractor({Skill::kActiveReleaseTechnique});
  inactive.status = PractitionerStatus::kInactive;
  EXPECT_FALSE(art.CanBeDeliveredBy(inactive));
}

TEST(ClinicSetupValidationTest, EveryServiceNeedsARoomAndSomeoneToDeliverIt) {
  ClinicSetup s = ValidSetup();
  s.services[0].room_kind = RoomKind::kMassage;
  EXPECT_EQ(FirstField(Validate(s)), "services[0].room_kind");
  s = ValidSetup();
  s.practitioners[0].skills.clear();
  EXPECT_EQ(FirstField(Validate(s)), "services[0].allowed_roles");
  s = ValidSetup();
  s.services.push_back(ArtSession());
  EXPECT_EQ(FirstField(Validate(s)), "services[1].slug");
  s = ValidSetup();
  s.services[0].duration = 0min;
  EXPECT_EQ(FirstField(Validate(s)), "services[0].duration");
}

TEST(OpeningHoursTest, MergesPractitionersHoursPerDay) {
  ClinicSetup s = ValidSetup();
  Practitioner second = Chiropractor({});
  second.slug = "dr-late";
  second.hours = {{date::Monday, T("16:00"), T("19:00")}, {date::Saturday, T("09:00"), T("12:00")}};
  second.breaks.clear();
  Practitioner away = Chiropractor({});
  away.slug = "dr-away";
  away.status = PractitionerStatus::kInactive;
  away.hours = {{date::Sunday, T("09:00"), T("12:00")}};
  away.breaks.clear();
  s.practitioners.push_back(second);
  s.practitioners.push_back(away);
  std::vector<WorkingHours> open = OpeningHours(s);
  // Monday 08:00-12:00 and 13:00-17:00 merge with 16:00-19:00; Saturday stays; Sunday's
  // practitioner is inactive.
  ASSERT_EQ(open.size(), 3u);
  EXPECT_EQ(open[0], (WorkingHours{date::Monday, T("08:00"), T("12:00")}));
  EXPECT_EQ(open[1], (WorkingHours{date::Monday, T("13:00"), T("19:00")}));
  EXPECT_EQ(open[2], (WorkingHours{date::Saturday, T("09:00"), T("12:00")}));
}

TEST(PatientValidationTest, ChecksContactDetails) {
  Patient p{PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", Instant{}};
  EXPECT_TRUE(Validate(p));
  for (const char* email :
       {"ana", "ana@", "@example.org", "ana@example", "a b@example.org", "ana@@example.org"}) {
    p.email = email;
    EXPECT_EQ(FirstField(Validate(p)), "email") << email;
  }
  p.email = "ana@example.org";
  p.phone = "5550142";
  EXPECT_EQ(FirstField(Validate(p)), "phone");
  p.phone = "+14155550142";
  p.given_name = "";
  EXPECT_EQ(FirstField(Validate(p)), "given_name");
}

// Regression: "A\u0000B" was stored as a given name.
TEST(PatientValidationTest, RefusesControlCharactersInEveryTextField) {
  using namespace std::string_literals;
  const Patient good{PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", Instant{}};
  for (const std::string& bad : {"A\0B"s, "A\x1b[2JB"s, "Ana\n"s, "A\x7f"s}) {
    Patient p = good;
    p.given_name = bad;
    EXPECT_EQ(FirstField(Validate(p)), "given_name");
    p = good;
    p.family_name = bad;
    EXPECT_EQ(FirstField(Validate(p)), "family_name");
  }
  Patient p = good;
  p.email = "ana\0@example.org"s;
  EXPECT_EQ(FirstField(Validate(p)), "email");
  p = good;
  p.given_name = "Zoë-Łucja";
  EXPECT_TRUE(Validate(p));
}

TEST(EnumNamesTest, RoundTrip) {
  for (Role r : {Role::kChiropractor, Role::kMassageTherapist})
    EXPECT_EQ(*ParseRole(ToString(r)), r);
  for (Skill s : {Skill::kActiveReleaseTechnique, Skill::kSportsInjury, Skill::kDeepTissue,
                  Skill::kFoamRollerCoaching}) {
    EXPECT_EQ(*ParseSkill(ToString(s)), s);
  }
  EXPECT_EQ(*ParseRoomKind("massage"), RoomKind::kMassage);
  EXPECT_FALSE(ParseRoomKind("sauna"));
}

}  // namespace
}  // namespace unknot::core::clinic
