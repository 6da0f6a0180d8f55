#pragma once

// The waitlist use cases (issue 16): joining (online, with a secret link; or added by the front
// desk), leaving, the worker step that turns freed times into offers, and confirming an offer.
// An offer round holds the freed time (a hold for the clinic's offer minutes) and queues one
// `waitlist_offer` message per offered entry; confirming books through BookAppointment with that
// hold, so the no-overlap guarantee is the booking path's own: of two patients confirming the
// same time at once exactly one gets it, the other is told it is gone and stays on the list.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/booking.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"
#include "core/ports/waitlist.hpp"

namespace unknot::app {

struct WaitlistRequest {
  core::ServiceId service;
  std::optional<core::PractitionerId> practitioner;
  std::vector<core::ports::WaitlistWindow> windows;
  std::string until;              // "YYYY-MM-DD", the last local date
  core::clinic::Patient patient;  // names, email (online: required), phone
  bool urgent = false;            // staff only
  core::ports::WaitlistSource source = core::ports::WaitlistSource::kOnline;
};

struct Joined {
  core::ports::WaitlistEntry entry;
  std::string token;  // shown once (online entries); "" for a caller added by staff
};

// Validates and stores the entry. kInvalidArgument naming the field ("service", "practitioner",
// "windows[0].from", "until", "patient.email", ...); kNotFound (clinic).
core::Result<Joined> JoinWaitlist(
    core::ports::Storage& storage, const core::Clock& clock, core::ports::TokenService& tokens,
    const ClinicContext& clinic, const WaitlistRequest& request,
    const std::optional<core::staff::AuditEntry>& audit = std::nullopt);

// The entry whose link token is `token`; kNotFound for any other token (no probing).
core::Result<core::ports::WaitlistEntry> FindEntryByToken(core::ports::Storage& storage,
                                                          core::ports::TokenService& tokens,
                                                          const ClinicContext& clinic,
                                                          std::string_view token);

// Whether `start` (with the service's duration) lies in one of the entry's windows, in the
// clinic's zone.
bool InWindows(const std::vector<core::ports::WaitlistWindow>& windows, const core::TimeZone& zone,
               core::Instant start, std::chrono::minutes duration);

struct WaitlistRunCounts {
  int expired = 0;  // entries ended and offers lapsed
  int freed = 0;    // freed times looked at
  int offers = 0;   // offers made
  int closed = 0;   // freed times nobody could be offered
};

// One step of the waitlist worker: ends expired entries, lapses unanswered offers, and offers each
// pending freed time to the next matching entries (urgent first, then longest waiting; service,
// practitioner if set, windows, not expired, and the time still bookable for them by the
// scheduling engine), as many at once as the clinic allows; a freed time nobody can take is
// closed. Runs in the deliverer's loop (`unknot serve`, `unknot deliver`).
core::Result<WaitlistRunCounts> RunWaitlistOnce(core::ports::Storage& storage,
                                                const core::Clock& clock,
                                                core::ports::TokenService& tokens, int limit = 20);

// What an offer link shows: the offer, while it is open.
struct OfferView {
  core::ports::WaitlistOffer offer;
  core::ports::WaitlistEntry entry;
};

// The offer the link token names; kNotFound for an unknown token; kConflict ("the time is gone")
// when it is no longer open or has expired.
core::Result<OfferView> ViewOffer(core::ports::Storage& storage, const core::Clock& clock,
                                  core::ports::TokenService& tokens, const ClinicContext& clinic,
                                  std::string_view token);

// Books the offered time for the entry's patient through BookAppointment with the offer's hold;
// the entry ends as booked. kConflict (field "offer": "the time is gone") when the offer is no
// longer open, has expired or another patient booked the time first: the entry stays waiting.
core::Result<Booked> ConfirmOffer(core::ports::Storage& storage, const core::Clock& clock,
                                  core::ports::TokenService& tokens, const ClinicContext& clinic,
                                  std::string_view token);

}  // namespace unknot::app
