#include "storage/sqlite/sqlite_storage.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "storage/sqlite/migrations.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Instant;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

std::int64_t Seconds(Instant t) { return t.time_since_epoch().count(); }
Instant FromSeconds(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }
std::int64_t Minutes(std::chrono::minutes m) { return m.count(); }

// Reads an enum column; a value the code does not know means the file was edited by hand or
// written by a newer binary.
template <typename E, typename Parse>
Result<E> ParseColumn(const Statement& stmt, int column, Parse parse, std::string_view what) {
  std::string text = stmt.Text(column);
  std::optional<E> value = parse(text);
  if (!value) {
    return Error(ErrorCode::kInternal,
                 "stored " + std::string(what) + " '" + text + "' is not one this unknot knows");
  }
  return *value;
}

Result<core::TimeOfDay> MinuteColumn(const Statement& stmt, int column) {
  auto time = core::TimeOfDay::Create(std::chrono::minutes{stmt.Int(column)});
  if (!time) return Error(ErrorCode::kInternal, "stored time of day is out of range");
  return *time;
}

Result<core::Interval> IntervalColumns(const Statement& stmt, int start, int end) {
  auto interval = core::Interval::Create(FromSeconds(stmt.Int(start)), FromSeconds(stmt.Int(end)));
  if (!interval) return Error(ErrorCode::kInternal, "stored interval ends before it starts");
  return *interval;
}

constexpr std::string_view kClinicColumns =
    "id, slug, name, phone, address_line1, address_line2, city, region, postal_code, country, "
    "time_zone, min_notice_minutes, horizon_days, cancellation_window_minutes, "
    "slot_step_minutes, grace_period_minutes";

clinic::Clinic ReadClinic(const Statement& s) {
  clinic::Clinic c;
  c.id = core::ClinicId{s.Int(0)};
  c.slug = s.Text(1);
  c.name = s.Text(2);
  c.phone = s.Text(3);
  c.address = {s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9)};
  c.time_zone = s.Text(10);
  c.policy.min_notice = std::chrono::minutes{s.Int(11)};
  c.policy.horizon = std::chrono::days{s.Int(12)};
  c.policy.cancellation_window = std::chrono::minutes{s.Int(13)};
  c.policy.slot_step = std::chrono::minutes{s.Int(14)};
  c.policy.grace_period = std::chrono::minutes{s.Int(15)};
  return c;
}

constexpr std::string_view kAppointmentColumns =
    "id, patient_id, practitioner_id, service_id, room_id, start_at, end_at, blocked_until, "
    "status, source, created_at, updated_at, cancelled_at";

Result<scheduling::Appointment> ReadAppointment(const Statement& s) {
  scheduling::Appointment a{
      .id = core::AppointmentId{s.Int(0)},
      .patient = core::PatientId{s.Int(1)},
      .practitioner = core::PractitionerId{s.Int(2)},
      .service = core::ServiceId{s.Int(3)},
      .room = core::RoomId{s.Int(4)},
      .time = UNKNOT_TRY(IntervalColumns(s, 5, 6)),
      .blocked_until = FromSeconds(s.Int(7)),
      .status = UNKNOT_TRY(ParseColumn<scheduling::AppointmentStatus>(
          s, 8, scheduling::ParseAppointmentStatus, "appointment status")),
      .source = UNKNOT_TRY(ParseColumn<scheduling::BookingSource>(
          s, 9, scheduling::ParseBookingSource, "booking source")),
      .created_at = FromSeconds(s.Int(10)),
      .updated_at = FromSeconds(s.Int(11)),
      .cancelled_at = std::nullopt,
  };
  if (auto cancelled = s.OptionalInt(12)) a.cancelled_at = FromSeconds(*cancelled);
  return a;
}

// Runs a query whose ?1 is the clinic id and calls `on_row` (returning Result<void>) per row.
template <typename OnRow>
Result<void> ForEachRow(Connection& db, std::string_view sql, core::ClinicId clinic, OnRow on_row) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(sql));
  stmt.Bind(1, clinic.value());
  while (UNKNOT_TRY(stmt.Step())) UNKNOT_TRY(on_row(stmt));
  return core::Ok();
}

// Reads every row of a query bound to one clinic id through `read`.
template <typename T, typename Read>
Result<std::vector<T>> QueryAll(Connection& db, std::string_view sql, core::ClinicId clinic,
                                Read read) {
  std::vector<T> rows;
  UNKNOT_TRY(ForEachRow(db, sql, clinic, [&](const Statement& stmt) -> Result<void> {
    rows.push_back(UNKNOT_TRY(read(stmt)));
    return core::Ok();
  }));
  return rows;
}

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

Result<std::int64_t> Insert(Statement& stmt, Connection& db) {
  UNKNOT_TRY(stmt.Run());
  return db.LastInsertRowId();
}

// Writes a validated setup; runs inside the caller's transaction. Returns the setup with ids.
Result<clinic::ClinicSetup> WriteSetup(Connection& db, clinic::ClinicSetup setup, Instant now) {
  clinic::Clinic& c = setup.clinic;
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO clinics (slug, name, phone, address_line1, address_line2, city, region, "
      "postal_code, country, time_zone, min_notice_minutes, horizon_days, "
      "cancellation_window_minutes, slot_step_minutes, grace_period_minutes, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"));
  stmt.Bind(1, c.slug).Bind(2, c.name).Bind(3, c.phone).Bind(4, c.address.line1);
  stmt.Bind(5, c.address.line2).Bind(6, c.address.city).Bind(7, c.address.region);
  stmt.Bind(8, c.address.postal_code).Bind(9, c.address.country).Bind(10, c.time_zone);
  stmt.Bind(11, Minutes(c.policy.min_notice)).Bind(12, std::int64_t{c.policy.horizon.count()});
  stmt.Bind(13, Minutes(c.policy.cancellation_window)).Bind(14, Minutes(c.policy.slot_step));
  stmt.Bind(15, Minutes(c.policy.grace_period)).Bind(16, Seconds(now));
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
      "INSERT INTO practitioners (clinic_id, slug, display_name, role, bio, status) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
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

Result<void> CheckHeader(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::kUnavailable,
                 "cannot read database " + path + ": " + std::strerror(errno));
  }
  char header[16] = {};
  in.read(header, sizeof header);
  std::streamsize got = in.gcount();
  if (got == 0) return core::Ok();  // an empty file is an empty database
  if (got < 16 || std::memcmp(header, "SQLite format 3", 16) != 0) {
    return Error(ErrorCode::kInvalidArgument, path + " is not a SQLite database");
  }
  return core::Ok();
}

}  // namespace

Result<Connection> OpenDatabase(const std::string& path, CreateMode create, SchemaCheck check) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  bool exists = std::filesystem::exists(status);
  if (exists && std::filesystem::is_directory(status)) {
    return Error(ErrorCode::kInvalidArgument, path + " is a directory, not a database file");
  }
  if (!exists && create == CreateMode::kNever) {
    return Error(
        ErrorCode::kNotFound,
        "no database at " + path + " (create it with: unknot migrate --database " + path + ")");
  }
  if (exists) UNKNOT_TRY(CheckHeader(path));
  Connection db = UNKNOT_TRY(Connection::Open(path, create == CreateMode::kIfMissing
                                                        ? Connection::OpenMode::kReadWriteCreate
                                                        : Connection::OpenMode::kReadWrite));
  auto version = CurrentSchemaVersion(db);
  if (!version) return version.error().WithContext(path);
  if (*version > LatestSchemaVersion()) {
    return Error(ErrorCode::kConflict, path + " has schema version " + std::to_string(*version) +
                                           ", newer than this unknot supports (" +
                                           std::to_string(LatestSchemaVersion()) +
                                           "); use a newer unknot");
  }
  if (check == SchemaCheck::kRequireLatest && *version < LatestSchemaVersion()) {
    return Error(ErrorCode::kConflict, path + " has schema version " + std::to_string(*version) +
                                           ", this unknot needs " +
                                           std::to_string(LatestSchemaVersion()) +
                                           " (run: unknot migrate --database " + path + ")");
  }
  // Only now, with every check passed, may anything be written (WAL mode changes the header).
  UNKNOT_TRY(db.Exec("PRAGMA foreign_keys = ON"));
  Statement wal = UNKNOT_TRY(db.PrepareCached("PRAGMA journal_mode = WAL"));
  if (!UNKNOT_TRY(wal.Step()) || wal.Text(0) != "wal") {
    return Error(ErrorCode::kUnavailable, "cannot switch " + path + " to WAL mode");
  }
  UNKNOT_TRY(db.Exec("PRAGMA synchronous = FULL"));
  return db;
}

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const std::string& path,
                                                           const core::Clock& clock) {
  Connection db = UNKNOT_TRY(OpenDatabase(path, CreateMode::kNever, SchemaCheck::kRequireLatest));
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(std::move(db), clock));
}

Result<void> SqliteStorage::Ping() {
  std::lock_guard lock(mutex_);
  UNKNOT_TRY(db_.QueryInt("SELECT 1"));
  return core::Ok();
}

Result<std::vector<clinic::Clinic>> SqliteStorage::ListClinics() {
  std::lock_guard lock(mutex_);
  Statement stmt = UNKNOT_TRY(
      db_.PrepareCached("SELECT " + std::string(kClinicColumns) + " FROM clinics ORDER BY slug"));
  std::vector<clinic::Clinic> clinics;
  while (UNKNOT_TRY(stmt.Step())) clinics.push_back(ReadClinic(stmt));
  return clinics;
}

Result<clinic::Clinic> SqliteStorage::FindClinic(std::string_view slug) {
  std::lock_guard lock(mutex_);
  Statement stmt = UNKNOT_TRY(
      db_.PrepareCached("SELECT " + std::string(kClinicColumns) + " FROM clinics WHERE slug = ?1"));
  stmt.Bind(1, slug);
  if (!UNKNOT_TRY(stmt.Step())) {
    return Error::NotFound("no clinic '" + std::string(slug) + "'");
  }
  return ReadClinic(stmt);
}

Result<clinic::ClinicSetup> SqliteStorage::LoadSetup(core::ClinicId clinic_id) {
  std::lock_guard lock(mutex_);
  // One read transaction, so the parts are from the same moment.
  UNKNOT_TRY(db_.Exec("BEGIN"));
  auto result = [&]() -> Result<clinic::ClinicSetup> {
    clinic::ClinicSetup setup;
    Statement stmt = UNKNOT_TRY(
        db_.PrepareCached("SELECT " + std::string(kClinicColumns) + " FROM clinics WHERE id = ?1"));
    stmt.Bind(1, clinic_id.value());
    if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such clinic");
    setup.clinic = ReadClinic(stmt);
    setup.rooms = UNKNOT_TRY(QueryAll<clinic::Room>(
        db_, "SELECT id, name, kind FROM rooms WHERE clinic_id = ?1 ORDER BY id", clinic_id,
        [](const Statement& s) -> Result<clinic::Room> {
          return clinic::Room{
              core::RoomId{s.Int(0)}, s.Text(1),
              UNKNOT_TRY(ParseColumn<clinic::RoomKind>(s, 2, clinic::ParseRoomKind, "room kind"))};
        }));
    setup.practitioners = UNKNOT_TRY(QueryAll<clinic::Practitioner>(
        db_,
        "SELECT id, slug, display_name, role, bio, status FROM practitioners "
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
          return p;
        }));
    UNKNOT_TRY(LoadSchedules(db_, clinic_id, setup.practitioners));
    setup.services = UNKNOT_TRY(QueryAll<clinic::Service>(
        db_,
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
    UNKNOT_TRY(LoadServiceRules(db_, clinic_id, setup.services));
    return setup;
  }();
  (void)db_.Exec("COMMIT");
  return result;
}

Result<clinic::ClinicSetup> SqliteStorage::CreateClinic(const clinic::ClinicSetup& setup) {
  UNKNOT_TRY(clinic::Validate(setup));
  std::lock_guard lock(mutex_);
  return InTransaction(db_, [&] { return WriteSetup(db_, setup, clock_.Now()); });
}

Result<clinic::Patient> SqliteStorage::CreatePatient(core::ClinicId clinic_id,
                                                     const clinic::Patient& patient) {
  UNKNOT_TRY(clinic::Validate(patient));
  std::lock_guard lock(mutex_);
  Statement stmt = UNKNOT_TRY(db_.PrepareCached(
      "INSERT INTO patients (clinic_id, given_name, family_name, email, phone, created_at) "
      "SELECT id, ?2, ?3, ?4, ?5, ?6 FROM clinics WHERE id = ?1"));
  clinic::Patient stored = patient;
  stored.created_at = clock_.Now();
  stmt.Bind(1, clinic_id.value()).Bind(2, patient.given_name).Bind(3, patient.family_name);
  stmt.Bind(4, patient.email).Bind(5, patient.phone).Bind(6, Seconds(stored.created_at));
  UNKNOT_TRY(stmt.Run());
  if (db_.Changes() == 0) return Error::NotFound("no such clinic");
  stored.id = core::PatientId{db_.LastInsertRowId()};
  return stored;
}

Result<clinic::Patient> SqliteStorage::FindPatient(core::ClinicId clinic_id,
                                                   core::PatientId patient) {
  std::lock_guard lock(mutex_);
  Statement stmt = UNKNOT_TRY(db_.PrepareCached(
      "SELECT id, given_name, family_name, email, phone, created_at FROM patients "
      "WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic_id.value()).Bind(2, patient.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such patient");
  return clinic::Patient{
      core::PatientId{stmt.Int(0)}, stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Text(4),
      FromSeconds(stmt.Int(5))};
}

Result<scheduling::Appointment> SqliteStorage::InsertAppointment(
    core::ClinicId clinic_id, const scheduling::Appointment& appointment) {
  if (appointment.blocked_until < appointment.time.end()) {
    return Error::InvalidField("blocked_until", "must not be before the end");
  }
  std::lock_guard lock(mutex_);
  Statement stmt = UNKNOT_TRY(db_.PrepareCached(
      "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id, "
      "start_at, end_at, blocked_until, status, source, created_at, updated_at, cancelled_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  const scheduling::Appointment& a = appointment;
  stmt.Bind(1, clinic_id.value()).Bind(2, a.patient.value()).Bind(3, a.practitioner.value());
  stmt.Bind(4, a.service.value()).Bind(5, a.room.value()).Bind(6, Seconds(a.time.start()));
  stmt.Bind(7, Seconds(a.time.end())).Bind(8, Seconds(a.blocked_until));
  stmt.Bind(9, scheduling::ToString(a.status)).Bind(10, scheduling::ToString(a.source));
  stmt.Bind(11, Seconds(a.created_at)).Bind(12, Seconds(a.updated_at));
  stmt.Bind(13,
            a.cancelled_at ? std::optional<std::int64_t>{Seconds(*a.cancelled_at)} : std::nullopt);
  if (auto run = stmt.Run(); !run) {
    if (run.error().code() == ErrorCode::kConflict) {
      // A foreign key failed: one of the references is not this clinic's.
      return Error(ErrorCode::kInvalidArgument,
                   "the patient, practitioner, service or room does not belong to this clinic");
    }
    return std::move(run).error();
  }
  scheduling::Appointment stored = appointment;
  stored.id = core::AppointmentId{db_.LastInsertRowId()};
  return stored;
}

Result<scheduling::Appointment> SqliteStorage::FindAppointment(core::ClinicId clinic_id,
                                                               core::AppointmentId appointment) {
  std::lock_guard lock(mutex_);
  Statement stmt =
      UNKNOT_TRY(db_.PrepareCached("SELECT " + std::string(kAppointmentColumns) +
                                   " FROM appointments WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic_id.value()).Bind(2, appointment.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such appointment");
  return ReadAppointment(stmt);
}

Result<std::vector<scheduling::Appointment>> SqliteStorage::ListAppointments(
    core::ClinicId clinic_id, core::Interval window) {
  std::lock_guard lock(mutex_);
  Statement stmt = UNKNOT_TRY(db_.PrepareCached(
      "SELECT " + std::string(kAppointmentColumns) +
      " FROM appointments WHERE clinic_id = ?1 AND start_at < ?3 AND blocked_until > ?2 "
      "ORDER BY start_at, id"));
  stmt.Bind(1, clinic_id.value()).Bind(2, Seconds(window.start())).Bind(3, Seconds(window.end()));
  std::vector<scheduling::Appointment> rows;
  while (UNKNOT_TRY(stmt.Step())) rows.push_back(UNKNOT_TRY(ReadAppointment(stmt)));
  return rows;
}

}  // namespace unknot::storage::sqlite
