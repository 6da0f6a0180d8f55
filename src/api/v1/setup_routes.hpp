#pragma once

// API v1 routes of the clinic set-up (docs/api.md "Clinic set-up"): staff read it, the owner
// edits it. Registered through the staff gate, which checks the session and the role before a
// handler runs; handlers only translate between HTTP and app::EditClinicSetup.

#include "api/v1/staff_gate.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// GET …/setup (kViewClinicSetup); PUT …/setup/clinic; POST …/setup/rooms, PUT …/setup/rooms/{id};
// POST …/setup/practitioners, PUT …/setup/practitioners/{id};
// POST …/setup/practitioners/{id}/time-off, DELETE …/setup/practitioners/{id}/time-off/{time_off};
// POST …/setup/services, PUT …/setup/services/{id} (kEditClinicSetup). `storage` and `clock`
// must outlive the router.
void AddSetupRoutes(StaffRoutes& routes, core::ports::Storage& storage, const core::Clock& clock);

}  // namespace unknot::api::v1
