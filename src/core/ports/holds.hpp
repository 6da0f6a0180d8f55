#pragma once

// Times held while a patient fills in their details (issue 16): the storage port. A hold keeps
// one practitioner's time (the service plus its buffer) from other bookings and holds for a few
// minutes (the clinic's hold_minutes, default 7). Storage keeps only the hash of the hold's token
// (TokenService::Hash), like the manage tokens. The database enforces it: while a hold lives, an
// appointment of that practitioner overlapping it is refused unless the booking consumed the hold
// first in the same transaction (NewBooking::hold_token_hash). An expired hold counts for nothing,
// whether or not a row is left; expired rows are pruned by later writes. Implemented by both
// backends and held to the contract suite (storage/contract/holds_contract_test.cpp).
// Failure codes as in ports/storage.hpp unless said.

#include <string>
#include <string_view>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

// A hold to store: the practitioner's time [time.start, blocked_until) is kept.
struct NewHold {
  PractitionerId practitioner;
  ServiceId service;
  Interval time;           // the service's own time
  Instant blocked_until;   // the end of its buffer (>= time.end())
  std::string token_hash;  // never the token
};

struct Hold {
  PractitionerId practitioner;
  ServiceId service;
  Interval time;
  Instant blocked_until;
  Instant expires_at;

  // [start, blocked_until): what the hold keeps from others.
  Interval Blocked() const { return *Interval::Create(time.start(), blocked_until); }

  friend bool operator==(const Hold&, const Hold&) = default;
};

class HoldRepository {
 public:
  virtual ~HoldRepository() = default;

  // Holds the time until `now` plus the clinic's hold minutes and returns the hold as stored.
  // Checked in the write transaction against every other writer: kConflict when a live
  // (non-cancelled) appointment or a hold still live at `now` of the same practitioner overlaps
  // [time.start, blocked_until) (nothing written); kNotFound when the clinic does not exist;
  // kInvalidArgument when the practitioner or service is not the clinic's, or the hold blocks
  // more than 10 hours. Removes the clinic's holds expired at `now` in passing.
  virtual Result<Hold> CreateHold(ClinicId clinic, const NewHold& hold, Instant now) = 0;

  // The hold with this token hash while it lives (expires_at > now); kNotFound when there is
  // none, it expired, was released or was used by a booking.
  virtual Result<Hold> FindHold(ClinicId clinic, std::string_view token_hash, Instant now) = 0;

  // Deletes the hold with this token hash, so its time is free at once. kNotFound when there is
  // none (already released, used or pruned). An expired hold that is still stored is deleted.
  virtual Result<void> ReleaseHold(ClinicId clinic, std::string_view token_hash) = 0;

  // The clinic's holds live at `now` whose blocked span overlaps `window`, ordered by start.
  virtual Result<std::vector<Hold>> ListHolds(ClinicId clinic, Interval window, Instant now) = 0;

  // The clinic's hold minutes (7 until changed). kNotFound when the clinic does not exist.
  virtual Result<int> FindHoldMinutes(ClinicId clinic) = 0;

  // Stores them, with `audit` in one write. kInvalidArgument ("hold_minutes") outside
  // kMinHoldMinutes..kMaxHoldMinutes; kNotFound when the clinic does not exist. Holds already
  // made keep their expiry.
  virtual Result<void> SaveHoldMinutes(ClinicId clinic, int minutes,
                                       const staff::AuditEntry& audit) = 0;
};

inline constexpr int kMinHoldMinutes = 2;
inline constexpr int kMaxHoldMinutes = 30;

}  // namespace unknot::core::ports
