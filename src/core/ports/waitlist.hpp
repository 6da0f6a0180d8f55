#pragma once

// The waitlist (issue 16): the storage port. A patient who finds no suitable time (or a caller the
// front desk adds) waits for a service, optionally with one practitioner, within weekly windows,
// until a date. When a time frees (an appointment cancelled, declined or moved away), triggers on
// `appointments` (SQLite migration 19, PostgreSQL migration 18) record a freed time in the same
// transaction, so a crash never loses one. A worker (app/waitlist.hpp) turns freed times into
// offers: each offer round holds the time (a hold, core/ports/holds.hpp) and queues a
// `waitlist_offer` message per offered entry in the outbox, in one transaction. The first offered
// patient to confirm books the time with the hold's token through the normal booking path.
//
// Only hashes of the entry's and the offer's tokens are kept for look-ups. The offer's link token
// is also kept in clear while the offer is open (at most the clinic's offer minutes), because the
// message carrying it is rendered when it is sent; it is erased when the offer ends.
//
// Implemented by both backends and held to the contract suite
// (storage/contract/waitlist_contract_test.cpp). Failure codes as in ports/storage.hpp unless said.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/common/strong_id.hpp"
#include "core/common/time.hpp"
#include "core/ports/holds.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

using WaitlistEntryId = StrongId<struct WaitlistEntryIdTag>;
using FreedTimeId = StrongId<struct FreedTimeIdTag>;
using WaitlistOfferId = StrongId<struct WaitlistOfferIdTag>;

// Weekly window in clinic local time: the days (bit 0 Monday .. bit 6 Sunday) and the times of
// day [from, to) a suitable appointment lies in.
struct WaitlistWindow {
  unsigned days = 0x7f;
  std::chrono::minutes from{0};
  std::chrono::minutes to{24 * 60};

  friend bool operator==(const WaitlistWindow&, const WaitlistWindow&) = default;
};

// "1111100:540-720;0000011:0-1440": the stored text of windows, and back (nullopt: malformed).
std::string FormatWaitlistWindows(const std::vector<WaitlistWindow>& windows);
std::optional<std::vector<WaitlistWindow>> ParseWaitlistWindows(std::string_view text);

enum class WaitlistStatus { kWaiting, kBooked, kLeft, kEnded };
enum class WaitlistSource { kOnline, kStaff };
enum class OfferStatus { kOpen, kAccepted, kLapsed, kGone };

std::string_view WaitlistStatusName(WaitlistStatus status);
std::optional<WaitlistStatus> ParseWaitlistStatus(std::string_view name);
std::string_view WaitlistSourceName(WaitlistSource source);
std::optional<WaitlistSource> ParseWaitlistSource(std::string_view name);
std::string_view OfferStatusName(OfferStatus status);
std::optional<OfferStatus> ParseOfferStatus(std::string_view name);

struct NewWaitlistEntry {
  ServiceId service;
  std::optional<PractitionerId> practitioner;  // nullopt: any suitable practitioner
  std::vector<WaitlistWindow> windows;         // at least one
  std::string until;                           // the last local date, "YYYY-MM-DD"
  Instant ends_at;                             // the end of that date in the clinic's zone
  std::string given_name;
  std::string family_name;
  std::string email;  // "" for a caller with only a phone
  std::string phone;
  bool urgent = false;
  WaitlistSource source = WaitlistSource::kOnline;
  std::string token_hash;  // "" for a caller added by staff (no link)
};

struct WaitlistEntry {
  WaitlistEntryId id;
  ClinicId clinic;
  ServiceId service;
  std::optional<PractitionerId> practitioner;
  std::vector<WaitlistWindow> windows;
  std::string until;
  Instant ends_at;
  std::string given_name;
  std::string family_name;
  std::string email;
  std::string phone;
  bool urgent = false;
  WaitlistSource source = WaitlistSource::kOnline;
  WaitlistStatus status = WaitlistStatus::kWaiting;
  Instant created_at;
  std::optional<Instant> ended_at = std::nullopt;
  std::optional<AppointmentId> appointment = std::nullopt;  // when booked from an offer

  friend bool operator==(const WaitlistEntry&, const WaitlistEntry&) = default;
};

// A practitioner's time freed by a change of an appointment, [start, blocked_until), or by time off
// shortened or removed: the span given back, from the change on (`appointment` empty). A span may
// hold several visits; what an offer from it does not take is recorded again when it is accepted.
struct FreedTime {
  FreedTimeId id;
  ClinicId clinic;
  PractitionerId practitioner;
  Interval time;
  std::optional<AppointmentId> appointment;  // the appointment that left it; none for time off
  Instant created_at;

  friend bool operator==(const FreedTime&, const FreedTime&) = default;
};

struct WaitlistOffer {
  WaitlistOfferId id;
  ClinicId clinic;
  FreedTimeId freed;
  WaitlistEntryId entry;
  PractitionerId practitioner;
  ServiceId service;
  Interval time;  // the service's own time
  Instant blocked_until;
  OfferStatus status = OfferStatus::kOpen;
  Instant expires_at;
  Instant created_at;
  std::string hold_token_hash;  // the hold the confirming booking uses up
  std::optional<AppointmentId> appointment = std::nullopt;  // when accepted

  friend bool operator==(const WaitlistOffer&, const WaitlistOffer&) = default;
};

// The waitlist settings of a clinic (defaults for a clinic that never saved them).
struct WaitlistSettings {
  std::chrono::minutes offer_minutes{15};  // 1..240
  int offers_at_once = 1;                  // 1: one offer at a time; at most 20

  friend bool operator==(const WaitlistSettings&, const WaitlistSettings&) = default;
};

// One offer round for a freed time: the hold, then one offer per entry, in one transaction.
struct NewOfferRound {
  FreedTimeId freed;
  NewHold hold;  // held for the clinic's offer minutes (not its hold minutes)
  struct Offered {
    WaitlistEntryId entry;
    ServiceId service;
    Interval time;
    Instant blocked_until;
    std::string token_hash;  // the offer link's hash
    std::string link_token;  // kept in clear while the offer is open (see above)
  };
  std::vector<Offered> offers;  // at least one
};

// An offer with what its message needs while it is open.
struct OfferForMessage {
  WaitlistOffer offer;
  WaitlistEntry entry;
  std::string link_token;  // "" once the offer ended
};

// kInvalidArgument naming "offer_minutes" (outside 1..240) or "offers_at_once" (outside 1..20).
inline Result<void> ValidateWaitlistSettings(const WaitlistSettings& settings) {
  if (settings.offer_minutes < std::chrono::minutes{1} ||
      settings.offer_minutes > std::chrono::minutes{240}) {
    return Error::InvalidField("offer_minutes", "must be between 1 and 240 minutes");
  }
  if (settings.offers_at_once < 1 || settings.offers_at_once > 20) {
    return Error::InvalidField("offers_at_once", "must be between 1 and 20");
  }
  return Ok();
}

class WaitlistRepository {
 public:
  virtual ~WaitlistRepository() = default;

  // Stores a waiting entry at `now`. kNotFound when the clinic does not exist; kInvalidArgument
  // when the service or practitioner is not the clinic's ("service", "practitioner"). With
  // `audit`, the audit entry commits with it (staff).
  virtual Result<WaitlistEntry> CreateWaitlistEntry(
      ClinicId clinic, const NewWaitlistEntry& entry, Instant now,
      const std::optional<staff::AuditEntry>& audit) = 0;

  // kNotFound when the clinic has no such entry.
  virtual Result<WaitlistEntry> FindWaitlistEntry(ClinicId clinic, WaitlistEntryId entry) = 0;
  // The entry whose link token hashes to `token_hash`; kNotFound when none.
  virtual Result<WaitlistEntry> FindWaitlistEntryByToken(ClinicId clinic,
                                                         std::string_view token_hash) = 0;

  // The clinic's entries, urgent first, then longest waiting (created_at, id); only the waiting
  // ones unless `all`.
  virtual Result<std::vector<WaitlistEntry>> ListWaitlist(ClinicId clinic, bool all) = 0;

  // Ends a waiting entry as left at `now` (its open offers become gone, their holds released).
  // kNotFound; kConflict when it is no longer waiting.
  virtual Result<WaitlistEntry> LeaveWaitlist(ClinicId clinic, WaitlistEntryId entry, Instant now,
                                              const std::optional<staff::AuditEntry>& audit) = 0;

  // Sets the entry's urgent flag. kNotFound; kConflict when it is no longer waiting.
  virtual Result<WaitlistEntry> SetWaitlistUrgent(ClinicId clinic, WaitlistEntryId entry,
                                                  bool urgent, const staff::AuditEntry& audit) = 0;

  virtual Result<WaitlistSettings> FindWaitlistSettings(ClinicId clinic) = 0;

  // Stores them, with `audit` in one write. kInvalidArgument naming "offer_minutes" (outside
  // 1..240) or "offers_at_once" (outside 1..20); kNotFound when the clinic does not exist.
  // Offers already made keep their expiry.
  virtual Result<void> SaveWaitlistSettings(ClinicId clinic, const WaitlistSettings& settings,
                                            const staff::AuditEntry& audit) = 0;

  // Worker steps, over every clinic. Ends waiting entries whose ends_at <= now and marks open
  // offers with expires_at <= now lapsed (their link tokens erased). Returns how many changed.
  virtual Result<int> ExpireWaitlist(Instant now) = 0;

  // Freed times still to offer (of any clinic), oldest first, at most `limit`: not closed, with no
  // open offer. A freed time whose start (a span of time off: its end) is not after `now` is
  // closed in passing.
  virtual Result<std::vector<FreedTime>> PendingFreedTimes(Instant now, int limit) = 0;

  // The waiting entries (ends_at > now) of the clinic not yet offered `freed`, urgent first, then
  // longest waiting: the candidates of the next round (the caller filters by service, windows and
  // whether the time is bookable for them).
  virtual Result<std::vector<WaitlistEntry>> OfferCandidates(ClinicId clinic, FreedTimeId freed,
                                                             Instant now) = 0;

  // Creates the round's hold (for the clinic's offer minutes; the checks of CreateHold) and its
  // offers, and queues one `waitlist_offer` message per offer and channel (email when the entry
  // has an address; sms when it has a phone and the clinic an SMS webhook), all in one
  // transaction. kConflict when the hold is refused (nothing written); kNotFound when the freed
  // time is closed or unknown.
  virtual Result<std::vector<WaitlistOffer>> CreateOffers(ClinicId clinic,
                                                          const NewOfferRound& round,
                                                          Instant now) = 0;

  // Closes a freed time: nobody (more) to offer it to.
  virtual Result<void> CloseFreedTime(ClinicId clinic, FreedTimeId freed, Instant now) = 0;

  // The offer whose link hashes to `token_hash`, in any status; kNotFound when none.
  virtual Result<WaitlistOffer> FindOffer(ClinicId clinic, std::string_view token_hash) = 0;

  // The offer with its entry and link token, for its message; kNotFound when none.
  virtual Result<OfferForMessage> FindOfferForMessage(ClinicId clinic, WaitlistOfferId offer) = 0;

  // Records the booking an open offer led to: the offer accepted with `appointment`, its entry
  // booked, the other open offers of the freed time gone, the freed time closed. A span of time
  // off leaves what the booking did not take (before its start, after its blocked time) as new
  // freed times. kNotFound; kConflict when the offer is no longer open.
  virtual Result<WaitlistOffer> AcceptOffer(ClinicId clinic, WaitlistOfferId offer,
                                            AppointmentId appointment, Instant now) = 0;

  // The clinic's freed times recorded since `since`, oldest first (for tests and staff views).
  virtual Result<std::vector<FreedTime>> ListFreedTimes(ClinicId clinic, Instant since) = 0;

  // The offers made for a freed time, by id.
  virtual Result<std::vector<WaitlistOffer>> ListOffers(ClinicId clinic, FreedTimeId freed) = 0;
};

}  // namespace unknot::core::ports
