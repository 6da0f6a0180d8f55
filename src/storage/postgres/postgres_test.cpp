// What only the PostgreSQL backend has: the rule in the database itself, migrations across
// servers, and the URI handling. Shared behaviour is in the contract suite (storage/contract).

#include <gtest/gtest.h>

#include <future>
#include <set>

#include <pqxx/pqxx>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "postgres_scratch.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/postgres_storage.hpp"

namespace unknot::storage::postgres {
namespace {

using unknot::testing::At;

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(db_.uri().empty());
    auto pool = ConnectionPool::Connect(db_.uri(), 1);
    ASSERT_TRUE(pool) << pool.error().message();
    pool_ = std::move(*pool);
  }

  testing::ScratchDatabase db_;
  std::unique_ptr<ConnectionPool> pool_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
};

TEST_F(PostgresTest, TheDatabaseItselfRefusesOverlapsWhoeverWrites) {
  ASSERT_TRUE(Migrate(*pool_, clock_));
  auto storage = PostgresStorage::Open({db_.uri(), 2}, clock_).value();
  auto setup = storage->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  auto patient =
      storage
          ->CreatePatient(setup.clinic.id,
                          {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}})
          .value();
  pqxx::connection connection(db_.uri());
  auto insert = [&](std::int64_t practitioner, std::int64_t room, std::int64_t start,
                    const char* status) {
    pqxx::work tx(connection);
    tx.exec_params(
        "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id, "
        "start_at, end_at, blocked_until, status, source, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6::bigint, $6::bigint + 1800, $6::bigint + 2400, $7, "
        "'staff', 0, 0)",
        setup.clinic.id.value(), patient.id.value(), practitioner, setup.services[1].id.value(),
        room, start, std::string(status));
    tx.commit();
  };
  const std::int64_t p0 = setup.practitioners[0].id.value();
  const std::int64_t p1 = setup.practitioners[1].id.value();
  const std::int64_t r0 = setup.rooms[0].id.value();
  const std::int64_t r1 = setup.rooms[1].id.value();
  const std::int64_t t = At("2026-12-01T17:00:00Z").time_since_epoch().count();
  insert(p0, r0, t, "booked");
  auto refused_state = [&](std::int64_t practitioner, std::int64_t room, std::int64_t start) {
    try {
      insert(practitioner, room, start, "booked");
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate();
    }
    return std::string("inserted");
  };
  // Plain SQL, no unknot code in the way: same practitioner inside the buffer, same room.
  EXPECT_EQ(refused_state(p0, r1, t + 2000), "23P01");
  EXPECT_EQ(refused_state(p1, r0, t + 600), "23P01");
  // Other practitioner and room, or after the buffer, or a cancelled row: fine.
  EXPECT_EQ(refused_state(p1, r1, t + 600), "inserted");
  EXPECT_EQ(refused_state(p0, r0, t + 2400), "inserted");
  EXPECT_NO_THROW(insert(p0, r0, t, "cancelled"));
}

TEST_F(PostgresTest, MigrationsRunOnceAndANewerSchemaIsRefusedUntouched) {
  auto first = Migrate(*pool_, clock_);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->from_version, 0);
  EXPECT_EQ(first->to_version, LatestSchemaVersion());
  auto again = Migrate(*pool_, clock_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->from_version, LatestSchemaVersion());
  EXPECT_EQ(again->to_version, LatestSchemaVersion());

  pqxx::connection connection(db_.uri());
  {
    pqxx::work tx(connection);
    tx.exec("INSERT INTO schema_version VALUES (99, 'from the future', 0)");
    tx.commit();
  }
  auto newer = Migrate(*pool_, clock_);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code(), core::ErrorCode::kConflict);
  auto open = PostgresStorage::Open({db_.uri(), 1}, clock_);
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message().find("schema version 99"), std::string::npos);
  pqxx::nontransaction tx(connection);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM schema_version")[0][0].as<int>(),
            LatestSchemaVersion() + 1);
}

TEST_F(PostgresTest, AVersionFourDatabaseKeepsItsDataAndGainsTheStaffTables) {
  {
    pqxx::connection connection(db_.uri());
    pqxx::work tx(connection);
    tx.exec(
        "CREATE TABLE schema_version (version integer PRIMARY KEY, description text NOT NULL, "
        "applied_at bigint NOT NULL)");
    for (const Migration& m : Migrations().first(4)) {
      tx.exec(std::string(m.sql));
      tx.exec_params("INSERT INTO schema_version VALUES ($1, 'old', 0)", m.version);
    }
    tx.exec(R"sql(
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
    )sql");
    tx.commit();
  }
  auto report = Migrate(*pool_, clock_);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->from_version, 4);
  EXPECT_EQ(report->to_version, LatestSchemaVersion());

  auto storage = PostgresStorage::Open({db_.uri(), 2}, clock_);
  ASSERT_TRUE(storage) << storage.error().message();
  auto clinic = (*storage)->FindClinic("old");
  ASSERT_TRUE(clinic) << clinic.error().message();
  EXPECT_EQ(clinic->sessions, core::clinic::SessionPolicy{});  // 30 and 720 minutes
  auto appointment = (*storage)->FindAppointment(clinic->id, core::AppointmentId{42});
  ASSERT_TRUE(appointment) << appointment.error().message();
  EXPECT_EQ(appointment->patient, core::PatientId{7});
  EXPECT_FALSE(appointment->assessment);
  auto response = (*storage)->FindResponse(clinic->id, "key-1");
  ASSERT_TRUE(response && *response);
  EXPECT_EQ((*response)->appointment, core::AppointmentId{42});
  EXPECT_TRUE((*storage)->ListStaff(clinic->id)->empty());
  // The new unknot_book() stores the assessment a booking follows.
  core::ports::NewBooking booking{
      .patient = {core::PatientId{}, "Ana", "Ruiz", "ANA@example.org", "+14155550142", {}},
      .appointment =
          core::scheduling::Appointment{
              .id = {},
              .patient = {},
              .practitioner = core::PractitionerId{5},
              .service = core::ServiceId{6},
              .room = core::RoomId{4},
              .time = core::Interval::Create(At("2026-12-01T17:00:00Z"), At("2026-12-01T17:30:00Z"))
                          .value(),
              .blocked_until = At("2026-12-01T17:30:00Z"),
              .status = core::scheduling::AppointmentStatus::kBooked,
              .source = core::scheduling::BookingSource::kOnline,
              .created_at = {},
              .updated_at = {},
              .cancelled_at = std::nullopt,
              .assessment = core::AssessmentId{8}},
      .other_rooms = {},
      .manage_token_hash = "h2",
      .idempotency = std::nullopt,
      .max_future_online = 3};
  auto booked = (*storage)->Book(clinic->id, booking);
  ASSERT_TRUE(booked) << booked.error().message();
  EXPECT_EQ(booked->patient, core::PatientId{7});
  EXPECT_EQ((*storage)->FindAppointment(clinic->id, booked->id)->assessment, core::AssessmentId{8});
}

TEST_F(PostgresTest, AuditAppendsDoNotWaitForWritesThatLockTheClinicRow) {
  ASSERT_TRUE(Migrate(*pool_, clock_));
  auto storage = PostgresStorage::Open({db_.uri(), 2}, clock_).value();
  auto setup = storage->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  // What every insert of a clinic's rows holds until it commits: the foreign key's KEY SHARE
  // lock on the clinic. A chain serialised by locking the clinic row FOR UPDATE would wait here.
  pqxx::connection holder(db_.uri());
  pqxx::work held(holder);
  held.exec_params("SELECT 1 FROM clinics WHERE id = $1 FOR KEY SHARE", setup.clinic.id.value());
  core::staff::AuditEntry entry;
  entry.clinic = setup.clinic.id;
  entry.action = "search_patients";
  entry.at = clock_.Now();
  auto appended = std::async(std::launch::async, [&] { return storage->AppendAudit(entry); });
  const bool in_time = appended.wait_for(std::chrono::seconds{10}) == std::future_status::ready;
  held.commit();  // lets a waiting append finish either way
  EXPECT_TRUE(in_time) << "the append waited for the clinic row's lock";
  auto result = appended.get();
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->sequence, 1);
}

TEST_F(PostgresTest, NobodyKeepsThePrivilegeToChangeTheAuditLog) {
  ASSERT_TRUE(Migrate(*pool_, clock_));
  pqxx::connection connection(db_.uri());
  pqxx::nontransaction tx(connection);
  // What the owner (the role that migrated) and PUBLIC still hold on audit_log; a superuser
  // bypasses privileges, which is why the triggers are there too (see the contract suite).
  std::set<std::string> held;
  for (const pqxx::row& r :
       tx.exec("SELECT privilege_type FROM information_schema.role_table_grants "
               "WHERE table_name = 'audit_log'")) {
    held.insert(r[0].as<std::string>());
  }
  EXPECT_TRUE(held.count("INSERT"));
  EXPECT_TRUE(held.count("SELECT"));
  EXPECT_FALSE(held.count("UPDATE"));
  EXPECT_FALSE(held.count("DELETE"));
  EXPECT_FALSE(held.count("TRUNCATE"));
}

TEST_F(PostgresTest, AnUnmigratedDatabaseIsRefusedWithTheCommandToRun) {
  auto open = PostgresStorage::Open({db_.uri(), 1}, clock_);
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code(), core::ErrorCode::kConflict);
  EXPECT_NE(open.error().message().find("unknot migrate"), std::string::npos);
}

TEST(PostgresErrorTest, ALostConnectionIsUnavailableAndAServerErrorInternal) {
  // libpq's own message when the server went away mid-statement comes without a SQLSTATE; it was
  // answered 500 during an immediate stop of PostgreSQL (found by the crash tests).
  EXPECT_EQ(Translate(pqxx::sql_error("server closed the connection unexpectedly", "SELECT 1", ""))
                .code(),
            core::ErrorCode::kUnavailable);
  EXPECT_EQ(Translate(pqxx::broken_connection("gone")).code(), core::ErrorCode::kUnavailable);
  EXPECT_EQ(Translate(pqxx::sql_error("terminating connection", "SELECT 1", "57P01")).code(),
            core::ErrorCode::kUnavailable);
  EXPECT_EQ(Translate(pqxx::sql_error("syntax error", "SELEC 1", "42601")).code(),
            core::ErrorCode::kInternal);
  EXPECT_EQ(Translate(pqxx::sql_error("exclusion", "INSERT", "23P01")).code(),
            core::ErrorCode::kConflict);
}

TEST(PostgresUriTest, UrisAreRecognisedAndPasswordsHidden) {
  for (const char* uri : {"postgresql://localhost/unknot", "postgres://u:p@db:5432/unknot",
                          "PostgreSQL://db/unknot"}) {
    EXPECT_TRUE(IsPostgresUri(uri)) << uri;
  }
  for (const char* path : {"unknot.db", "postgres.db", "postgresql:/x", "./postgres://x", "",
                           "/var/lib/unknot/unknot.db"}) {
    EXPECT_FALSE(IsPostgresUri(path)) << path;
  }
  EXPECT_EQ(RedactUri("postgresql://unknot:s3cret@db:5432/unknot"),
            "postgresql://unknot:***@db:5432/unknot");
  EXPECT_EQ(RedactUri("postgresql://db/unknot?user=u&password=s3cret&sslmode=require"),
            "postgresql://db/unknot?user=u&password=***&sslmode=require");
  EXPECT_EQ(RedactUri("postgresql:///unknot?host=/tmp/sock"),
            "postgresql:///unknot?host=/tmp/sock");
}

}  // namespace
}  // namespace unknot::storage::postgres
