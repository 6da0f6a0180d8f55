// The contract of ClinicRepository::SaveSetup, run against every backend like
// storage_contract_test.cpp: a set-up changed in place by id, the check inside the write, what
// may and may not be removed, and who sees a change when.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::Result;
using core::clinic::ClinicSetup;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
// What a test checks before its change is made.
using SetupCheck =
    std::function<Result<void>(const ClinicSetup& stored, const std::vector<Appointment>& booked)>;

using unknot::testing::At;
core::TimeOfDay T(const char* hhmm) { return core::TimeOfDay::Parse(hhmm).value(); }

// The demo clinic stored. Its clock: Thursday 2026-11-26 10:00 PST.
class SetupContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
    patient_ = storage_
                   ->CreatePatient(
                       setup_.clinic.id,
                       {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}})
                   ->id;
  }

  // A 30-minute ART session with the first practitioner in the first room.
  Appointment Insert(const char* start, AppointmentStatus status = AppointmentStatus::kBooked) {
    core::Instant begin = At(start);
    Appointment a{.id = {},
                  .patient = patient_,
                  .practitioner = setup_.practitioners[0].id,
                  .service = setup_.services[1].id,
                  .room = setup_.rooms[0].id,
                  .time = core::Interval::Create(begin, begin + 30min).value(),
                  .blocked_until = begin + 30min,
                  .status = status,
                  .source = core::scheduling::BookingSource::kPhone,
                  .created_at = clock_.Now(),
                  .updated_at = clock_.Now(),
                  .cancelled_at = std::nullopt,
                  .assessment = std::nullopt};
    if (status == AppointmentStatus::kCancelled) a.cancelled_at = clock_.Now();
    return storage_->InsertAppointment(setup_.clinic.id, a).value();
  }

  // Saves `changed` as the change's result, after `check`.
  Result<ClinicSetup> Save(const ClinicSetup& changed, const SetupCheck& check = AllowAll()) {
    return storage_->SaveSetup(
        setup_.clinic.id,
        [&](const ClinicSetup& stored,
            const std::vector<Appointment>& booked) -> Result<ClinicSetup> {
          UNKNOT_TRY(check(stored, booked));
          return changed;
        },
        clock_.Now());
  }

  static SetupCheck AllowAll() {
    return [](const ClinicSetup&, const std::vector<Appointment>&) { return core::Ok(); };
  }

  ClinicSetup Loaded() { return *storage_->LoadSetup(setup_.clinic.id).value(); }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  ClinicSetup setup_;
  core::PatientId patient_;
};

TEST_P(SetupContract, ChangesAreMadeInPlaceByIdAndSurviveReopen) {
  ClinicSetup changed = setup_;
  changed.clinic.name = "Mission Sports Chiro";
  changed.clinic.policy.min_notice = 4h;
  changed.clinic.policy.max_future_online_bookings = 5;
  changed.clinic.sessions.idle_timeout = 45min;
  changed.clinic.sessions.absolute_timeout = 8h;
  changed.rooms[1].name = "Adjustment Room Two";
  changed.rooms.push_back({core::RoomId{}, "Rehab Room", core::clinic::RoomKind::kAdjustment});
  auto& okafor = changed.practitioners[0];
  okafor.bio = "New bio";
  okafor.skills = {core::clinic::Skill::kActiveReleaseTechnique};
  okafor.hours[0].end = T("16:00");
  okafor.breaks.push_back({date::Saturday, T("11:00"), T("11:15"), "Stretch"});
  okafor.time_off.push_back(
      {core::TimeOffId{},
       core::Interval::Create(At("2026-12-24T08:00:00Z"), At("2026-12-26T08:00:00Z")).value(),
       "Holidays"});
  changed.services[2].price.minor_units = 8000;
  changed.services[2].allowed_roles = {core::clinic::Role::kChiropractor,
                                       core::clinic::Role::kMassageTherapist};
  core::clinic::Service stretch = changed.services[5];
  stretch.id = {};
  stretch.slug = "assisted-stretch";
  stretch.name = "Assisted stretch";
  changed.services.push_back(stretch);
  const std::uint64_t generation = storage_->Generation();

  ClinicSetup saved = Save(changed).value();

  EXPECT_NE(storage_->Generation(), generation);
  EXPECT_EQ(saved.clinic.id, setup_.clinic.id);
  ASSERT_EQ(saved.rooms.size(), 5u);
  EXPECT_EQ(saved.rooms[1].id, setup_.rooms[1].id);
  EXPECT_EQ(saved.rooms[1].name, "Adjustment Room Two");
  EXPECT_TRUE(saved.rooms[4].id.is_set());
  ASSERT_EQ(saved.practitioners[0].time_off.size(), 1u);
  EXPECT_TRUE(saved.practitioners[0].time_off[0].id.is_set());
  ASSERT_EQ(saved.services.size(), 7u);
  EXPECT_EQ(saved.services[2].id, setup_.services[2].id);
  EXPECT_TRUE(saved.services[6].id.is_set());
  // Everything else as given: the saved set-up is `changed` with the new ids filled in.
  ClinicSetup expected = changed;
  expected.rooms[4].id = saved.rooms[4].id;
  expected.practitioners[0].time_off[0].id = saved.practitioners[0].time_off[0].id;
  expected.services[6].id = saved.services[6].id;
  EXPECT_EQ(saved, expected);
  EXPECT_EQ(Loaded(), saved);
  EXPECT_EQ(storage_->FindClinic(setup_.clinic.slug)->name, "Mission Sports Chiro");
  storage_.reset();
  storage_ = database_->Open(clock_);
  EXPECT_EQ(Loaded(), saved);
}

TEST_P(SetupContract, TheCheckSeesTheStoredSetupAndTheBookedAppointmentsNotYetOver) {
  Insert("2026-11-25T17:00:00Z");                        // over
  Appointment running = Insert("2026-11-26T17:45:00Z");  // until 18:15, now is 18:00
  Insert("2026-12-01T17:00:00Z", AppointmentStatus::kCancelled);
  Appointment later = Insert("2026-12-01T18:00:00Z");
  Appointment next = Insert("2026-11-30T17:00:00Z");
  ClinicSetup seen;
  std::vector<Appointment> booked;
  ClinicSetup changed = setup_;
  changed.clinic.name = "Renamed";
  ASSERT_TRUE(Save(changed, [&](const ClinicSetup& stored, const std::vector<Appointment>& b) {
    seen = stored;
    booked = b;
    return core::Ok();
  }));
  EXPECT_EQ(seen, setup_);
  EXPECT_EQ(booked, (std::vector<Appointment>{running, next, later}));
}

TEST_P(SetupContract, ARefusingCheckWritesNothingAndItsErrorComesBack) {
  ClinicSetup changed = setup_;
  changed.practitioners[0].status = core::clinic::PractitionerStatus::kInactive;
  auto saved =
      Save(changed, [](const ClinicSetup&, const std::vector<Appointment>&) -> Result<void> {
        return core::Error(ErrorCode::kConflict, "stranded", {{"stranded", "1"}});
      });
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(saved.error().message(), "stranded");
  EXPECT_EQ(Loaded(), setup_);
}

TEST_P(SetupContract, RoomsAndServicesGoOnlyWhenNoAppointmentRefersToThem) {
  Insert("2026-11-20T17:00:00Z", AppointmentStatus::kCancelled);  // room 0, service 1
  ClinicSetup changed = setup_;
  changed.rooms.erase(changed.rooms.begin());
  auto refused = Save(changed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(refused.error().fields().at(0).field, "rooms");
  changed = setup_;
  changed.services.erase(changed.services.begin() + 1);
  refused = Save(changed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields().at(0).field, "services");
  EXPECT_EQ(Loaded(), setup_);

  changed = setup_;
  changed.rooms.erase(changed.rooms.begin() + 1);        // Adjustment Room 2: unused
  changed.services.erase(changed.services.begin() + 2);  // follow-up: unused
  ClinicSetup saved = Save(changed).value();
  EXPECT_EQ(saved, changed);
}

TEST_P(SetupContract, IdsMustBeTheStoredOnesAndPractitionersStay) {
  auto field_of = [&](const ClinicSetup& changed) {
    auto saved = Save(changed);
    EXPECT_FALSE(saved);
    if (saved) return std::string("saved");
    EXPECT_EQ(saved.error().code(), ErrorCode::kInvalidArgument);
    return saved.error().fields().empty() ? saved.error().message()
                                          : saved.error().fields()[0].field;
  };
  ClinicSetup changed = setup_;
  changed.rooms[2].id = core::RoomId{999};
  EXPECT_EQ(field_of(changed), "rooms[2].id");
  changed = setup_;
  changed.services[3].id = changed.services[4].id;
  changed.services[3].slug = "renamed";
  EXPECT_EQ(field_of(changed), "services[4].id");
  changed = setup_;
  changed.practitioners[1].time_off[0].id = core::TimeOffId{999};
  EXPECT_EQ(field_of(changed), "practitioners[1].time_off[0].id");
  changed = setup_;
  changed.practitioners.pop_back();
  EXPECT_EQ(field_of(changed), "practitioners");
  changed = setup_;
  changed.clinic.slug = "another-slug";
  EXPECT_EQ(field_of(changed), "clinic.slug");
  changed = setup_;
  changed.services[0].duration = 0min;  // clinic::Validate's
  EXPECT_EQ(field_of(changed), "services[0].duration");
  EXPECT_EQ(Loaded(), setup_);
}

TEST_P(SetupContract, TimeOffIsUpdatedAndRemovedById) {
  ClinicSetup changed = setup_;
  core::clinic::TimeOff& away = changed.practitioners[1].time_off[0];
  away.reason = "Course moved";
  away.period = core::Interval::Create(away.period.start() + 24h, away.period.end()).value();
  ClinicSetup saved = Save(changed).value();
  EXPECT_EQ(saved.practitioners[1].time_off, changed.practitioners[1].time_off);
  changed.practitioners[1].time_off.clear();
  saved = Save(changed).value();
  EXPECT_TRUE(saved.practitioners[1].time_off.empty());
  EXPECT_EQ(Loaded(), changed);
}

TEST_P(SetupContract, AnUnknownClinicIsNotFound) {
  bool called = false;
  auto saved = storage_->SaveSetup(
      core::ClinicId{999},
      [&](const ClinicSetup& stored, const std::vector<Appointment>&) -> Result<ClinicSetup> {
        called = true;
        return stored;
      },
      clock_.Now());
  EXPECT_FALSE(called);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code(), ErrorCode::kNotFound);
}

// Owners adding a room each at once: every change is made to the set-up the previous one
// stored, so none is lost and none needs a retry.
TEST_P(SetupContract, ConcurrentChangesEachSeeThePreviousOne) {
  constexpr int kWriters = 6;
  std::atomic<int> saved{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto result = storage_->SaveSetup(
          setup_.clinic.id,
          [&](const ClinicSetup& stored, const std::vector<Appointment>&) -> Result<ClinicSetup> {
            ClinicSetup changed = stored;
            changed.rooms.push_back(
                {core::RoomId{}, "Room " + std::to_string(w), core::clinic::RoomKind::kMassage});
            return changed;
          },
          clock_.Now());
      if (result) ++saved;
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(saved.load(), kWriters);
  EXPECT_EQ(Loaded().rooms.size(), setup_.rooms.size() + kWriters);
}

// Several servers on one database: a change made through one is seen by the next LoadSetup of
// another, though that one had the set-up cached. Only PostgreSQL is served by several servers
// (one process serves a SQLite file), so only it runs these.
class SetupSeveralServers : public SetupContract {};

TEST_P(SetupSeveralServers, AnotherServerSeesAChangeOnItsNextRead) {
  auto other = database_->Open(clock_);
  ASSERT_TRUE(other != nullptr);
  EXPECT_EQ(*other->LoadSetup(setup_.clinic.id).value(), setup_);
  ClinicSetup changed = setup_;
  changed.practitioners[0].hours[0].start = T("09:00");
  ASSERT_TRUE(Save(changed));
  EXPECT_EQ(*other->LoadSetup(setup_.clinic.id).value(), changed);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SetupContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, SetupContract, ::testing::Values(PostgresBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, SetupSeveralServers, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
