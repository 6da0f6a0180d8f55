// Per-patient booking rules and the front desk's decisions on online requests (issue 14), the
// same on every backend: Book applies the stored rules inside its write, requests hold their
// time, approve and decline check the version.

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::clinic::OnlineBooking;
using core::ports::NewBooking;
using core::ports::RequestDecision;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;

using unknot::testing::At;

class BookingRulesContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  core::clinic::Patient Ana(OnlineBooking rule, bool assessment_first = false) {
    core::clinic::Patient ana{core::PatientId{}, "Ana",          "Ruiz",
                              "ana@example.org", "+14155550142", clock_.Now()};
    ana.online_booking = rule;
    ana.assessment_first = assessment_first;
    return storage_->CreatePatient(setup_.clinic.id, ana).value();
  }

  // An online booking of Ana (by email) at `start`, with the rules applied.
  NewBooking Online(const char* start, std::string email = "ana@example.org",
                    int no_show_threshold = 0, bool service_for_new_patients = false) {
    core::Instant begin = At(start);
    NewBooking booking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", std::move(email), "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[0].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[0].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token",
        .idempotency = std::nullopt,
        .max_future_online = 3};
    booking.online_rules = NewBooking::OnlineRules{service_for_new_patients, no_show_threshold};
    return booking;
  }

  void AddNoShow(core::PatientId patient, const char* start) {
    core::Instant begin = At(start);
    Appointment a{.id = {},
                  .patient = patient,
                  .practitioner = setup_.practitioners[1].id,
                  .service = setup_.services[1].id,
                  .room = setup_.rooms[1].id,
                  .time = core::Interval::Create(begin, begin + 30min).value(),
                  .blocked_until = begin + 30min,
                  .status = AppointmentStatus::kNoShow,
                  .source = BookingSource::kPhone,
                  .created_at = clock_.Now(),
                  .updated_at = clock_.Now(),
                  .cancelled_at = std::nullopt,
                  .assessment = std::nullopt};
    ASSERT_TRUE(storage_->InsertAppointment(setup_.clinic.id, a));
  }

  std::size_t Appointments() {
    return storage_
        ->ListAppointments(
            setup_.clinic.id,
            core::Interval::Create(At("2020-01-01T00:00:00Z"), At("2030-01-01T00:00:00Z")).value())
        ->size();
  }

  core::staff::AuditEntry Audit(std::string record) {
    core::staff::AuditEntry entry;
    entry.clinic = setup_.clinic.id;
    entry.action = "decide_booking_request";
    entry.record = std::move(record);
    entry.at = clock_.Now();
    return entry;
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(setup_.clinic.id, filter)->size();
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
};

TEST_P(BookingRulesContract, BlockedPatientIsRefusedAndNothingIsWritten) {
  core::clinic::Patient ana = Ana(OnlineBooking::kBlocked);
  auto booked = storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z"));
  ASSERT_FALSE(booked);
  EXPECT_EQ(booked.error().code(), ErrorCode::kForbidden);
  ASSERT_EQ(booked.error().fields().size(), 1u);
  EXPECT_EQ(booked.error().fields()[0].field, core::ports::kBlockedPatientField);
  EXPECT_EQ(Appointments(), 0u);
  EXPECT_EQ(storage_->FindPatient(setup_.clinic.id, ana.id).value(), ana);
  // Staff bookings (no online rules) are not refused; nor is another email.
  NewBooking by_phone = Online("2026-12-01T17:00:00Z");
  by_phone.online_rules.reset();
  by_phone.appointment.source = BookingSource::kPhone;
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, by_phone));
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Online("2026-12-02T17:00:00Z", "bo@example.org")));
}

TEST_P(BookingRulesContract, AssessmentFirstRefusesOtherServicesOnline) {
  Ana(OnlineBooking::kAllowed, /*assessment_first=*/true);
  auto refused = storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().fields().at(0).field, "service");
  EXPECT_EQ(Appointments(), 0u);
  auto booked =
      storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z", "ana@example.org", 0, true));
  ASSERT_TRUE(booked) << booked.error().message();
  EXPECT_EQ(booked->status, AppointmentStatus::kBooked);
}

TEST_P(BookingRulesContract, RequiresApprovalIsStoredAsRequestedAndHoldsItsTime) {
  Ana(OnlineBooking::kRequiresApproval);
  auto requested = storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z"));
  ASSERT_TRUE(requested) << requested.error().message();
  EXPECT_EQ(requested->status, AppointmentStatus::kRequested);
  EXPECT_EQ(storage_->FindAppointment(setup_.clinic.id, requested->id)->status,
            AppointmentStatus::kRequested);
  auto taken = storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z", "bo@example.org"));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code(), ErrorCode::kConflict);
  // With an Idempotency-Key too (the transaction path of every backend).
  NewBooking keyed = Online("2026-12-02T17:00:00Z");
  keyed.idempotency = NewBooking::Idempotency{
      "key-1", "fingerprint",
      [](const Appointment& a) { return std::string(core::scheduling::ToString(a.status)); }};
  auto with_key = storage_->Book(setup_.clinic.id, keyed);
  ASSERT_TRUE(with_key) << with_key.error().message();
  EXPECT_EQ(with_key->status, AppointmentStatus::kRequested);
  EXPECT_EQ(storage_->FindResponse(setup_.clinic.id, "key-1").value()->body, "requested");
}

TEST_P(BookingRulesContract, RequestedAppointmentsCountTowardTheFutureBookingsCap) {
  Ana(OnlineBooking::kRequiresApproval);
  for (const char* start :
       {"2026-12-01T17:00:00Z", "2026-12-02T17:00:00Z", "2026-12-03T17:00:00Z"}) {
    auto booked = storage_->Book(setup_.clinic.id, Online(start));
    ASSERT_TRUE(booked) << booked.error().message();
  }
  auto fourth = storage_->Book(setup_.clinic.id, Online("2026-12-04T17:00:00Z"));
  ASSERT_FALSE(fourth);
  EXPECT_EQ(fourth.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(fourth.error().fields().at(0).field, core::ports::kFutureBookingsCapField);
}

TEST_P(BookingRulesContract, NoShowsInTheLast12MonthsRequireApprovalAtTheThreshold) {
  core::clinic::Patient ana = Ana(OnlineBooking::kAllowed);
  AddNoShow(ana.id, "2025-11-20T17:00:00Z");  // more than 12 months before now
  AddNoShow(ana.id, "2026-06-01T17:00:00Z");
  EXPECT_EQ(storage_
                ->CountNoShows(setup_.clinic.id, ana.id, clock_.Now() - core::ports::kNoShowWindow,
                               clock_.Now())
                .value(),
            1);
  auto below =
      storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z", "ana@example.org", 2));
  ASSERT_TRUE(below) << below.error().message();
  EXPECT_EQ(below->status, AppointmentStatus::kBooked);
  AddNoShow(ana.id, "2026-11-01T17:00:00Z");
  auto at = storage_->Book(setup_.clinic.id, Online("2026-12-02T17:00:00Z", "ana@example.org", 2));
  ASSERT_TRUE(at) << at.error().message();
  EXPECT_EQ(at->status, AppointmentStatus::kRequested);
  // Threshold 0: the rule is off.
  auto off = storage_->Book(setup_.clinic.id, Online("2026-12-03T17:00:00Z", "ana@example.org", 0));
  ASSERT_TRUE(off) << off.error().message();
  EXPECT_EQ(off->status, AppointmentStatus::kBooked);
}

TEST_P(BookingRulesContract, RulesAreSetWithTheirAuditEntry) {
  core::clinic::Patient ana = Ana(OnlineBooking::kAllowed);
  const std::size_t before = AuditCount();
  auto set =
      storage_->SetBookingRules(setup_.clinic.id, ana.id, {OnlineBooking::kRequiresApproval, true},
                                Audit("patient/" + std::to_string(ana.id.value())));
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_EQ(set->online_booking, OnlineBooking::kRequiresApproval);
  EXPECT_TRUE(set->assessment_first);
  EXPECT_EQ(storage_->FindPatient(setup_.clinic.id, ana.id).value(), *set);
  EXPECT_EQ(AuditCount(), before + 1);
  auto missing = storage_->SetBookingRules(setup_.clinic.id, core::PatientId{999999}, {},
                                           Audit("patient/999999"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), before + 1);
}

TEST_P(BookingRulesContract, RequestsAreListedThenApprovedOrDeclinedByVersion) {
  core::clinic::Patient ana = Ana(OnlineBooking::kRequiresApproval);
  Appointment first = storage_->Book(setup_.clinic.id, Online("2026-12-02T17:00:00Z")).value();
  Appointment second = storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z")).value();
  auto listed = storage_->ListRequests(setup_.clinic.id, clock_.Now());
  ASSERT_TRUE(listed) << listed.error().message();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].appointment.id, second.id);  // by start
  EXPECT_EQ((*listed)[0].patient, ana);
  EXPECT_EQ((*listed)[1].appointment,
            storage_->FindAppointment(setup_.clinic.id, first.id).value());

  const std::size_t audited = AuditCount();
  auto stale = storage_->DecideRequest(setup_.clinic.id, first.id, 2, RequestDecision::kApprove, "",
                                       clock_.Now(), Audit("appointment/x"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), audited);

  auto approved = storage_->DecideRequest(setup_.clinic.id, first.id, 1, RequestDecision::kApprove,
                                          "", clock_.Now(), Audit("appointment/first"));
  ASSERT_TRUE(approved) << approved.error().message();
  EXPECT_EQ(approved->status, AppointmentStatus::kBooked);
  EXPECT_EQ(approved->version, 2);
  EXPECT_EQ(AuditCount(), audited + 1);
  auto twice = storage_->DecideRequest(setup_.clinic.id, first.id, 2, RequestDecision::kDecline, "",
                                       clock_.Now(), Audit("appointment/first"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);

  auto declined =
      storage_->DecideRequest(setup_.clinic.id, second.id, 1, RequestDecision::kDecline,
                              "away that day", clock_.Now(), Audit("appointment/second"));
  ASSERT_TRUE(declined) << declined.error().message();
  EXPECT_EQ(declined->status, AppointmentStatus::kCancelled);
  EXPECT_TRUE(declined->declined);
  EXPECT_EQ(declined->cancel_reason, "away that day");
  EXPECT_EQ(declined->cancelled_at, clock_.Now());
  EXPECT_EQ(AuditCount(), audited + 2);
  // Its time is free at once.
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Online("2026-12-01T17:00:00Z", "bo@example.org")));
  EXPECT_TRUE(storage_->ListRequests(setup_.clinic.id, clock_.Now())->empty());
  auto missing = storage_->DecideRequest(setup_.clinic.id, core::AppointmentId{999999}, 1,
                                         RequestDecision::kApprove, "", clock_.Now(),
                                         Audit("appointment/none"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_P(BookingRulesContract, TheClinicsNoShowRuleRoundTrips) {
  core::clinic::ClinicSetup changed = setup_;
  changed.clinic.policy.no_show_approval_threshold = 3;
  auto saved = storage_->SaveSetup(
      setup_.clinic.id,
      [&](const auto&, const auto&) -> core::Result<core::clinic::ClinicSetup> { return changed; },
      clock_.Now());
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_EQ(saved->clinic.policy.no_show_approval_threshold, 3);
  storage_.reset();
  storage_ = database_->Open(clock_);
  EXPECT_EQ((*storage_->LoadSetup(setup_.clinic.id))->clinic.policy.no_show_approval_threshold, 3);
  EXPECT_EQ(storage_->FindClinic(setup_.clinic.slug)->policy.no_show_approval_threshold, 3);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, BookingRulesContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, BookingRulesContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
