#include "core/scheduling/treatment_plan.hpp"

#include <gtest/gtest.h>

#include "instants.hpp"

namespace unknot::core::scheduling {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using clinic::Role;
using clinic::RoomKind;

using unknot::testing::At;
TimeOfDay T(std::string_view hhmm) { return TimeOfDay::Parse(hhmm).value(); }

// A Los Angeles clinic: one adjustment room, one massage room; chiropractor 1 works Mondays and
// Tuesdays 08:00-17:00, massage therapist 2 Mondays 09:00-17:00. ART 30 min, massage 60 min.
// 2026-10-19 is a Monday; 2026-11-01 the fall-back Sunday, 2026-03-08 the spring-forward one.
class TreatmentPlanTest : public ::testing::Test {
 protected:
  TreatmentPlanTest() {
    setup_.clinic.time_zone = "America/Los_Angeles";
    setup_.clinic.policy.min_notice = 2h;  // does not apply to the front desk
    setup_.clinic.policy.horizon = date::days{14};
    setup_.clinic.policy.slot_step = 30min;
    setup_.rooms = {{RoomId{1}, "A1", RoomKind::kAdjustment},
                    {RoomId{2}, "M1", RoomKind::kMassage}};
    clinic::Service art;
    art.id = ServiceId{1};
    art.slug = "art";
    art.duration = 30min;
    art.allowed_roles = {Role::kChiropractor};
    art.room_kind = RoomKind::kAdjustment;
    clinic::Service massage;
    massage.id = ServiceId{2};
    massage.slug = "massage";
    massage.duration = 60min;
    massage.allowed_roles = {Role::kMassageTherapist};
    massage.room_kind = RoomKind::kMassage;
    setup_.services = {art, massage};
    clinic::Practitioner chiro;
    chiro.id = PractitionerId{1};
    chiro.slug = "chiro";
    chiro.role = Role::kChiropractor;
    chiro.hours = {{date::Monday, T("08:00"), T("17:00")}, {date::Tuesday, T("08:00"), T("17:00")}};
    clinic::Practitioner therapist;
    therapist.id = PractitionerId{2};
    therapist.slug = "therapist";
    therapist.role = Role::kMassageTherapist;
    therapist.hours = {{date::Monday, T("09:00"), T("17:00")}};
    setup_.practitioners = {chiro, therapist};
    plan_.patient = PatientId{7};
    plan_.items = {
        {ServiceId{1}, PractitionerId{1}, date::days{7}, 4, 2026_y / 10 / 19, T("10:00")},
        {ServiceId{2}, PractitionerId{2}, date::days{14}, 2, 2026_y / 10 / 19, T("11:00")}};
  }

  TimeZone zone_ = TimeZone::Find("America/Los_Angeles").value();
  clinic::ClinicSetup setup_;
  TreatmentPlan plan_;
  Instant now_ = At("2026-10-18T12:00:00Z");
};

TEST_F(TreatmentPlanTest, ValidatesEveryItemNamingTheField) {
  EXPECT_TRUE(ValidatePlan(setup_, plan_));
  auto field = [&](TreatmentPlan plan) {
    auto valid = ValidatePlan(setup_, plan);
    EXPECT_FALSE(valid);
    return valid ? std::string() : valid.error().fields().at(0).field;
  };
  TreatmentPlan bad = plan_;
  bad.items[1].practitioner = PractitionerId{1};  // a chiropractor does not give the massage
  EXPECT_EQ(field(bad), "items[1].practitioner");
  bad = plan_;
  bad.items[0].service = ServiceId{9};
  EXPECT_EQ(field(bad), "items[0].service");
  bad = plan_;
  bad.items[0].interval = date::days{0};
  EXPECT_EQ(field(bad), "items[0].interval_days");
  bad = plan_;
  bad.items[1].count = 0;
  EXPECT_EQ(field(bad), "items[1].count");
  bad = plan_;
  bad.items.clear();
  EXPECT_EQ(field(bad), "items");
  bad = plan_;
  bad.items[0].count = 40;
  bad.items[1].count = 40;  // 80 visits in all
  EXPECT_EQ(field(bad), "items");
}

TEST_F(TreatmentPlanTest, ExpandsItemsIntoVisitsInLocalTimeOrder) {
  std::vector<PlannedVisit> visits = ExpandPlan(plan_, zone_);
  ASSERT_EQ(visits.size(), 6u);
  std::vector<std::string> shown;
  for (const PlannedVisit& v : visits) {
    shown.push_back(std::to_string(v.item) + "#" + std::to_string(v.number) + " " +
                    FormatInstant(v.start.value()));
  }
  // Weekly ART at 10:00 local and two-weekly massage at 11:00 local; the clocks fall back on
  // 2026-11-01, so November's visits are an hour later in UTC.
  EXPECT_EQ(shown,
            (std::vector<std::string>{"0#1 2026-10-19T17:00:00Z", "1#1 2026-10-19T18:00:00Z",
                                      "0#2 2026-10-26T17:00:00Z", "0#3 2026-11-02T18:00:00Z",
                                      "1#2 2026-11-02T19:00:00Z", "0#4 2026-11-09T18:00:00Z"}));
}

TEST_F(TreatmentPlanTest, ATimeADstChangeSkipsOrRepeatsIsNotGuessed) {
  plan_.items = {{ServiceId{1}, PractitionerId{1}, date::days{7}, 1, 2026_y / 11 / 1, T("01:30")},
                 {ServiceId{1}, PractitionerId{1}, date::days{7}, 1, 2026_y / 3 / 8, T("02:30")}};
  std::vector<PlannedVisit> visits = ExpandPlan(plan_, zone_);
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_FALSE(visits[0].start);  // 02:30 on 2026-03-08 does not exist
  EXPECT_FALSE(visits[1].start);  // 01:30 on 2026-11-01 happens twice
  auto preview = PreviewPlan(setup_, {}, plan_, visits, At("2026-01-01T00:00:00Z"), zone_);
  ASSERT_TRUE(preview) << preview.error().message();
  EXPECT_EQ((*preview)[0].problem, VisitProblem::kNoSuchTime);
  // The chiropractor works Mondays: the nearest free starts are the next day's first ones.
  ASSERT_FALSE((*preview)[0].alternatives.empty());
  EXPECT_EQ((*preview)[0].alternatives[0].time.start(), At("2026-03-09T15:00:00Z"));
}

TEST_F(TreatmentPlanTest, PreviewSaysWhyAVisitCannotTakeItsTimeWithAlternatives) {
  // Someone holds the chiropractor 10:00-10:30 on 2026-10-26 (the second ART visit).
  const std::vector<Booking> bookings = {
      {PractitionerId{1}, RoomId{1},
       Interval::Create(At("2026-10-26T17:00:00Z"), At("2026-10-26T17:30:00Z")).value()}};
  std::vector<PlannedVisit> visits = ExpandPlan(plan_, zone_);
  auto preview = PreviewPlan(setup_, bookings, plan_, visits, now_, zone_);
  ASSERT_TRUE(preview) << preview.error().message();
  ASSERT_EQ(preview->size(), 6u);
  for (std::size_t i = 0; i < preview->size(); ++i) {
    const VisitPreview& p = (*preview)[i];
    if (i == 2) {
      EXPECT_EQ(p.problem, VisitProblem::kTaken);
      EXPECT_FALSE(p.message.empty());
      // Nearest first: 09:30 and 10:30 the same day, then 09:00.
      ASSERT_EQ(p.alternatives.size(), 3u);
      EXPECT_EQ(p.alternatives[0].time.start(), At("2026-10-26T16:30:00Z"));
      EXPECT_EQ(p.alternatives[1].time.start(), At("2026-10-26T17:30:00Z"));
    } else {
      EXPECT_TRUE(p.free()) << i << " " << p.message;
      EXPECT_TRUE(p.alternatives.empty());
    }
  }
  // Beyond the online horizon and inside the minimum notice: the front desk books them anyway.
  EXPECT_EQ((*preview)[5].visit.start, At("2026-11-09T18:00:00Z"));
  EXPECT_EQ((*preview)[0].room, RoomId{1});
  EXPECT_EQ((*preview)[1].room, RoomId{2});
}

TEST_F(TreatmentPlanTest, VisitsOfOnePlanDoNotTakeEachOthersTime) {
  // Two ART items at the same time with the same chiropractor: the second one's visit is taken
  // by the first one's, and its alternatives avoid it too.
  plan_.items = {{ServiceId{1}, PractitionerId{1}, date::days{7}, 1, 2026_y / 10 / 19, T("10:00")},
                 {ServiceId{1}, PractitionerId{1}, date::days{7}, 1, 2026_y / 10 / 19, T("10:00")}};
  std::vector<PlannedVisit> visits = ExpandPlan(plan_, zone_);
  auto preview = PreviewPlan(setup_, {}, plan_, visits, now_, zone_);
  ASSERT_TRUE(preview);
  EXPECT_TRUE((*preview)[0].free());
  EXPECT_EQ((*preview)[1].problem, VisitProblem::kTaken);
  for (const OfferedSlot& slot : (*preview)[1].alternatives) {
    EXPECT_NE(slot.time.start(), At("2026-10-19T17:00:00Z"));
  }
}

TEST_F(TreatmentPlanTest, OutsideHoursAndPastVisitsAreRefusedWithAlternatives) {
  // Wednesday 2026-10-21: the chiropractor does not work; the nearest free start within three
  // days is Tuesday 2026-10-20 16:30.
  plan_.items = {{ServiceId{1}, PractitionerId{1}, date::days{7}, 1, 2026_y / 10 / 21, T("10:00")}};
  auto preview = PreviewPlan(setup_, {}, plan_, ExpandPlan(plan_, zone_), now_, zone_);
  ASSERT_TRUE(preview);
  EXPECT_EQ((*preview)[0].problem, VisitProblem::kOutsideHours);
  ASSERT_FALSE((*preview)[0].alternatives.empty());
  EXPECT_EQ((*preview)[0].alternatives[0].time.start(), At("2026-10-20T23:30:00Z"));

  plan_.items[0].first_date = 2026_y / 10 / 12;  // a Monday before now
  preview = PreviewPlan(setup_, {}, plan_, ExpandPlan(plan_, zone_), now_, zone_);
  ASSERT_TRUE(preview);
  EXPECT_EQ((*preview)[0].problem, VisitProblem::kPast);
}

TEST_F(TreatmentPlanTest, ProgressCountsDoneLeftAndMissed) {
  auto visit = [](AppointmentStatus status) {
    const Instant start = At("2026-10-19T17:00:00Z");
    return Appointment{.id = {},
                       .patient = PatientId{7},
                       .practitioner = PractitionerId{1},
                       .service = ServiceId{1},
                       .room = RoomId{1},
                       .time = Interval::Create(start, start + 30min).value(),
                       .blocked_until = start + 30min,
                       .status = status,
                       .source = BookingSource::kStaff,
                       .created_at = {},
                       .updated_at = {},
                       .cancelled_at = std::nullopt,
                       .assessment = std::nullopt};
  };
  const std::vector<Appointment> visits = {
      visit(AppointmentStatus::kCompleted), visit(AppointmentStatus::kCompleted),
      visit(AppointmentStatus::kNoShow),    visit(AppointmentStatus::kCancelled),
      visit(AppointmentStatus::kBooked),    visit(AppointmentStatus::kArrived)};
  EXPECT_EQ(Progress(plan_, visits), (PlanProgress{6, 6, 2, 2, 2}));
  EXPECT_EQ(Progress(plan_, {}), (PlanProgress{6, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace unknot::core::scheduling
