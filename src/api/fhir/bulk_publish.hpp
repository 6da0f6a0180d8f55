#pragma once

// SMART Scheduling Links (HL7 FHIR IG, STU1) bulk publication of a clinic's free times:
//   GET /fhir/{clinic}/$bulk-publish                   the manifest (application/json):
//       transactionTime, request, output [{type, url}] for Location, Schedule and Slot, error []
//   GET /fhir/{clinic}/$bulk-publish/{type}.ndjson     one resource per line
//                                                      (application/fhir+ndjson), streamed
// Slots cover the publication window: from now, floored to the minute, to that plus the clinic's
// booking horizon; each free Slot carries booking-deep-link and booking-phone.
//
// Slot.ndjson is never held whole: it is made day by day (each local day's free slots from the
// same engine as the JSON availability) and sent in pieces of about kPieceBytes, each made only
// once the client has taken the one before (http::StreamSink::WhenDrained), so the server's memory
// stays flat however many slots there are and however slowly the client reads. Location.ndjson
// and Schedule.ndjson (one line per clinic and per practitioner) go out in one piece.
//
// Conditional requests: every answer has a strong ETag and Last-Modified (when this process first
// answered with that ETag), and If-None-Match / If-Modified-Since give 304, so a poller downloads
// only what changed. Location's, Schedule's and the manifest's ETags hash their bytes. Slot's
// hashes what determines its bytes before they are made (SlotFileTag): a write landing while the
// file streams shows in the days sent after it, and the next request, under a new generation,
// gets a new tag.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/fhir/fhir_resources.hpp"
#include "api/http/router.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::fhir {

// Slot.ndjson goes out in pieces of whole lines, each about this size (one line more at most).
inline constexpr std::size_t kPieceBytes = 64 * 1024;

// A strong entity tag for these bytes: "\"<16 hex digits>\"" (FNV-1a 64).
std::string EntityTag(std::string_view bytes);

// The Slot file's strong entity tag, "\"<16 hex digits>\"": FNV-1a 64 of what determines its
// bytes: `instance` (a random value per server process, since storage generations restart with
// the process), the links' origin and clinic slug (the deep links), the storage Generation() read
// before the clinic was loaded (bookings, cancellations and set-up writes of this process), the
// clinic's set-up as the staff set-up JSON and its Location resource (hours, time off, services,
// policy, phone), and the window's start (now floored to the minute; the window's end is the
// start plus the horizon, which the set-up holds). Writes by another process (a second server on
// the same PostgreSQL database) are seen once the minute turns.
std::string SlotFileTag(std::string_view instance, const Links& links,
                        const core::clinic::ClinicSetup& setup, std::uint64_t generation,
                        core::Instant window_start);

void AddBulkPublishRoutes(http::Router& router, core::ports::Storage& storage,
                          const core::Clock& clock);

}  // namespace unknot::api::fhir
