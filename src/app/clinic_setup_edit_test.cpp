#include "app/clinic_setup_edit.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "app/booking.hpp"
#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::app {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::clinic::ClinicSetup;
using core::clinic::StrandReason;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;

using unknot::testing::At;
core::TimeOfDay T(const char* hhmm) { return core::TimeOfDay::Parse(hhmm).value(); }

// The demo clinic on Thursday 2026-11-26 at 10:00 in San Francisco (18:00Z). Dr. Okafor
// (practitioners[0]) works Monday to Friday 08:00-17:00 with lunch 12:00-13:00.
class SetupEditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(storage::sqlite::MigrateDatabase(path_, clock_));
    storage_ = storage::sqlite::SqliteStorage::Open(path_, clock_).value();
    ASSERT_TRUE(LoadDemoClinic(*storage_, clock_));
    id_ = storage_->FindClinic(kDemoClinicSlug)->id;
    setup_ = Stored();
    patient_ =
        storage_
            ->CreatePatient(
                id_, {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}})
            ->id;
  }

  ClinicSetup Stored() { return *storage_->LoadSetup(id_).value(); }

  // A 30-minute ART session with Dr. Okafor in the first room.
  Appointment Book(const char* start) {
    core::Instant begin = At(start);
    return storage_
        ->InsertAppointment(
            id_, Appointment{.id = {},
                             .patient = patient_,
                             .practitioner = setup_.practitioners[0].id,
                             .service = setup_.services[1].id,
                             .room = setup_.rooms[0].id,
                             .time = core::Interval::Create(begin, begin + 30min).value(),
                             .blocked_until = begin + 30min,
                             .status = AppointmentStatus::kBooked,
                             .source = core::scheduling::BookingSource::kPhone,
                             .created_at = clock_.Now(),
                             .updated_at = clock_.Now(),
                             .cancelled_at = std::nullopt,
                             .assessment = std::nullopt})
        .value();
  }

  core::Result<SetupEditOutcome> Edit(const SetupEdit& edit,
                                      StrandedPolicy policy = StrandedPolicy::kRefuse) {
    return EditClinicSetup(*storage_, clock_, id_, edit, policy);
  }

  SetupEdited MustEdit(const SetupEdit& edit, StrandedPolicy policy = StrandedPolicy::kRefuse) {
    auto outcome = Edit(edit, policy);
    EXPECT_TRUE(outcome) << outcome.error().message();
    if (!outcome) return {};
    EXPECT_TRUE(std::holds_alternative<SetupEdited>(*outcome));
    if (!std::holds_alternative<SetupEdited>(*outcome)) return {};
    return std::get<SetupEdited>(*outcome);
  }

  // The error's code and first field, e.g. "invalid_argument hours[0].end".
  std::string Failure(const SetupEdit& edit) {
    auto outcome = Edit(edit);
    EXPECT_FALSE(outcome);
    if (outcome) return "succeeded";
    const auto& e = outcome.error();
    return std::string(core::ToString(e.code())) + " " +
           (e.fields().empty() ? e.message() : e.fields()[0].field);
  }

  AddTimeOff TimeOff(const char* start, const char* end, std::size_t who = 0) {
    return AddTimeOff{setup_.practitioners[who].id,
                      core::Interval::Create(At(start), At(end)).value(), "Away"};
  }

  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  testing::TempDir dir_;
  std::string path_ = dir_.File("unknot.db");
  std::unique_ptr<storage::sqlite::SqliteStorage> storage_;
  core::ClinicId id_;
  ClinicSetup setup_;
  core::PatientId patient_;
};

TEST_F(SetupEditTest, RoomsAreAddedAndChangedInPlace) {
  SetupEdited added =
      MustEdit(SaveRoom{{core::RoomId{}, "Rehab Room", core::clinic::RoomKind::kAdjustment}});
  ASSERT_GT(added.id, 0);
  EXPECT_EQ(added.setup.FindRoom(core::RoomId{added.id})->name, "Rehab Room");
  SetupEdited renamed =
      MustEdit(SaveRoom{{core::RoomId{added.id}, "Rehab", core::clinic::RoomKind::kAdjustment}});
  EXPECT_EQ(renamed.id, added.id);
  EXPECT_EQ(Stored().FindRoom(core::RoomId{added.id})->name, "Rehab");
  EXPECT_EQ(Stored().rooms.size(), setup_.rooms.size() + 1);
  EXPECT_EQ(Failure(SaveRoom{{core::RoomId{999}, "X", core::clinic::RoomKind::kMassage}}),
            "not_found id");
}

TEST_F(SetupEditTest, APractitionerEditKeepsTheirTimeOffAndANewOneStartsWithout) {
  core::clinic::Practitioner reyes = setup_.practitioners[1];
  ASSERT_EQ(reyes.time_off.size(), 1u);
  reyes.bio = "New bio";
  reyes.time_off.clear();  // not what a practitioner edit changes
  MustEdit(SavePractitioner{reyes});
  EXPECT_EQ(Stored().practitioners[1].bio, "New bio");
  EXPECT_EQ(Stored().practitioners[1].time_off, setup_.practitioners[1].time_off);

  core::clinic::Practitioner lee = setup_.practitioners[3];
  lee.id = {};
  lee.slug = "jo-lee";
  lee.display_name = "Jo Lee, LMT";
  SetupEdited added = MustEdit(SavePractitioner{lee});
  const auto* stored = added.setup.FindPractitioner(core::PractitionerId{added.id});
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->slug, "jo-lee");
  EXPECT_TRUE(stored->time_off.empty());
}

TEST_F(SetupEditTest, TimeOffOverABookingIsRefusedWithTheAppointmentUnlessKept) {
  Appointment booked = Book("2026-12-01T17:00:00Z");  // Tuesday 09:00 PST
  Book("2026-12-02T17:00:00Z");                       // Wednesday: not under the time off
  AddTimeOff away = TimeOff("2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z");

  auto refused = Edit(away);
  ASSERT_TRUE(refused) << refused.error().message();
  ASSERT_TRUE(std::holds_alternative<SetupRefused>(*refused));
  const auto& stranded = std::get<SetupRefused>(*refused).stranded;
  ASSERT_EQ(stranded.size(), 1u);
  EXPECT_EQ(stranded[0].appointment, booked);
  EXPECT_EQ(stranded[0].reasons, std::vector{StrandReason::kDuringTimeOff});
  EXPECT_EQ(Stored(), setup_);

  SetupEdited kept = MustEdit(away, StrandedPolicy::kKeep);
  ASSERT_EQ(kept.kept.size(), 1u);
  EXPECT_EQ(kept.kept[0].appointment.id, booked.id);
  ASSERT_EQ(Stored().practitioners[0].time_off.size(), 1u);
  EXPECT_EQ(Stored().practitioners[0].time_off[0].id.value(), kept.id);
  EXPECT_EQ(storage_->FindAppointment(id_, booked.id)->status, AppointmentStatus::kBooked);

  // Removing it strands nothing.
  SetupEdited removed =
      MustEdit(RemoveTimeOff{setup_.practitioners[0].id, core::TimeOffId{kept.id}});
  EXPECT_TRUE(removed.setup.practitioners[0].time_off.empty());
  EXPECT_EQ(Failure(RemoveTimeOff{setup_.practitioners[0].id, core::TimeOffId{kept.id}}),
            "not_found time_off");
}

TEST_F(SetupEditTest, ShrunkHoursANewBreakAndDeactivationAreRefusedOverBookings) {
  Book("2026-12-01T16:00:00Z");  // Tuesday 08:00 PST
  Book("2026-12-01T22:00:00Z");  // Tuesday 14:00 PST
  core::clinic::Practitioner okafor = setup_.practitioners[0];
  auto strands = [&](const core::clinic::Practitioner& p) {
    auto outcome = Edit(SavePractitioner{p});
    EXPECT_TRUE(outcome);
    if (!outcome || !std::holds_alternative<SetupRefused>(*outcome)) return std::string("saved");
    std::string out;
    for (const auto& s : std::get<SetupRefused>(*outcome).stranded) {
      out += core::FormatInstant(s.appointment.time.start()) + " " +
             std::string(core::clinic::ToString(s.reasons[0])) + ";";
    }
    return out;
  };
  core::clinic::Practitioner p = okafor;
  for (auto& h : p.hours) h.start = h.day == date::Saturday ? h.start : T("08:30");
  EXPECT_EQ(strands(p), "2026-12-01T16:00:00Z outside_hours;");
  p = okafor;
  p.breaks.push_back({date::Tuesday, T("14:00"), T("14:15"), "Call"});
  EXPECT_EQ(strands(p), "2026-12-01T22:00:00Z during_break;");
  p = okafor;
  p.status = core::clinic::PractitionerStatus::kInactive;
  EXPECT_EQ(strands(p),
            "2026-12-01T16:00:00Z practitioner_inactive;2026-12-01T22:00:00Z "
            "practitioner_inactive;");
  p = okafor;
  p.skills = {core::clinic::Skill::kSportsInjury};  // no longer ART certified
  EXPECT_EQ(strands(p), "2026-12-01T16:00:00Z cannot_deliver;2026-12-01T22:00:00Z cannot_deliver;");
  EXPECT_EQ(Stored(), setup_);
}

TEST_F(SetupEditTest, ServiceAndRoomChangesThatStrandAreRefused) {
  Book("2026-12-01T17:00:00Z");
  core::clinic::Service art = setup_.services[1];
  art.room_kind = core::clinic::RoomKind::kMassage;
  auto outcome = Edit(SaveService{art});
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(std::holds_alternative<SetupRefused>(*outcome));
  core::clinic::Room room = setup_.rooms[0];
  room.kind = core::clinic::RoomKind::kMassage;
  outcome = Edit(SaveRoom{room});
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(std::holds_alternative<SetupRefused>(*outcome));
  EXPECT_EQ(std::get<SetupRefused>(*outcome).stranded[0].reasons,
            std::vector{StrandReason::kRoomKind});
  // A price or a duration is no reason: booked appointments keep their own times.
  art = setup_.services[1];
  art.price.minor_units = 9900;
  art.duration = 45min;
  EXPECT_EQ(MustEdit(SaveService{art}).setup.services[1], art);
}

TEST_F(SetupEditTest, FieldsOfTheEditedThingAreNamedRelativeToIt) {
  core::clinic::Practitioner p = setup_.practitioners[0];
  p.hours[1].end = T("07:00");
  EXPECT_EQ(Failure(SavePractitioner{p}), "invalid_argument hours[1].end");
  p = setup_.practitioners[0];
  p.slug = setup_.practitioners[1].slug;
  EXPECT_EQ(Failure(SavePractitioner{p}), "invalid_argument slug");
  core::clinic::Clinic c = setup_.clinic;
  c.policy.slot_step = 7min;
  EXPECT_EQ(Failure(UpdateClinic{c}), "invalid_argument policy.slot_step");
  c = setup_.clinic;
  c.slug = "elsewhere";
  EXPECT_EQ(Failure(UpdateClinic{c}), "invalid_argument slug");
  core::clinic::Service s = setup_.services[0];
  s.id = {};
  s.slug = "short-assessment";
  s.duration = 2min;
  EXPECT_EQ(Failure(SaveService{s}), "invalid_argument duration");
  EXPECT_EQ(Stored(), setup_);
}

TEST_F(SetupEditTest, AnEditThatBreaksAnotherPartIsAConflictNamingThatPart) {
  // Both massage rooms made adjustment rooms: the massage services would have no room.
  core::clinic::Room a = setup_.rooms[2];
  a.kind = core::clinic::RoomKind::kAdjustment;
  MustEdit(SaveRoom{a});
  core::clinic::Room b = setup_.rooms[3];
  b.kind = core::clinic::RoomKind::kAdjustment;
  EXPECT_EQ(Failure(SaveRoom{b}), "conflict services[3].room_kind");
}

TEST_F(SetupEditTest, ClinicDetailsAndPolicyChange) {
  core::clinic::Clinic c = setup_.clinic;
  c.slug = "";  // the slug may be left out
  c.name = "Mission Sports Chiro";
  c.policy.min_notice = 4h;
  SetupEdited edited = MustEdit(UpdateClinic{c});
  EXPECT_EQ(edited.setup.clinic.name, "Mission Sports Chiro");
  EXPECT_EQ(edited.setup.clinic.slug, setup_.clinic.slug);
  EXPECT_EQ(storage_->FindClinic(kDemoClinicSlug)->policy.min_notice, 4h);
}

TEST_F(SetupEditTest, AvailabilityFollowsAChangeAtOnce) {
  core::scheduling::AvailabilityRequest request{setup_.services[1].id, date::year{2026} / 12 / 1,
                                                date::year{2026} / 12 / 1,
                                                setup_.practitioners[0].id};
  auto before = GetAvailability(*storage_, clock_, kDemoClinicSlug, request).value();
  ASSERT_FALSE(before.days[0].slots.empty());
  MustEdit(TimeOff("2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z"));
  auto after = GetAvailability(*storage_, clock_, kDemoClinicSlug, request).value();
  EXPECT_TRUE(after.days[0].slots.empty());
}

TEST_F(SetupEditTest, ConcurrentEditsOfTheSetupAreAllKept) {
  constexpr int kEditors = 6;
  std::vector<std::thread> editors;
  std::atomic<int> done{0};
  for (int i = 0; i < kEditors; ++i) {
    editors.emplace_back([&, i] {
      std::string start =
          "2027-01-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1) + "T08:00:00Z";
      std::string end =
          "2027-01-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1) + "T09:00:00Z";
      auto outcome = Edit(TimeOff(start.c_str(), end.c_str(), static_cast<std::size_t>(i % 4)));
      if (outcome && std::holds_alternative<SetupEdited>(*outcome)) ++done;
      if (!outcome) ADD_FAILURE() << outcome.error().message();
    });
  }
  for (auto& t : editors) t.join();
  EXPECT_EQ(done.load(), kEditors);
  std::size_t time_off = 0;
  for (const auto& p : Stored().practitioners) time_off += p.time_off.size();
  std::size_t before = 0;
  for (const auto& p : setup_.practitioners) before += p.time_off.size();
  EXPECT_EQ(time_off, before + kEditors);
}

}  // namespace
}  // namespace unknot::app
