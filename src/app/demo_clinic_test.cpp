#include "app/demo_clinic.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "instants.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::app {
namespace {

using namespace std::chrono_literals;
using core::clinic::ClinicSetup;
using core::clinic::Role;
using core::clinic::RoomKind;
using core::clinic::Skill;

using unknot::testing::At;

TEST(DemoClinicTest, MatchesTheSpecifiedClinic) {
  ClinicSetup setup = DemoClinicSetup(At("2026-11-26T18:00:00Z")).value();
  EXPECT_EQ(setup.clinic.time_zone, "America/Los_Angeles");
  EXPECT_EQ(setup.clinic.address.city, "San Francisco");

  auto count_role = [&](Role role) {
    return std::count_if(setup.practitioners.begin(), setup.practitioners.end(),
                         [&](const auto& p) { return p.role == role; });
  };
  EXPECT_EQ(count_role(Role::kChiropractor), 2);
  EXPECT_EQ(count_role(Role::kMassageTherapist), 2);
  int art = 0, sports = 0;
  for (const auto& p : setup.practitioners) {
    if (p.role != Role::kChiropractor) continue;
    art += p.HasSkill(Skill::kActiveReleaseTechnique);
    sports += p.HasSkill(Skill::kSportsInjury);
  }
  EXPECT_EQ(art, 2);
  EXPECT_EQ(sports, 1);

  auto rooms_of = [&](RoomKind kind) {
    return std::count_if(setup.rooms.begin(), setup.rooms.end(),
                         [&](const auto& r) { return r.kind == kind; });
  };
  EXPECT_EQ(rooms_of(RoomKind::kAdjustment), 2);
  EXPECT_EQ(rooms_of(RoomKind::kMassage), 2);

  auto service = [&](std::string_view slug) {
    auto it = std::find_if(setup.services.begin(), setup.services.end(),
                           [&](const auto& s) { return s.slug == slug; });
    EXPECT_NE(it, setup.services.end()) << slug;
    return *it;
  };
  EXPECT_EQ(service("new-patient-assessment").duration, 45min);
  EXPECT_EQ(service("new-patient-assessment").eligibility,
            core::clinic::PatientEligibility::kNewPatientsOnly);
  EXPECT_EQ(service("art-session").duration, 30min);
  EXPECT_EQ(service("chiropractic-follow-up").duration, 20min);
  EXPECT_EQ(service("deep-tissue-60").duration, 60min);
  EXPECT_EQ(service("deep-tissue-90").duration, 90min);
  EXPECT_EQ(service("deep-tissue-90").buffer_after, 10min);
  EXPECT_EQ(service("deep-tissue-90").room_kind, RoomKind::kMassage);
  EXPECT_EQ(service("foam-roller-coaching").duration, 30min);
  // Only ART-certified chiropractors may deliver ART.
  for (const auto& p : setup.practitioners) {
    EXPECT_EQ(service("art-session").CanBeDeliveredBy(p),
              p.role == Role::kChiropractor && p.HasSkill(Skill::kActiveReleaseTechnique));
  }

  // Saturday mornings for some, not all; lunch breaks differ by practitioner.
  int saturday = 0;
  std::vector<std::string> lunches;
  for (const auto& p : setup.practitioners) {
    saturday += std::any_of(p.hours.begin(), p.hours.end(),
                            [](const auto& h) { return h.day == date::Saturday; });
    for (const auto& b : p.breaks) {
      if (b.day == date::Tuesday) lunches.push_back(b.start.ToString());
    }
  }
  EXPECT_GT(saturday, 0);
  EXPECT_LT(saturday, 4);
  std::sort(lunches.begin(), lunches.end());
  EXPECT_EQ(std::unique(lunches.begin(), lunches.end()), lunches.end());
}

TEST(DemoClinicTest, TimeOffIsNextWeekInClinicTime) {
  // Thursday 2026-11-26 10:00 in San Francisco: next week is Monday 11-30 to Friday 12-04.
  ClinicSetup setup = DemoClinicSetup(At("2026-11-26T18:00:00Z")).value();
  std::vector<core::clinic::TimeOff> all;
  for (const auto& p : setup.practitioners) {
    all.insert(all.end(), p.time_off.begin(), p.time_off.end());
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(core::FormatInstant(all[0].period.start()), "2026-11-30T08:00:00Z");
  EXPECT_EQ(core::FormatInstant(all[0].period.end()), "2026-12-05T08:00:00Z");
  // On a Sunday evening local time (Monday UTC), "next week" still starts the next day.
  ClinicSetup sunday = DemoClinicSetup(At("2026-11-30T05:00:00Z")).value();
  for (const auto& p : sunday.practitioners) {
    for (const auto& t : p.time_off) {
      EXPECT_EQ(core::FormatInstant(t.period.start()), "2026-11-30T08:00:00Z");
    }
  }
}

TEST(DemoClinicTest, LoadingTwiceChangesNothing) {
  testing::TempDir dir;
  std::string path = dir.File("demo.db");
  core::FixedClock clock(At("2026-11-26T18:00:00Z"));
  ASSERT_TRUE(storage::sqlite::MigrateDatabase(path, clock));
  auto storage = storage::sqlite::SqliteStorage::Open(path, clock).value();
  auto first = LoadDemoClinic(*storage, clock);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->outcome, DemoOutcome::kCreated);
  ClinicSetup before = *storage->LoadSetup(first->clinic.id).value();

  clock.Set(At("2026-12-10T18:00:00Z"));  // a later run must not add a second time off
  auto second = LoadDemoClinic(*storage, clock);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->outcome, DemoOutcome::kAlreadyPresent);
  EXPECT_EQ(storage->ListClinics()->size(), 1u);
  EXPECT_EQ(*storage->LoadSetup(first->clinic.id).value(), before);
}

}  // namespace
}  // namespace unknot::app
