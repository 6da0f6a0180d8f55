// SqliteStorage's held times (core/ports/holds.hpp). Holds are written by the one writer, so a
// hold's check and insert are one step no booking can come between; the triggers of migration 16
// refuse an appointment overlapping a live hold. Hold writes change what availability shows, so
// they count as schedule writes (Generation).

#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace ports = core::ports;

namespace {

constexpr std::string_view kHoldColumns =
    "practitioner_id, service_id, start_at, end_at, blocked_until, expires_at";

Result<ports::Hold> ReadHold(const Statement& stmt) {
  return ports::Hold{.practitioner = core::PractitionerId{stmt.Int(0)},
                     .service = core::ServiceId{stmt.Int(1)},
                     .time = UNKNOT_TRY(IntervalColumns(stmt, 2, 3)),
                     .blocked_until = FromSeconds(stmt.Int(4)),
                     .expires_at = FromSeconds(stmt.Int(5))};
}

// Whether a live appointment or live hold of the practitioner overlaps [start, blocked_until).
Result<bool> PractitionerBusy(Connection& db, core::ClinicId clinic, const ports::NewHold& hold,
                              core::Instant now) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "SELECT EXISTS (SELECT 1 FROM appointments INDEXED BY appointments_live_by_practitioner "
      "WHERE practitioner_id = ?2 AND clinic_id = ?1 AND start_at < ?4 AND blocked_until > ?3 "
      "AND status <> 'cancelled' AND start_at > ?3 - 36000) "
      "OR EXISTS (SELECT 1 FROM holds WHERE practitioner_id = ?2 AND clinic_id = ?1 "
      "AND start_at < ?4 AND blocked_until > ?3 AND start_at > ?3 - 36000 AND expires_at > ?5)"));
  stmt.Bind(1, clinic.value()).Bind(2, hold.practitioner.value());
  stmt.Bind(3, Seconds(hold.time.start())).Bind(4, Seconds(hold.blocked_until));
  stmt.Bind(5, Seconds(now));
  UNKNOT_TRY(stmt.Step());
  return stmt.Int(0) != 0;
}

}  // namespace

Result<ports::Hold> SqliteStorage::CreateHold(core::ClinicId clinic, const ports::NewHold& hold,
                                              core::Instant now) {
  if (hold.blocked_until < hold.time.end() ||
      hold.blocked_until - hold.time.start() > std::chrono::hours{10}) {
    return Error::InvalidField("blocked_until", "must be after the end, at most 10 hours on");
  }
  return writer_->Write<ports::Hold>(
      [&](Connection& db, core::scheduling::ScheduleChanges& changes) -> Result<ports::Hold> {
        Statement minutes =
            UNKNOT_TRY(db.PrepareCached("SELECT hold_minutes FROM clinics WHERE id = ?1"));
        minutes.Bind(1, clinic.value());
        if (!UNKNOT_TRY(minutes.Step())) return Error::NotFound("no such clinic");
        const std::chrono::minutes length{minutes.Int(0)};
        // Expired holds count for nothing; their rows go with the next hold of the clinic.
        Statement prune = UNKNOT_TRY(
            db.PrepareCached("DELETE FROM holds WHERE clinic_id = ?1 AND expires_at <= ?2"));
        prune.Bind(1, clinic.value()).Bind(2, Seconds(now));
        UNKNOT_TRY(prune.Run());
        if (UNKNOT_TRY(PractitionerBusy(db, clinic, hold, now))) {
          return Error(ErrorCode::kConflict, "the time is not free",
                       {{"start", "is taken or held for another patient"}});
        }
        Statement insert = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO holds (clinic_id, practitioner_id, service_id, start_at, end_at, "
            "blocked_until, expires_at, created_at, token_hash) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
        const core::Instant expires = FromSeconds(Seconds(now + length));
        insert.Bind(1, clinic.value()).Bind(2, hold.practitioner.value());
        insert.Bind(3, hold.service.value()).Bind(4, Seconds(hold.time.start()));
        insert.Bind(5, Seconds(hold.time.end())).Bind(6, Seconds(hold.blocked_until));
        insert.Bind(7, Seconds(expires)).Bind(8, Seconds(now)).Bind(9, hold.token_hash);
        if (auto run = insert.Run(); !run) {
          if (run.error().code() == ErrorCode::kConflict) {
            return Error(ErrorCode::kInvalidArgument,
                         "the practitioner or service does not belong to this clinic");
          }
          return std::move(run).error();
        }
        // Pruned holds had expired: they blocked nothing any more.
        changes.Add({clinic, hold.practitioner, std::nullopt,
                     *core::Interval::Create(hold.time.start(), hold.blocked_until)});
        return ports::Hold{.practitioner = hold.practitioner,
                           .service = hold.service,
                           .time = hold.time,
                           .blocked_until = hold.blocked_until,
                           .expires_at = expires};
      });
}

Result<ports::Hold> SqliteStorage::FindHold(core::ClinicId clinic, std::string_view token_hash,
                                            core::Instant now) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + std::string(kHoldColumns) +
      " FROM holds WHERE token_hash = ?2 AND clinic_id = ?1 AND expires_at > ?3"));
  stmt.Bind(1, clinic.value()).Bind(2, token_hash).Bind(3, Seconds(now));
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such hold");
  return ReadHold(stmt);
}

Result<void> SqliteStorage::ReleaseHold(core::ClinicId clinic, std::string_view token_hash) {
  return writer_->Write<void>(
      [&](Connection& db, core::scheduling::ScheduleChanges& changes) -> Result<void> {
        if (!UNKNOT_TRY(DeleteHoldRow(db, clinic, token_hash, changes))) {
          return Error::NotFound("no such hold");
        }
        return core::Ok();
      });
}

namespace {

Result<std::vector<ports::Hold>> ListHoldRows(Connection& db, core::ClinicId clinic,
                                              core::Interval window, core::Instant now) {
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT " + std::string(kHoldColumns) +
                       " FROM holds WHERE clinic_id = ?1 AND start_at < ?3 AND blocked_until > ?2 "
                       "AND start_at > ?2 - 36000 AND expires_at > ?4 ORDER BY start_at, id"));
  stmt.Bind(1, clinic.value()).Bind(2, Seconds(window.start())).Bind(3, Seconds(window.end()));
  stmt.Bind(4, Seconds(now));
  std::vector<ports::Hold> holds;
  while (UNKNOT_TRY(stmt.Step())) holds.push_back(UNKNOT_TRY(ReadHold(stmt)));
  return holds;
}

}  // namespace

Result<std::vector<ports::Hold>> SqliteStorage::ListHolds(core::ClinicId clinic,
                                                          core::Interval window,
                                                          core::Instant now) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return ListHoldRows(reader->db(), clinic, window, now);
}

Result<ports::Storage::BusyTimes> SqliteStorage::ListBusyTimes(core::ClinicId clinic,
                                                               core::Interval window,
                                                               core::Instant now) {
  const core::scheduling::ScheduleChangeLog& log = writer_->schedule_log();
  const auto at = BusyTimesCache::Clock::now();
  // The busy times of this window as last read, with the writes since applied: the day a booking
  // changed, asked for right after it, costs no read.
  if (auto kept = busy_times_.Find(clinic, window, now, log, at)) return std::move(*kept);
  // Both in one read transaction: one state of the database, and one start of a read (locks,
  // the WAL's index) instead of two.
  std::uint64_t generation = 0;
  auto read = [&](Connection& db) {
    return InReadTransaction(db, [&]() -> Result<BusyTimes> {
      BusyTimes out;
      out.bookings = UNKNOT_TRY(ListBookingRows(db, clinic, window));
      out.holds = UNKNOT_TRY(ListHoldRows(db, clinic, window, now));
      return out;
    });
  };
  // On the write connection, whose page cache the commit left current, when it is free. No
  // commit lands meanwhile, and every commit is in the log before the connection is free: what
  // is read is exactly the log's generation, so the writes after it can be applied to it.
  auto exact = writer_->TryRead([&](Connection& db) {
    generation = log.generation();
    return read(db);
  });
  if (exact) {
    if (*exact) busy_times_.Store(clinic, window, now, generation, true, **exact, at);
    return std::move(*exact);
  }
  // A pooled reader's snapshot may already hold a commit the log has not recorded: the
  // generation read before it is a lower bound.
  generation = log.generation();
  auto reader = UNKNOT_TRY(BorrowReader());
  auto busy = read(reader->db());
  if (busy) busy_times_.Store(clinic, window, now, generation, false, *busy, at);
  return busy;
}

}  // namespace unknot::storage::sqlite
