#pragma once

// The SQLite backend of the storage ports: one database file in WAL mode with foreign keys on
// and synchronous=FULL, so a commit that returned is on disk.

#include <memory>
#include <mutex>
#include <string>

#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

enum class CreateMode {
  kNever,     // the file must exist (serve, demo)
  kIfMissing  // a missing file becomes an empty database (migrate)
};

enum class SchemaCheck {
  kRequireLatest,  // refuse a database that needs `unknot migrate`
  kAllowOlder      // for the migrator itself
};

// Checks and opens a database file without writing to it until every check has passed:
// a directory, an unreadable file, a file that is not SQLite, a missing file (with kNever) and a
// schema newer than this binary all fail with a one-line message naming the path.
core::Result<Connection> OpenDatabase(const std::string& path, CreateMode create,
                                      SchemaCheck check);

class SqliteStorage final : public core::ports::Storage {
 public:
  // Opens a migrated database (SchemaCheck::kRequireLatest).
  static core::Result<std::unique_ptr<SqliteStorage>> Open(const std::string& path,
                                                           const core::Clock& clock);

  core::Result<void> Ping() override;

  core::Result<std::vector<core::clinic::Clinic>> ListClinics() override;
  core::Result<core::clinic::Clinic> FindClinic(std::string_view slug) override;
  core::Result<core::clinic::ClinicSetup> LoadSetup(core::ClinicId clinic) override;
  core::Result<core::clinic::ClinicSetup> CreateClinic(
      const core::clinic::ClinicSetup& setup) override;

  core::Result<core::clinic::Patient> CreatePatient(core::ClinicId clinic,
                                                    const core::clinic::Patient& patient) override;
  core::Result<core::clinic::Patient> FindPatient(core::ClinicId clinic,
                                                  core::PatientId patient) override;

  core::Result<core::scheduling::Appointment> InsertAppointment(
      core::ClinicId clinic, const core::scheduling::Appointment& appointment) override;
  core::Result<core::scheduling::Appointment> FindAppointment(
      core::ClinicId clinic, core::AppointmentId appointment) override;
  core::Result<std::vector<core::scheduling::Appointment>> ListAppointments(
      core::ClinicId clinic, core::Interval window) override;

 private:
  SqliteStorage(Connection db, const core::Clock& clock) : db_(std::move(db)), clock_(clock) {}

  // One connection, used by one thread at a time. The single-writer design with grouped commits
  // arrives with booking; until then every call takes this lock.
  std::mutex mutex_;
  Connection db_;
  const core::Clock& clock_;
};

}  // namespace unknot::storage::sqlite
