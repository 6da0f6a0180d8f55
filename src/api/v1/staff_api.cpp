#include "api/v1/staff_api.hpp"

namespace unknot::api::v1 {

void AddStaffApi(http::Router& router, StaffRoutes& staff, SessionRouteDeps deps) {
  AddSessionRoutes(router, staff, deps);
}

}  // namespace unknot::api::v1
