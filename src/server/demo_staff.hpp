#pragma once

// The demo clinic's staff, one per role, that `unknot demo` adds beside the demo clinic so that
// the staff pages can be tried at once. Their passwords are printed and written in README.md:
// they are for the demo clinic only and must never guard real data.

#include <array>
#include <string_view>
#include <vector>

#include "core/common/clock.hpp"
#include "core/common/result.hpp"
#include "core/ports/storage.hpp"
#include "core/staff/authorization.hpp"
#include "security/password_hasher.hpp"

namespace unknot::server {

struct DemoStaffMember {
  std::string_view email;
  std::string_view display_name;
  core::staff::StaffRole role;
  std::string_view practitioner_slug;  // a demo practitioner (app/demo_clinic.cpp), or ""
  std::string_view password;           // passes the password policy (demo_staff_test.cpp)
};

inline constexpr std::array<DemoStaffMember, 3> kDemoStaff{{
    {"owner@demo.unknot.test", "Olivia Grant (owner)", core::staff::StaffRole::kOwner, "",
     "demo-keys-to-the-clinic"},
    {"desk@demo.unknot.test", "Felix Moreno (front desk)", core::staff::StaffRole::kFrontDesk, "",
     "demo-phones-and-calendar"},
    {"practitioner@demo.unknot.test", "Dr. Maya Okafor, DC", core::staff::StaffRole::kPractitioner,
     "maya-okafor", "demo-release-the-knots"},
}};

// Adds to the clinic `clinic` (the demo clinic) those of kDemoStaff whose email it has no
// account for, hashing their passwords at `cost`, and returns them; empty when all were there,
// so running it again changes nothing. kNotFound when a member's practitioner is missing.
core::Result<std::vector<DemoStaffMember>> EnsureDemoStaff(core::ports::Storage& storage,
                                                           core::ClinicId clinic,
                                                           const core::Clock& clock,
                                                           security::HashCost cost);

}  // namespace unknot::server
