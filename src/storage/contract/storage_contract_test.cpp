// The storage contract: every behaviour the application relies on, run against every backend
// (SQLite and PostgreSQL; see the INSTANTIATE lines at the end). A backend passes it or is not
// one. Backend-specific tests (migrations from old files, settings) live beside each backend.

#include <gtest/gtest.h>

#include <atomic>
#include <ostream>
#include <thread>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::core::ports {

// How gtest prints a StoredAssessment in a failed comparison (found by argument-dependent lookup).
static void PrintTo(const StoredAssessment& a, std::ostream* out) {
  *out << "{id " << a.id.value() << ", " << clinical::ToString(a.outcome) << ", token hash '"
       << a.manage_token_hash << "', created " << a.created_at.time_since_epoch().count()
       << ", input " << a.input_json << ", result " << a.result_json << "}";
}

}  // namespace unknot::core::ports

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::clinic::ClinicSetup;
using core::clinical::Outcome;
using core::ports::NewBooking;
using core::ports::StoredAssessment;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;

using unknot::testing::At;

// A fresh database of the backend for each test.
class ContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
  }

  std::unique_ptr<core::ports::Storage> OpenStorage() { return database_->Open(clock_); }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
};

class StorageContract : public ContractTest {
 protected:
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
                       .cancelled_at = std::nullopt,
                       .assessment = std::nullopt};
  }

  core::clinic::Patient Ana() {
    return {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", core::Instant{}};
  }

  // An assessment as the API would store it; created_at differs from the clock's now, so a
  // backend that stamps its own time instead of storing the given one is caught.
  StoredAssessment Assessment(Outcome outcome = Outcome::kSeeChiropractorFirst,
                              std::string token_hash = "hash-of-assessment-token") {
    return StoredAssessment{
        .id = {},
        .outcome = outcome,
        .manage_token_hash = std::move(token_hash),
        .input_json = R"({"marks":[{"region":"upper_trapezius","side":"left"}],)"
                      R"("answers":{"numbness":"no"},"note":"Zoë's \"knot\" \u00e9"})",
        .result_json = R"({"outcome":")" + std::string(core::clinical::ToString(outcome)) +
                       R"(","muscles":["upper_trapezius","levator_scapulae"]})",
        .created_at = At("2026-11-26T17:59:31Z")};
  }
};

// The demo clinic stored, and booking requests against it.
class BookingContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (HasFatalFailure()) return;
    storage_ = OpenStorage();
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  // A 30-minute ART session with practitioner/room indexes into the demo setup, plus `buffer`.
  NewBooking Request(const char* start, std::size_t practitioner = 0, std::size_t room = 0,
                     std::string email = "ana@example.org", std::chrono::minutes buffer = 0min) {
    core::Instant begin = At(start);
    return NewBooking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", std::move(email), "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[practitioner].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[room].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min + buffer,
                                   .status = AppointmentStatus::kBooked,
                                   .source = core::scheduling::BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token",
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
  }

  std::size_t BookingsOn(const char* day_start, const char* day_end) {
    return storage_
        ->ListBookings(setup_.clinic.id, core::Interval::Create(At(day_start), At(day_end)).value())
        ->size();
  }

  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
};

TEST_P(StorageContract, ClinicSetupRoundTripsAndSurvivesReopen) {
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

TEST_P(StorageContract, OnlineBookingLimitsRoundTrip) {
  ClinicSetup setup = Demo();
  setup.clinic.policy.address_writes = {.count = 7, .period = 90s, .burst = 11};
  setup.clinic.policy.email_bookings = {.count = 2, .period = 24h, .burst = 3};
  setup.clinic.policy.max_future_online_bookings = 9;
  core::ClinicId id;
  {
    auto storage = OpenStorage();
    auto created = storage->CreateClinic(setup);
    ASSERT_TRUE(created) << created.error().message();
    id = created->clinic.id;
    EXPECT_EQ((*storage->LoadSetup(id))->clinic.policy, setup.clinic.policy);
  }
  auto reopened = OpenStorage();
  EXPECT_EQ(reopened->FindClinic(app::kDemoClinicSlug)->policy, setup.clinic.policy);
}

TEST_P(StorageContract, DuplicateSlugIsAConflictAndWritesNothing) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage->CreateClinic(Demo()));
  auto again = storage->CreateClinic(Demo());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(storage->ListClinics()->size(), 1u);
}

TEST_P(StorageContract, InvalidSetupIsRejectedBeforeWriting) {
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

TEST_P(StorageContract, ClinicsAreListedBySlugAndFoundOrNot) {
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

TEST_P(StorageContract, PatientsBelongToOneClinic) {
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

TEST_P(StorageContract, AppointmentsAreStoredAndListedByBlockedInterval) {
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

TEST_P(StorageContract, FrontDeskFieldsRoundTripAndVersionsRiseOnEveryChange) {
  auto storage = OpenStorage();
  ClinicSetup s = *storage->CreateClinic(Demo());
  ASSERT_GE(s.rooms.size(), 2u);
  core::clinic::Patient rules = Ana();
  rules.online_booking = core::clinic::OnlineBooking::kRequiresApproval;
  rules.assessment_first = true;
  auto ana = storage->CreatePatient(s.clinic.id, rules);
  ASSERT_TRUE(ana) << ana.error().message();
  EXPECT_EQ(*storage->FindPatient(s.clinic.id, ana->id), *ana);
  EXPECT_EQ(ana->online_booking, core::clinic::OnlineBooking::kRequiresApproval);

  // A request waiting for approval holds its time like a booking.
  Appointment request = MakeAppointment(s, ana->id, "2026-12-01T17:00:00Z");
  request.status = AppointmentStatus::kRequested;
  request.source = BookingSource::kWalkIn;
  request.cancel_reason = "";
  auto stored = storage->InsertAppointment(s.clinic.id, request);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(stored->version, 1);
  EXPECT_EQ(*storage->FindAppointment(s.clinic.id, stored->id), *stored);
  Appointment same_time = MakeAppointment(s, ana->id, "2026-12-01T17:00:00Z");
  same_time.room = s.rooms[1].id;
  EXPECT_EQ(storage->InsertAppointment(s.clinic.id, same_time).error().code(),
            ErrorCode::kConflict);

  // Staff may overbook a practitioner who allows it: the database leaves such a row out of its
  // no-overlap rule, and an ordinary appointment still may not overlap another ordinary one.
  Appointment overbooked = same_time;
  overbooked.overbooked = true;
  auto extra = storage->InsertAppointment(s.clinic.id, overbooked);
  ASSERT_TRUE(extra) << extra.error().message();
  EXPECT_TRUE(storage->FindAppointment(s.clinic.id, extra->id)->overbooked);

  // Every change raises the version, whichever write made it.
  Appointment later = *stored;
  later.time =
      core::Interval::Create(At("2026-12-01T19:00:00Z"), At("2026-12-01T19:30:00Z")).value();
  later.blocked_until = later.time.end();
  later.status = AppointmentStatus::kRequested;
  auto found = storage->FindAppointment(s.clinic.id, stored->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->version, 1);
  auto cancelled = storage->Cancel(s.clinic.id, extra->id, clock_.Now());
  ASSERT_TRUE(cancelled) << cancelled.error().message();
  EXPECT_EQ(cancelled->version, 2);
  EXPECT_EQ(storage->FindAppointment(s.clinic.id, extra->id)->version, 2);
}

TEST_P(StorageContract, AppointmentCannotPointIntoAnotherClinic) {
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

TEST_P(StorageContract, AssessmentsRoundTripAndSurviveReopen) {
  ClinicSetup s;
  std::vector<StoredAssessment> stored;
  {
    auto storage = OpenStorage();
    ASSERT_TRUE(storage != nullptr);
    s = *storage->CreateClinic(Demo());
    // Every outcome, so each one's name passes the table's CHECK and reads back as itself.
    for (Outcome outcome : {Outcome::kBookOnline, Outcome::kSeeChiropractorFirst,
                            Outcome::kMedicalCareSoon, Outcome::kEmergency}) {
      StoredAssessment assessment =
          Assessment(outcome, "hash-" + std::string(core::clinical::ToString(outcome)));
      const std::uint64_t before = storage->Generation();
      auto id = storage->CreateAssessment(s.clinic.id, assessment);
      ASSERT_TRUE(id) << id.error().message();
      EXPECT_TRUE(id->is_set());
      EXPECT_NE(storage->Generation(), before) << "a stored assessment is a committed write";
      assessment.id = *id;
      auto found = storage->FindAssessment(s.clinic.id, *id);
      ASSERT_TRUE(found) << found.error().message();
      EXPECT_EQ(found->outcome, outcome);
      EXPECT_EQ(found->input_json, assessment.input_json);
      EXPECT_EQ(*found, assessment);
      stored.push_back(assessment);
    }
  }
  auto reopened = OpenStorage();
  ASSERT_TRUE(reopened != nullptr);
  for (const StoredAssessment& assessment : stored) {
    auto found = reopened->FindAssessment(s.clinic.id, assessment.id);
    ASSERT_TRUE(found) << found.error().message();
    EXPECT_EQ(*found, assessment);
  }
}

TEST_P(StorageContract, AssessmentsGetTheirOwnIds) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage != nullptr);
  ClinicSetup s = *storage->CreateClinic(Demo());
  // An id in the argument is not the stored one: the backend assigns it.
  StoredAssessment first = Assessment(Outcome::kBookOnline, "hash-1");
  first.id = core::AssessmentId{7};
  StoredAssessment second = Assessment(Outcome::kEmergency, "hash-2");
  second.id = core::AssessmentId{7};
  auto first_id = storage->CreateAssessment(s.clinic.id, first);
  auto second_id = storage->CreateAssessment(s.clinic.id, second);
  ASSERT_TRUE(first_id) << first_id.error().message();
  ASSERT_TRUE(second_id) << second_id.error().message();
  EXPECT_TRUE(first_id->is_set());
  EXPECT_TRUE(second_id->is_set());
  EXPECT_NE(*first_id, *second_id);
  EXPECT_EQ(storage->FindAssessment(s.clinic.id, *first_id)->manage_token_hash, "hash-1");
  EXPECT_EQ(storage->FindAssessment(s.clinic.id, *second_id)->manage_token_hash, "hash-2");
  EXPECT_EQ(storage->FindAssessment(s.clinic.id, *second_id)->outcome, Outcome::kEmergency);
}

TEST_P(StorageContract, AssessmentsBelongToOneClinic) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage != nullptr);
  ClinicSetup a = *storage->CreateClinic(Demo("clinic-a"));
  ClinicSetup b = *storage->CreateClinic(Demo("clinic-b"));
  auto id = storage->CreateAssessment(a.clinic.id, Assessment());
  ASSERT_TRUE(id) << id.error().message();
  ASSERT_TRUE(storage->FindAssessment(a.clinic.id, *id));
  auto elsewhere = storage->FindAssessment(b.clinic.id, *id);
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code(), ErrorCode::kNotFound);
  auto unknown = storage->FindAssessment(a.clinic.id, core::AssessmentId{id->value() + 1000});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_P(StorageContract, AssessmentOfAnUnknownClinicIsNotFound) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage != nullptr);
  ClinicSetup s = *storage->CreateClinic(Demo());
  const core::ClinicId unknown{s.clinic.id.value() + 1000};
  auto created = storage->CreateAssessment(unknown, Assessment());
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), ErrorCode::kNotFound);
  // Nothing was stored under it: ids only grow, so a row written for the unknown clinic would
  // have one below the next assessment's.
  auto id = storage->CreateAssessment(s.clinic.id, Assessment());
  ASSERT_TRUE(id) << id.error().message();
  for (std::int64_t i = 1; i <= id->value(); ++i) {
    EXPECT_EQ(storage->FindAssessment(unknown, core::AssessmentId{i}).error().code(),
              ErrorCode::kNotFound)
        << i;
  }
}

TEST_P(StorageContract, PingAnswers) {
  auto storage = OpenStorage();
  EXPECT_TRUE(storage->Ping());
}

TEST_P(BookingContract, BooksAndReusesThePatientByEmail) {
  auto first = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(first->id.is_set());
  EXPECT_EQ(first->created_at, clock_.Now());
  auto second =
      storage_->Book(setup_.clinic.id, Request("2026-12-02T17:00:00Z", 0, 0, "ANA@example.org"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->patient, first->patient);
  EXPECT_EQ(*storage_->ManageTokenHash(setup_.clinic.id, first->id), "hash-of-token");
  EXPECT_EQ(storage_->ManageTokenHash(setup_.clinic.id, core::AppointmentId{999}).error().code(),
            ErrorCode::kNotFound);
}

TEST_P(BookingContract, OverlapsAreRefusedPerPractitionerAndPerRoomBuffersIncluded) {
  ASSERT_TRUE(storage_->Book(setup_.clinic.id,
                             Request("2026-12-01T17:00:00Z", 0, 0, "a@example.org", 10min)));
  // Same practitioner, other room, inside the buffer (17:30-17:40).
  auto practitioner = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:35:00Z", 0, 1));
  ASSERT_FALSE(practitioner);
  EXPECT_EQ(practitioner.error().code(), ErrorCode::kConflict);
  // Other practitioner, same room.
  auto room = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:15:00Z", 1, 0));
  ASSERT_FALSE(room);
  EXPECT_EQ(room.error().code(), ErrorCode::kConflict);
  // Other practitioner, other room: fine; and right after the buffer: fine.
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:15:00Z", 1, 1)));
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:40:00Z", 0, 0)));
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 3u);
}

TEST_P(BookingContract, ATakenRoomFallsBackToTheNextFreeOne) {
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z", 0, 0)));
  // Practitioner 1 asks for room 0, which is taken; room 1 is offered as an alternative.
  NewBooking second = Request("2026-12-01T17:00:00Z", 1, 0, "b@example.org");
  second.other_rooms = {setup_.rooms[1].id};
  auto stored = storage_->Book(setup_.clinic.id, second);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(stored->room, setup_.rooms[1].id);
  // A free requested room is kept even when alternatives are offered.
  NewBooking later = Request("2026-12-01T18:00:00Z", 1, 0, "b@example.org");
  later.other_rooms = {setup_.rooms[1].id};
  auto kept = storage_->Book(setup_.clinic.id, later);
  ASSERT_TRUE(kept) << kept.error().message();
  EXPECT_EQ(kept->room, setup_.rooms[0].id);
  // With no free room left it is a conflict, and no patient or appointment row is left behind.
  NewBooking third = Request("2026-12-01T17:00:00Z", 2, 0, "c@example.org");
  third.other_rooms = {setup_.rooms[1].id};
  EXPECT_EQ(storage_->Book(setup_.clinic.id, third).error().code(), ErrorCode::kConflict);
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 3u);
}

TEST_P(BookingContract, OverlapReadsSeeTheLongestAppointmentEverBooked) {
  // Reads scan back only as far as the clinic's longest booked span: a 30-minute booking first,
  // then one blocking 2.5 hours must widen that, or a window late in it would miss it.
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T16:00:00Z", 1, 1)));
  EXPECT_EQ(BookingsOn("2026-12-01T16:29:00Z", "2026-12-01T16:30:00Z"), 1u);
  EXPECT_EQ(BookingsOn("2026-12-01T16:30:00Z", "2026-12-01T17:00:00Z"), 0u);
  auto long_one = storage_->Book(setup_.clinic.id,
                                 Request("2026-12-01T17:00:00Z", 0, 0, "a@example.org", 120min));
  ASSERT_TRUE(long_one);
  EXPECT_EQ(BookingsOn("2026-12-01T19:29:00Z", "2026-12-01T19:30:00Z"), 1u);
  EXPECT_EQ(BookingsOn("2026-12-01T19:30:00Z", "2026-12-01T20:00:00Z"), 0u);
  // The writer's room choice reads the same way: room 0 is still busy at 19:15.
  NewBooking late = Request("2026-12-01T19:15:00Z", 2, 0, "b@example.org");
  late.other_rooms = {setup_.rooms[2].id};
  auto stored = storage_->Book(setup_.clinic.id, late);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(stored->room, setup_.rooms[2].id);
  // A reschedule that makes a span longer widens the bound too.
  Appointment moved = *long_one;
  moved.time =
      core::Interval::Create(At("2026-12-02T17:00:00Z"), At("2026-12-02T17:30:00Z")).value();
  moved.blocked_until = At("2026-12-02T21:00:00Z");
  ASSERT_TRUE(storage_->Reschedule(setup_.clinic.id, moved));
  EXPECT_EQ(BookingsOn("2026-12-02T20:59:00Z", "2026-12-02T21:00:00Z"), 1u);
}

TEST_P(BookingContract, SetupReadsAreCachedAndDroppedOnSetupWrites) {
  auto first = *storage_->LoadSetup(setup_.clinic.id).value();
  EXPECT_EQ(first, setup_);
  EXPECT_EQ(storage_->FindClinic(setup_.clinic.slug)->id, setup_.clinic.id);
  auto other = app::DemoClinicSetup(clock_.Now()).value();
  other.clinic.slug = "second-clinic";
  auto created = storage_->CreateClinic(other).value();
  EXPECT_EQ(storage_->FindClinic("second-clinic")->id, created.clinic.id);
  EXPECT_EQ(*storage_->LoadSetup(created.clinic.id).value(), created);
  EXPECT_EQ(*storage_->LoadSetup(setup_.clinic.id).value(), setup_);
}

TEST_P(BookingContract, CancelFreesTheTimeAndIsNotRepeatable) {
  auto booked = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z")).value();
  auto cancelled = storage_->Cancel(setup_.clinic.id, booked.id, At("2026-11-27T00:00:00Z"));
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, AppointmentStatus::kCancelled);
  EXPECT_EQ(cancelled->cancelled_at, At("2026-11-27T00:00:00Z"));
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 0u);
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z")));
  EXPECT_EQ(storage_->Cancel(setup_.clinic.id, booked.id, clock_.Now()).error().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(
      storage_->Cancel(setup_.clinic.id, core::AppointmentId{999}, clock_.Now()).error().code(),
      ErrorCode::kNotFound);
}

TEST_P(BookingContract, RescheduleIsAtomic) {
  auto a = storage_->Book(setup_.clinic.id, Request("2026-12-01T17:00:00Z")).value();
  auto b = storage_->Book(setup_.clinic.id, Request("2026-12-01T18:00:00Z")).value();
  Appointment onto_b = a;
  onto_b.time =
      core::Interval::Create(At("2026-12-01T18:15:00Z"), At("2026-12-01T18:45:00Z")).value();
  onto_b.blocked_until = onto_b.time.end();
  auto refused = storage_->Reschedule(setup_.clinic.id, onto_b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(*storage_->FindAppointment(setup_.clinic.id, a.id), a);  // exactly as it was

  Appointment later = a;
  later.time =
      core::Interval::Create(At("2026-12-01T19:00:00Z"), At("2026-12-01T19:30:00Z")).value();
  later.blocked_until = later.time.end();
  auto moved = storage_->Reschedule(setup_.clinic.id, later);
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->time, later.time);
  // Moving onto its own old time is not an overlap with itself.
  EXPECT_TRUE(storage_->Reschedule(setup_.clinic.id, a));
  (void)b;
}

TEST_P(BookingContract, IdempotencyKeyStoresTheResponse) {
  NewBooking request = Request("2026-12-01T17:00:00Z");
  request.idempotency = NewBooking::Idempotency{
      "key-1", "fingerprint-1",
      [](const Appointment& a) { return "{\"id\":" + std::to_string(a.id.value()) + "}"; }};
  auto booked = storage_->Book(setup_.clinic.id, request).value();
  auto stored = storage_->FindResponse(setup_.clinic.id, "key-1").value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->fingerprint, "fingerprint-1");
  EXPECT_EQ(stored->body, "{\"id\":" + std::to_string(booked.id.value()) + "}");
  EXPECT_EQ(stored->appointment, booked.id);
  EXPECT_FALSE(*storage_->FindResponse(setup_.clinic.id, "key-2"));
  // The same key again never books twice, even for a free time.
  request.appointment.time =
      core::Interval::Create(At("2026-12-03T17:00:00Z"), At("2026-12-03T17:30:00Z")).value();
  request.appointment.blocked_until = request.appointment.time.end();
  EXPECT_EQ(storage_->Book(setup_.clinic.id, request).error().code(), ErrorCode::kConflict);
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-04T00:00:00Z"), 1u);
}

// Three future online bookings (the clock is 2026-11-26T18:00Z) for one email, on three days.
TEST_P(BookingContract, TheFutureBookingsCapRefusesOneMoreAndWritesNothing) {
  auto capped = [&](const char* start, std::string email = "ana@example.org") {
    NewBooking booking = Request(start, 0, 0, std::move(email));
    booking.max_future_online = 3;
    return booking;
  };
  // A past booking does not count.
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, capped("2026-11-20T17:00:00Z")));
  for (const char* start : {"2026-12-01T17:00:00Z", "2026-12-02T17:00:00Z", "2026-12-03T17:00:00Z"})
    ASSERT_TRUE(storage_->Book(setup_.clinic.id, capped(start))) << start;

  auto fourth = storage_->Book(setup_.clinic.id, capped("2026-12-04T17:00:00Z", "Ana@Example.org"));
  ASSERT_FALSE(fourth);
  EXPECT_EQ(fourth.error().code(), ErrorCode::kConflict);
  ASSERT_EQ(fourth.error().fields().size(), 1u);
  EXPECT_EQ(fourth.error().fields()[0].field, core::ports::kFutureBookingsCapField);
  EXPECT_EQ(BookingsOn("2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z"), 0u);

  // Without a cap, or for a booking that is not online, or for someone else: no refusal.
  NewBooking by_phone = capped("2026-12-05T17:00:00Z");
  by_phone.appointment.source = BookingSource::kPhone;
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, by_phone));
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, Request("2026-12-06T17:00:00Z")));
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, capped("2026-12-04T17:00:00Z", "bo@example.org")));

  // Cancelling one makes room again (the uncapped online booking of 12-06 counts too: cancel it).
  auto listed = storage_->ListAppointments(
      setup_.clinic.id,
      core::Interval::Create(At("2026-12-06T00:00:00Z"), At("2026-12-07T00:00:00Z")).value());
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_TRUE(storage_->Cancel(setup_.clinic.id, listed->front().id, clock_.Now()));
  auto first = storage_->ListAppointments(
      setup_.clinic.id,
      core::Interval::Create(At("2026-12-01T00:00:00Z"), At("2026-12-02T00:00:00Z")).value());
  ASSERT_TRUE(storage_->Cancel(setup_.clinic.id, first->front().id, clock_.Now()));
  EXPECT_TRUE(storage_->Book(setup_.clinic.id, capped("2026-12-07T17:00:00Z")));
}

TEST_P(BookingContract, ConcurrentBookingsOfOneEmailNeverPassTheCap) {
  std::atomic<int> successes{0}, capped{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      // Sixteen free times on different days; only the cap stands in the way.
      std::string start =
          "2026-12-" + std::string(i + 1 < 10 ? "0" : "") + std::to_string(i + 1) + "T17:00:00Z";
      NewBooking booking = Request(start.c_str());
      booking.max_future_online = 3;
      auto r = storage_->Book(setup_.clinic.id, booking);
      if (r) {
        ++successes;
      } else if (r.error().code() == ErrorCode::kConflict && r.error().fields().size() == 1 &&
                 r.error().fields()[0].field == core::ports::kFutureBookingsCapField) {
        ++capped;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes.load(), 3);
  EXPECT_EQ(capped.load(), 13);
}

TEST_P(BookingContract, SixtyFourConcurrentBookingsOfOneSlotGiveExactlyOne) {
  std::atomic<int> successes{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      // Different practitioners and rooms would be fine; all want practitioner 0.
      auto r = storage_->Book(setup_.clinic.id,
                              Request("2026-12-01T17:00:00Z", 0, static_cast<std::size_t>(i % 2),
                                      "p" + std::to_string(i) + "@example.org"));
      if (r) {
        ++successes;
      } else if (r.error().code() == ErrorCode::kConflict) {
        ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes.load(), 1);
  EXPECT_EQ(conflicts.load(), 63);
  // And it is stored: a fresh open (a restarted server) finds it.
  storage_.reset();
  storage_ = database_->Open(clock_);
  EXPECT_EQ(BookingsOn("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"), 1u);
}

}  // namespace
}  // namespace unknot::storage::contract

namespace unknot::storage::contract {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, StorageContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, BookingContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, StorageContract, ::testing::Values(PostgresBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, BookingContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
