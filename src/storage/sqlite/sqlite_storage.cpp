#include "storage/sqlite/sqlite_storage.hpp"

#include <filesystem>

#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/setup_sql.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

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
  // Nothing but SQLite may open the file: POSIX locks belong to the process, and closing any other
  // descriptor of the file drops SQLite's. Another program closing its connection would then
  // believe it was the last user, checkpoint and delete the WAL this process still writes into,
  // and every commit after that would be lost in a crash. Whether the file is a SQLite database
  // is found out by SQLite itself, when the schema version is read (SQLITE_NOTADB).
  Connection db = UNKNOT_TRY(Connection::Open(path, create == CreateMode::kIfMissing
                                                        ? Connection::OpenMode::kReadWriteCreate
                                                        : Connection::OpenMode::kReadWrite));
  auto version = CurrentSchemaVersion(db);
  if (!version && version.error().code() == ErrorCode::kInvalidArgument) {
    return Error(ErrorCode::kInvalidArgument, path + " is not a SQLite database");
  }
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
  Statement wal = UNKNOT_TRY(db.Prepare("PRAGMA journal_mode = WAL"));
  if (!UNKNOT_TRY(wal.Step()) || wal.Text(0) != "wal") {
    return Error(ErrorCode::kUnavailable, "cannot switch " + path + " to WAL mode");
  }
  UNKNOT_TRY(db.Exec("PRAGMA synchronous = FULL"));
  // Statement journals (every statement inside a savepoint that a trigger may abort) stay in
  // memory instead of temporary files.
  UNKNOT_TRY(db.Exec("PRAGMA temp_store = MEMORY"));
  return db;
}

Result<MigrationReport> MigrateDatabase(const std::string& path, const core::Clock& clock) {
  Connection db = UNKNOT_TRY(OpenDatabase(path, CreateMode::kIfMissing, SchemaCheck::kAllowOlder));
  auto report = Migrate(db, clock);
  if (!report) return report.error().WithContext(path);
  return report;
}

SqliteStorage::SqliteStorage(std::string path, Connection writer, const core::Clock& clock)
    : path_(std::move(path)),
      clock_(clock),
      writer_(std::make_unique<WriteQueue>(std::move(writer))) {}

SqliteStorage::~SqliteStorage() = default;

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const std::string& path,
                                                           const core::Clock& clock) {
  Connection writer =
      UNKNOT_TRY(OpenDatabase(path, CreateMode::kNever, SchemaCheck::kRequireLatest));
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(path, std::move(writer), clock));
}

SqliteStorage::Reader::~Reader() {
  std::lock_guard lock(owner_.readers_mutex_);
  owner_.idle_readers_.push_back(std::move(db_));
}

Result<std::unique_ptr<SqliteStorage::Reader>> SqliteStorage::BorrowReader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return std::make_unique<Reader>(*this, std::move(db));
    }
  }
  // One connection per concurrent reader; they stay in the pool afterwards.
  Connection db = UNKNOT_TRY(OpenDatabase(path_, CreateMode::kNever, SchemaCheck::kRequireLatest));
  return std::make_unique<Reader>(*this, std::make_unique<Connection>(std::move(db)));
}

Result<void> SqliteStorage::Ping() {
  auto reader = UNKNOT_TRY(BorrowReader());
  UNKNOT_TRY(reader->db().QueryInt("SELECT 1"));
  return core::Ok();
}

Result<std::vector<clinic::Clinic>> SqliteStorage::ListClinics() {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(
      reader->db().PrepareCached("SELECT " + kClinicColumns + " FROM clinics ORDER BY slug"));
  std::vector<clinic::Clinic> clinics;
  while (UNKNOT_TRY(stmt.Step())) clinics.push_back(ReadClinic(stmt));
  return clinics;
}

Result<clinic::Clinic> SqliteStorage::FindClinic(std::string_view slug) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(setups_mutex_);
    if (auto it = clinics_.find(std::string(slug)); it != clinics_.end()) return it->second;
    generation = setup_generation_;
  }
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(
      reader->db().PrepareCached("SELECT " + kClinicColumns + " FROM clinics WHERE slug = ?1"));
  stmt.Bind(1, slug);
  if (!UNKNOT_TRY(stmt.Step())) {
    return Error::NotFound("no clinic '" + std::string(slug) + "'");
  }
  clinic::Clinic found = ReadClinic(stmt);
  std::lock_guard lock(setups_mutex_);
  // Cache only what was read before any setup write that happened meanwhile.
  if (generation == setup_generation_) clinics_.emplace(found.slug, found);
  return found;
}

Result<std::shared_ptr<const clinic::ClinicSetup>> SqliteStorage::LoadSetup(
    core::ClinicId clinic_id) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(setups_mutex_);
    if (auto it = setups_.find(clinic_id.value()); it != setups_.end()) return it->second;
    generation = setup_generation_;
  }
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  // One read transaction, so the parts are from the same moment.
  auto read = InReadTransaction(db, [&] { return ReadSetup(db, clinic_id); });
  if (!read) return std::move(read).error();
  auto setup = std::make_shared<const clinic::ClinicSetup>(std::move(*read));
  std::lock_guard lock(setups_mutex_);
  if (generation == setup_generation_) setups_.emplace(clinic_id.value(), setup);
  return setup;
}

Result<clinic::ClinicSetup> SqliteStorage::CreateClinic(const clinic::ClinicSetup& setup) {
  UNKNOT_TRY(clinic::Validate(setup));
  core::Instant now = clock_.Now();
  auto created = writer_->Write<clinic::ClinicSetup>(
      [&](Connection& db) { return WriteSetup(db, setup, now); });
  if (created) {
    std::lock_guard lock(setups_mutex_);
    ++setup_generation_;
    setups_.clear();
    clinics_.clear();
  }
  return created;
}

Result<clinic::Patient> SqliteStorage::CreatePatient(core::ClinicId clinic_id,
                                                     const clinic::Patient& patient) {
  UNKNOT_TRY(clinic::Validate(patient));
  clinic::Patient stored = patient;
  stored.created_at = clock_.Now();
  return writer_->Write<clinic::Patient>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) -> Result<clinic::Patient> {
        changes.Nothing();  // a patient is not in the schedule until booked
        stored.id = UNKNOT_TRY(InsertPatient(db, clinic_id, stored));
        return stored;
      });
}

Result<clinic::Patient> SqliteStorage::FindPatient(core::ClinicId clinic_id,
                                                   core::PatientId patient) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kPatientColumns + " FROM patients WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic_id.value()).Bind(2, patient.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such patient");
  return ReadPatient(stmt, 0);
}

Result<scheduling::Appointment> SqliteStorage::InsertAppointment(
    core::ClinicId clinic_id, const scheduling::Appointment& appointment) {
  if (appointment.blocked_until < appointment.time.end()) {
    return Error::InvalidField("blocked_until", "must not be before the end");
  }
  return writer_->Write<scheduling::Appointment>(
      [&](Connection& db) { return InsertAppointmentRow(db, clinic_id, appointment, ""); });
}

Result<scheduling::Appointment> SqliteStorage::FindAppointment(core::ClinicId clinic_id,
                                                               core::AppointmentId appointment) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return FindAppointmentRow(reader->db(), clinic_id, appointment);
}

Result<std::vector<scheduling::Appointment>> SqliteStorage::ListAppointments(
    core::ClinicId clinic_id, core::Interval window) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kAppointmentColumns +
      " FROM appointments WHERE clinic_id = ?1 AND start_at < ?3 AND blocked_until > ?2 "
      "ORDER BY start_at, id"));
  stmt.Bind(1, clinic_id.value()).Bind(2, Seconds(window.start())).Bind(3, Seconds(window.end()));
  std::vector<scheduling::Appointment> rows;
  while (UNKNOT_TRY(stmt.Step())) rows.push_back(UNKNOT_TRY(ReadAppointment(stmt)));
  return rows;
}

Result<std::vector<scheduling::Booking>> SqliteStorage::ListBookings(core::ClinicId clinic_id,
                                                                     core::Interval window) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return ListBookingRows(reader->db(), clinic_id, window);
}

Result<std::vector<scheduling::Booking>> SqliteStorage::ListPractitionerBookings(
    core::ClinicId clinic_id, core::PractitionerId practitioner, core::Interval window) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return ListPractitionerBookingRows(reader->db(), clinic_id, practitioner, window);
}

Result<scheduling::Appointment> SqliteStorage::Book(core::ClinicId clinic_id,
                                                    const core::ports::NewBooking& booking) {
  UNKNOT_TRY(clinic::Validate(booking.patient));
  core::Instant now = clock_.Now();
  return writer_->Write<scheduling::Appointment>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) {
        return BookRows(db, clinic_id, booking, now, changes);
      });
}

Result<std::optional<core::ports::StoredResponse>> SqliteStorage::FindResponse(
    core::ClinicId clinic_id, std::string_view key) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return FindResponseRow(reader->db(), clinic_id, key);
}

Result<std::string> SqliteStorage::ManageTokenHash(core::ClinicId clinic_id,
                                                   core::AppointmentId appointment) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT manage_token_hash FROM appointments WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic_id.value()).Bind(2, appointment.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such appointment");
  return stmt.Text(0);
}

Result<scheduling::Appointment> SqliteStorage::Cancel(core::ClinicId clinic_id,
                                                      core::AppointmentId appointment,
                                                      core::Instant now) {
  return writer_->Write<scheduling::Appointment>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) {
        return CancelRow(db, clinic_id, appointment, now, changes);
      });
}

Result<scheduling::Appointment> SqliteStorage::Reschedule(core::ClinicId clinic_id,
                                                          const scheduling::Appointment& moved) {
  core::Instant now = clock_.Now();
  return writer_->Write<scheduling::Appointment>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) {
        return RescheduleRow(db, clinic_id, moved, now, changes);
      });
}

Result<core::AssessmentId> SqliteStorage::CreateAssessment(
    core::ClinicId clinic_id, const core::ports::StoredAssessment& assessment) {
  return writer_->Write<core::AssessmentId>(
      [&](Connection& db, scheduling::ScheduleChanges& changes) -> Result<core::AssessmentId> {
        changes.Nothing();  // a self-assessment books nothing
        // Through the clinics table, so a missing clinic inserts nothing instead of failing a
        // foreign key.
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO assessments (clinic_id, outcome, manage_token_hash, input, result, "
            "created_at) SELECT id, ?2, ?3, ?4, ?5, ?6 FROM clinics WHERE id = ?1"));
        stmt.Bind(1, clinic_id.value()).Bind(2, core::clinical::ToString(assessment.outcome));
        stmt.Bind(3, assessment.manage_token_hash).Bind(4, assessment.input_json);
        stmt.Bind(5, assessment.result_json).Bind(6, Seconds(assessment.created_at));
        UNKNOT_TRY(stmt.Run());
        if (db.Changes() == 0) return Error::NotFound("no such clinic");
        return core::AssessmentId{db.LastInsertRowId()};
      });
}

Result<core::ports::StoredAssessment> SqliteStorage::FindAssessment(core::ClinicId clinic_id,
                                                                    core::AssessmentId assessment) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT id, outcome, manage_token_hash, input, result, created_at FROM assessments "
      "WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic_id.value()).Bind(2, assessment.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such assessment");
  return core::ports::StoredAssessment{
      .id = core::AssessmentId{stmt.Int(0)},
      .outcome = UNKNOT_TRY(ParseColumn<core::clinical::Outcome>(
          stmt, 1, core::clinical::ParseOutcome, "assessment outcome")),
      .manage_token_hash = stmt.Text(2),
      .input_json = stmt.Text(3),
      .result_json = stmt.Text(4),
      .created_at = FromSeconds(stmt.Int(5)),
  };
}

}  // namespace unknot::storage::sqlite
