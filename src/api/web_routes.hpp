#pragma once

// Routes outside the JSON API: the web app under /c/{clinic}/, the front door `/`, and the
// operations endpoints /healthz, /readyz and /metrics.

#include <string>
#include <string_view>

#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "api/http/static_files.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api {

// `/` redirects to the clinic's app when there is exactly one clinic and lists the clinics when
// there are several. /c/{clinic}/ and everything below it serve the web app: files that exist,
// and index.html for the app's own routes (e.g. /c/{clinic}/staff). An unknown clinic is a 404.
//
// index.html goes out with WithClinicHead applied, and every page with the app's
// Content-Security-Policy (the clinic list included).
void AddWebRoutes(http::Router& router, core::ports::ClinicRepository& clinics,
                  const http::StaticFiles& files);

// `html` (the built index.html) with `<base href="/c/{slug}/">` and a preload of the clinic's JSON
// (`<link rel="preload" as="fetch" crossorigin="anonymous" href="/api/v1/clinics/{slug}">`)
// inserted right after `<head>`, or after the doctype (else at the start) when there is no
// `<head>` tag. The base makes the app's relative asset URLs ("./assets/…") resolve from the
// clinic's root on deep routes too, and the preload asks for the clinic alongside the scripts
// instead of after they have run — both without an inline script, which the Content-Security-Policy
// forbids. `slug` is HTML-escaped (clinic slugs are [a-z0-9-] anyway).
std::string WithClinicHead(std::string_view html, std::string_view slug);

// /healthz: the process answers. /readyz: the database answers too (503 otherwise).
// /metrics: Prometheus text format.
void AddOpsRoutes(http::Router& router, core::ports::Storage& storage, const http::Metrics& metrics,
                  std::string version);

}  // namespace unknot::api
