// PostgresStorage's held times (core/ports/holds.hpp). A hold is created under the practitioner's
// hold lock, taken exclusively; the trigger of migration 15 takes it shared for every appointment
// it checks, so a hold and a booking of one practitioner never both pass unseen by each other.

#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace ports = core::ports;

const std::string kHoldColumns =
    "practitioner_id, service_id, start_at, end_at, blocked_until, expires_at";

const std::string kLiveHoldsFilter =
    "clinic_id = $1 AND start_at < $3 AND blocked_until > $2 AND start_at > $2 - 36000 "
    "AND expires_at > $4";

Result<ports::Hold> ReadHold(const pqxx::row& r, int first) {
  auto time =
      core::Interval::Create(FromSeconds(Int(r[first + 2])), FromSeconds(Int(r[first + 3])));
  if (!time) return Error(ErrorCode::kInternal, "a stored hold has an empty time");
  return ports::Hold{.practitioner = core::PractitionerId{Int(r[first])},
                     .service = core::ServiceId{Int(r[first + 1])},
                     .time = *time,
                     .blocked_until = FromSeconds(Int(r[first + 4])),
                     .expires_at = FromSeconds(Int(r[first + 5]))};
}

Result<ports::Hold> PostgresStorage::CreateHold(core::ClinicId clinic, const ports::NewHold& hold,
                                                core::Instant now) {
  if (hold.blocked_until < hold.time.end() ||
      hold.blocked_until - hold.time.start() > std::chrono::hours{10}) {
    return Error::InvalidField("blocked_until", "must be after the end, at most 10 hours on");
  }
  return WriteOnce<ports::Hold>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          core::scheduling::ScheduleChanges& changes) -> Result<ports::Hold> {
        auto minutes =
            tx.exec_params("SELECT hold_minutes FROM clinics WHERE id = $1", clinic.value());
        if (minutes.empty()) return Error::NotFound("no such clinic");
        const std::chrono::minutes length{Int(minutes[0][0])};
        auto known = tx.exec_params(
            "SELECT (SELECT count(*) FROM practitioners WHERE clinic_id = $1 AND id = $2) + "
            "(SELECT count(*) FROM services WHERE clinic_id = $1 AND id = $3)",
            clinic.value(), hold.practitioner.value(), hold.service.value());
        if (Int(known[0][0]) != 2) {
          return Error(ErrorCode::kInvalidArgument,
                       "the practitioner or service does not belong to this clinic");
        }
        // Every booking of the practitioner checks holds under this lock (shared): once it is ours,
        // the appointments we read below include every one whose check could miss this hold.
        tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':holds:' || $2, 0))",
                       std::to_string(clinic.value()), std::to_string(hold.practitioner.value()));
        // Expired holds count for nothing; their rows go with the next hold of the clinic.
        tx.exec_params("DELETE FROM holds WHERE clinic_id = $1 AND expires_at <= $2",
                       clinic.value(), Seconds(now));
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
        const core::Instant expires = FromSeconds(Seconds(now + length));
        tx.exec_params(
            "INSERT INTO holds (clinic_id, practitioner_id, service_id, start_at, end_at, "
            "blocked_until, expires_at, created_at, token_hash) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            clinic.value(), hold.practitioner.value(), hold.service.value(),
            Seconds(hold.time.start()), Seconds(hold.time.end()), Seconds(hold.blocked_until),
            Seconds(expires), Seconds(now), hold.token_hash);
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

Result<ports::Hold> PostgresStorage::FindHold(core::ClinicId clinic, std::string_view token_hash,
                                              core::Instant now) {
  return ReadOnce<ports::Hold>(*pool_, [&](pqxx::transaction_base& tx) -> Result<ports::Hold> {
    auto rows = tx.exec_params("SELECT " + kHoldColumns +
                                   " FROM holds WHERE token_hash = $2 AND clinic_id = $1 "
                                   "AND expires_at > $3",
                               clinic.value(), std::string(token_hash), Seconds(now));
    if (rows.empty()) return Error::NotFound("no such hold");
    return ReadHold(rows[0]);
  });
}

Result<void> PostgresStorage::ReleaseHold(core::ClinicId clinic, std::string_view token_hash) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx, core::scheduling::ScheduleChanges& changes) -> Result<void> {
        if (!UNKNOT_TRY(DeleteHoldRow(tx, clinic, std::string(token_hash), changes))) {
          return Error::NotFound("no such hold");
        }
        return core::Ok();
      });
}

Result<std::vector<ports::Hold>> PostgresStorage::ListHolds(core::ClinicId clinic,
                                                            core::Interval window,
                                                            core::Instant now) {
  using Holds = std::vector<ports::Hold>;
  return ReadOnce<Holds>(*pool_, [&](pqxx::transaction_base& tx) -> Result<Holds> {
    Holds holds;
    for (const pqxx::row& r : tx.exec_params("SELECT " + kHoldColumns + " FROM holds WHERE " +
                                                 kLiveHoldsFilter + " ORDER BY start_at, id",
                                             clinic.value(), Seconds(window.start()),
                                             Seconds(window.end()), Seconds(now))) {
      holds.push_back(UNKNOT_TRY(ReadHold(r)));
    }
    return holds;
  });
}

}  // namespace unknot::storage::postgres
