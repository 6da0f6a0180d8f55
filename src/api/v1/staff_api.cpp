#include "api/v1/staff_api.hpp"

#include "api/v1/setup_routes.hpp"

namespace unknot::api::v1 {

void AddStaffApi(http::Router& router, StaffRoutes& staff, SessionRouteDeps deps) {
  AddSessionRoutes(router, staff, deps);
  AddSetupRoutes(staff, staff.storage(), staff.clock());
}

}  // namespace unknot::api::v1
