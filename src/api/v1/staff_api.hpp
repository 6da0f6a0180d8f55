#pragma once

// Every staff route, registered in one place: the server and the authorization matrix test call
// this same function, so the test sees exactly the routes the server serves.

#include "api/http/router.hpp"
#include "api/v1/session_routes.hpp"
#include "api/v1/staff_gate.hpp"

namespace unknot::api::v1 {

void AddStaffApi(http::Router& router, StaffRoutes& staff, SessionRouteDeps deps);

}  // namespace unknot::api::v1
