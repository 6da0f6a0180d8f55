#pragma once

// API v1 routes that describe clinics: the clinic, its practitioners, services and rooms.
// Handlers only translate between HTTP and the storage port; they hold no business rules.

#include "api/http/router.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// Registers GET /api/v1/clinics, /api/v1/clinics/{clinic} and its /practitioners, /services and
// /rooms. `storage` must outlive the router.
void AddClinicRoutes(http::Router& router, core::ports::Storage& storage);

}  // namespace unknot::api::v1
