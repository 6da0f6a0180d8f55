#include "core/scheduling/schedule_changes.hpp"

#include <gtest/gtest.h>

#include "core/clinic/clinic_setup.hpp"
#include "instants.hpp"

namespace unknot::core::scheduling {
namespace {

using namespace std::chrono_literals;

using unknot::testing::At;
Interval Between(const char* from, const char* to) {
  return Interval::Create(At(from), At(to)).value();
}

const ClinicId kClinic{1};
const PractitionerId kAna{10};
const PractitionerId kBen{11};
const RoomId kRoom{20};

ScheduleScope AnaOnTuesday() {
  return {kClinic, {kAna}, {}, Between("2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z")};
}

TEST(ScheduleChangesTest, AChangeAffectsAScopeOfItsClinicPractitionerOrRoomThatItOverlaps) {
  const ScheduleChange tuesday{kClinic, kAna, kRoom,
                               Between("2026-12-01T17:00:00Z", "2026-12-01T17:40:00Z")};
  EXPECT_TRUE(Affects(tuesday, AnaOnTuesday()));
  ScheduleScope wednesday = AnaOnTuesday();
  wednesday.window = Between("2026-12-02T08:00:00Z", "2026-12-03T08:00:00Z");
  EXPECT_FALSE(Affects(tuesday, wednesday));
  ScheduleScope ben = AnaOnTuesday();
  ben.practitioners = {kBen};
  EXPECT_FALSE(Affects(tuesday, ben));
  ben.rooms = {kRoom};  // Ben's answer depends on the room Ana took
  EXPECT_TRUE(Affects(tuesday, ben));
  ScheduleChange hold = tuesday;
  hold.room.reset();  // a hold takes no room
  EXPECT_FALSE(Affects(hold, ben));
  ScheduleScope other_clinic = AnaOnTuesday();
  other_clinic.clinic = ClinicId{2};
  EXPECT_FALSE(Affects(tuesday, other_clinic));
  // Half-open: a change that ends where the window starts does not touch it.
  const ScheduleChange before{kClinic, kAna, kRoom,
                              Between("2026-12-01T07:00:00Z", "2026-12-01T08:00:00Z")};
  EXPECT_FALSE(Affects(before, AnaOnTuesday()));
}

TEST(ScheduleChangesTest, TheLogFindsTheCommitsAfterAGeneration) {
  ScheduleChangeLog log;
  EXPECT_EQ(log.generation(), 0u);
  EXPECT_FALSE(log.ChangedSince(0, AnaOnTuesday()));
  const ScheduleChange ben_tuesday{kClinic, kBen, std::nullopt,
                                   Between("2026-12-01T17:00:00Z", "2026-12-01T17:40:00Z")};
  const ScheduleChange ana_tuesday{kClinic, kAna, std::nullopt,
                                   Between("2026-12-01T18:00:00Z", "2026-12-01T18:40:00Z")};
  EXPECT_EQ(log.Record(std::vector<ScheduleChange>{ben_tuesday}), 1u);
  std::uint64_t through = 0;
  EXPECT_FALSE(log.ChangedSince(0, AnaOnTuesday(), &through));
  EXPECT_EQ(through, 1u);
  EXPECT_EQ(log.Record(std::vector<ScheduleChange>{ana_tuesday}), 2u);
  EXPECT_TRUE(log.ChangedSince(0, AnaOnTuesday()));
  EXPECT_TRUE(log.ChangedSince(1, AnaOnTuesday()));
  EXPECT_FALSE(log.ChangedSince(2, AnaOnTuesday()));
  // A write that said nothing changed anything; one that changed nothing, nothing.
  log.Record(std::vector<ScheduleChange>{});
  EXPECT_FALSE(log.ChangedSince(2, AnaOnTuesday()));
  log.Record(std::nullopt);
  EXPECT_TRUE(log.ChangedSince(3, AnaOnTuesday()));
  // A generation this log never gave out is not current.
  EXPECT_TRUE(log.ChangedSince(99, AnaOnTuesday()));
}

TEST(ScheduleChangesTest, WritesCommittedTogetherAreOneCommitAndAnUnknownOneIsAnything) {
  ScheduleChangeLog log;
  ScheduleChanges ben;
  ben.Add({kClinic, kBen, std::nullopt, Between("2026-12-01T17:00:00Z", "2026-12-01T17:40:00Z")});
  ScheduleChanges nothing;
  nothing.Nothing();
  EXPECT_EQ(log.Record({&ben, &nothing}), 1u);
  EXPECT_FALSE(log.ChangedSince(0, AnaOnTuesday()));
  ScheduleChanges unknown;  // said nothing
  EXPECT_FALSE(unknown.known());
  EXPECT_EQ(log.Record({&ben, &unknown}), 2u);
  EXPECT_TRUE(log.ChangedSince(1, AnaOnTuesday()));
  // A rolled-back write is known to have changed nothing.
  ben.Clear();
  EXPECT_TRUE(ben.known());
  EXPECT_TRUE(ben.changes().empty());
}

TEST(ScheduleChangesTest, AnAnswerOlderThanTheLogRemembersIsStale) {
  ScheduleChangeLog log;
  const ScheduleChange elsewhere{kClinic, kBen, std::nullopt,
                                 Between("2027-01-01T17:00:00Z", "2027-01-01T17:40:00Z")};
  for (std::size_t i = 0; i < ScheduleChangeLog::kKept; ++i) {
    log.Record(std::vector<ScheduleChange>{elsewhere});
  }
  EXPECT_FALSE(log.ChangedSince(0, AnaOnTuesday()));  // all kKept commits still known
  log.Record(std::vector<ScheduleChange>{elsewhere});
  EXPECT_TRUE(log.ChangedSince(0, AnaOnTuesday()));  // the first one is forgotten
  EXPECT_FALSE(log.ChangedSince(1, AnaOnTuesday()));
}

TEST(ScheduleChangesTest, TheLogListsTheChangesInAWindowSinceAGenerationOldestFirst) {
  ScheduleChangeLog log;
  const Interval tuesday = AnaOnTuesday().window;
  const ScheduleChange ana{kClinic, kAna, kRoom,
                           Between("2026-12-01T17:00:00Z", "2026-12-01T17:40:00Z"),
                           BusyEffect::kBusy};
  ScheduleChange ben = ana;
  ben.practitioner = kBen;
  ben.effect = BusyEffect::kFree;
  ScheduleChange wednesday = ana;
  wednesday.blocked = Between("2026-12-02T17:00:00Z", "2026-12-02T17:40:00Z");
  ScheduleChange other_clinic = ana;
  other_clinic.clinic = ClinicId{2};
  log.Record(std::vector<ScheduleChange>{ana});
  log.Record(std::vector<ScheduleChange>{wednesday, other_clinic, ben});
  std::uint64_t through = 0;
  EXPECT_EQ(log.ChangesSince(0, kClinic, tuesday, through),
            (std::vector<ScheduleChange>{ana, ben}));
  EXPECT_EQ(through, 2u);
  EXPECT_EQ(log.ChangesSince(1, kClinic, tuesday, through), std::vector<ScheduleChange>{ben});
  EXPECT_EQ(log.ChangesSince(2, kClinic, tuesday, through), std::vector<ScheduleChange>{});
  // A generation the log never gave out, or a write that may have changed anything: no list.
  EXPECT_FALSE(log.ChangesSince(3, kClinic, tuesday, through));
  log.Record(std::nullopt);
  EXPECT_FALSE(log.ChangesSince(2, kClinic, tuesday, through));
  EXPECT_EQ(log.ChangesSince(3, kClinic, tuesday, through), std::vector<ScheduleChange>{});
  // Older than the log remembers.
  for (std::size_t i = 0; i <= ScheduleChangeLog::kKept; ++i) {
    log.Record(std::vector<ScheduleChange>{});
  }
  EXPECT_FALSE(log.ChangesSince(3, kClinic, tuesday, through));
  EXPECT_TRUE(log.ChangesSince(4, kClinic, tuesday, through));
}

TEST(ScheduleChangesTest, AnAppointmentAsAWriteLeftItIsBusyUnlessCancelledAndAsItWasIsFreedIfLive) {
  const Appointment booked{.id = AppointmentId{4},
                           .patient = PatientId{5},
                           .practitioner = kAna,
                           .service = ServiceId{3},
                           .room = kRoom,
                           .time = Between("2026-12-01T17:00:00Z", "2026-12-01T17:30:00Z"),
                           .blocked_until = At("2026-12-01T17:40:00Z"),
                           .status = AppointmentStatus::kBooked,
                           .source = BookingSource::kOnline,
                           .created_at = {},
                           .updated_at = {},
                           .cancelled_at = std::nullopt,
                           .assessment = std::nullopt};
  const ScheduleChange busy = ChangeTo(kClinic, booked);
  EXPECT_EQ(busy.blocked, Between("2026-12-01T17:00:00Z", "2026-12-01T17:40:00Z"));
  EXPECT_EQ(busy.room, kRoom);
  EXPECT_EQ(busy.effect, BusyEffect::kBusy);
  EXPECT_EQ(ChangeFrom(kClinic, booked).effect, BusyEffect::kFree);
  EXPECT_EQ(ChangeOf(kClinic, booked).effect, BusyEffect::kUnknown);
  Appointment requested = booked;  // waits for approval, and keeps its time meanwhile
  requested.status = AppointmentStatus::kRequested;
  EXPECT_EQ(ChangeTo(kClinic, requested).effect, BusyEffect::kBusy);
  Appointment cancelled = booked;
  cancelled.status = AppointmentStatus::kCancelled;
  // A cancellation by a change says both: freed as it was, nothing as it is. Freed once.
  EXPECT_EQ(ChangeTo(kClinic, cancelled).effect, BusyEffect::kNone);
  // A cancelled appointment that a write changed was not busy before it: nothing to free.
  EXPECT_EQ(ChangeFrom(kClinic, cancelled).effect, BusyEffect::kNone);
}

clinic::ClinicSetup TwoChiropractors() {
  clinic::ClinicSetup setup;
  setup.clinic.id = kClinic;
  setup.clinic.time_zone = "America/Los_Angeles";
  setup.clinic.policy.slot_step = 15min;
  setup.rooms = {{RoomId{1}, "Adjustment 1", clinic::RoomKind::kAdjustment},
                 {RoomId{2}, "Massage A", clinic::RoomKind::kMassage},
                 {RoomId{3}, "Adjustment 2", clinic::RoomKind::kAdjustment}};
  clinic::Practitioner chiro;
  chiro.id = PractitionerId{7};
  chiro.role = clinic::Role::kChiropractor;
  clinic::Practitioner other_chiro = chiro;
  other_chiro.id = PractitionerId{5};
  clinic::Practitioner massage;
  massage.id = PractitionerId{9};
  massage.role = clinic::Role::kMassageTherapist;
  setup.practitioners = {chiro, massage, other_chiro};
  clinic::Service adjustment;
  adjustment.id = ServiceId{3};
  adjustment.duration = 30min;
  adjustment.buffer_after = 10min;
  adjustment.room_kind = clinic::RoomKind::kAdjustment;
  adjustment.allowed_roles = {clinic::Role::kChiropractor};
  setup.services = {adjustment};
  return setup;
}

TEST(ScheduleChangesTest, AnAvailabilityAnswerDependsOnItsPractitionersRoomsAndWindow) {
  const clinic::ClinicSetup setup = TwoChiropractors();
  AvailabilityRequest request{ServiceId{3}, ParseLocalDate("2026-12-01").value(),
                              ParseLocalDate("2026-12-02").value(), std::nullopt};
  const Interval read = Between("2026-12-01T08:00:00Z", "2026-12-03T08:10:00Z");
  auto scope = AvailabilityScope(setup, request, read);
  ASSERT_TRUE(scope) << scope.error().message();
  EXPECT_EQ(scope->clinic, kClinic);
  // Everyone who offers the service, and the rooms of its kind.
  EXPECT_EQ(scope->practitioners,
            (std::vector<PractitionerId>{PractitionerId{5}, PractitionerId{7}}));
  EXPECT_EQ(scope->rooms, (std::vector<RoomId>{RoomId{1}, RoomId{3}}));
  EXPECT_EQ(scope->window, read);

  request.practitioner = PractitionerId{7};
  scope = AvailabilityScope(setup, request, read);
  ASSERT_TRUE(scope);
  EXPECT_EQ(scope->practitioners, std::vector<PractitionerId>{PractitionerId{7}});

  request.practitioner = PractitionerId{9};  // does not offer it
  EXPECT_FALSE(AvailabilityScope(setup, request, read));
  request.practitioner.reset();
  request.service = ServiceId{4};
  EXPECT_FALSE(AvailabilityScope(setup, request, read));
}

}  // namespace
}  // namespace unknot::core::scheduling
