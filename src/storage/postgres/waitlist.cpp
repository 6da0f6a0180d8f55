// PostgresStorage's waitlist (core/ports/waitlist.hpp). Freed times are written by the trigger of
// migration 18 inside the appointment writes. An offer round takes its freed time's row lock and
// the practitioner's hold lock (as CreateHold does), so two workers never offer one freed time at
// once and no booking of the practitioner passes unseen by the round's hold.

#include "core/ports/waitlist.hpp"

#include <optional>
#include <string>
#include <utility>

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace ports = core::ports;

namespace {

const std::string kEntryColumns =
    "id, clinic_id, service_id, practitioner_id, windows, until_date, ends_at, given_name, "
    "family_name, email, phone, urgent, source, status, created_at, ended_at, appointment_id";

Result<ports::WaitlistEntry> ReadEntry(const pqxx::row& r) {
  ports::WaitlistEntry e;
  e.id = ports::WaitlistEntryId{Int(r[0])};
  e.clinic = core::ClinicId{Int(r[1])};
  e.service = core::ServiceId{Int(r[2])};
  if (!r[3].is_null()) e.practitioner = core::PractitionerId{Int(r[3])};
  auto windows = ports::ParseWaitlistWindows(Text(r[4]));
  auto source = ports::ParseWaitlistSource(Text(r[12]));
  auto status = ports::ParseWaitlistStatus(Text(r[13]));
  if (!windows || !source || !status) {
    return Error(ErrorCode::kInternal, "a stored waitlist entry is malformed");
  }
  e.windows = std::move(*windows);
  e.until = Text(r[5]);
  e.ends_at = FromSeconds(Int(r[6]));
  e.given_name = Text(r[7]);
  e.family_name = Text(r[8]);
  e.email = Text(r[9]);
  e.phone = Text(r[10]);
  e.urgent = r[11].as<bool>();
  e.source = *source;
  e.status = *status;
  e.created_at = FromSeconds(Int(r[14]));
  if (!r[15].is_null()) e.ended_at = FromSeconds(Int(r[15]));
  if (!r[16].is_null()) e.appointment = core::AppointmentId{Int(r[16])};
  return e;
}

const std::string kOfferColumns =
    "id, clinic_id, freed_id, entry_id, practitioner_id, service_id, start_at, end_at, "
    "blocked_until, status, expires_at, created_at, hold_token_hash, appointment_id";

Result<ports::WaitlistOffer> ReadOffer(const pqxx::row& r) {
  auto time = core::Interval::Create(FromSeconds(Int(r[6])), FromSeconds(Int(r[7])));
  auto status = ports::ParseOfferStatus(Text(r[9]));
  if (!time || !status) return Error(ErrorCode::kInternal, "a stored offer is malformed");
  ports::WaitlistOffer o{.id = ports::WaitlistOfferId{Int(r[0])},
                         .clinic = core::ClinicId{Int(r[1])},
                         .freed = ports::FreedTimeId{Int(r[2])},
                         .entry = ports::WaitlistEntryId{Int(r[3])},
                         .practitioner = core::PractitionerId{Int(r[4])},
                         .service = core::ServiceId{Int(r[5])},
                         .time = *time,
                         .blocked_until = FromSeconds(Int(r[8])),
                         .status = *status,
                         .expires_at = FromSeconds(Int(r[10])),
                         .created_at = FromSeconds(Int(r[11])),
                         .hold_token_hash = Text(r[12])};
  if (!r[13].is_null()) o.appointment = core::AppointmentId{Int(r[13])};
  return o;
}

const std::string kFreedColumns =
    "id, clinic_id, practitioner_id, start_at, blocked_until, appointment_id, created_at";

Result<ports::FreedTime> ReadFreed(const pqxx::row& r) {
  auto time = core::Interval::Create(FromSeconds(Int(r[3])), FromSeconds(Int(r[4])));
  if (!time) return Error(ErrorCode::kInternal, "a stored freed time is empty");
  return ports::FreedTime{
      .id = ports::FreedTimeId{Int(r[0])},
      .clinic = core::ClinicId{Int(r[1])},
      .practitioner = core::PractitionerId{Int(r[2])},
      .time = *time,
      .appointment = r[5].is_null() ? std::nullopt : std::optional{core::AppointmentId{Int(r[5])}},
      .created_at = FromSeconds(Int(r[6]))};
}

template <typename T, typename Read>
Result<std::vector<T>> ReadAll(const pqxx::result& rows, Read read) {
  std::vector<T> out;
  for (const pqxx::row& row : rows) out.push_back(UNKNOT_TRY(read(row)));
  return out;
}

Result<ports::WaitlistEntry> EntryRow(pqxx::transaction_base& tx, core::ClinicId clinic,
                                      ports::WaitlistEntryId entry, bool lock = false) {
  auto rows = tx.exec_params("SELECT " + kEntryColumns +
                                 " FROM waitlist_entries WHERE id = $2 AND clinic_id = $1" +
                                 (lock ? " FOR UPDATE" : ""),
                             clinic.value(), entry.value());
  if (rows.empty()) return Error::NotFound("no such waitlist entry");
  return ReadEntry(rows[0]);
}

Result<ports::WaitlistOffer> OfferRow(pqxx::transaction_base& tx, core::ClinicId clinic,
                                      ports::WaitlistOfferId offer, bool lock = false) {
  auto rows = tx.exec_params("SELECT " + kOfferColumns +
                                 " FROM waitlist_offers WHERE id = $2 AND clinic_id = $1" +
                                 (lock ? " FOR UPDATE" : ""),
                             clinic.value(), offer.value());
  if (rows.empty()) return Error::NotFound("no such offer");
  return ReadOffer(rows[0]);
}

// Ends the open offers of an entry or of a freed time as gone, erasing their links and
// releasing their holds (a hold shared by the round's other open offers is kept).
void EndOpenOffers(pqxx::transaction_base& tx, core::ClinicId clinic, const std::string& where,
                   std::int64_t id) {
  auto holds = tx.exec_params(
      "UPDATE waitlist_offers SET status = 'gone', link_token = '' "
      "WHERE clinic_id = $1 AND status = 'open' AND " +
          where + " = $2 RETURNING hold_token_hash",
      clinic.value(), id);
  for (const pqxx::row& hold : holds) {
    tx.exec_params(
        "DELETE FROM holds WHERE clinic_id = $1 AND token_hash = $2 AND NOT EXISTS "
        "(SELECT 1 FROM waitlist_offers WHERE clinic_id = $1 AND hold_token_hash = $2 "
        "AND status = 'open')",
        clinic.value(), Text(hold[0]));
  }
}

}  // namespace

Result<ports::WaitlistEntry> PostgresStorage::CreateWaitlistEntry(
    core::ClinicId clinic, const ports::NewWaitlistEntry& entry, core::Instant now,
    const std::optional<core::staff::AuditEntry>& audit) {
  return WriteOnce<ports::WaitlistEntry>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<ports::WaitlistEntry> {
        const std::int64_t practitioner = entry.practitioner ? entry.practitioner->value() : 0;
        auto known = tx.exec_params(
            "SELECT (SELECT count(*) FROM clinics WHERE id = $1), "
            "(SELECT count(*) FROM services WHERE clinic_id = $1 AND id = $2), "
            "(SELECT count(*) FROM practitioners WHERE clinic_id = $1 AND id = $3)",
            clinic.value(), entry.service.value(), practitioner);
        if (Int(known[0][0]) == 0) return Error::NotFound("no such clinic");
        if (Int(known[0][1]) == 0) return Error::InvalidField("service", "no such service");
        if (entry.practitioner && Int(known[0][2]) == 0) {
          return Error::InvalidField("practitioner", "no such practitioner");
        }
        const std::optional<std::int64_t> chosen =
            entry.practitioner ? std::optional<std::int64_t>{practitioner} : std::nullopt;
        const std::optional<std::string> token =
            entry.token_hash.empty() ? std::nullopt : std::optional<std::string>{entry.token_hash};
        auto rows = tx.exec_params(
            "INSERT INTO waitlist_entries (clinic_id, service_id, practitioner_id, windows, "
            "until_date, ends_at, given_name, family_name, email, phone, urgent, source, "
            "token_hash, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            clinic.value(), entry.service.value(), chosen,
            ports::FormatWaitlistWindows(entry.windows), entry.until, Seconds(entry.ends_at),
            entry.given_name, entry.family_name, entry.email, entry.phone, entry.urgent,
            std::string(ports::WaitlistSourceName(entry.source)), token, Seconds(now));
        const ports::WaitlistEntryId id{Int(rows[0][0])};
        UNKNOT_TRY(AppendAuditIfAny(tx, clinic, audit));
        return EntryRow(tx, clinic, id);
      },
      Touches::kNotTheSchedule);
}

Result<ports::WaitlistEntry> PostgresStorage::FindWaitlistEntry(core::ClinicId clinic,
                                                                ports::WaitlistEntryId entry) {
  return ReadOnce<ports::WaitlistEntry>(
      *pool_, [&](pqxx::transaction_base& tx) { return EntryRow(tx, clinic, entry); });
}

Result<ports::WaitlistEntry> PostgresStorage::FindWaitlistEntryByToken(
    core::ClinicId clinic, std::string_view token_hash) {
  return ReadOnce<ports::WaitlistEntry>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<ports::WaitlistEntry> {
        auto rows =
            tx.exec_params("SELECT " + kEntryColumns +
                               " FROM waitlist_entries WHERE token_hash = $2 AND clinic_id = $1",
                           clinic.value(), std::string(token_hash));
        if (rows.empty()) return Error::NotFound("no such waitlist entry");
        return ReadEntry(rows[0]);
      });
}

Result<std::vector<ports::WaitlistEntry>> PostgresStorage::ListWaitlist(core::ClinicId clinic,
                                                                        bool all) {
  using Entries = std::vector<ports::WaitlistEntry>;
  return ReadOnce<Entries>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Entries> {
    return ReadAll<ports::WaitlistEntry>(
        tx.exec_params("SELECT " + kEntryColumns +
                           " FROM waitlist_entries WHERE clinic_id = $1 AND "
                           "($2 OR status = 'waiting') "
                           "ORDER BY status <> 'waiting', urgent DESC, created_at, id",
                       clinic.value(), all),
        ReadEntry);
  });
}

Result<ports::WaitlistEntry> PostgresStorage::LeaveWaitlist(
    core::ClinicId clinic, ports::WaitlistEntryId entry, core::Instant now,
    const std::optional<core::staff::AuditEntry>& audit) {
  return WriteOnce<ports::WaitlistEntry>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<ports::WaitlistEntry> {
        ports::WaitlistEntry stored = UNKNOT_TRY(EntryRow(tx, clinic, entry, true));
        if (stored.status != ports::WaitlistStatus::kWaiting) {
          return Error(ErrorCode::kConflict, "the entry is no longer on the waitlist");
        }
        tx.exec_params(
            "UPDATE waitlist_entries SET status = 'left', ended_at = $3 "
            "WHERE id = $2 AND clinic_id = $1",
            clinic.value(), entry.value(), Seconds(now));
        EndOpenOffers(tx, clinic, "entry_id", entry.value());
        UNKNOT_TRY(AppendAuditIfAny(tx, clinic, audit));
        return EntryRow(tx, clinic, entry);
      });
}

Result<ports::WaitlistEntry> PostgresStorage::SetWaitlistUrgent(
    core::ClinicId clinic, ports::WaitlistEntryId entry, bool urgent,
    const core::staff::AuditEntry& audit) {
  return WriteOnce<ports::WaitlistEntry>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<ports::WaitlistEntry> {
        ports::WaitlistEntry stored = UNKNOT_TRY(EntryRow(tx, clinic, entry, true));
        if (stored.status != ports::WaitlistStatus::kWaiting) {
          return Error(ErrorCode::kConflict, "the entry is no longer on the waitlist");
        }
        tx.exec_params("UPDATE waitlist_entries SET urgent = $3 WHERE id = $2 AND clinic_id = $1",
                       clinic.value(), entry.value(), urgent);
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return EntryRow(tx, clinic, entry);
      },
      Touches::kNotTheSchedule);
}

Result<ports::WaitlistSettings> PostgresStorage::FindWaitlistSettings(core::ClinicId clinic) {
  return ReadOnce<ports::WaitlistSettings>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<ports::WaitlistSettings> {
        auto rows = tx.exec_params(
            "SELECT offer_minutes, offers_at_once FROM clinics WHERE id = $1", clinic.value());
        if (rows.empty()) return ports::WaitlistSettings{};
        return ports::WaitlistSettings{.offer_minutes = std::chrono::minutes{Int(rows[0][0])},
                                       .offers_at_once = static_cast<int>(Int(rows[0][1]))};
      });
}

Result<int> PostgresStorage::ExpireWaitlist(core::Instant now) {
  return WriteOnce<int>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<int> {
        auto ended = tx.exec_params(
            "UPDATE waitlist_entries SET status = 'ended', ended_at = $1 "
            "WHERE status = 'waiting' AND ends_at <= $1",
            Seconds(now));
        auto lapsed = tx.exec_params(
            "UPDATE waitlist_offers SET status = 'lapsed', link_token = '' "
            "WHERE status = 'open' AND expires_at <= $1",
            Seconds(now));
        return static_cast<int>(ended.affected_rows() + lapsed.affected_rows());
      },
      Touches::kNotTheSchedule);
}

Result<std::vector<ports::FreedTime>> PostgresStorage::PendingFreedTimes(core::Instant now,
                                                                         int limit) {
  using Freed = std::vector<ports::FreedTime>;
  return WriteOnce<Freed>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<Freed> {
        tx.exec_params(
            "UPDATE freed_times SET closed_at = $1 WHERE closed_at IS NULL AND "
            "CASE WHEN appointment_id IS NULL THEN blocked_until ELSE start_at END <= $1",
            Seconds(now));
        return ReadAll<ports::FreedTime>(
            tx.exec_params("SELECT " + kFreedColumns +
                               " FROM freed_times f WHERE closed_at IS NULL AND NOT EXISTS "
                               "(SELECT 1 FROM waitlist_offers o WHERE o.freed_id = f.id "
                               "AND o.status = 'open' AND o.expires_at > $1) "
                               "ORDER BY id LIMIT $2",
                           Seconds(now), limit),
            ReadFreed);
      },
      Touches::kNotTheSchedule);
}

Result<std::vector<ports::WaitlistEntry>> PostgresStorage::OfferCandidates(core::ClinicId clinic,
                                                                           ports::FreedTimeId freed,
                                                                           core::Instant now) {
  using Entries = std::vector<ports::WaitlistEntry>;
  return ReadOnce<Entries>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Entries> {
    return ReadAll<ports::WaitlistEntry>(
        tx.exec_params("SELECT " + kEntryColumns +
                           " FROM waitlist_entries e WHERE clinic_id = $1 AND status = 'waiting' "
                           "AND ends_at > $3 AND NOT EXISTS (SELECT 1 FROM waitlist_offers o "
                           "WHERE o.entry_id = e.id AND (o.freed_id = $2 OR "
                           "(o.status = 'open' AND o.expires_at > $3))) "
                           "ORDER BY urgent DESC, created_at, id",
                       clinic.value(), freed.value(), Seconds(now)),
        ReadEntry);
  });
}

Result<std::vector<ports::WaitlistOffer>> PostgresStorage::CreateOffers(
    core::ClinicId clinic, const ports::NewOfferRound& round, core::Instant now) {
  if (round.offers.empty()) return Error::InvalidField("offers", "must not be empty");
  const ports::NewHold& hold = round.hold;
  if (hold.blocked_until < hold.time.end() ||
      hold.blocked_until - hold.time.start() > std::chrono::hours{10}) {
    return Error::InvalidField("blocked_until", "must be after the end, at most 10 hours on");
  }
  using Offers = std::vector<ports::WaitlistOffer>;
  return WriteOnce<Offers>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<Offers> {
    auto freed = tx.exec_params(
        "SELECT c.offer_minutes FROM freed_times f JOIN clinics c ON c.id = f.clinic_id "
        "WHERE f.id = $2 AND f.clinic_id = $1 AND f.closed_at IS NULL FOR UPDATE OF f",
        clinic.value(), round.freed.value());
    if (freed.empty()) return Error::NotFound("no such open freed time");
    const core::Instant expires = now + std::chrono::minutes{Int(freed[0][0])};
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':holds:' || $2, 0))",
                   std::to_string(clinic.value()), std::to_string(hold.practitioner.value()));
    tx.exec_params("DELETE FROM holds WHERE clinic_id = $1 AND expires_at <= $2", clinic.value(),
                   Seconds(now));
    const bool busy =
        tx.exec_params1(
              "SELECT EXISTS (SELECT 1 FROM appointments WHERE practitioner_id = $2 "
              "AND clinic_id = $1 AND start_at < $4 AND blocked_until > $3 "
              "AND status <> 'cancelled' AND start_at > $3 - 36000) "
              "OR EXISTS (SELECT 1 FROM holds WHERE practitioner_id = $2 AND clinic_id = $1 "
              "AND start_at < $4 AND blocked_until > $3 AND start_at > $3 - 36000 "
              "AND expires_at > $5)",
              clinic.value(), hold.practitioner.value(), Seconds(hold.time.start()),
              Seconds(hold.blocked_until), Seconds(now))[0]
            .as<bool>();
    if (busy) {
      return Error(ErrorCode::kConflict, "the time is not free",
                   {{"start", "is taken or held for another patient"}});
    }
    tx.exec_params(
        "INSERT INTO holds (clinic_id, practitioner_id, service_id, start_at, end_at, "
        "blocked_until, expires_at, created_at, token_hash) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        clinic.value(), hold.practitioner.value(), hold.service.value(), Seconds(hold.time.start()),
        Seconds(hold.time.end()), Seconds(hold.blocked_until), Seconds(expires), Seconds(now),
        hold.token_hash);
    Offers offers;
    for (const ports::NewOfferRound::Offered& offered : round.offers) {
      auto rows = tx.exec_params(
          "INSERT INTO waitlist_offers (clinic_id, freed_id, entry_id, practitioner_id, "
          "service_id, start_at, end_at, blocked_until, expires_at, created_at, token_hash, "
          "link_token, hold_token_hash) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING " +
              kOfferColumns,
          clinic.value(), round.freed.value(), offered.entry.value(), hold.practitioner.value(),
          offered.service.value(), Seconds(offered.time.start()), Seconds(offered.time.end()),
          Seconds(offered.blocked_until), Seconds(expires), Seconds(now), offered.token_hash,
          offered.link_token, hold.token_hash);
      ports::WaitlistOffer offer = UNKNOT_TRY(ReadOffer(rows[0]));
      tx.exec_params(
          "INSERT INTO outbox (clinic_id, kind, channel, message_key, sequence, due_at, "
          "next_attempt_at, created_at, waitlist_offer_id) "
          "SELECT o.clinic_id, 'waitlist_offer', r.channel, "
          "'<waitlist-offer-' || o.id || r.suffix || '@' || c.slug || '.unknot>', 1, $3, $3, $3, "
          "o.id "
          "FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id "
          "JOIN clinics c ON c.id = o.clinic_id "
          "LEFT JOIN outbox_settings s ON s.clinic_id = o.clinic_id "
          "CROSS JOIN (VALUES ('email', ''), ('sms', '-sms')) AS r (channel, suffix) "
          "WHERE o.id = $2 AND o.clinic_id = $1 AND ((r.channel = 'email' AND e.email <> '') "
          "OR (r.channel = 'sms' AND e.phone <> '' AND coalesce(s.sms_webhook_url, '') <> '')) "
          "ON CONFLICT (message_key) DO NOTHING",
          clinic.value(), offer.id.value(), Seconds(now));
      offers.push_back(std::move(offer));
    }
    return offers;
  });
}

Result<void> PostgresStorage::CloseFreedTime(core::ClinicId clinic, ports::FreedTimeId freed,
                                             core::Instant now) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        tx.exec_params(
            "UPDATE freed_times SET closed_at = $3 "
            "WHERE id = $2 AND clinic_id = $1 AND closed_at IS NULL",
            clinic.value(), freed.value(), Seconds(now));
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<ports::WaitlistOffer> PostgresStorage::FindOffer(core::ClinicId clinic,
                                                        std::string_view token_hash) {
  return ReadOnce<ports::WaitlistOffer>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<ports::WaitlistOffer> {
        auto rows =
            tx.exec_params("SELECT " + kOfferColumns +
                               " FROM waitlist_offers WHERE token_hash = $2 AND clinic_id = $1",
                           clinic.value(), std::string(token_hash));
        if (rows.empty()) return Error::NotFound("no such offer");
        return ReadOffer(rows[0]);
      });
}

Result<ports::OfferForMessage> PostgresStorage::FindOfferForMessage(core::ClinicId clinic,
                                                                    ports::WaitlistOfferId offer) {
  return ReadOnce<ports::OfferForMessage>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<ports::OfferForMessage> {
        ports::WaitlistOffer found = UNKNOT_TRY(OfferRow(tx, clinic, offer));
        ports::WaitlistEntry entry = UNKNOT_TRY(EntryRow(tx, clinic, found.entry));
        ports::OfferForMessage out{
            .offer = std::move(found), .entry = std::move(entry), .link_token = ""};
        auto link =
            tx.exec_params("SELECT link_token FROM waitlist_offers WHERE id = $1", offer.value());
        if (!link.empty()) out.link_token = Text(link[0][0]);
        return out;
      });
}

Result<ports::WaitlistOffer> PostgresStorage::AcceptOffer(core::ClinicId clinic,
                                                          ports::WaitlistOfferId offer,
                                                          core::AppointmentId appointment,
                                                          core::Instant now) {
  return WriteOnce<ports::WaitlistOffer>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<ports::WaitlistOffer> {
        ports::WaitlistOffer stored = UNKNOT_TRY(OfferRow(tx, clinic, offer, true));
        if (stored.status != ports::OfferStatus::kOpen) {
          return Error(ErrorCode::kConflict, "the offer is no longer open");
        }
        tx.exec_params(
            "UPDATE waitlist_offers SET status = 'accepted', link_token = '', appointment_id = $3 "
            "WHERE id = $2 AND clinic_id = $1",
            clinic.value(), offer.value(), appointment.value());
        tx.exec_params(
            "UPDATE waitlist_entries SET status = 'booked', ended_at = $3, appointment_id = $4 "
            "WHERE id = $2 AND clinic_id = $1 AND status = 'waiting'",
            clinic.value(), stored.entry.value(), Seconds(now), appointment.value());
        EndOpenOffers(tx, clinic, "freed_id", stored.freed.value());
        tx.exec_params(
            "UPDATE freed_times SET closed_at = $3 "
            "WHERE id = $2 AND clinic_id = $1 AND closed_at IS NULL",
            clinic.value(), stored.freed.value(), Seconds(now));
        // A span of time off: what the booking did not take is freed again (before it, from now
        // on; after its blocked time).
        tx.exec_params(
            "INSERT INTO freed_times (clinic_id, practitioner_id, start_at, blocked_until, "
            "created_at) "
            "SELECT f.clinic_id, f.practitioner_id, s.from_at, s.to_at, $3 FROM freed_times f, "
            "LATERAL (VALUES (greatest(f.start_at, $3), $4::bigint), "
            "                ($5::bigint, f.blocked_until)) AS s (from_at, to_at) "
            "WHERE f.id = $2 AND f.clinic_id = $1 AND f.appointment_id IS NULL "
            "AND s.from_at < s.to_at ORDER BY s.from_at",
            clinic.value(), stored.freed.value(), Seconds(now), Seconds(stored.time.start()),
            Seconds(stored.blocked_until));
        return OfferRow(tx, clinic, offer);
      });
}

Result<std::vector<ports::FreedTime>> PostgresStorage::ListFreedTimes(core::ClinicId clinic,
                                                                      core::Instant since) {
  using Freed = std::vector<ports::FreedTime>;
  return ReadOnce<Freed>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Freed> {
    return ReadAll<ports::FreedTime>(
        tx.exec_params("SELECT " + kFreedColumns +
                           " FROM freed_times WHERE clinic_id = $1 AND created_at >= $2 "
                           "ORDER BY created_at, id",
                       clinic.value(), Seconds(since)),
        ReadFreed);
  });
}

Result<std::vector<ports::WaitlistOffer>> PostgresStorage::ListOffers(core::ClinicId clinic,
                                                                      ports::FreedTimeId freed) {
  using Offers = std::vector<ports::WaitlistOffer>;
  return ReadOnce<Offers>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Offers> {
    return ReadAll<ports::WaitlistOffer>(
        tx.exec_params("SELECT " + kOfferColumns +
                           " FROM waitlist_offers WHERE clinic_id = $1 AND freed_id = $2 "
                           "ORDER BY id",
                       clinic.value(), freed.value()),
        ReadOffer);
  });
}

}  // namespace unknot::storage::postgres
