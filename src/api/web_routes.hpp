#pragma once

// Routes outside the JSON API: the web app under /c/{clinic}/, the front door `/`, and the
// operations endpoints /healthz, /readyz and /metrics.

#include <string>

#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "api/http/static_files.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api {

// `/` redirects to the clinic's app when there is exactly one clinic and lists the clinics when
// there are several. /c/{clinic}/ and everything below it serve the web app: files that exist,
// and index.html for the app's own routes (e.g. /c/{clinic}/staff). An unknown clinic is a 404.
void AddWebRoutes(http::Router& router, core::ports::ClinicRepository& clinics,
                  const http::StaticFiles& files);

// /healthz: the process answers. /readyz: the database answers too (503 otherwise).
// /metrics: Prometheus text format.
void AddOpsRoutes(http::Router& router, core::ports::Storage& storage, const http::Metrics& metrics,
                  std::string version);

}  // namespace unknot::api
