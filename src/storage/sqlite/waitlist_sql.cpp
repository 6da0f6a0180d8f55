// SqliteStorage's waitlist (core/ports/waitlist.hpp). Freed times are written by the trigger of
// migration 19 inside the appointment writes; this file stores entries and offers. An offer
// round's hold, offers and messages are one write of the single writer, so no booking can come
// between the hold's check and its insert.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "core/ports/waitlist.hpp"
#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace ports = core::ports;

namespace {

constexpr std::string_view kEntryColumns =
    "id, clinic_id, service_id, practitioner_id, windows, until_date, ends_at, given_name, "
    "family_name, email, phone, urgent, source, status, created_at, ended_at, appointment_id";

Result<ports::WaitlistEntry> ReadEntry(const Statement& s) {
  ports::WaitlistEntry e;
  e.id = ports::WaitlistEntryId{s.Int(0)};
  e.clinic = core::ClinicId{s.Int(1)};
  e.service = core::ServiceId{s.Int(2)};
  if (auto practitioner = s.OptionalInt(3)) e.practitioner = core::PractitionerId{*practitioner};
  auto windows = ports::ParseWaitlistWindows(s.Text(4));
  auto source = ports::ParseWaitlistSource(s.Text(12));
  auto status = ports::ParseWaitlistStatus(s.Text(13));
  if (!windows || !source || !status) {
    return Error(ErrorCode::kInternal, "a stored waitlist entry is malformed");
  }
  e.windows = std::move(*windows);
  e.until = s.Text(5);
  e.ends_at = FromSeconds(s.Int(6));
  e.given_name = s.Text(7);
  e.family_name = s.Text(8);
  e.email = s.Text(9);
  e.phone = s.Text(10);
  e.urgent = s.Int(11) != 0;
  e.source = *source;
  e.status = *status;
  e.created_at = FromSeconds(s.Int(14));
  if (auto ended = s.OptionalInt(15)) e.ended_at = FromSeconds(*ended);
  if (auto appointment = s.OptionalInt(16)) e.appointment = core::AppointmentId{*appointment};
  return e;
}

constexpr std::string_view kOfferColumns =
    "id, clinic_id, freed_id, entry_id, practitioner_id, service_id, start_at, end_at, "
    "blocked_until, status, expires_at, created_at, hold_token_hash, appointment_id";

Result<ports::WaitlistOffer> ReadOffer(const Statement& s) {
  auto status = ports::ParseOfferStatus(s.Text(9));
  if (!status) return Error(ErrorCode::kInternal, "a stored offer has an unknown status");
  ports::WaitlistOffer o{.id = ports::WaitlistOfferId{s.Int(0)},
                         .clinic = core::ClinicId{s.Int(1)},
                         .freed = ports::FreedTimeId{s.Int(2)},
                         .entry = ports::WaitlistEntryId{s.Int(3)},
                         .practitioner = core::PractitionerId{s.Int(4)},
                         .service = core::ServiceId{s.Int(5)},
                         .time = UNKNOT_TRY(IntervalColumns(s, 6, 7)),
                         .blocked_until = FromSeconds(s.Int(8)),
                         .status = *status,
                         .expires_at = FromSeconds(s.Int(10)),
                         .created_at = FromSeconds(s.Int(11)),
                         .hold_token_hash = s.Text(12)};
  if (auto appointment = s.OptionalInt(13)) o.appointment = core::AppointmentId{*appointment};
  return o;
}

constexpr std::string_view kFreedColumns =
    "id, clinic_id, practitioner_id, start_at, blocked_until, appointment_id, created_at";

Result<ports::FreedTime> ReadFreed(const Statement& s) {
  return ports::FreedTime{
      .id = ports::FreedTimeId{s.Int(0)},
      .clinic = core::ClinicId{s.Int(1)},
      .practitioner = core::PractitionerId{s.Int(2)},
      .time = UNKNOT_TRY(IntervalColumns(s, 3, 4)),
      .appointment = s.OptionalInt(5) ? std::optional{core::AppointmentId{s.Int(5)}} : std::nullopt,
      .created_at = FromSeconds(s.Int(6))};
}

template <typename T, typename Read>
Result<std::vector<T>> ReadAll(Statement& stmt, Read read) {
  std::vector<T> out;
  while (UNKNOT_TRY(stmt.Step())) out.push_back(UNKNOT_TRY(read(stmt)));
  return out;
}

Result<ports::WaitlistEntry> EntryRow(Connection& db, core::ClinicId clinic,
                                      ports::WaitlistEntryId entry) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached("SELECT " + std::string(kEntryColumns) +
                                               " FROM waitlist_entries WHERE id = ?2 AND "
                                               "clinic_id = ?1"));
  stmt.Bind(1, clinic.value()).Bind(2, entry.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such waitlist entry");
  return ReadEntry(stmt);
}

Result<ports::WaitlistOffer> OfferRow(Connection& db, core::ClinicId clinic,
                                      ports::WaitlistOfferId offer) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("SELECT " + std::string(kOfferColumns) +
                                  " FROM waitlist_offers WHERE id = ?2 AND clinic_id = ?1"));
  stmt.Bind(1, clinic.value()).Bind(2, offer.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such offer");
  return ReadOffer(stmt);
}

// Ends the open offers of an entry or of a freed time as gone, erasing their links and
// releasing their holds (a hold shared by the round's other open offers is kept).
Result<void> EndOpenOffers(Connection& db, core::ClinicId clinic, std::string_view where,
                           std::int64_t id) {
  Statement ids = UNKNOT_TRY(db.Prepare(
      "SELECT hold_token_hash FROM waitlist_offers WHERE clinic_id = ?1 AND status = 'open' "
      "AND " +
      std::string(where) + " = ?2"));
  ids.Bind(1, clinic.value()).Bind(2, id);
  std::vector<std::string> holds;
  while (UNKNOT_TRY(ids.Step())) holds.push_back(ids.Text(0));
  Statement gone =
      UNKNOT_TRY(db.Prepare("UPDATE waitlist_offers SET status = 'gone', link_token = '' "
                            "WHERE clinic_id = ?1 AND status = 'open' AND " +
                            std::string(where) + " = ?2"));
  gone.Bind(1, clinic.value()).Bind(2, id);
  UNKNOT_TRY(gone.Run());
  for (const std::string& hold : holds) {
    Statement release = UNKNOT_TRY(db.PrepareCached(
        "DELETE FROM holds WHERE clinic_id = ?1 AND token_hash = ?2 AND NOT EXISTS "
        "(SELECT 1 FROM waitlist_offers WHERE clinic_id = ?1 AND hold_token_hash = ?2 "
        "AND status = 'open')"));
    release.Bind(1, clinic.value()).Bind(2, hold);
    UNKNOT_TRY(release.Run());
  }
  return core::Ok();
}

}  // namespace

Result<ports::WaitlistEntry> SqliteStorage::CreateWaitlistEntry(
    core::ClinicId clinic, const ports::NewWaitlistEntry& entry, core::Instant now,
    const std::optional<core::staff::AuditEntry>& audit) {
  return writer_->Write<ports::WaitlistEntry>(
      [&](Connection& db) -> Result<ports::WaitlistEntry> {
        Statement known = UNKNOT_TRY(db.PrepareCached(
            "SELECT (SELECT count(*) FROM clinics WHERE id = ?1), "
            "(SELECT count(*) FROM services WHERE clinic_id = ?1 AND id = ?2), "
            "(SELECT count(*) FROM practitioners WHERE clinic_id = ?1 AND id = ?3)"));
        known.Bind(1, clinic.value()).Bind(2, entry.service.value());
        known.Bind(3, entry.practitioner ? entry.practitioner->value() : 0);
        UNKNOT_TRY(known.Step());
        if (known.Int(0) == 0) return Error::NotFound("no such clinic");
        if (known.Int(1) == 0) return Error::InvalidField("service", "no such service");
        if (entry.practitioner && known.Int(2) == 0) {
          return Error::InvalidField("practitioner", "no such practitioner");
        }
        Statement insert = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO waitlist_entries (clinic_id, service_id, practitioner_id, windows, "
            "until_date, ends_at, given_name, family_name, email, phone, urgent, source, "
            "token_hash, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
        insert.Bind(1, clinic.value()).Bind(2, entry.service.value());
        if (entry.practitioner) {
          insert.Bind(3, entry.practitioner->value());
        } else {
          insert.BindNull(3);
        }
        insert.Bind(4, ports::FormatWaitlistWindows(entry.windows)).Bind(5, entry.until);
        insert.Bind(6, Seconds(entry.ends_at)).Bind(7, entry.given_name);
        insert.Bind(8, entry.family_name).Bind(9, entry.email).Bind(10, entry.phone);
        insert.Bind(11, std::int64_t{entry.urgent ? 1 : 0});
        insert.Bind(12, ports::WaitlistSourceName(entry.source));
        if (entry.token_hash.empty()) {
          insert.BindNull(13);
        } else {
          insert.Bind(13, entry.token_hash);
        }
        insert.Bind(14, Seconds(now));
        UNKNOT_TRY(insert.Run());
        const ports::WaitlistEntryId id{db.LastInsertRowId()};
        UNKNOT_TRY(AppendAuditIfAny(db, clinic, audit));
        return EntryRow(db, clinic, id);
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<ports::WaitlistEntry> SqliteStorage::FindWaitlistEntry(core::ClinicId clinic,
                                                              ports::WaitlistEntryId entry) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return EntryRow(reader->db(), clinic, entry);
}

Result<ports::WaitlistEntry> SqliteStorage::FindWaitlistEntryByToken(core::ClinicId clinic,
                                                                     std::string_view token_hash) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + std::string(kEntryColumns) +
      " FROM waitlist_entries WHERE token_hash = ?2 AND clinic_id = ?1"));
  stmt.Bind(1, clinic.value()).Bind(2, token_hash);
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such waitlist entry");
  return ReadEntry(stmt);
}

Result<std::vector<ports::WaitlistEntry>> SqliteStorage::ListWaitlist(core::ClinicId clinic,
                                                                      bool all) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + std::string(kEntryColumns) +
      " FROM waitlist_entries WHERE clinic_id = ?1 AND (?2 OR status = 'waiting') "
      "ORDER BY status <> 'waiting', urgent DESC, created_at, id"));
  stmt.Bind(1, clinic.value()).Bind(2, std::int64_t{all ? 1 : 0});
  return ReadAll<ports::WaitlistEntry>(stmt, ReadEntry);
}

Result<ports::WaitlistEntry> SqliteStorage::LeaveWaitlist(
    core::ClinicId clinic, ports::WaitlistEntryId entry, core::Instant now,
    const std::optional<core::staff::AuditEntry>& audit) {
  return writer_->Write<ports::WaitlistEntry>([&](Connection& db) -> Result<ports::WaitlistEntry> {
    ports::WaitlistEntry stored = UNKNOT_TRY(EntryRow(db, clinic, entry));
    if (stored.status != ports::WaitlistStatus::kWaiting) {
      return Error(ErrorCode::kConflict, "the entry is no longer on the waitlist");
    }
    Statement left =
        UNKNOT_TRY(db.PrepareCached("UPDATE waitlist_entries SET status = 'left', ended_at = ?3 "
                                    "WHERE id = ?2 AND clinic_id = ?1"));
    left.Bind(1, clinic.value()).Bind(2, entry.value()).Bind(3, Seconds(now));
    UNKNOT_TRY(left.Run());
    UNKNOT_TRY(EndOpenOffers(db, clinic, "entry_id", entry.value()));
    UNKNOT_TRY(AppendAuditIfAny(db, clinic, audit));
    return EntryRow(db, clinic, entry);
  });
}

Result<ports::WaitlistEntry> SqliteStorage::SetWaitlistUrgent(
    core::ClinicId clinic, ports::WaitlistEntryId entry, bool urgent,
    const core::staff::AuditEntry& audit) {
  return writer_->Write<ports::WaitlistEntry>(
      [&](Connection& db) -> Result<ports::WaitlistEntry> {
        ports::WaitlistEntry stored = UNKNOT_TRY(EntryRow(db, clinic, entry));
        if (stored.status != ports::WaitlistStatus::kWaiting) {
          return Error(ErrorCode::kConflict, "the entry is no longer on the waitlist");
        }
        Statement set = UNKNOT_TRY(db.PrepareCached(
            "UPDATE waitlist_entries SET urgent = ?3 WHERE id = ?2 AND clinic_id = ?1"));
        set.Bind(1, clinic.value()).Bind(2, entry.value()).Bind(3, std::int64_t{urgent ? 1 : 0});
        UNKNOT_TRY(set.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return EntryRow(db, clinic, entry);
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<ports::WaitlistSettings> SqliteStorage::FindWaitlistSettings(core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT offer_minutes, offers_at_once FROM clinics WHERE id = ?1"));
  stmt.Bind(1, clinic.value());
  if (!UNKNOT_TRY(stmt.Step())) return ports::WaitlistSettings{};
  return ports::WaitlistSettings{.offer_minutes = std::chrono::minutes{stmt.Int(0)},
                                 .offers_at_once = static_cast<int>(stmt.Int(1))};
}

Result<int> SqliteStorage::ExpireWaitlist(core::Instant now) {
  return writer_->Write<int>(
      [&](Connection& db) -> Result<int> {
        Statement ended = UNKNOT_TRY(
            db.PrepareCached("UPDATE waitlist_entries SET status = 'ended', ended_at = ?1 "
                             "WHERE status = 'waiting' AND ends_at <= ?1"));
        ended.Bind(1, Seconds(now));
        UNKNOT_TRY(ended.Run());
        int changed = db.Changes();
        Statement lapsed = UNKNOT_TRY(
            db.PrepareCached("UPDATE waitlist_offers SET status = 'lapsed', link_token = '' "
                             "WHERE status = 'open' AND expires_at <= ?1"));
        lapsed.Bind(1, Seconds(now));
        UNKNOT_TRY(lapsed.Run());
        return changed + db.Changes();
        // Runs every deliverer round: no fsync of its own, and availability does not change (a
        // lapsed offer's hold has expired at the same instant).
      },
      Durability::kRelaxed, Touches::kNotTheSchedule);
}

Result<std::vector<ports::FreedTime>> SqliteStorage::PendingFreedTimes(core::Instant now,
                                                                       int limit) {
  return writer_->Write<std::vector<ports::FreedTime>>(
      [&](Connection& db) -> Result<std::vector<ports::FreedTime>> {
        Statement past = UNKNOT_TRY(db.PrepareCached(
            "UPDATE freed_times SET closed_at = ?1 WHERE closed_at IS NULL AND "
            "CASE WHEN appointment_id IS NULL THEN blocked_until ELSE start_at END <= ?1"));
        past.Bind(1, Seconds(now));
        UNKNOT_TRY(past.Run());
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "SELECT " + std::string(kFreedColumns) +
            " FROM freed_times f WHERE closed_at IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM waitlist_offers o WHERE o.freed_id = f.id AND o.status = 'open' "
            "AND o.expires_at > ?1) ORDER BY id LIMIT ?2"));
        stmt.Bind(1, Seconds(now)).Bind(2, std::int64_t{limit});
        return ReadAll<ports::FreedTime>(stmt, ReadFreed);
      },
      Durability::kRelaxed, Touches::kNotTheSchedule);
}

Result<std::vector<ports::WaitlistEntry>> SqliteStorage::OfferCandidates(core::ClinicId clinic,
                                                                         ports::FreedTimeId freed,
                                                                         core::Instant now) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + std::string(kEntryColumns) +
      " FROM waitlist_entries e WHERE clinic_id = ?1 AND status = 'waiting' AND ends_at > ?3 "
      "AND NOT EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.entry_id = e.id "
      "AND (o.freed_id = ?2 OR (o.status = 'open' AND o.expires_at > ?3))) "
      "ORDER BY urgent DESC, created_at, id"));
  stmt.Bind(1, clinic.value()).Bind(2, freed.value()).Bind(3, Seconds(now));
  return ReadAll<ports::WaitlistEntry>(stmt, ReadEntry);
}

Result<std::vector<ports::WaitlistOffer>> SqliteStorage::CreateOffers(
    core::ClinicId clinic, const ports::NewOfferRound& round, core::Instant now) {
  if (round.offers.empty()) return Error::InvalidField("offers", "must not be empty");
  const ports::NewHold& hold = round.hold;
  if (hold.blocked_until < hold.time.end() ||
      hold.blocked_until - hold.time.start() > std::chrono::hours{10}) {
    return Error::InvalidField("blocked_until", "must be after the end, at most 10 hours on");
  }
  return writer_->Write<
      std::vector<ports::WaitlistOffer>>([&](Connection& db)
                                             -> Result<std::vector<ports::WaitlistOffer>> {
    Statement freed = UNKNOT_TRY(db.PrepareCached(
        "SELECT c.offer_minutes FROM freed_times f JOIN clinics c ON c.id = f.clinic_id "
        "WHERE f.id = ?2 AND f.clinic_id = ?1 AND f.closed_at IS NULL"));
    freed.Bind(1, clinic.value()).Bind(2, round.freed.value());
    if (!UNKNOT_TRY(freed.Step())) return Error::NotFound("no such open freed time");
    const core::Instant expires = now + std::chrono::minutes{freed.Int(0)};
    Statement prune =
        UNKNOT_TRY(db.PrepareCached("DELETE FROM holds WHERE clinic_id = ?1 AND expires_at <= ?2"));
    prune.Bind(1, clinic.value()).Bind(2, Seconds(now));
    UNKNOT_TRY(prune.Run());
    Statement busy = UNKNOT_TRY(db.PrepareCached(
        "SELECT EXISTS (SELECT 1 FROM appointments INDEXED BY "
        "appointments_live_by_practitioner WHERE practitioner_id = ?2 AND clinic_id = ?1 "
        "AND start_at < ?4 AND blocked_until > ?3 AND status <> 'cancelled' "
        "AND start_at > ?3 - 36000) "
        "OR EXISTS (SELECT 1 FROM holds WHERE practitioner_id = ?2 AND clinic_id = ?1 "
        "AND start_at < ?4 AND blocked_until > ?3 AND start_at > ?3 - 36000 "
        "AND expires_at > ?5)"));
    busy.Bind(1, clinic.value()).Bind(2, hold.practitioner.value());
    busy.Bind(3, Seconds(hold.time.start())).Bind(4, Seconds(hold.blocked_until));
    busy.Bind(5, Seconds(now));
    UNKNOT_TRY(busy.Step());
    if (busy.Int(0) != 0) {
      return Error(ErrorCode::kConflict, "the time is not free",
                   {{"start", "is taken or held for another patient"}});
    }
    Statement insert_hold = UNKNOT_TRY(db.PrepareCached(
        "INSERT INTO holds (clinic_id, practitioner_id, service_id, start_at, end_at, "
        "blocked_until, expires_at, created_at, token_hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    insert_hold.Bind(1, clinic.value()).Bind(2, hold.practitioner.value());
    insert_hold.Bind(3, hold.service.value()).Bind(4, Seconds(hold.time.start()));
    insert_hold.Bind(5, Seconds(hold.time.end())).Bind(6, Seconds(hold.blocked_until));
    insert_hold.Bind(7, Seconds(expires)).Bind(8, Seconds(now)).Bind(9, hold.token_hash);
    UNKNOT_TRY(insert_hold.Run());
    std::vector<ports::WaitlistOffer> offers;
    for (const ports::NewOfferRound::Offered& offered : round.offers) {
      Statement insert = UNKNOT_TRY(db.PrepareCached(
          "INSERT INTO waitlist_offers (clinic_id, freed_id, entry_id, practitioner_id, "
          "service_id, start_at, end_at, blocked_until, expires_at, created_at, token_hash, "
          "link_token, hold_token_hash) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
      insert.Bind(1, clinic.value()).Bind(2, round.freed.value());
      insert.Bind(3, offered.entry.value()).Bind(4, hold.practitioner.value());
      insert.Bind(5, offered.service.value()).Bind(6, Seconds(offered.time.start()));
      insert.Bind(7, Seconds(offered.time.end())).Bind(8, Seconds(offered.blocked_until));
      insert.Bind(9, Seconds(expires)).Bind(10, Seconds(now));
      insert.Bind(11, offered.token_hash).Bind(12, offered.link_token);
      insert.Bind(13, hold.token_hash);
      UNKNOT_TRY(insert.Run());
      const ports::WaitlistOfferId id{db.LastInsertRowId()};
      Statement message = UNKNOT_TRY(db.PrepareCached(
          "INSERT OR IGNORE INTO outbox (clinic_id, kind, channel, message_key, sequence, "
          "due_at, next_attempt_at, created_at, waitlist_offer_id) "
          "SELECT o.clinic_id, 'waitlist_offer', r.channel, "
          "'<waitlist-offer-' || o.id || r.suffix || '@' || c.slug || '.unknot>', 1, ?3, ?3, "
          "?3, o.id "
          "FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id "
          "JOIN clinics c ON c.id = o.clinic_id "
          "LEFT JOIN outbox_settings s ON s.clinic_id = o.clinic_id "
          "JOIN (SELECT 'email' AS channel, '' AS suffix UNION ALL SELECT 'sms', '-sms') r "
          "WHERE o.id = ?2 AND o.clinic_id = ?1 AND ((r.channel = 'email' AND e.email <> '') "
          "OR (r.channel = 'sms' AND e.phone <> '' AND coalesce(s.sms_webhook_url, '') <> ''))"));
      message.Bind(1, clinic.value()).Bind(2, id.value()).Bind(3, Seconds(now));
      UNKNOT_TRY(message.Run());
      offers.push_back(UNKNOT_TRY(OfferRow(db, clinic, id)));
    }
    return offers;
  });
}

Result<void> SqliteStorage::CloseFreedTime(core::ClinicId clinic, ports::FreedTimeId freed,
                                           core::Instant now) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement stmt =
            UNKNOT_TRY(db.PrepareCached("UPDATE freed_times SET closed_at = ?3 "
                                        "WHERE id = ?2 AND clinic_id = ?1 AND closed_at IS NULL"));
        stmt.Bind(1, clinic.value()).Bind(2, freed.value()).Bind(3, Seconds(now));
        return stmt.Run();
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<ports::WaitlistOffer> SqliteStorage::FindOffer(core::ClinicId clinic,
                                                      std::string_view token_hash) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(
      reader->db().PrepareCached("SELECT " + std::string(kOfferColumns) +
                                 " FROM waitlist_offers WHERE token_hash = ?2 AND clinic_id = ?1"));
  stmt.Bind(1, clinic.value()).Bind(2, token_hash);
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such offer");
  return ReadOffer(stmt);
}

Result<ports::OfferForMessage> SqliteStorage::FindOfferForMessage(core::ClinicId clinic,
                                                                  ports::WaitlistOfferId offer) {
  auto reader = UNKNOT_TRY(BorrowReader());
  ports::WaitlistOffer found = UNKNOT_TRY(OfferRow(reader->db(), clinic, offer));
  ports::WaitlistEntry entry = UNKNOT_TRY(EntryRow(reader->db(), clinic, found.entry));
  ports::OfferForMessage out{
      .offer = std::move(found), .entry = std::move(entry), .link_token = ""};
  Statement link = UNKNOT_TRY(
      reader->db().PrepareCached("SELECT link_token FROM waitlist_offers WHERE id = ?1"));
  link.Bind(1, offer.value());
  if (UNKNOT_TRY(link.Step())) out.link_token = link.Text(0);
  return out;
}

Result<ports::WaitlistOffer> SqliteStorage::AcceptOffer(core::ClinicId clinic,
                                                        ports::WaitlistOfferId offer,
                                                        core::AppointmentId appointment,
                                                        core::Instant now) {
  return writer_->Write<ports::WaitlistOffer>([&](Connection& db) -> Result<ports::WaitlistOffer> {
    ports::WaitlistOffer stored = UNKNOT_TRY(OfferRow(db, clinic, offer));
    if (stored.status != ports::OfferStatus::kOpen) {
      return Error(ErrorCode::kConflict, "the offer is no longer open");
    }
    Statement accept = UNKNOT_TRY(db.PrepareCached(
        "UPDATE waitlist_offers SET status = 'accepted', link_token = '', appointment_id = ?3 "
        "WHERE id = ?2 AND clinic_id = ?1"));
    accept.Bind(1, clinic.value()).Bind(2, offer.value()).Bind(3, appointment.value());
    UNKNOT_TRY(accept.Run());
    Statement booked = UNKNOT_TRY(db.PrepareCached(
        "UPDATE waitlist_entries SET status = 'booked', ended_at = ?3, appointment_id = ?4 "
        "WHERE id = ?2 AND clinic_id = ?1 AND status = 'waiting'"));
    booked.Bind(1, clinic.value()).Bind(2, stored.entry.value()).Bind(3, Seconds(now));
    booked.Bind(4, appointment.value());
    UNKNOT_TRY(booked.Run());
    UNKNOT_TRY(EndOpenOffers(db, clinic, "freed_id", stored.freed.value()));
    Statement close =
        UNKNOT_TRY(db.PrepareCached("UPDATE freed_times SET closed_at = ?3 "
                                    "WHERE id = ?2 AND clinic_id = ?1 AND closed_at IS NULL"));
    close.Bind(1, clinic.value()).Bind(2, stored.freed.value()).Bind(3, Seconds(now));
    UNKNOT_TRY(close.Run());
    // A span of time off: what the booking did not take is freed again (before it, from now on;
    // after its blocked time).
    Statement span = UNKNOT_TRY(
        db.PrepareCached("SELECT practitioner_id, start_at, blocked_until FROM freed_times "
                         "WHERE id = ?2 AND clinic_id = ?1 AND appointment_id IS NULL"));
    span.Bind(1, clinic.value()).Bind(2, stored.freed.value());
    if (UNKNOT_TRY(span.Step())) {
      const std::int64_t practitioner = span.Int(0);
      const std::int64_t rests[2][2] = {
          {std::max(span.Int(1), Seconds(now)), Seconds(stored.time.start())},
          {Seconds(stored.blocked_until), span.Int(2)}};
      span.Reset();
      for (const auto& rest : rests) {
        if (rest[0] >= rest[1]) continue;
        Statement insert = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO freed_times (clinic_id, practitioner_id, start_at, blocked_until, "
            "created_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
        insert.Bind(1, clinic.value()).Bind(2, practitioner).Bind(3, rest[0]).Bind(4, rest[1]);
        insert.Bind(5, Seconds(now));
        UNKNOT_TRY(insert.Run());
      }
    }
    return OfferRow(db, clinic, offer);
  });
}

Result<std::vector<ports::FreedTime>> SqliteStorage::ListFreedTimes(core::ClinicId clinic,
                                                                    core::Instant since) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + std::string(kFreedColumns) +
      " FROM freed_times WHERE clinic_id = ?1 AND created_at >= ?2 ORDER BY created_at, id"));
  stmt.Bind(1, clinic.value()).Bind(2, Seconds(since));
  return ReadAll<ports::FreedTime>(stmt, ReadFreed);
}

Result<std::vector<ports::WaitlistOffer>> SqliteStorage::ListOffers(core::ClinicId clinic,
                                                                    ports::FreedTimeId freed) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + std::string(kOfferColumns) +
      " FROM waitlist_offers WHERE clinic_id = ?1 AND freed_id = ?2 ORDER BY id"));
  stmt.Bind(1, clinic.value()).Bind(2, freed.value());
  return ReadAll<ports::WaitlistOffer>(stmt, ReadOffer);
}

}  // namespace unknot::storage::sqlite
