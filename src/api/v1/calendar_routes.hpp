#pragma once

// The front desk's calendar (issue 14), behind the staff gate:
//   GET   /api/v1/clinics/{clinic}/calendar?from=YYYY-MM-DD&days=N       kViewSchedule
//   POST  /api/v1/clinics/{clinic}/calendar/appointments                 kBookAppointment
//   PATCH /api/v1/clinics/{clinic}/calendar/appointments/{id}            kMoveAppointment
//   POST  /api/v1/clinics/{clinic}/calendar/appointments/{id}/cancel     kCancelAppointment
//   POST  /api/v1/clinics/{clinic}/calendar/appointments/{id}/status     kSetAppointmentStatus
// Bodies and answers: docs/api.md, "Front desk calendar". Handlers only translate: the rules are
// app/staff_booking.hpp's.

#include "api/v1/staff_gate.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// `storage` and `clock` must outlive the router.
void AddCalendarRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                       const core::Clock& clock);

}  // namespace unknot::api::v1
