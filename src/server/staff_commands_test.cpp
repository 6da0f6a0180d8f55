#include "server/staff_commands.hpp"

#include <gtest/gtest.h>

namespace unknot::server {
namespace {

ClinicCreateOptions BackBay() {
  ClinicCreateOptions o;
  o.slug = "back-bay-knots";
  o.name = "Back Bay Knots";
  o.time_zone = "America/New_York";
  o.phone = "+16175550100";
  o.address_line1 = "100 Boylston St";
  o.city = "Boston";
  o.region = "MA";
  o.postal_code = "02116";
  o.country = "us";
  return o;
}

TEST(NewClinicSetupTest, AnEmptyClinicWithTheDefaults) {
  auto setup = NewClinicSetup(BackBay());
  ASSERT_TRUE(setup) << setup.error().message();
  EXPECT_EQ(setup->clinic.slug, "back-bay-knots");
  EXPECT_EQ(setup->clinic.address.country, "US");  // upper-cased
  EXPECT_EQ(setup->clinic.address.region, "MA");
  EXPECT_TRUE(setup->clinic.address.line2.empty());
  EXPECT_TRUE(setup->rooms.empty());
  EXPECT_TRUE(setup->practitioners.empty());
  EXPECT_TRUE(setup->services.empty());
  EXPECT_EQ(setup->clinic.policy, core::clinic::BookingPolicy{});
  EXPECT_EQ(setup->clinic.sessions, core::clinic::SessionPolicy{});
}

TEST(NewClinicSetupTest, EachProblemNamesItsFlag) {
  struct Case {
    void (*change)(ClinicCreateOptions&);
    std::string message;
  };
  const Case cases[] = {
      {[](ClinicCreateOptions& o) { o.slug = "Back Bay"; },
       "--slug: may hold only lower-case letters, digits and '-'"},
      {[](ClinicCreateOptions& o) { o.name = ""; }, "--name: must not be empty"},
      {[](ClinicCreateOptions& o) { o.phone = "617-555-0100"; },
       "--phone: must be an international number such as +14155550123"},
      {[](ClinicCreateOptions& o) { o.time_zone = "Boston"; },
       "--time-zone: unknown time zone 'Boston' (expected an IANA name)"},
      {[](ClinicCreateOptions& o) { o.address_line1 = ""; }, "--address-line1: must not be empty"},
      {[](ClinicCreateOptions& o) { o.city = ""; }, "--city: must not be empty"},
      {[](ClinicCreateOptions& o) { o.postal_code = std::string(21, '1'); },
       "--postal-code: must be at most 20 characters"},
      {[](ClinicCreateOptions& o) { o.country = "USA"; },
       "--country: must be a two-letter ISO 3166 code such as US"},
      {[](ClinicCreateOptions& o) { o.country = "1A"; },
       "--country: must be a two-letter ISO 3166 code such as US"},
  };
  for (const Case& c : cases) {
    ClinicCreateOptions options = BackBay();
    c.change(options);
    auto setup = NewClinicSetup(options);
    ASSERT_FALSE(setup) << c.message;
    EXPECT_EQ(setup.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(setup.error().message(), c.message);
    ASSERT_EQ(setup.error().fields().size(), 1u);
    EXPECT_EQ(setup.error().fields()[0].field, c.message.substr(0, c.message.find(':')));
  }
}

core::clinic::ClinicSetup WithPractitioner() {
  core::clinic::ClinicSetup setup = *NewClinicSetup(BackBay());
  setup.clinic.id = core::ClinicId{4};
  core::clinic::Practitioner p;
  p.id = core::PractitionerId{9};
  p.slug = "ana-silva";
  p.display_name = "Ana Silva, LMT";
  setup.practitioners.push_back(p);
  return setup;
}

UserAddOptions Add(std::string role, std::string email) {
  UserAddOptions o;
  o.clinic = "back-bay-knots";
  o.role = std::move(role);
  o.email = std::move(email);
  return o;
}

const core::Instant kNow{std::chrono::hours{24 * 20'000}};

TEST(NewStaffAccountTest, AnOwnerNamedByTheEmailUnlessGivenAName) {
  auto owner = NewStaffAccount(Add("owner", "Boss@Example.ORG"), WithPractitioner(), kNow);
  ASSERT_TRUE(owner) << owner.error().message();
  EXPECT_EQ(owner->clinic, core::ClinicId{4});
  EXPECT_EQ(owner->email, "boss@example.org");
  EXPECT_EQ(owner->display_name, "boss@example.org");
  EXPECT_EQ(owner->role, core::staff::StaffRole::kOwner);
  EXPECT_FALSE(owner->practitioner);
  EXPECT_EQ(owner->created_at, kNow);
  EXPECT_TRUE(owner->password_hash.empty());

  UserAddOptions named = Add("front_desk", "desk@example.org");
  named.name = "Front Desk";
  EXPECT_EQ(NewStaffAccount(named, WithPractitioner(), kNow)->display_name, "Front Desk");
}

TEST(NewStaffAccountTest, APractitionerIsLinkedBySlug) {
  UserAddOptions options = Add("practitioner", "ana@example.org");
  options.practitioner = "ana-silva";
  auto account = NewStaffAccount(options, WithPractitioner(), kNow);
  ASSERT_TRUE(account) << account.error().message();
  EXPECT_EQ(account->practitioner, core::PractitionerId{9});
  EXPECT_EQ(account->display_name, "Ana Silva, LMT");
}

TEST(NewStaffAccountTest, EachProblemNamesItsFlag) {
  auto missing = NewStaffAccount(Add("practitioner", "ana@example.org"), WithPractitioner(), kNow);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(),
            "--practitioner: is required for the practitioner role: the account's schedule");

  UserAddOptions unknown = Add("practitioner", "ana@example.org");
  unknown.practitioner = "nobody";
  EXPECT_EQ(NewStaffAccount(unknown, WithPractitioner(), kNow).error().message(),
            "--practitioner: the clinic has no practitioner 'nobody'; its practitioners: "
            "ana-silva");
  EXPECT_EQ(NewStaffAccount(unknown, *NewClinicSetup(BackBay()), kNow).error().message(),
            "--practitioner: the clinic has no practitioner 'nobody' (it has none yet)");

  EXPECT_EQ(
      NewStaffAccount(Add("owner", "not-an-email"), WithPractitioner(), kNow).error().message(),
      "--email: must be an email address");
  UserAddOptions long_name = Add("owner", "boss@example.org");
  long_name.name = std::string(101, 'x');
  EXPECT_EQ(NewStaffAccount(long_name, WithPractitioner(), kNow).error().message(),
            "--name: must be 1 to 100 characters");
  EXPECT_EQ(
      NewStaffAccount(Add("admin", "boss@example.org"), WithPractitioner(), kNow).error().message(),
      "--role: must be owner, front_desk or practitioner");
}

}  // namespace
}  // namespace unknot::server
