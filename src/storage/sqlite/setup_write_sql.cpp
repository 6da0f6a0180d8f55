// SqliteStorage::SaveSetup: a clinic's set-up changed in place by id, inside the single writer's
// transaction, so no booking and no other set-up write can commit between what the change reads
// and what it writes (storage/setup_diff.hpp decides what to write).

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "storage/setup_diff.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/setup_sql.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

Result<std::vector<scheduling::Appointment>> BookedNotOver(Connection& db, core::ClinicId clinic,
                                                           core::Instant now) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "SELECT " + kAppointmentColumns +
      " FROM appointments WHERE clinic_id = ?1 AND status = 'booked' AND end_at > ?2 "
      "ORDER BY start_at, id"));
  stmt.Bind(1, clinic.value()).Bind(2, Seconds(now));
  std::vector<scheduling::Appointment> rows;
  while (UNKNOT_TRY(stmt.Step())) rows.push_back(UNKNOT_TRY(ReadAppointment(stmt)));
  return rows;
}

// Runs one statement with its parameters bound by `bind`.
template <typename Bind>
Result<void> Run(Connection& db, std::string_view sql, Bind bind) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(sql));
  bind(stmt);
  return stmt.Run();
}

template <typename Bind>
Result<std::int64_t> InsertRow(Connection& db, std::string_view sql, Bind bind) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(sql));
  bind(stmt);
  return Insert(stmt, db);
}

// kConflict when an appointment of any status refers to the row, which therefore stays.
Result<void> Unreferenced(Connection& db, core::ClinicId clinic, std::string_view column,
                          std::int64_t id, std::string_view field, std::string_view what) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("SELECT count(*) FROM appointments WHERE "
                                  "clinic_id = ?1 AND " +
                                  std::string(column) + " = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, id);
  UNKNOT_TRY(stmt.Step());
  if (stmt.Int(0) > 0) {
    std::string reason =
        std::string(what) + " " + std::to_string(id) + " has appointments and cannot be removed";
    return Error(ErrorCode::kConflict, reason, {{std::string(field), reason}});
  }
  return core::Ok();
}

Result<void> UpdateClinic(Connection& db, const clinic::Clinic& c) {
  return Run(db,
             "UPDATE clinics SET name = ?2, phone = ?3, address_line1 = ?4, address_line2 = ?5, "
             "city = ?6, region = ?7, postal_code = ?8, country = ?9, time_zone = ?10, "
             "min_notice_minutes = ?11, horizon_days = ?12, cancellation_window_minutes = ?13, "
             "slot_step_minutes = ?14, grace_period_minutes = ?15, address_write_count = ?16, "
             "address_write_period_seconds = ?17, address_write_burst = ?18, "
             "email_booking_count = ?19, email_booking_period_seconds = ?20, "
             "email_booking_burst = ?21, max_future_online_bookings = ?22, "
             "session_idle_timeout_minutes = ?23, session_absolute_timeout_minutes = ?24, "
             "no_show_approval_threshold = ?25 WHERE id = ?1",
             [&](Statement& s) {
               s.Bind(1, c.id.value()).Bind(2, c.name).Bind(3, c.phone);
               s.Bind(4, c.address.line1).Bind(5, c.address.line2).Bind(6, c.address.city);
               s.Bind(7, c.address.region).Bind(8, c.address.postal_code);
               s.Bind(9, c.address.country).Bind(10, c.time_zone);
               s.Bind(11, Minutes(c.policy.min_notice));
               s.Bind(12, std::int64_t{c.policy.horizon.count()});
               s.Bind(13, Minutes(c.policy.cancellation_window));
               s.Bind(14, Minutes(c.policy.slot_step)).Bind(15, Minutes(c.policy.grace_period));
               const clinic::RateLimit& a = c.policy.address_writes;
               const clinic::RateLimit& e = c.policy.email_bookings;
               s.Bind(16, std::int64_t{a.count}).Bind(17, std::int64_t{a.period.count()});
               s.Bind(18, std::int64_t{a.burst}).Bind(19, std::int64_t{e.count});
               s.Bind(20, std::int64_t{e.period.count()}).Bind(21, std::int64_t{e.burst});
               s.Bind(22, std::int64_t{c.policy.max_future_online_bookings});
               s.Bind(23, Minutes(c.sessions.idle_timeout));
               s.Bind(24, Minutes(c.sessions.absolute_timeout));
               s.Bind(25, std::int64_t{c.policy.no_show_approval_threshold});
             });
}

Result<void> WriteRooms(Connection& db, core::ClinicId cid, const SetupDiff& diff) {
  for (core::RoomId id : diff.delete_rooms) {
    UNKNOT_TRY(Unreferenced(db, cid, "room_id", id.value(), "rooms", "room"));
    UNKNOT_TRY(Run(db, "DELETE FROM rooms WHERE clinic_id = ?1 AND id = ?2",
                   [&](Statement& s) { s.Bind(1, cid.value()).Bind(2, id.value()); }));
  }
  for (const clinic::Room* r : diff.update_rooms) {
    UNKNOT_TRY(Run(db, "UPDATE rooms SET name = ?3, kind = ?4 WHERE clinic_id = ?1 AND id = ?2",
                   [&](Statement& s) {
                     s.Bind(1, cid.value()).Bind(2, r->id.value()).Bind(3, r->name);
                     s.Bind(4, clinic::ToString(r->kind));
                   }));
  }
  for (const clinic::Room* r : diff.insert_rooms) {
    UNKNOT_TRY(InsertRow(db, "INSERT INTO rooms (clinic_id, name, kind) VALUES (?1, ?2, ?3)",
                         [&](Statement& s) {
                           s.Bind(1, cid.value()).Bind(2, r->name);
                           s.Bind(3, clinic::ToString(r->kind));
                         }));
  }
  return core::Ok();
}

// Replaces the rows of one practitioner's child table: skills, hours or breaks.
Result<void> DeleteChildren(Connection& db, std::string_view table, core::ClinicId cid,
                            core::PractitionerId id) {
  return Run(db,
             "DELETE FROM " + std::string(table) + " WHERE clinic_id = ?1 AND practitioner_id = ?2",
             [&](Statement& s) { s.Bind(1, cid.value()).Bind(2, id.value()); });
}

Result<void> InsertSkills(Connection& db, core::ClinicId cid, const clinic::Practitioner& p) {
  for (clinic::Skill skill : p.skills) {
    UNKNOT_TRY(Run(db,
                   "INSERT INTO practitioner_skills (clinic_id, practitioner_id, skill) "
                   "VALUES (?1, ?2, ?3)",
                   [&](Statement& s) {
                     s.Bind(1, cid.value()).Bind(2, p.id.value()).Bind(3, clinic::ToString(skill));
                   }));
  }
  return core::Ok();
}

Result<void> InsertHours(Connection& db, core::ClinicId cid, const clinic::Practitioner& p) {
  for (const clinic::WorkingHours& h : p.hours) {
    UNKNOT_TRY(Run(db,
                   "INSERT INTO working_hours (clinic_id, practitioner_id, weekday, start_minute, "
                   "end_minute) VALUES (?1, ?2, ?3, ?4, ?5)",
                   [&](Statement& s) {
                     s.Bind(1, cid.value()).Bind(2, p.id.value());
                     s.Bind(3, std::int64_t{h.day.c_encoding()});
                     s.Bind(4, Minutes(h.start.since_midnight()));
                     s.Bind(5, Minutes(h.end.since_midnight()));
                   }));
  }
  return core::Ok();
}

Result<void> InsertBreaks(Connection& db, core::ClinicId cid, const clinic::Practitioner& p) {
  for (const clinic::Break& b : p.breaks) {
    UNKNOT_TRY(Run(db,
                   "INSERT INTO breaks (clinic_id, practitioner_id, weekday, start_minute, "
                   "end_minute, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   [&](Statement& s) {
                     s.Bind(1, cid.value()).Bind(2, p.id.value());
                     s.Bind(3, std::int64_t{b.day.c_encoding()});
                     s.Bind(4, Minutes(b.start.since_midnight()));
                     s.Bind(5, Minutes(b.end.since_midnight())).Bind(6, b.label);
                   }));
  }
  return core::Ok();
}

Result<void> InsertTimeOff(Connection& db, core::ClinicId cid, core::PractitionerId id,
                           const clinic::TimeOff& t) {
  return Run(db,
             "INSERT INTO time_off (clinic_id, practitioner_id, start_at, end_at, reason) "
             "VALUES (?1, ?2, ?3, ?4, ?5)",
             [&](Statement& s) {
               s.Bind(1, cid.value()).Bind(2, id.value()).Bind(3, Seconds(t.period.start()));
               s.Bind(4, Seconds(t.period.end())).Bind(5, t.reason);
             });
}

Result<void> WritePractitionerRow(Connection& db, core::ClinicId cid,
                                  const clinic::Practitioner& p) {
  return Run(db,
             "UPDATE practitioners SET slug = ?3, display_name = ?4, role = ?5, bio = ?6, "
             "status = ?7, allow_overbooking = ?8 WHERE clinic_id = ?1 AND id = ?2",
             [&](Statement& s) {
               s.Bind(1, cid.value()).Bind(2, p.id.value()).Bind(3, p.slug);
               s.Bind(4, p.display_name).Bind(5, clinic::ToString(p.role)).Bind(6, p.bio);
               s.Bind(7, p.status == clinic::PractitionerStatus::kActive ? "active" : "inactive");
               s.Bind(8, std::int64_t{p.allow_overbooking ? 1 : 0});
             });
}

// Time off deleted (`kept` empty) or changed to `kept` gives back the time it no longer covers:
// each such span ending after `now` becomes a freed time for the waitlist (from `now` on), in the
// same transaction. Run before the row is deleted or updated.
Result<void> FreeTimeOff(Connection& db, core::ClinicId cid, core::TimeOffId id,
                         std::optional<core::Interval> kept, core::Instant now) {
  Statement old = UNKNOT_TRY(db.PrepareCached(
      "SELECT practitioner_id, start_at, end_at FROM time_off WHERE clinic_id = ?1 AND id = ?2"));
  old.Bind(1, cid.value()).Bind(2, id.value());
  if (!UNKNOT_TRY(old.Step())) return core::Ok();
  const std::int64_t practitioner = old.Int(0);
  const std::int64_t start = old.Int(1);
  const std::int64_t end = old.Int(2);
  old.Reset();
  std::vector<std::pair<std::int64_t, std::int64_t>> spans;
  if (!kept) {
    spans.emplace_back(start, end);
  } else {
    spans.emplace_back(start, std::min(end, Seconds(kept->start())));
    spans.emplace_back(std::max(start, Seconds(kept->end())), end);
  }
  for (auto [from, to] : spans) {
    from = std::max(from, Seconds(now));
    if (from >= to) continue;
    UNKNOT_TRY(Run(db,
                   "INSERT INTO freed_times (clinic_id, practitioner_id, start_at, blocked_until, "
                   "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                   [&](Statement& s) {
                     s.Bind(1, cid.value()).Bind(2, practitioner).Bind(3, from).Bind(4, to);
                     s.Bind(5, Seconds(now));
                   }));
  }
  return core::Ok();
}

Result<void> WritePractitioners(Connection& db, core::ClinicId cid, const SetupDiff& diff,
                                core::Instant now) {
  for (const PractitionerDiff& d : diff.update_practitioners) {
    const clinic::Practitioner& p = *d.changed;
    if (d.row) UNKNOT_TRY(WritePractitionerRow(db, cid, p));
    if (d.skills) {
      UNKNOT_TRY(DeleteChildren(db, "practitioner_skills", cid, p.id));
      UNKNOT_TRY(InsertSkills(db, cid, p));
    }
    if (d.hours) {
      UNKNOT_TRY(DeleteChildren(db, "working_hours", cid, p.id));
      UNKNOT_TRY(InsertHours(db, cid, p));
    }
    if (d.breaks) {
      UNKNOT_TRY(DeleteChildren(db, "breaks", cid, p.id));
      UNKNOT_TRY(InsertBreaks(db, cid, p));
    }
    for (core::TimeOffId id : d.delete_time_off) {
      UNKNOT_TRY(FreeTimeOff(db, cid, id, std::nullopt, now));
      UNKNOT_TRY(Run(db, "DELETE FROM time_off WHERE clinic_id = ?1 AND id = ?2",
                     [&](Statement& s) { s.Bind(1, cid.value()).Bind(2, id.value()); }));
    }
    for (const clinic::TimeOff* t : d.update_time_off) {
      UNKNOT_TRY(FreeTimeOff(db, cid, t->id, t->period, now));
      UNKNOT_TRY(Run(db,
                     "UPDATE time_off SET start_at = ?3, end_at = ?4, reason = ?5 "
                     "WHERE clinic_id = ?1 AND id = ?2",
                     [&](Statement& s) {
                       s.Bind(1, cid.value()).Bind(2, t->id.value());
                       s.Bind(3, Seconds(t->period.start())).Bind(4, Seconds(t->period.end()));
                       s.Bind(5, t->reason);
                     }));
    }
    for (const clinic::TimeOff* t : d.insert_time_off) {
      UNKNOT_TRY(InsertTimeOff(db, cid, p.id, *t));
    }
  }
  for (const clinic::Practitioner* changed : diff.insert_practitioners) {
    clinic::Practitioner p = *changed;
    p.id = core::PractitionerId{UNKNOT_TRY(InsertRow(
        db,
        "INSERT INTO practitioners (clinic_id, slug, display_name, role, bio, status, "
        "allow_overbooking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        [&](Statement& s) {
          s.Bind(1, cid.value()).Bind(2, p.slug).Bind(3, p.display_name);
          s.Bind(4, clinic::ToString(p.role)).Bind(5, p.bio);
          s.Bind(6, p.status == clinic::PractitionerStatus::kActive ? "active" : "inactive");
          s.Bind(7, std::int64_t{p.allow_overbooking ? 1 : 0});
        }))};
    UNKNOT_TRY(InsertSkills(db, cid, p));
    UNKNOT_TRY(InsertHours(db, cid, p));
    UNKNOT_TRY(InsertBreaks(db, cid, p));
    for (const clinic::TimeOff& t : p.time_off) UNKNOT_TRY(InsertTimeOff(db, cid, p.id, t));
  }
  return core::Ok();
}

Result<void> InsertServiceRules(Connection& db, core::ClinicId cid, core::ServiceId id,
                                const clinic::Service& service, bool roles, bool skills) {
  for (clinic::Role role : roles ? service.allowed_roles : std::vector<clinic::Role>{}) {
    UNKNOT_TRY(Run(db,
                   "INSERT INTO service_roles (clinic_id, service_id, role) VALUES (?1, ?2, ?3)",
                   [&](Statement& s) {
                     s.Bind(1, cid.value()).Bind(2, id.value()).Bind(3, clinic::ToString(role));
                   }));
  }
  for (clinic::Skill skill : skills ? service.required_skills : std::vector<clinic::Skill>{}) {
    UNKNOT_TRY(Run(db,
                   "INSERT INTO service_skills (clinic_id, service_id, skill) VALUES (?1, ?2, ?3)",
                   [&](Statement& s) {
                     s.Bind(1, cid.value()).Bind(2, id.value()).Bind(3, clinic::ToString(skill));
                   }));
  }
  return core::Ok();
}

Result<void> DeleteServiceRules(Connection& db, core::ClinicId cid, core::ServiceId id, bool roles,
                                bool skills) {
  auto bind = [&](Statement& s) { s.Bind(1, cid.value()).Bind(2, id.value()); };
  if (roles) {
    UNKNOT_TRY(Run(db, "DELETE FROM service_roles WHERE clinic_id = ?1 AND service_id = ?2", bind));
  }
  if (skills) {
    UNKNOT_TRY(
        Run(db, "DELETE FROM service_skills WHERE clinic_id = ?1 AND service_id = ?2", bind));
  }
  return core::Ok();
}

// The services row's columns after ?1 (clinic) and ?2 (id), in this order.
void BindService(Statement& s, const clinic::Service& v) {
  s.Bind(3, v.slug).Bind(4, v.name).Bind(5, v.description).Bind(6, Minutes(v.duration));
  s.Bind(7, Minutes(v.buffer_after)).Bind(8, clinic::ToString(v.room_kind));
  s.Bind(9, clinic::ToString(v.eligibility)).Bind(10, v.price.minor_units);
  s.Bind(11, v.price.currency);
}

Result<void> WriteServices(Connection& db, core::ClinicId cid, const SetupDiff& diff) {
  for (core::ServiceId id : diff.delete_services) {
    UNKNOT_TRY(Unreferenced(db, cid, "service_id", id.value(), "services", "service"));
    UNKNOT_TRY(DeleteServiceRules(db, cid, id, true, true));
    UNKNOT_TRY(Run(db, "DELETE FROM services WHERE clinic_id = ?1 AND id = ?2",
                   [&](Statement& s) { s.Bind(1, cid.value()).Bind(2, id.value()); }));
  }
  for (const ServiceDiff& d : diff.update_services) {
    const clinic::Service& v = *d.changed;
    if (d.row) {
      UNKNOT_TRY(Run(db,
                     "UPDATE services SET slug = ?3, name = ?4, description = ?5, "
                     "duration_minutes = ?6, buffer_minutes = ?7, room_kind = ?8, "
                     "eligibility = ?9, price_minor_units = ?10, currency = ?11 "
                     "WHERE clinic_id = ?1 AND id = ?2",
                     [&](Statement& s) {
                       s.Bind(1, cid.value()).Bind(2, v.id.value());
                       BindService(s, v);
                     }));
    }
    UNKNOT_TRY(DeleteServiceRules(db, cid, v.id, d.roles, d.skills));
    UNKNOT_TRY(InsertServiceRules(db, cid, v.id, v, d.roles, d.skills));
  }
  for (const clinic::Service* v : diff.insert_services) {
    // No ?2 (the id) in the insert: the numbered parameters match the update's.
    core::ServiceId id{UNKNOT_TRY(
        InsertRow(db,
                  "INSERT INTO services (clinic_id, slug, name, description, duration_minutes, "
                  "buffer_minutes, room_kind, eligibility, price_minor_units, currency) "
                  "VALUES (?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                  [&](Statement& s) {
                    s.Bind(1, cid.value());
                    BindService(s, *v);
                  }))};
    UNKNOT_TRY(InsertServiceRules(db, cid, id, *v, true, true));
  }
  return core::Ok();
}

}  // namespace

Result<clinic::ClinicSetup> SqliteStorage::SaveSetup(core::ClinicId clinic_id,
                                                     const SetupChange& change, core::Instant now) {
  auto saved =
      writer_->Write<clinic::ClinicSetup>([&](Connection& db) -> Result<clinic::ClinicSetup> {
        const clinic::ClinicSetup stored = UNKNOT_TRY(ReadSetup(db, clinic_id));
        const clinic::ClinicSetup changed =
            UNKNOT_TRY(change(stored, UNKNOT_TRY(BookedNotOver(db, clinic_id, now))));
        UNKNOT_TRY(clinic::Validate(changed));
        const SetupDiff diff = UNKNOT_TRY(DiffSetup(stored, changed));
        if (diff.clinic) {
          clinic::Clinic c = changed.clinic;
          c.id = clinic_id;
          UNKNOT_TRY(UpdateClinic(db, c));
        }
        UNKNOT_TRY(WriteRooms(db, clinic_id, diff));
        UNKNOT_TRY(WritePractitioners(db, clinic_id, diff, now));
        UNKNOT_TRY(WriteServices(db, clinic_id, diff));
        return ReadSetup(db, clinic_id);
      });
  if (saved) {
    // After the commit, as CreateClinic does: a reader that loaded the old set-up meanwhile does
    // not cache it (the generation moved), and every later LoadSetup reads the new one.
    std::lock_guard lock(setups_mutex_);
    ++setup_generation_;
    setups_.clear();
    clinics_.clear();
  }
  return saved;
}

}  // namespace unknot::storage::sqlite
