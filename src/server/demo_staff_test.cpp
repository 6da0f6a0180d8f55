#include "server/demo_staff.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "app/demo_clinic.hpp"
#include "core/staff/password_policy.hpp"
#include "knowledge/load_common_passwords.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::server {
namespace {

TEST(DemoStaffTest, OnePerRoleWithPasswordsThePolicyAccepts) {
  auto common =
      knowledge::LoadCommonPasswords(std::filesystem::path(testing::SourceDir()) / "data");
  ASSERT_TRUE(common) << common.error().message();
  std::set<core::staff::StaffRole> roles;
  for (const DemoStaffMember& member : kDemoStaff) {
    roles.insert(member.role);
    auto ok = core::staff::CheckNewPassword(member.password, member.email, *common);
    EXPECT_TRUE(ok) << member.email << ": " << (ok ? "" : ok.error().message());
  }
  EXPECT_EQ(roles.size(), core::staff::kAllStaffRoles.size());
}

TEST(DemoStaffTest, AddsTheMissingOnesOnceWithWorkingPasswords) {
  testing::TempDir dir;
  const std::string path = dir.File("demo.db");
  core::FixedClock clock(*core::ParseInstant("2026-11-30T16:00:00Z"));
  ASSERT_TRUE(storage::sqlite::MigrateDatabase(path, clock));
  auto storage = storage::sqlite::SqliteStorage::Open(path, clock);
  ASSERT_TRUE(storage);
  auto demo = app::LoadDemoClinic(**storage, clock);
  ASSERT_TRUE(demo);
  const core::ClinicId clinic = demo->clinic.id;

  auto first = EnsureDemoStaff(**storage, clinic, clock, security::HashCost::Minimum());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->size(), kDemoStaff.size());
  auto again = EnsureDemoStaff(**storage, clinic, clock, security::HashCost::Minimum());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());

  auto staff = (*storage)->ListStaff(clinic);
  ASSERT_TRUE(staff);
  ASSERT_EQ(staff->size(), kDemoStaff.size());
  security::PasswordHasher hasher(
      security::PasswordHasherOptions{security::HashCost::Minimum(), 1, 4});
  auto setup = (*storage)->LoadSetup(clinic);
  ASSERT_TRUE(setup);
  for (std::size_t i = 0; i < staff->size(); ++i) {
    const auto& account = (*staff)[i];
    EXPECT_EQ(account.email, kDemoStaff[i].email);
    EXPECT_EQ(account.role, kDemoStaff[i].role);
    EXPECT_EQ(
        hasher.Verify(std::string(kDemoStaff[i].password), account.password_hash).get().value(),
        security::PasswordMatch::kMatch);
    if (account.role == core::staff::StaffRole::kPractitioner) {
      ASSERT_TRUE(account.practitioner);
      EXPECT_EQ((*setup)->FindPractitioner(*account.practitioner)->slug, "maya-okafor");
    }
  }
  // Each creation is in the audit log, and the chain holds.
  core::ports::AuditFilter all;
  auto entries = (*storage)->ListAudit(clinic, all);
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->size(), kDemoStaff.size());
  EXPECT_EQ(entries->front().action, "manage_staff");
  EXPECT_TRUE((*storage)->VerifyAudit(std::nullopt)->empty());
}

}  // namespace
}  // namespace unknot::server
