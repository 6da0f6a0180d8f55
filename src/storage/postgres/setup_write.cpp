// PostgresStorage::SaveSetup: a clinic's set-up changed in place by id, in one transaction that
// (1) updates the clinic's row first, which locks it, so saves of one clinic from every server
// take turns (each change sees the set-up the previous one stored), and gives the row a new
// version that LoadSetup on every server notices; (2) takes a SHARE lock on the appointments
// table, so the change sees every booking committed before it and none commits until this
// transaction ends, as SQLite's single writer guarantees. The lock
// pauses bookings of every clinic on the database for the few milliseconds of a save, which the
// owner makes rarely. storage/setup_diff.hpp decides what to write.

#include <limits>
#include <optional>

#include "storage/columns.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"
#include "storage/postgres/setup_rows.hpp"
#include "storage/setup_diff.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

std::string Name(std::string_view text) { return std::string(text); }
std::string Status(const clinic::Practitioner& p) {
  return p.status == clinic::PractitionerStatus::kActive ? "active" : "inactive";
}

Result<std::vector<scheduling::Appointment>> BookedNotOver(pqxx::dbtransaction& tx,
                                                           core::ClinicId clinic,
                                                           core::Instant now) {
  std::vector<scheduling::Appointment> rows;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT " + kAppointmentColumns +
               " FROM appointments WHERE clinic_id = $1 AND status = 'booked' AND end_at > $2 "
               "ORDER BY start_at, id",
           clinic.value(), Seconds(now))) {
    rows.push_back(UNKNOT_TRY(ReadAppointment(r)));
  }
  return rows;
}

// kConflict when an appointment of any status refers to the row, which therefore stays.
Result<void> Unreferenced(pqxx::dbtransaction& tx, core::ClinicId clinic, std::string_view column,
                          std::int64_t id, std::string_view field, std::string_view what) {
  auto count = tx.exec_params1("SELECT count(*) FROM appointments WHERE clinic_id = $1 AND " +
                                   std::string(column) + " = $2",
                               clinic.value(), id)[0]
                   .as<std::int64_t>();
  if (count > 0) {
    std::string reason =
        std::string(what) + " " + std::to_string(id) + " has appointments and cannot be removed";
    return Error(ErrorCode::kConflict, reason, {{std::string(field), reason}});
  }
  return core::Ok();
}

void UpdateClinic(pqxx::dbtransaction& tx, core::ClinicId id, const clinic::Clinic& c) {
  const clinic::BookingPolicy& p = c.policy;
  tx.exec_params(
      "UPDATE clinics SET name = $2, phone = $3, address_line1 = $4, address_line2 = $5, "
      "city = $6, region = $7, postal_code = $8, country = $9, time_zone = $10, "
      "min_notice_minutes = $11, horizon_days = $12, cancellation_window_minutes = $13, "
      "slot_step_minutes = $14, grace_period_minutes = $15, address_write_count = $16, "
      "address_write_period_seconds = $17, address_write_burst = $18, "
      "email_booking_count = $19, email_booking_period_seconds = $20, "
      "email_booking_burst = $21, max_future_online_bookings = $22, "
      "session_idle_timeout_minutes = $23, session_absolute_timeout_minutes = $24, "
      "no_show_approval_threshold = $25 WHERE id = $1",
      id.value(), c.name, c.phone, c.address.line1, c.address.line2, c.address.city,
      c.address.region, c.address.postal_code, c.address.country, c.time_zone,
      Minutes(p.min_notice), static_cast<std::int64_t>(p.horizon.count()),
      Minutes(p.cancellation_window), Minutes(p.slot_step), Minutes(p.grace_period),
      p.address_writes.count, static_cast<std::int64_t>(p.address_writes.period.count()),
      p.address_writes.burst, p.email_bookings.count,
      static_cast<std::int64_t>(p.email_bookings.period.count()), p.email_bookings.burst,
      p.max_future_online_bookings, Minutes(c.sessions.idle_timeout),
      Minutes(c.sessions.absolute_timeout), p.no_show_approval_threshold);
}

Result<void> WriteRooms(pqxx::dbtransaction& tx, std::int64_t cid, const SetupDiff& diff) {
  for (core::RoomId id : diff.delete_rooms) {
    UNKNOT_TRY(Unreferenced(tx, core::ClinicId{cid}, "room_id", id.value(), "rooms", "room"));
    tx.exec_params("DELETE FROM rooms WHERE clinic_id = $1 AND id = $2", cid, id.value());
  }
  for (const clinic::Room* r : diff.update_rooms) {
    tx.exec_params("UPDATE rooms SET name = $3, kind = $4 WHERE clinic_id = $1 AND id = $2", cid,
                   r->id.value(), r->name, Name(clinic::ToString(r->kind)));
  }
  for (const clinic::Room* r : diff.insert_rooms) {
    tx.exec_params("INSERT INTO rooms (clinic_id, name, kind) VALUES ($1, $2, $3)", cid, r->name,
                   Name(clinic::ToString(r->kind)));
  }
  return core::Ok();
}

void InsertSkills(pqxx::dbtransaction& tx, std::int64_t cid, std::int64_t pid,
                  const clinic::Practitioner& p) {
  for (clinic::Skill s : p.skills) {
    tx.exec_params(
        "INSERT INTO practitioner_skills (clinic_id, practitioner_id, skill) VALUES ($1, $2, $3)",
        cid, pid, Name(clinic::ToString(s)));
  }
}

void InsertHours(pqxx::dbtransaction& tx, std::int64_t cid, std::int64_t pid,
                 const clinic::Practitioner& p) {
  for (const clinic::WorkingHours& h : p.hours) {
    tx.exec_params(
        "INSERT INTO working_hours (clinic_id, practitioner_id, weekday, start_minute, "
        "end_minute) VALUES ($1, $2, $3, $4, $5)",
        cid, pid, static_cast<std::int64_t>(h.day.c_encoding()), Minutes(h.start.since_midnight()),
        Minutes(h.end.since_midnight()));
  }
}

void InsertBreaks(pqxx::dbtransaction& tx, std::int64_t cid, std::int64_t pid,
                  const clinic::Practitioner& p) {
  for (const clinic::Break& b : p.breaks) {
    tx.exec_params(
        "INSERT INTO breaks (clinic_id, practitioner_id, weekday, start_minute, end_minute, "
        "label) VALUES ($1, $2, $3, $4, $5, $6)",
        cid, pid, static_cast<std::int64_t>(b.day.c_encoding()), Minutes(b.start.since_midnight()),
        Minutes(b.end.since_midnight()), b.label);
  }
}

void InsertTimeOff(pqxx::dbtransaction& tx, std::int64_t cid, std::int64_t pid,
                   const clinic::TimeOff& t) {
  tx.exec_params(
      "INSERT INTO time_off (clinic_id, practitioner_id, start_at, end_at, reason) "
      "VALUES ($1, $2, $3, $4, $5)",
      cid, pid, Seconds(t.period.start()), Seconds(t.period.end()), t.reason);
}

void DeleteChildren(pqxx::dbtransaction& tx, std::string_view table, std::int64_t cid,
                    std::int64_t pid) {
  tx.exec_params(
      "DELETE FROM " + std::string(table) + " WHERE clinic_id = $1 AND practitioner_id = $2", cid,
      pid);
}

// Time off deleted (`kept` empty) or changed to `kept` gives back the time it no longer covers:
// each such span ending after `now` becomes a freed time for the waitlist (from `now` on), in the
// same transaction. Run before the row is deleted or updated.
void FreeTimeOff(pqxx::dbtransaction& tx, std::int64_t cid, core::TimeOffId id,
                 std::optional<core::Interval> kept, core::Instant now) {
  constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  tx.exec_params(
      "INSERT INTO freed_times (clinic_id, practitioner_id, start_at, blocked_until, created_at) "
      "SELECT t.clinic_id, t.practitioner_id, greatest(s.from_at, $3), s.to_at, $3 "
      "FROM time_off t, LATERAL (VALUES (t.start_at, least(t.end_at, $4::bigint)), "
      "                                 (greatest(t.start_at, $5::bigint), t.end_at)) "
      "  AS s (from_at, to_at) "
      "WHERE t.clinic_id = $1 AND t.id = $2 AND greatest(s.from_at, $3) < s.to_at "
      "ORDER BY 3",
      cid, id.value(), Seconds(now), kept ? Seconds(kept->start()) : kNever,
      kept ? Seconds(kept->end()) : kNever);
}

void WritePractitioners(pqxx::dbtransaction& tx, std::int64_t cid, const SetupDiff& diff,
                        core::Instant now) {
  for (const PractitionerDiff& d : diff.update_practitioners) {
    const clinic::Practitioner& p = *d.changed;
    const std::int64_t pid = p.id.value();
    if (d.row) {
      tx.exec_params(
          "UPDATE practitioners SET slug = $3, display_name = $4, role = $5, bio = $6, "
          "status = $7, allow_overbooking = $8 WHERE clinic_id = $1 AND id = $2",
          cid, pid, p.slug, p.display_name, Name(clinic::ToString(p.role)), p.bio, Status(p),
          p.allow_overbooking);
    }
    if (d.skills) {
      DeleteChildren(tx, "practitioner_skills", cid, pid);
      InsertSkills(tx, cid, pid, p);
    }
    if (d.hours) {
      DeleteChildren(tx, "working_hours", cid, pid);
      InsertHours(tx, cid, pid, p);
    }
    if (d.breaks) {
      DeleteChildren(tx, "breaks", cid, pid);
      InsertBreaks(tx, cid, pid, p);
    }
    for (core::TimeOffId id : d.delete_time_off) {
      FreeTimeOff(tx, cid, id, std::nullopt, now);
      tx.exec_params("DELETE FROM time_off WHERE clinic_id = $1 AND id = $2", cid, id.value());
    }
    for (const clinic::TimeOff* t : d.update_time_off) {
      FreeTimeOff(tx, cid, t->id, t->period, now);
      tx.exec_params(
          "UPDATE time_off SET start_at = $3, end_at = $4, reason = $5 "
          "WHERE clinic_id = $1 AND id = $2",
          cid, t->id.value(), Seconds(t->period.start()), Seconds(t->period.end()), t->reason);
    }
    for (const clinic::TimeOff* t : d.insert_time_off) InsertTimeOff(tx, cid, pid, *t);
  }
  for (const clinic::Practitioner* p : diff.insert_practitioners) {
    const std::int64_t pid =
        tx.exec_params1(
              "INSERT INTO practitioners (clinic_id, slug, display_name, role, bio, status, "
              "allow_overbooking) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
              cid, p->slug, p->display_name, Name(clinic::ToString(p->role)), p->bio, Status(*p),
              p->allow_overbooking)[0]
            .as<std::int64_t>();
    InsertSkills(tx, cid, pid, *p);
    InsertHours(tx, cid, pid, *p);
    InsertBreaks(tx, cid, pid, *p);
    for (const clinic::TimeOff& t : p->time_off) InsertTimeOff(tx, cid, pid, t);
  }
}

void InsertServiceRules(pqxx::dbtransaction& tx, std::int64_t cid, std::int64_t sid,
                        const clinic::Service& v, bool roles, bool skills) {
  if (roles) {
    for (clinic::Role r : v.allowed_roles) {
      tx.exec_params("INSERT INTO service_roles (clinic_id, service_id, role) VALUES ($1, $2, $3)",
                     cid, sid, Name(clinic::ToString(r)));
    }
  }
  if (skills) {
    for (clinic::Skill k : v.required_skills) {
      tx.exec_params(
          "INSERT INTO service_skills (clinic_id, service_id, skill) VALUES ($1, $2, $3)", cid, sid,
          Name(clinic::ToString(k)));
    }
  }
}

void DeleteServiceRules(pqxx::dbtransaction& tx, std::int64_t cid, std::int64_t sid, bool roles,
                        bool skills) {
  if (roles) {
    tx.exec_params("DELETE FROM service_roles WHERE clinic_id = $1 AND service_id = $2", cid, sid);
  }
  if (skills) {
    tx.exec_params("DELETE FROM service_skills WHERE clinic_id = $1 AND service_id = $2", cid, sid);
  }
}

Result<void> WriteServices(pqxx::dbtransaction& tx, std::int64_t cid, const SetupDiff& diff) {
  for (core::ServiceId id : diff.delete_services) {
    UNKNOT_TRY(
        Unreferenced(tx, core::ClinicId{cid}, "service_id", id.value(), "services", "service"));
    DeleteServiceRules(tx, cid, id.value(), true, true);
    tx.exec_params("DELETE FROM services WHERE clinic_id = $1 AND id = $2", cid, id.value());
  }
  for (const ServiceDiff& d : diff.update_services) {
    const clinic::Service& v = *d.changed;
    if (d.row) {
      tx.exec_params(
          "UPDATE services SET slug = $3, name = $4, description = $5, duration_minutes = $6, "
          "buffer_minutes = $7, room_kind = $8, eligibility = $9, price_minor_units = $10, "
          "currency = $11 WHERE clinic_id = $1 AND id = $2",
          cid, v.id.value(), v.slug, v.name, v.description, Minutes(v.duration),
          Minutes(v.buffer_after), Name(clinic::ToString(v.room_kind)),
          Name(clinic::ToString(v.eligibility)), v.price.minor_units, v.price.currency);
    }
    DeleteServiceRules(tx, cid, v.id.value(), d.roles, d.skills);
    InsertServiceRules(tx, cid, v.id.value(), v, d.roles, d.skills);
  }
  for (const clinic::Service* v : diff.insert_services) {
    const std::int64_t sid =
        tx.exec_params1(
              "INSERT INTO services (clinic_id, slug, name, description, duration_minutes, "
              "buffer_minutes, room_kind, eligibility, price_minor_units, currency) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
              cid, v->slug, v->name, v->description, Minutes(v->duration), Minutes(v->buffer_after),
              Name(clinic::ToString(v->room_kind)), Name(clinic::ToString(v->eligibility)),
              v->price.minor_units, v->price.currency)[0]
            .as<std::int64_t>();
    InsertServiceRules(tx, cid, sid, *v, true, true);
  }
  return core::Ok();
}

}  // namespace

Result<clinic::ClinicSetup> PostgresStorage::SaveSetup(core::ClinicId clinic_id,
                                                       const SetupChange& change,
                                                       core::Instant now) {
  std::optional<Result<clinic::ClinicSetup>> out;
  auto done = pool_->InTransaction([&](pqxx::dbtransaction& tx) -> Result<void> {
    out.reset();
    const std::int64_t cid = clinic_id.value();
    // Locks the row and gives it a new version (xmin), whatever else changes.
    if (tx.exec_params("UPDATE clinics SET slug = slug WHERE id = $1", cid).affected_rows() == 0) {
      out.emplace(Error::NotFound("no such clinic"));
      return out->error();
    }
    tx.exec("LOCK TABLE appointments IN SHARE MODE");
    auto saved = [&]() -> Result<clinic::ClinicSetup> {
      const clinic::ClinicSetup stored = UNKNOT_TRY(setup_rows::ReadSetup(tx, clinic_id));
      const clinic::ClinicSetup changed =
          UNKNOT_TRY(change(stored, UNKNOT_TRY(BookedNotOver(tx, clinic_id, now))));
      UNKNOT_TRY(clinic::Validate(changed));
      const SetupDiff diff = UNKNOT_TRY(DiffSetup(stored, changed));
      if (diff.clinic) UpdateClinic(tx, clinic_id, changed.clinic);
      UNKNOT_TRY(WriteRooms(tx, cid, diff));
      WritePractitioners(tx, cid, diff, now);
      UNKNOT_TRY(WriteServices(tx, cid, diff));
      return setup_rows::ReadSetup(tx, clinic_id);
    }();
    out.emplace(std::move(saved));
    if (!*out) return out->error();  // roll back
    return core::Ok();
  });
  // Dropped whatever the outcome: a commit whose answer was lost may still have happened.
  {
    std::lock_guard lock(setups_mutex_);
    setups_.clear();
    clinics_.clear();
  }
  if (!done) {
    // An error of this save (not of the database): the caller gets it as `change` made it.
    if (out && !*out) return std::move(*out);
    return done.error();
  }
  return std::move(*out);
}

}  // namespace unknot::storage::postgres
