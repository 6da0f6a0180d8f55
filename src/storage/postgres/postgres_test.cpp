// What only the PostgreSQL backend has: the rule in the database itself, migrations across
// servers, and the URI handling. Shared behaviour is in the contract suite (storage/contract).

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "app/demo_clinic.hpp"
#include "postgres_scratch.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/postgres_storage.hpp"

namespace unknot::storage::postgres {
namespace {

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }

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
