#include "storage/sqlite/migrations.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::storage::sqlite {
namespace {

core::FixedClock clock_at_noon(core::ParseInstant("2026-11-26T12:00:00Z").value());

Connection Fresh(const std::string& path) {
  return OpenDatabase(path, CreateMode::kIfMissing, SchemaCheck::kAllowOlder).value();
}

TEST(MigrationsTest, VersionsAreContiguousFromOne) {
  int expected = 1;
  for (const Migration& m : Migrations()) EXPECT_EQ(m.version, expected++);
  EXPECT_EQ(LatestSchemaVersion(), expected - 1);
}

TEST(MigrationsTest, MigratesAnEmptyDatabaseOnceAndIsIdempotent) {
  testing::TempDir dir;
  Connection db = Fresh(dir.File("a.db"));
  EXPECT_EQ(*CurrentSchemaVersion(db), 0);
  auto first = Migrate(db, clock_at_noon);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->from_version, 0);
  EXPECT_EQ(first->to_version, LatestSchemaVersion());
  auto second = Migrate(db, clock_at_noon);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->from_version, LatestSchemaVersion());
  EXPECT_EQ(second->to_version, LatestSchemaVersion());
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM schema_version"), LatestSchemaVersion());
}

TEST(MigrationsTest, Version3LearnsTheLongestSpanOfAppointmentsAlreadyStored) {
  testing::TempDir dir;
  Connection db = Fresh(dir.File("a.db"));
  // Bring the database to version 2 by hand, store two appointments, then migrate the rest.
  ASSERT_TRUE(
      db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
              "description TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
  for (const Migration& m : Migrations().first(2)) ASSERT_TRUE(db.Exec(m.sql)) << m.version;
  ASSERT_TRUE(db.Exec("INSERT INTO schema_version VALUES (1, 'one', 0), (2, 'two', 0)"));
  // Only the rows the migration reads: foreign keys are off for this hand-made state.
  ASSERT_TRUE(db.Exec("PRAGMA foreign_keys = OFF"));
  ASSERT_TRUE(db.Exec(R"sql(
    INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id,
                              start_at, end_at, blocked_until, status, source, created_at,
                              updated_at)
      VALUES (1, 1, 1, 1, 1, 1000, 2800, 2800, 'booked', 'online', 0, 0),
             (1, 1, 1, 1, 1, 9000, 10800, 14400, 'booked', 'online', 0, 0),
             (2, 2, 2, 2, 2, 1000, 1900, 1900, 'cancelled', 'phone', 0, 0);
  )sql"));
  ASSERT_TRUE(Migrate(db, clock_at_noon));
  EXPECT_EQ(*db.QueryInt("SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = 1"),
            5400);
  // Cancelled appointments count too: a bound too large only costs a longer scan.
  EXPECT_EQ(*db.QueryInt("SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = 2"),
            900);
}

TEST(MigrationsTest, SettingsAreWalForeignKeysAndFullSync) {
  testing::TempDir dir;
  Connection db = Fresh(dir.File("a.db"));
  ASSERT_TRUE(Migrate(db, clock_at_noon));
  auto stmt = db.Prepare("PRAGMA journal_mode").value();
  ASSERT_TRUE(*stmt.Step());
  EXPECT_EQ(stmt.Text(0), "wal");
  EXPECT_EQ(*db.QueryInt("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(*db.QueryInt("PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(*db.QueryInt("PRAGMA temp_store"), 2);   // MEMORY
}

TEST(MigrationsTest, RefusesANewerSchemaWithoutWriting) {
  testing::TempDir dir;
  std::string path = dir.File("future.db");
  {
    Connection db = Fresh(path);
    ASSERT_TRUE(Migrate(db, clock_at_noon));
    ASSERT_TRUE(db.Exec("INSERT INTO schema_version VALUES (999, 'from the future', 0)"));
    ASSERT_TRUE(db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  std::string before = testing::ReadFile(path);
  auto reopened = OpenDatabase(path, CreateMode::kNever, SchemaCheck::kAllowOlder);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code(), core::ErrorCode::kConflict);
  EXPECT_NE(reopened.error().message().find("newer than this unknot"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(path), before);
}

TEST(MigrationsTest, ServingRequiresTheLatestSchema) {
  testing::TempDir dir;
  std::string path = dir.File("old.db");
  { Connection db = Fresh(path); }
  auto storage = SqliteStorage::Open(path, clock_at_noon);
  ASSERT_FALSE(storage);
  EXPECT_NE(storage.error().message().find("unknot migrate"), std::string::npos);
}

TEST(OpenDatabaseTest, RejectsWhatIsNotADatabase) {
  testing::TempDir dir;
  std::string text = dir.File("notes.txt");
  {
    std::ofstream out(text);
    out << "these are not the tables you are looking for\n";
  }
  std::string before = testing::ReadFile(text);
  auto opened = OpenDatabase(text, CreateMode::kIfMissing, SchemaCheck::kAllowOlder);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(opened.error().message().find("not a SQLite database"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(text), before);

  auto directory =
      OpenDatabase(dir.path().string(), CreateMode::kIfMissing, SchemaCheck::kAllowOlder);
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message().find("is a directory"), std::string::npos);

  auto missing = OpenDatabase(dir.File("missing.db"), CreateMode::kNever, SchemaCheck::kAllowOlder);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), core::ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing.db")));
}

TEST(MigrationUpgradeTest, AVersionOneDatabaseKeepsItsDataAndGainsTheRules) {
  testing::TempDir dir;
  std::string path = dir.File("v1.db");
  core::FixedClock clock(core::ParseInstant("2026-11-26T18:00:00Z").value());
  {
    Connection db = OpenDatabase(path, CreateMode::kIfMissing, SchemaCheck::kAllowOlder).value();
    const Migration& v1 = Migrations()[0];
    ASSERT_TRUE(
        db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description "
                "TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    ASSERT_TRUE(db.Exec(v1.sql));
    ASSERT_TRUE(db.Exec("INSERT INTO schema_version VALUES (1, 'v1', 0)"));
    ASSERT_TRUE(db.Exec(
        "INSERT INTO clinics (slug, name, phone, address_line1, city, region, postal_code, "
        "country, time_zone, min_notice_minutes, horizon_days, cancellation_window_minutes, "
        "slot_step_minutes, grace_period_minutes, created_at) VALUES ('old', 'Old', "
        "'+14155550100', '1 Main', 'SF', 'CA', '94103', 'US', 'America/Los_Angeles', 0, 60, 0, "
        "15, 0, 0)"));
    auto report = Migrate(db, clock);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->from_version, 1);
    EXPECT_EQ(report->to_version, LatestSchemaVersion());
  }
  auto storage = SqliteStorage::Open(path, clock);
  ASSERT_TRUE(storage);
  EXPECT_EQ((*storage)->FindClinic("old")->name, "Old");
}

TEST(MigrationUpgradeTest, AVersionFiveDatabaseKeepsItsBookingsThroughTheAppointmentsRebuild) {
  testing::TempDir dir;
  std::string path = dir.File("v5.db");
  core::FixedClock clock(core::ParseInstant("2026-11-26T18:00:00Z").value());
  {
    Connection db = Fresh(path);
    ASSERT_TRUE(
        db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description "
                "TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    for (const Migration& m : Migrations().first(5)) {
      ASSERT_TRUE(db.Exec(m.sql)) << m.version;
      ASSERT_TRUE(db.Exec("INSERT INTO schema_version VALUES (" + std::to_string(m.version) +
                          ", 'old', 0)"));
    }
    // A clinic with a booking, its idempotency key and an assessment, foreign keys on.
    ASSERT_TRUE(db.Exec(R"sql(
      INSERT INTO clinics (id, slug, name, phone, address_line1, city, region, postal_code,
                           country, time_zone, min_notice_minutes, horizon_days,
                           cancellation_window_minutes, slot_step_minutes, grace_period_minutes,
                           created_at)
        VALUES (1, 'old', 'Old', '+14155550100', '1 Main', 'SF', 'CA', '94103', 'US',
                'America/Los_Angeles', 0, 60, 0, 15, 0, 0);
      INSERT INTO rooms (id, clinic_id, name, kind) VALUES (4, 1, 'Room 1', 'adjustment');
      INSERT INTO practitioners (id, clinic_id, slug, display_name, role, status)
        VALUES (5, 1, 'dr', 'Dr', 'chiropractor', 'active');
      INSERT INTO services (id, clinic_id, slug, name, duration_minutes, buffer_minutes,
                            room_kind, eligibility, price_minor_units, currency)
        VALUES (6, 1, 'adj', 'Adjustment', 30, 0, 'adjustment', 'any_patient', 5000, 'USD');
      INSERT INTO patients (id, clinic_id, given_name, family_name, email, phone, created_at)
        VALUES (7, 1, 'Ana', 'Ruiz', 'ana@example.org', '+14155550142', 0);
      INSERT INTO assessments (id, clinic_id, outcome, manage_token_hash, input, result,
                               created_at)
        VALUES (8, 1, 'book_online', 'h', '{}', '{}', 0);
      INSERT INTO appointments (id, clinic_id, patient_id, practitioner_id, service_id, room_id,
                                start_at, end_at, blocked_until, status, source, created_at,
                                updated_at, manage_token_hash)
        VALUES (42, 1, 7, 5, 6, 4, 1000000, 1001800, 1002400, 'booked', 'online', 0, 0, 'tok');
      INSERT INTO idempotency_keys (clinic_id, key, fingerprint, appointment_id, response_body,
                                    created_at)
        VALUES (1, 'key-1', 'fp', 42, '{"id":42}', 0);
    )sql"));
    auto report = Migrate(db, clock);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->from_version, 5);
    EXPECT_EQ(report->to_version, LatestSchemaVersion());
    EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    // Every index and trigger the booking code and rules rely on is back.
    for (const char* name :
         {"appointments_by_clinic", "appointments_clinic_and_id", "appointments_by_patient",
          "appointments_live_by_clinic", "appointments_live_by_practitioner",
          "appointments_live_by_room", "appointments_no_overlap_on_insert",
          "appointments_no_overlap_on_update", "appointments_span_bound_on_insert",
          "appointments_span_bound_on_update", "audit_log_no_update", "audit_log_no_delete",
          "appointments_change_on_update", "appointments_no_shows_by_patient"}) {
      EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = '" +
                             std::string(name) + "'"),
                1)
          << name;
    }
    EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v6'"), 0);
    EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v7'"), 0);
    // The overlap rule still holds on the rebuilt table; the assessment link points in-clinic.
    EXPECT_FALSE(db.Exec(
        "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id, "
        "start_at, end_at, blocked_until, status, source, created_at, updated_at) "
        "VALUES (1, 7, 5, 6, 4, 1001000, 1002800, 1002800, 'booked', 'phone', 0, 0)"));
    EXPECT_FALSE(db.Exec("UPDATE appointments SET assessment_id = 999 WHERE id = 42"));
    ASSERT_TRUE(db.Exec("UPDATE appointments SET assessment_id = 8 WHERE id = 42"));
  }
  auto storage = SqliteStorage::Open(path, clock);
  ASSERT_TRUE(storage) << storage.error().message();
  auto clinic = (*storage)->FindClinic("old");
  ASSERT_TRUE(clinic);
  EXPECT_EQ(clinic->sessions, core::clinic::SessionPolicy{});  // 30 and 720 minutes
  auto appointment = (*storage)->FindAppointment(clinic->id, core::AppointmentId{42});
  ASSERT_TRUE(appointment) << appointment.error().message();
  EXPECT_EQ(appointment->patient, core::PatientId{7});
  EXPECT_EQ(appointment->blocked_until, core::Instant{std::chrono::seconds{1002400}});
  EXPECT_EQ(appointment->assessment, core::AssessmentId{8});
  EXPECT_EQ(*(*storage)->ManageTokenHash(clinic->id, core::AppointmentId{42}), "tok");
  auto response = (*storage)->FindResponse(clinic->id, "key-1");
  ASSERT_TRUE(response && *response);
  EXPECT_EQ((*response)->appointment, core::AppointmentId{42});
  EXPECT_EQ((*response)->body, R"({"id":42})");
  EXPECT_TRUE((*storage)->ListStaff(clinic->id)->empty());
}

TEST(MigrationUpgradeTest, AVersionSixDatabaseKeepsAssessmentLinksAndGainsVersionsAndRequests) {
  testing::TempDir dir;
  std::string path = dir.File("v6.db");
  core::FixedClock clock(core::ParseInstant("2026-11-26T18:00:00Z").value());
  {
    Connection db = OpenDatabase(path, CreateMode::kIfMissing, SchemaCheck::kAllowOlder).value();
    ASSERT_TRUE(
        db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description "
                "TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    for (const Migration& m : Migrations().first(6)) {
      ASSERT_TRUE(db.Exec(m.sql)) << m.version;
      ASSERT_TRUE(db.Exec("INSERT INTO schema_version VALUES (" + std::to_string(m.version) +
                          ", 'old', 0)"));
    }
    ASSERT_TRUE(db.Exec(R"sql(
      INSERT INTO clinics (id, slug, name, phone, address_line1, city, region, postal_code,
                           country, time_zone, min_notice_minutes, horizon_days,
                           cancellation_window_minutes, slot_step_minutes, grace_period_minutes,
                           created_at)
        VALUES (1, 'old', 'Old', '+14155550100', '1 Main', 'SF', 'CA', '94103', 'US',
                'America/Los_Angeles', 0, 60, 0, 15, 0, 0);
      INSERT INTO rooms (id, clinic_id, name, kind) VALUES (4, 1, 'Room 1', 'adjustment');
      INSERT INTO practitioners (id, clinic_id, slug, display_name, role, status)
        VALUES (5, 1, 'dr', 'Dr', 'chiropractor', 'active');
      INSERT INTO services (id, clinic_id, slug, name, duration_minutes, buffer_minutes,
                            room_kind, eligibility, price_minor_units, currency)
        VALUES (6, 1, 'adj', 'Adjustment', 30, 0, 'adjustment', 'any_patient', 5000, 'USD');
      INSERT INTO patients (id, clinic_id, given_name, family_name, email, phone, created_at)
        VALUES (7, 1, 'Ana', 'Ruiz', 'ana@example.org', '+14155550142', 0);
      INSERT INTO assessments (id, clinic_id, outcome, manage_token_hash, input, result,
                               created_at)
        VALUES (8, 1, 'book_online', 'h', '{}', '{}', 0);
      INSERT INTO appointments (id, clinic_id, patient_id, practitioner_id, service_id, room_id,
                                start_at, end_at, blocked_until, status, source, created_at,
                                updated_at, manage_token_hash, assessment_id)
        VALUES (42, 1, 7, 5, 6, 4, 1000000, 1001800, 1002400, 'booked', 'online', 0, 0, 'tok', 8);
    )sql"));
    auto report = Migrate(db, clock);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->from_version, 6);
    EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    // A request holds its time; a walk-in is a source; the database raises the version.
    EXPECT_FALSE(db.Exec(
        "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id, "
        "start_at, end_at, blocked_until, status, source, created_at, updated_at) "
        "VALUES (1, 7, 5, 6, 4, 1001000, 1002800, 1002800, 'requested', 'walk_in', 0, 0)"));
    ASSERT_TRUE(db.Exec(
        "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id, "
        "start_at, end_at, blocked_until, status, source, created_at, updated_at) "
        "VALUES (1, 7, 5, 6, 4, 2000000, 2001800, 2001800, 'requested', 'walk_in', 0, 0)"));
    ASSERT_TRUE(db.Exec("UPDATE appointments SET status = 'arrived' WHERE id = 42"));
    EXPECT_EQ(*db.QueryInt("SELECT version FROM appointments WHERE id = 42"), 2);
    // A declined appointment is a cancelled one.
    EXPECT_FALSE(db.Exec("UPDATE appointments SET declined = 1 WHERE id = 42"));
  }
  auto storage = SqliteStorage::Open(path, clock);
  ASSERT_TRUE(storage) << storage.error().message();
  auto clinic = (*storage)->FindClinic("old");
  ASSERT_TRUE(clinic);
  auto appointment = (*storage)->FindAppointment(clinic->id, core::AppointmentId{42});
  ASSERT_TRUE(appointment) << appointment.error().message();
  EXPECT_EQ(appointment->assessment, core::AssessmentId{8});
  EXPECT_EQ(appointment->status, core::scheduling::AppointmentStatus::kArrived);
  EXPECT_EQ(*(*storage)->ManageTokenHash(clinic->id, core::AppointmentId{42}), "tok");
  auto patient = (*storage)->FindPatient(clinic->id, core::PatientId{7});
  ASSERT_TRUE(patient);
  EXPECT_EQ(patient->online_booking, core::clinic::OnlineBooking::kAllowed);
}

}  // namespace
// Migration 21 rebuilds freed_times while waitlist offers refer to its rows (foreign keys on):
// the rows, the offers' references and the trigger that records freed times all survive, and a
// freed time may then name no appointment.
TEST(MigrationUpgradeTest, AVersionTwentyDatabaseKeepsItsFreedTimesAndTheirOffers) {
  testing::TempDir dir;
  std::string path = dir.File("v20.db");
  core::FixedClock clock(core::ParseInstant("2026-11-26T18:00:00Z").value());
  Connection db = OpenDatabase(path, CreateMode::kIfMissing, SchemaCheck::kAllowOlder).value();
  ASSERT_TRUE(
      db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description "
              "TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
  for (const Migration& m : Migrations().first(20)) {
    ASSERT_TRUE(db.Exec(m.sql)) << m.version;
    ASSERT_TRUE(
        db.Exec("INSERT INTO schema_version VALUES (" + std::to_string(m.version) + ", 'old', 0)"));
  }
  ASSERT_TRUE(db.Exec(R"sql(
    INSERT INTO clinics (id, slug, name, phone, address_line1, city, region, postal_code,
                         country, time_zone, min_notice_minutes, horizon_days,
                         cancellation_window_minutes, slot_step_minutes, grace_period_minutes,
                         created_at)
      VALUES (1, 'old', 'Old', '+14155550100', '1 Main', 'SF', 'CA', '94103', 'US',
              'America/Los_Angeles', 0, 60, 0, 15, 0, 0);
    INSERT INTO rooms (id, clinic_id, name, kind) VALUES (4, 1, 'Room 1', 'adjustment');
    INSERT INTO practitioners (id, clinic_id, slug, display_name, role, status)
      VALUES (5, 1, 'dr', 'Dr', 'chiropractor', 'active');
    INSERT INTO services (id, clinic_id, slug, name, duration_minutes, buffer_minutes,
                          room_kind, eligibility, price_minor_units, currency)
      VALUES (6, 1, 'adj', 'Adjustment', 30, 0, 'adjustment', 'any_patient', 5000, 'USD');
    INSERT INTO patients (id, clinic_id, given_name, family_name, email, phone, created_at)
      VALUES (7, 1, 'Ana', 'Ruiz', 'ana@example.org', '+14155550142', 0);
    INSERT INTO appointments (id, clinic_id, patient_id, practitioner_id, service_id, room_id,
                              start_at, end_at, blocked_until, status, source, created_at,
                              updated_at, manage_token_hash)
      VALUES (42, 1, 7, 5, 6, 4, 1000000, 1001800, 1001800, 'booked', 'online', 0, 0, 'tok');
    UPDATE appointments SET status = 'cancelled', cancelled_at = 10, updated_at = 10
      WHERE id = 42;
    INSERT INTO waitlist_entries (id, clinic_id, service_id, windows, until_date, ends_at,
                                  given_name, family_name, email, phone, source, created_at)
      VALUES (9, 1, 6, '[]', '2026-12-31', 2000000, 'Bo', 'Lee', 'bo@example.org', '', 'online',
              0);
    INSERT INTO waitlist_offers (clinic_id, freed_id, entry_id, practitioner_id, service_id,
                                 start_at, end_at, blocked_until, expires_at, created_at,
                                 token_hash, hold_token_hash)
      SELECT 1, id, 9, 5, 6, 1000000, 1001800, 1001800, 900, 10, 'offer', 'hold'
      FROM freed_times;
  )sql"));
  ASSERT_EQ(*db.QueryInt("SELECT count(*) FROM freed_times WHERE appointment_id = 42"), 1);
  auto report = Migrate(db, clock);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->from_version, 20);
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM pragma_foreign_key_check"), 0);
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM waitlist_offers o JOIN freed_times f "
                         "ON f.id = o.freed_id AND f.clinic_id = o.clinic_id "
                         "WHERE f.appointment_id = 42 AND f.start_at = 1000000"),
            1);
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM sqlite_master WHERE name LIKE 'freed_times%'"),
            3);  // the table and its two indexes, nothing left over
  // An offer cannot name a freed time that does not exist; a freed time may name no appointment.
  EXPECT_FALSE(db.Exec(
      "INSERT INTO waitlist_offers (clinic_id, freed_id, entry_id, practitioner_id, service_id, "
      "start_at, end_at, blocked_until, expires_at, created_at, token_hash, hold_token_hash) "
      "VALUES (1, 999, 9, 5, 6, 1000000, 1001800, 1001800, 900, 10, 'offer-2', 'hold')"));
  ASSERT_TRUE(db.Exec(
      "INSERT INTO freed_times (clinic_id, practitioner_id, start_at, blocked_until, created_at) "
      "VALUES (1, 5, 3000000, 3003600, 20)"));
  // The trigger still records into the rebuilt table.
  ASSERT_TRUE(
      db.Exec("INSERT INTO appointments (id, clinic_id, patient_id, practitioner_id, service_id, "
              "room_id, start_at, end_at, blocked_until, status, source, created_at, updated_at) "
              "VALUES (43, 1, 7, 5, 6, 4, 4000000, 4001800, 4001800, 'booked', 'phone', 0, 0)"));
  ASSERT_TRUE(
      db.Exec("UPDATE appointments SET status = 'cancelled', cancelled_at = 30, "
              "updated_at = 30 WHERE id = 43"));
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM freed_times WHERE appointment_id = 43"), 1);
}

}  // namespace unknot::storage::sqlite
