#pragma once

// What the PostgreSQL storage files share: field conversions (storage/columns.hpp's
// conventions), the appointment row, and running a read or a write transaction on the pool.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <pqxx/pqxx>

#include "core/clinic/patient.hpp"
#include "core/common/result.hpp"
#include "core/ports/holds.hpp"
#include "core/scheduling/appointment.hpp"
#include "storage/columns.hpp"
#include "storage/postgres/pool.hpp"

namespace unknot::storage::postgres {

using storage::FromSeconds;
using storage::Minutes;
using storage::Seconds;

inline std::int64_t Int(const pqxx::field& f) { return f.as<std::int64_t>(); }
inline std::string Text(const pqxx::field& f) { return f.as<std::string>(); }

template <typename E, typename Parse>
core::Result<E> ParseField(const pqxx::field& f, Parse parse, std::string_view what) {
  return ParseStoredName<E>(Text(f), parse, what);
}

// The columns of a patient row, in the order ReadPatient reads them from field `first` on.
extern const std::string kPatientColumns;
core::Result<core::clinic::Patient> ReadPatient(const pqxx::row& r, int first);

// The columns of an appointment row, in the order ReadAppointment reads them.
extern const std::string kAppointmentColumns;
core::Result<core::scheduling::Appointment> ReadAppointment(const pqxx::row& r);

// The appointment `id` of `clinic` as a schedule change, its row locked until the transaction
// ends (so a write that moves it knows where from); nullopt when there is none.
core::Result<std::optional<core::scheduling::ScheduleChange>> LockAppointmentChange(
    pqxx::dbtransaction& tx, core::ClinicId clinic, core::AppointmentId id);

// The columns of a hold row, in the order ReadHold reads them from column `first` on
// (holds.cpp).
extern const std::string kHoldColumns;
core::Result<core::ports::Hold> ReadHold(const pqxx::row& r, int first = 0);
// The holds of clinic $1 live at $4 whose blocked span overlaps [$2, $3): a WHERE condition.
extern const std::string kLiveHoldsFilter;

// Deletes the clinic's hold with this token hash (used up by a booking, or released) and adds
// the time it kept to `changes`; whether there was one.
core::Result<bool> DeleteHoldRow(pqxx::dbtransaction& tx, core::ClinicId clinic,
                                 const std::string& token_hash,
                                 core::scheduling::ScheduleChanges& changes);

// Runs a read on a pooled connection without an explicit transaction (one round trip).
template <typename T, typename Read>
core::Result<T> ReadOnce(ConnectionPool& pool, Read read) {
  std::optional<core::Result<T>> out;
  UNKNOT_TRY(pool.WithConnection([&](pqxx::connection& connection) -> core::Result<void> {
    pqxx::nontransaction tx(connection);
    out.emplace(read(tx));
    return core::Ok();
  }));
  return std::move(*out);
}

// Runs a write transaction that produces a T; an error result rolls it back. `touches`: whether
// it may change what availability sees (Touches::kNotTheSchedule for audit entries of reads and
// session bookkeeping, so they do not empty the availability cache).
// A `write` that takes (tx, core::scheduling::ScheduleChanges&) says there what it changed in the
// schedule (touches is then kSchedule), so that only the cached answers that depend on it go stale.
template <typename T, typename Write>
core::Result<T> WriteOnce(ConnectionPool& pool, Write write, Touches touches = Touches::kSchedule) {
  std::optional<core::Result<T>> out;
  core::Result<void> done = core::Ok();
  if constexpr (std::is_invocable_v<Write&, pqxx::dbtransaction&,
                                    core::scheduling::ScheduleChanges&>) {
    (void)touches;
    done =
        pool.InTransaction([&](pqxx::dbtransaction& tx,
                               core::scheduling::ScheduleChanges& changes) -> core::Result<void> {
          out.emplace(write(tx, changes));
          if (!*out) return out->error();  // roll back
          return core::Ok();
        });
  } else {
    done = pool.InTransaction(
        [&](pqxx::dbtransaction& tx) -> core::Result<void> {
          out.emplace(write(tx));
          if (!*out) return out->error();  // roll back
          return core::Ok();
        },
        touches);
  }
  if (!done) return done.error();
  return std::move(*out);
}

}  // namespace unknot::storage::postgres
