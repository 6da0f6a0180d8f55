#include "server/demo_staff.hpp"

#include <memory>
#include <optional>

#include "server/staff_commands.hpp"

namespace unknot::server {

core::Result<std::vector<DemoStaffMember>> EnsureDemoStaff(core::ports::Storage& storage,
                                                           core::ClinicId clinic,
                                                           const core::Clock& clock,
                                                           security::HashCost cost) {
  std::vector<DemoStaffMember> missing;
  for (const DemoStaffMember& member : kDemoStaff) {
    auto found = storage.FindStaffByEmail(clinic, member.email);
    if (found) continue;
    if (found.error().code() != core::ErrorCode::kNotFound) return std::move(found).error();
    missing.push_back(member);
  }
  if (missing.empty()) return missing;

  auto setup = UNKNOT_TRY(storage.LoadSetup(clinic));
  // Made only when there is something to hash: starting a hasher costs one hash.
  security::PasswordHasherOptions hashing;
  hashing.cost = cost;
  security::PasswordHasher hasher(hashing);
  std::vector<DemoStaffMember> created;
  for (const DemoStaffMember& member : missing) {
    core::staff::StaffAccount account;
    account.clinic = clinic;
    account.email = std::string(member.email);
    account.display_name = std::string(member.display_name);
    account.role = member.role;
    account.created_at = clock.Now();
    account.password_changed_at = account.created_at;
    if (!member.practitioner_slug.empty()) {
      for (const auto& p : setup->practitioners) {
        if (p.slug == member.practitioner_slug) account.practitioner = p.id;
      }
      if (!account.practitioner) {
        return core::Error::NotFound("the demo clinic has no practitioner '" +
                                     std::string(member.practitioner_slug) + "'");
      }
    }
    auto stored = StoreNewStaff(storage, std::move(account), std::string(member.password), hasher,
                                "unknot demo");
    // Another `unknot demo` added it meanwhile: it is there, as wanted.
    if (!stored && stored.error().code() == core::ErrorCode::kConflict) continue;
    if (!stored) return std::move(stored).error();
    created.push_back(member);
  }
  return created;
}

}  // namespace unknot::server
