#pragma once

// SMART Scheduling Links (HL7 FHIR IG, STU1) bulk publication of a clinic's free times:
//   GET /fhir/{clinic}/$bulk-publish                   the manifest (application/json):
//       transactionTime, request, output [{type, url}] for Location, Schedule and Slot, error []
//   GET /fhir/{clinic}/$bulk-publish/{type}.ndjson     one resource per line
//                                                      (application/fhir+ndjson)
// Slots cover now to the clinic's booking horizon; each free Slot carries booking-deep-link and
// booking-phone. Every answer has a strong ETag (a hash of its bytes) and Last-Modified (when
// this process first served those bytes), and If-None-Match / If-Modified-Since give 304, so a
// poller downloads only what changed. The files are built once for the manifest and its three
// downloads: reused while no write lands, for at most a minute (free times also move with the
// clock: minimum notice).

#include <string>

#include "api/fhir/fhir_resources.hpp"
#include "api/http/router.hpp"
#include "app/booking.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::fhir {

// The three files' bodies for `clinic` as of `now`.
struct BulkFiles {
  std::string location;
  std::string schedule;
  std::string slot;
};
core::Result<BulkFiles> BuildBulkFiles(core::ports::Storage& storage, const core::Clock& clock,
                                       const app::ClinicContext& clinic, const Links& links);

// A strong entity tag for these bytes: "\"<16 hex digits>\"" (FNV-1a 64).
std::string EntityTag(std::string_view bytes);

void AddBulkPublishRoutes(http::Router& router, core::ports::Storage& storage,
                          const core::Clock& clock);

}  // namespace unknot::api::fhir
