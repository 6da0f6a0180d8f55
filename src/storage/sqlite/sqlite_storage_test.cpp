#include "storage/sqlite/sqlite_storage.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "storage/sqlite/migrations.hpp"
#include "temp_dir.hpp"

namespace unknot::storage::sqlite {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::clinic::ClinicSetup;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;

core::Instant At(const char* text) { return core::ParseInstant(text).value(); }

class SqliteStorageTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(MigrateDatabase(path_, clock_)); }

  std::unique_ptr<SqliteStorage> OpenStorage() {
    auto storage = SqliteStorage::Open(path_, clock_);
    EXPECT_TRUE(storage) << storage.error().message();
    return std::move(storage).value();
  }

  ClinicSetup Demo(std::string slug = std::string(app::kDemoClinicSlug)) {
    ClinicSetup setup = app::DemoClinicSetup(clock_.Now()).value();
    setup.clinic.slug = std::move(slug);
    return setup;
  }

  Appointment MakeAppointment(const ClinicSetup& s, core::PatientId patient, const char* start) {
    core::Instant begin = At(start);
    return Appointment{.id = {},
                       .patient = patient,
                       .practitioner = s.practitioners[0].id,
                       .service = s.services[1].id,
                       .room = s.rooms[0].id,
                       .time = core::Interval::Create(begin, begin + 30min).value(),
                       .blocked_until = begin + 30min,
                       .status = AppointmentStatus::kBooked,
                       .source = BookingSource::kPhone,
                       .created_at = clock_.Now(),
                       .updated_at = clock_.Now(),
                       .cancelled_at = std::nullopt};
  }

  core::clinic::Patient Ana() {
    return {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", core::Instant{}};
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
};

TEST_F(SqliteStorageTest, ClinicSetupRoundTripsAndSurvivesReopen) {
  ClinicSetup stored;
  {
    auto storage = OpenStorage();
    auto created = storage->CreateClinic(Demo());
    ASSERT_TRUE(created) << created.error().message();
    stored = *created;
    EXPECT_TRUE(stored.clinic.id.is_set());
    for (const auto& p : stored.practitioners) EXPECT_TRUE(p.id.is_set());
    EXPECT_EQ(**storage->LoadSetup(stored.clinic.id), stored);
  }
  auto reopened = OpenStorage();
  EXPECT_EQ(**reopened->LoadSetup(stored.clinic.id), stored);
  EXPECT_EQ(reopened->FindClinic(app::kDemoClinicSlug)->name, stored.clinic.name);
}

TEST_F(SqliteStorageTest, DuplicateSlugIsAConflictAndWritesNothing) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage->CreateClinic(Demo()));
  auto again = storage->CreateClinic(Demo());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(storage->ListClinics()->size(), 1u);
}

TEST_F(SqliteStorageTest, InvalidSetupIsRejectedBeforeWriting) {
  auto storage = OpenStorage();
  ClinicSetup bad = Demo();
  bad.practitioners[1].hours[0].end = bad.practitioners[1].hours[0].start;
  auto result = storage->CreateClinic(bad);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_FALSE(result.error().fields().empty());
  EXPECT_EQ(result.error().fields()[0].field, "practitioners[1].hours[0].end");
  EXPECT_TRUE(storage->ListClinics()->empty());
}

TEST_F(SqliteStorageTest, ClinicsAreListedBySlugAndFoundOrNot) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage->CreateClinic(Demo("zeta-clinic")));
  ASSERT_TRUE(storage->CreateClinic(Demo("alpha-clinic")));
  auto clinics = storage->ListClinics().value();
  ASSERT_EQ(clinics.size(), 2u);
  EXPECT_EQ(clinics[0].slug, "alpha-clinic");
  EXPECT_EQ(clinics[1].slug, "zeta-clinic");
  auto missing = storage->FindClinic("nowhere");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(storage->LoadSetup(core::ClinicId{999}).error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteStorageTest, PatientsBelongToOneClinic) {
  auto storage = OpenStorage();
  ClinicSetup a = *storage->CreateClinic(Demo("clinic-a"));
  ClinicSetup b = *storage->CreateClinic(Demo("clinic-b"));
  auto ana = storage->CreatePatient(a.clinic.id, Ana());
  ASSERT_TRUE(ana) << ana.error().message();
  EXPECT_EQ(ana->created_at, clock_.Now());
  EXPECT_EQ(*storage->FindPatient(a.clinic.id, ana->id), *ana);
  EXPECT_EQ(storage->FindPatient(b.clinic.id, ana->id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(storage->CreatePatient(core::ClinicId{999}, Ana()).error().code(),
            ErrorCode::kNotFound);
  core::clinic::Patient bad = Ana();
  bad.email = "not an email";
  EXPECT_EQ(storage->CreatePatient(a.clinic.id, bad).error().fields()[0].field, "email");
}

TEST_F(SqliteStorageTest, AppointmentsAreStoredAndListedByBlockedInterval) {
  auto storage = OpenStorage();
  ClinicSetup s = *storage->CreateClinic(Demo());
  core::PatientId ana = storage->CreatePatient(s.clinic.id, Ana())->id;
  Appointment first = MakeAppointment(s, ana, "2026-12-01T17:00:00Z");
  first.blocked_until = first.time.end() + 10min;
  auto stored = storage->InsertAppointment(s.clinic.id, first);
  ASSERT_TRUE(stored) << stored.error().message();
  auto second =
      storage->InsertAppointment(s.clinic.id, MakeAppointment(s, ana, "2026-12-01T19:00:00Z"));
  ASSERT_TRUE(second);
  EXPECT_EQ(*storage->FindAppointment(s.clinic.id, stored->id), *stored);

  auto window = [&](const char* from, const char* to) {
    auto list = storage->ListAppointments(s.clinic.id, *core::Interval::Create(At(from), At(to)));
    std::vector<core::AppointmentId> ids;
    for (const auto& a : list.value()) ids.push_back(a.id);
    return ids;
  };
  // The buffer counts: 17:30-17:40 is still blocked by the first appointment.
  EXPECT_EQ(window("2026-12-01T17:35:00Z", "2026-12-01T17:36:00Z"),
            std::vector<core::AppointmentId>{stored->id});
  EXPECT_TRUE(window("2026-12-01T17:40:00Z", "2026-12-01T19:00:00Z").empty());
  EXPECT_EQ(window("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"),
            (std::vector<core::AppointmentId>{stored->id, second->id}));
}

TEST_F(SqliteStorageTest, AppointmentCannotPointIntoAnotherClinic) {
  auto storage = OpenStorage();
  ClinicSetup a = *storage->CreateClinic(Demo("clinic-a"));
  ClinicSetup b = *storage->CreateClinic(Demo("clinic-b"));
  core::PatientId ana = storage->CreatePatient(a.clinic.id, Ana())->id;
  Appointment crossing = MakeAppointment(a, ana, "2026-12-01T17:00:00Z");
  crossing.room = b.rooms[0].id;  // clinic B's room in clinic A's appointment
  auto result = storage->InsertAppointment(a.clinic.id, crossing);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(
      storage
          ->ListAppointments(a.clinic.id, *core::Interval::Create(At("2026-01-01T00:00:00Z"),
                                                                  At("2027-01-01T00:00:00Z")))
          ->empty());
}

TEST_F(SqliteStorageTest, PingAnswers) {
  auto storage = OpenStorage();
  EXPECT_TRUE(storage->Ping());
}

}  // namespace
}  // namespace unknot::storage::sqlite
