#include "storage/sqlite/setup_sql.hpp"

#include <algorithm>

#include "storage/sqlite/rows.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Instant;
using core::Result;
namespace clinic = core::clinic;

namespace {

// The element of `items` whose id has this value, or nullptr (a row of another practitioner or
// service cannot occur: the rows are selected by the same clinic).
template <typename T>
T* FindByIdValue(std::vector<T>& items, std::int64_t id) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return item.id.value() == id; });
  return it == items.end() ? nullptr : &*it;
}

// Fills practitioners' skills, hours, breaks and time off from their tables. Each query's first
// column is the practitioner id.
Result<void> LoadSchedules(Connection& db, core::ClinicId clinic,
                           std::vector<clinic::Practitioner>& practitioners) {
  // Calls `add(practitioner, row)` for every row that belongs to a loaded practitioner.
  auto each = [&](std::string_view sql, auto add) {
    return ForEachRow(db, sql, clinic, [&](const Statement& s) -> Result<void> {
      clinic::Practitioner* p = FindByIdValue(practitioners, s.Int(0));
      if (p == nullptr) return core::Ok();
      return add(*p, s);
    });
  };
  UNKNOT_TRY(each("SELECT practitioner_id, skill FROM practitioner_skills WHERE clinic_id = ?1",
                  [](clinic::Practitioner& p, const Statement& s) -> Result<void> {
                    p.skills.push_back(
                        UNKNOT_TRY(ParseColumn<clinic::Skill>(s, 1, clinic::ParseSkill, "skill")));
                    return core::Ok();
                  }));
  for (auto& p : practitioners) std::sort(p.skills.begin(), p.skills.end());
  UNKNOT_TRY(
      each("SELECT practitioner_id, weekday, start_minute, end_minute FROM working_hours "
           "WHERE clinic_id = ?1 ORDER BY id",
           [](clinic::Practitioner& p, const Statement& s) -> Result<void> {
             p.hours.push_back({date::weekday{static_cast<unsigned>(s.Int(1))},
                                UNKNOT_TRY(MinuteColumn(s, 2)), UNKNOT_TRY(MinuteColumn(s, 3))});
             return core::Ok();
           }));
  UNKNOT_TRY(
      each("SELECT practitioner_id, weekday, start_minute, end_minute, label FROM breaks "
           "WHERE clinic_id = ?1 ORDER BY id",
           [](clinic::Practitioner& p, const Statement& s) -> Result<void> {
             p.breaks.push_back({date::weekday{static_cast<unsigned>(s.Int(1))},
                                 UNKNOT_TRY(MinuteColumn(s, 2)), UNKNOT_TRY(MinuteColumn(s, 3)),
                                 s.Text(4)});
             return core::Ok();
           }));
  return each(
      "SELECT practitioner_id, id, start_at, end_at, reason FROM time_off "
      "WHERE clinic_id = ?1 ORDER BY start_at, id",
      [](clinic::Practitioner& p, const Statement& s) -> Result<void> {
        p.time_off.push_back(
            {core::TimeOffId{s.Int(1)}, UNKNOT_TRY(IntervalColumns(s, 2, 3)), s.Text(4)});
        return core::Ok();
      });
}

// Fills services' allowed roles and required skills.
Result<void> LoadServiceRules(Connection& db, core::ClinicId clinic,
                              std::vector<clinic::Service>& services) {
  UNKNOT_TRY(ForEachRow(db, "SELECT service_id, role FROM service_roles WHERE clinic_id = ?1",
                        clinic, [&](const Statement& s) -> Result<void> {
                          if (auto* service = FindByIdValue(services, s.Int(0))) {
                            service->allowed_roles.push_back(UNKNOT_TRY(
                                ParseColumn<clinic::Role>(s, 1, clinic::ParseRole, "role")));
                          }
                          return core::Ok();
                        }));
  UNKNOT_TRY(ForEachRow(db, "SELECT service_id, skill FROM service_skills WHERE clinic_id = ?1",
                        clinic, [&](const Statement& s) -> Result<void> {
                          if (auto* service = FindByIdValue(services, s.Int(0))) {
                            service->required_skills.push_back(UNKNOT_TRY(
                                ParseColumn<clinic::Skill>(s, 1, clinic::ParseSkill, "skill")));
                          }
                          return core::Ok();
                        }));
  for (auto& s : services) {
    std::sort(s.allowed_roles.begin(), s.allowed_roles.end());
    std::sort(s.required_skills.begin(), s.required_skills.end());
  }
  return core::Ok();
}

}  // namespace

Result<clinic::ClinicSetup> ReadSetup(Connection& db, core::ClinicId clinic_id) {
  clinic::ClinicSetup setup;
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT " + std::string(kClinicColumns) + " FROM clinics WHERE id = ?1"));
  stmt.Bind(1, clinic_id.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such clinic");
  setup.clinic = ReadClinic(stmt);
  setup.rooms = UNKNOT_TRY(QueryAll<clinic::Room>(
      db, "SELECT id, name, kind FROM rooms WHERE clinic_id = ?1 ORDER BY id", clinic_id,
      [](const Statement& s) -> Result<clinic::Room> {
        return clinic::Room{
            core::RoomId{s.Int(0)}, s.Text(1),
            UNKNOT_TRY(ParseColumn<clinic::RoomKind>(s, 2, clinic::ParseRoomKind, "room kind"))};
      }));
  setup.practitioners = UNKNOT_TRY(QueryAll<clinic::Practitioner>(
      db,
      "SELECT id, slug, display_name, role, bio, status, allow_overbooking FROM practitioners "
      "WHERE clinic_id = ?1 ORDER BY id",
      clinic_id, [](const Statement& s) -> Result<clinic::Practitioner> {
        clinic::Practitioner p;
        p.id = core::PractitionerId{s.Int(0)};
        p.slug = s.Text(1);
        p.display_name = s.Text(2);
        p.role = UNKNOT_TRY(ParseColumn<clinic::Role>(s, 3, clinic::ParseRole, "role"));
        p.bio = s.Text(4);
        p.status = s.Text(5) == "active" ? clinic::PractitionerStatus::kActive
                                         : clinic::PractitionerStatus::kInactive;
        p.allow_overbooking = s.Int(6) != 0;
        return p;
      }));
  UNKNOT_TRY(LoadSchedules(db, clinic_id, setup.practitioners));
  setup.services = UNKNOT_TRY(QueryAll<clinic::Service>(
      db,
      "SELECT id, slug, name, description, duration_minutes, buffer_minutes, room_kind, "
      "eligibility, price_minor_units, currency FROM services WHERE clinic_id = ?1 ORDER BY id",
      clinic_id, [](const Statement& s) -> Result<clinic::Service> {
        clinic::Service v;
        v.id = core::ServiceId{s.Int(0)};
        v.slug = s.Text(1);
        v.name = s.Text(2);
        v.description = s.Text(3);
        v.duration = std::chrono::minutes{s.Int(4)};
        v.buffer_after = std::chrono::minutes{s.Int(5)};
        v.room_kind =
            UNKNOT_TRY(ParseColumn<clinic::RoomKind>(s, 6, clinic::ParseRoomKind, "room kind"));
        v.eligibility = s.Text(7) == "new_patients_only"
                            ? clinic::PatientEligibility::kNewPatientsOnly
                            : clinic::PatientEligibility::kAnyPatient;
        v.price = {s.Int(8), s.Text(9)};
        return v;
      }));
  UNKNOT_TRY(LoadServiceRules(db, clinic_id, setup.services));
  return setup;
}

Result<clinic::ClinicSetup> WriteSetup(Connection& db, clinic::ClinicSetup setup, Instant now) {
  clinic::Clinic& c = setup.clinic;
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO clinics (slug, name, phone, address_line1, address_line2, city, region, "
      "postal_code, country, time_zone, min_notice_minutes, horizon_days, "
      "cancellation_window_minutes, slot_step_minutes, grace_period_minutes, created_at, "
      "address_write_count, address_write_period_seconds, address_write_burst, "
      "email_booking_count, email_booking_period_seconds, email_booking_burst, "
      "max_future_online_bookings, session_idle_timeout_minutes, "
      "session_absolute_timeout_minutes, no_show_approval_threshold) VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, "
      "?25, ?26)"));
  stmt.Bind(1, c.slug).Bind(2, c.name).Bind(3, c.phone).Bind(4, c.address.line1);
  stmt.Bind(5, c.address.line2).Bind(6, c.address.city).Bind(7, c.address.region);
  stmt.Bind(8, c.address.postal_code).Bind(9, c.address.country).Bind(10, c.time_zone);
  stmt.Bind(11, Minutes(c.policy.min_notice)).Bind(12, std::int64_t{c.policy.horizon.count()});
  stmt.Bind(13, Minutes(c.policy.cancellation_window)).Bind(14, Minutes(c.policy.slot_step));
  stmt.Bind(15, Minutes(c.policy.grace_period)).Bind(16, Seconds(now));
  const clinic::RateLimit& per_address = c.policy.address_writes;
  const clinic::RateLimit& per_email = c.policy.email_bookings;
  stmt.Bind(17, std::int64_t{per_address.count}).Bind(18, std::int64_t{per_address.period.count()});
  stmt.Bind(19, std::int64_t{per_address.burst}).Bind(20, std::int64_t{per_email.count});
  stmt.Bind(21, std::int64_t{per_email.period.count()}).Bind(22, std::int64_t{per_email.burst});
  stmt.Bind(23, std::int64_t{c.policy.max_future_online_bookings});
  stmt.Bind(24, Minutes(c.sessions.idle_timeout)).Bind(25, Minutes(c.sessions.absolute_timeout));
  stmt.Bind(26, std::int64_t{c.policy.no_show_approval_threshold});
  auto clinic_id = Insert(stmt, db);
  if (!clinic_id) {
    if (clinic_id.error().code() == ErrorCode::kConflict) {
      return Error(ErrorCode::kConflict, "a clinic with slug '" + c.slug + "' already exists",
                   {{"clinic.slug", "is taken"}});
    }
    return std::move(clinic_id).error();
  }
  c.id = core::ClinicId{*clinic_id};
  const std::int64_t cid = c.id.value();

  Statement room =
      UNKNOT_TRY(db.PrepareCached("INSERT INTO rooms (clinic_id, name, kind) VALUES (?1, ?2, ?3)"));
  for (clinic::Room& r : setup.rooms) {
    room.Reset();
    room.Bind(1, cid).Bind(2, r.name).Bind(3, clinic::ToString(r.kind));
    r.id = core::RoomId{UNKNOT_TRY(Insert(room, db))};
  }

  Statement practitioner = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO practitioners (clinic_id, slug, display_name, role, bio, status, "
      "allow_overbooking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  Statement skill = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO practitioner_skills (clinic_id, practitioner_id, skill) VALUES (?1, ?2, ?3)"));
  Statement hours = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO working_hours (clinic_id, practitioner_id, weekday, start_minute, end_minute) "
      "VALUES (?1, ?2, ?3, ?4, ?5)"));
  Statement pause = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO breaks (clinic_id, practitioner_id, weekday, start_minute, end_minute, label) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  Statement off = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO time_off (clinic_id, practitioner_id, start_at, end_at, reason) "
      "VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (clinic::Practitioner& p : setup.practitioners) {
    practitioner.Reset();
    practitioner.Bind(1, cid).Bind(2, p.slug).Bind(3, p.display_name);
    practitioner.Bind(4, clinic::ToString(p.role)).Bind(5, p.bio);
    practitioner.Bind(6, p.status == clinic::PractitionerStatus::kActive ? "active" : "inactive");
    practitioner.Bind(7, std::int64_t{p.allow_overbooking ? 1 : 0});
    p.id = core::PractitionerId{UNKNOT_TRY(Insert(practitioner, db))};
    for (clinic::Skill s : p.skills) {
      skill.Reset();
      skill.Bind(1, cid).Bind(2, p.id.value()).Bind(3, clinic::ToString(s));
      UNKNOT_TRY(skill.Run());
    }
    for (const clinic::WorkingHours& h : p.hours) {
      hours.Reset();
      hours.Bind(1, cid).Bind(2, p.id.value()).Bind(3, std::int64_t{h.day.c_encoding()});
      hours.Bind(4, Minutes(h.start.since_midnight())).Bind(5, Minutes(h.end.since_midnight()));
      UNKNOT_TRY(hours.Run());
    }
    for (const clinic::Break& b : p.breaks) {
      pause.Reset();
      pause.Bind(1, cid).Bind(2, p.id.value()).Bind(3, std::int64_t{b.day.c_encoding()});
      pause.Bind(4, Minutes(b.start.since_midnight())).Bind(5, Minutes(b.end.since_midnight()));
      pause.Bind(6, b.label);
      UNKNOT_TRY(pause.Run());
    }
    for (clinic::TimeOff& t : p.time_off) {
      off.Reset();
      off.Bind(1, cid).Bind(2, p.id.value()).Bind(3, Seconds(t.period.start()));
      off.Bind(4, Seconds(t.period.end())).Bind(5, t.reason);
      t.id = core::TimeOffId{UNKNOT_TRY(Insert(off, db))};
    }
  }

  Statement service = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO services (clinic_id, slug, name, description, duration_minutes, "
      "buffer_minutes, room_kind, eligibility, price_minor_units, currency) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  Statement role = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO service_roles (clinic_id, service_id, role) VALUES (?1, ?2, ?3)"));
  Statement needs = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO service_skills (clinic_id, service_id, skill) VALUES (?1, ?2, ?3)"));
  for (clinic::Service& s : setup.services) {
    service.Reset();
    service.Bind(1, cid).Bind(2, s.slug).Bind(3, s.name).Bind(4, s.description);
    service.Bind(5, Minutes(s.duration)).Bind(6, Minutes(s.buffer_after));
    service.Bind(7, clinic::ToString(s.room_kind)).Bind(8, clinic::ToString(s.eligibility));
    service.Bind(9, s.price.minor_units).Bind(10, s.price.currency);
    s.id = core::ServiceId{UNKNOT_TRY(Insert(service, db))};
    for (clinic::Role r : s.allowed_roles) {
      role.Reset();
      role.Bind(1, cid).Bind(2, s.id.value()).Bind(3, clinic::ToString(r));
      UNKNOT_TRY(role.Run());
    }
    for (clinic::Skill k : s.required_skills) {
      needs.Reset();
      needs.Bind(1, cid).Bind(2, s.id.value()).Bind(3, clinic::ToString(k));
      UNKNOT_TRY(needs.Run());
    }
  }
  return setup;
}

}  // namespace unknot::storage::sqlite
