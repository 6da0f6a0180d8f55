#pragma once

// Practitioners' calendar feeds (issue 17): the storage port. A feed is a secret URL a
// practitioner's calendar app subscribes to; storage keeps only the hash of its secret
// (TokenService::Hash), like the manage tokens. One feed per practitioner: creating it again
// (rotating) replaces the hash, so the old URL stops working at once. Implemented by both
// backends and held to the contract suite (storage/contract/calendar_feeds_contract_test.cpp).
// Failure codes as in ports/storage.hpp unless said. Writes take their staff AuditEntry and
// append it in the same transaction.

#include <optional>
#include <string>
#include <string_view>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

struct CalendarFeed {
  PractitionerId practitioner;
  std::string secret_hash;  // never the secret
  Instant created_at;       // of the current secret: a rotation sets it anew

  friend bool operator==(const CalendarFeed&, const CalendarFeed&) = default;
};

class CalendarFeedRepository {
 public:
  virtual ~CalendarFeedRepository() = default;

  // The practitioner's feed; nullopt when they have none (or the clinic has no such
  // practitioner).
  virtual Result<std::optional<CalendarFeed>> FindCalendarFeed(ClinicId clinic,
                                                               PractitionerId practitioner) = 0;

  // Creates the practitioner's feed, or replaces its secret hash (rotation), with created_at =
  // `now`, in one write with `audit`; returns it as stored. kNotFound when the clinic has no such
  // practitioner; kConflict when another feed already has this hash (a token collision: never in
  // practice). Nothing is written on any error.
  virtual Result<CalendarFeed> SaveCalendarFeed(ClinicId clinic, PractitionerId practitioner,
                                                std::string_view secret_hash, Instant now,
                                                const staff::AuditEntry& audit) = 0;

  // Turns the practitioner's feed off (deletes it) with `audit` in one write. kNotFound when
  // there is no feed (nothing written).
  virtual Result<void> DeleteCalendarFeed(ClinicId clinic, PractitionerId practitioner,
                                          const staff::AuditEntry& audit) = 0;

  // Whether the clinic's feeds show patients' names; false (initials) unless set.
  virtual Result<bool> CalendarFeedPatientNames(ClinicId clinic) = 0;

  // Sets it, with `audit` in one write. kNotFound when the clinic does not exist.
  virtual Result<void> SetCalendarFeedPatientNames(ClinicId clinic, bool names,
                                                   const staff::AuditEntry& audit) = 0;
};

}  // namespace unknot::core::ports
