// The staff side's storage contract (core/ports/staff.hpp): accounts, sessions, the audit log and
// patient records, run against every backend exactly like storage_contract_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <thread>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/audit_chain.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::clinic::ClinicSetup;
using core::ports::AuditFilter;
using core::ports::NewBooking;
using core::ports::PatientQuery;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;
using core::staff::AuditEntry;
using core::staff::Session;
using core::staff::StaffAccount;
using core::staff::StaffRole;

using unknot::testing::At;

// A filter or query with some fields set (designated initializers would have to name them all).
AuditFilter Filter(const std::function<void(AuditFilter&)>& set) {
  AuditFilter filter;
  set(filter);
  return filter;
}

PatientQuery Query(const std::function<void(PatientQuery&)>& set) {
  PatientQuery query;
  set(query);
  return query;
}

// The first field error's name, or "" when there is none.
std::string FirstField(const core::Error& error) {
  return error.fields().empty() ? "" : error.fields()[0].field;
}

// Two clinics (the demo set up twice), for scoping.
class StaffContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    a_ = storage_->CreateClinic(Demo("clinic-a")).value();
    b_ = storage_->CreateClinic(Demo("clinic-b")).value();
  }

  bool IsSqlite() const { return GetParam().name == "Sqlite"; }

  ClinicSetup Demo(std::string slug) {
    ClinicSetup setup = app::DemoClinicSetup(clock_.Now()).value();
    setup.clinic.slug = std::move(slug);
    return setup;
  }

  StaffAccount Account(const ClinicSetup& clinic, std::string email,
                       StaffRole role = StaffRole::kFrontDesk) {
    StaffAccount account;
    account.clinic = clinic.clinic.id;
    account.email = std::move(email);
    account.display_name = "Sam Desk";
    account.role = role;
    if (role == StaffRole::kPractitioner) account.practitioner = clinic.practitioners[0].id;
    account.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    account.created_at = At("2026-11-20T09:00:00Z");
    account.password_changed_at = At("2026-11-20T09:00:00Z");
    return account;
  }

  AuditEntry Entry(core::ClinicId clinic, std::string action, const char* at = nullptr) {
    AuditEntry entry;
    entry.clinic = clinic;
    entry.staff_email = "owner@example.org";
    entry.role = StaffRole::kOwner;
    entry.action = std::move(action);
    entry.at = at != nullptr ? At(at) : clock_.Now();
    entry.client_address = "192.0.2.7";
    entry.request_id = "req-1";
    return entry;
  }

  StaffAccount Stored(const ClinicSetup& clinic, std::string email,
                      StaffRole role = StaffRole::kFrontDesk) {
    auto created = storage_->CreateStaff(Account(clinic, std::move(email), role), std::nullopt);
    EXPECT_TRUE(created) << created.error().message();
    return created.value_or(StaffAccount{});
  }

  Session NewSession(const StaffAccount& account, std::string secret_hash, const char* created) {
    Session session;
    session.secret_hash = std::move(secret_hash);
    session.clinic = account.clinic;
    session.staff = account.id;
    session.csrf_token = "csrf-" + session.secret_hash;
    session.created_at = At(created);
    session.last_seen_at = session.created_at;
    session.expires_at = session.created_at + 12h;
    session.client_address = "198.51.100.4";
    return session;
  }

  Session StoredSession(const StaffAccount& account, std::string secret_hash, const char* created) {
    auto stored = storage_->CreateSession(NewSession(account, std::move(secret_hash), created),
                                          Entry(account.clinic, "sign_in"));
    EXPECT_TRUE(stored) << stored.error().message();
    return stored.value_or(Session{});
  }

  std::vector<AuditEntry> Audit(core::ClinicId clinic, AuditFilter filter = {}) {
    auto entries = storage_->ListAudit(clinic, filter);
    EXPECT_TRUE(entries) << entries.error().message();
    return entries.value_or(std::vector<AuditEntry>{});
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  ClinicSetup a_;
  ClinicSetup b_;
};

// --- Accounts -------------------------------------------------------------------------------

TEST_P(StaffContract, AccountsAreStoredNormalisedAndFoundByEmailWhateverItsCase) {
  auto created = storage_->CreateStaff(Account(a_, "Sam.Desk@Example.ORG"), std::nullopt);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_TRUE(created->id.is_set());
  EXPECT_EQ(created->email, "sam.desk@example.org");
  StaffAccount expected = Account(a_, "sam.desk@example.org");
  expected.id = created->id;
  EXPECT_EQ(*created, expected);
  EXPECT_EQ(*storage_->FindStaffByEmail(a_.clinic.id, "SAM.desk@example.org"), expected);
  EXPECT_EQ(*storage_->FindStaff(a_.clinic.id, created->id), expected);
  EXPECT_EQ(storage_->FindStaffByEmail(a_.clinic.id, "nobody@example.org").error().code(),
            ErrorCode::kNotFound);

  StaffAccount owner = Stored(a_, "owner@example.org", StaffRole::kOwner);
  StaffAccount treats = Stored(a_, "doc@example.org", StaffRole::kPractitioner);
  EXPECT_EQ(treats.practitioner, a_.practitioners[0].id);
  auto listed = storage_->ListStaff(a_.clinic.id).value();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0], expected);
  EXPECT_EQ(listed[1], owner);
  EXPECT_EQ(listed[2], treats);
  EXPECT_TRUE(storage_->ListStaff(b_.clinic.id)->empty());
}

TEST_P(StaffContract, ADuplicateEmailInTheClinicIsAConflictButAnotherClinicMayUseIt) {
  Stored(a_, "sam@example.org");
  auto again =
      storage_->CreateStaff(Account(a_, "SAM@example.org"), Entry(a_.clinic.id, "create_staff"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(FirstField(again.error()), "email");
  EXPECT_TRUE(Audit(a_.clinic.id).empty());  // the failed write appended nothing
  EXPECT_TRUE(storage_->CreateStaff(Account(b_, "sam@example.org"), std::nullopt));
  EXPECT_EQ(storage_->ListStaff(a_.clinic.id)->size(), 1u);
}

TEST_P(StaffContract, InvalidAccountsAreRefusedWithTheirFieldNames) {
  StaffAccount bad_email = Account(a_, "not an email");
  EXPECT_EQ(FirstField(storage_->CreateStaff(bad_email, std::nullopt).error()), "email");
  StaffAccount no_name = Account(a_, "x@example.org");
  no_name.display_name = "";
  EXPECT_EQ(FirstField(storage_->CreateStaff(no_name, std::nullopt).error()), "display_name");
  StaffAccount no_record = Account(a_, "y@example.org", StaffRole::kPractitioner);
  no_record.practitioner.reset();
  auto refused = storage_->CreateStaff(no_record, std::nullopt);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(FirstField(refused.error()), "practitioner_id");
  // The practitioner must be the clinic's own.
  StaffAccount elsewhere = Account(a_, "z@example.org", StaffRole::kPractitioner);
  elsewhere.practitioner = b_.practitioners[0].id;
  auto foreign = storage_->CreateStaff(elsewhere, std::nullopt);
  EXPECT_EQ(foreign.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(FirstField(foreign.error()), "practitioner_id");
  StaffAccount nowhere = Account(a_, "w@example.org");
  nowhere.clinic = core::ClinicId{999};
  EXPECT_EQ(storage_->CreateStaff(nowhere, std::nullopt).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(storage_->ListStaff(a_.clinic.id)->empty());
}

TEST_P(StaffContract, AnotherClinicsAccountIsNotFound) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  EXPECT_EQ(storage_->FindStaff(b_.clinic.id, sam.id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(storage_->FindStaffByEmail(b_.clinic.id, "sam@example.org").error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(storage_
                ->SetStaffDisabled(b_.clinic.id, sam.id, true, clock_.Now(),
                                   Entry(b_.clinic.id, "disable_staff"))
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      storage_->SetPasswordHash(b_.clinic.id, sam.id, "h", clock_.Now(), std::nullopt, std::nullopt)
          .error()
          .code(),
      ErrorCode::kNotFound);
  EXPECT_EQ(storage_->EndSessionsOf(b_.clinic.id, sam.id, clock_.Now(), std::nullopt, std::nullopt)
                .error()
                .code(),
            ErrorCode::kNotFound);
  StaffAccount moved = sam;
  moved.clinic = b_.clinic.id;
  EXPECT_EQ(storage_->UpdateStaff(moved, Entry(b_.clinic.id, "update_staff")).error().code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(storage_->FindStaff(a_.clinic.id, sam.id)->disabled);
  EXPECT_TRUE(Audit(b_.clinic.id).empty());
}

TEST_P(StaffContract, UpdateChangesNameRoleAndPractitionerAndIsValidated) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  StaffAccount change = sam;
  change.role = StaffRole::kPractitioner;
  change.practitioner = a_.practitioners[1].id;
  change.display_name = "Sam Renamed";
  change.email = "not-changed@example.org";
  change.disabled = true;
  auto updated = storage_->UpdateStaff(change, Entry(a_.clinic.id, "update_staff"));
  ASSERT_TRUE(updated) << updated.error().message();
  EXPECT_EQ(updated->role, StaffRole::kPractitioner);
  EXPECT_EQ(updated->practitioner, a_.practitioners[1].id);
  EXPECT_EQ(updated->display_name, "Sam Renamed");
  EXPECT_EQ(updated->email, sam.email);  // nor the email or the disabled flag: other writes
  EXPECT_FALSE(updated->disabled);
  EXPECT_EQ(*storage_->FindStaff(a_.clinic.id, sam.id), *updated);

  StaffAccount unlinked = *updated;
  unlinked.practitioner.reset();
  EXPECT_EQ(
      FirstField(storage_->UpdateStaff(unlinked, Entry(a_.clinic.id, "update_staff")).error()),
      "practitioner_id");
  StaffAccount foreign = *updated;
  foreign.practitioner = b_.practitioners[0].id;
  EXPECT_EQ(FirstField(storage_->UpdateStaff(foreign, Entry(a_.clinic.id, "update_staff")).error()),
            "practitioner_id");
  EXPECT_EQ(*storage_->FindStaff(a_.clinic.id, sam.id), *updated);
  EXPECT_EQ(Audit(a_.clinic.id).size(), 1u);  // only the update that happened
}

// --- Sessions -------------------------------------------------------------------------------

TEST_P(StaffContract, SessionsAreStoredAndFoundByTheirSecretsHashWithTheirAccount) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  Session session = NewSession(sam, "hash-1", "2026-11-26T17:00:00Z");
  auto stored = storage_->CreateSession(session, Entry(a_.clinic.id, "sign_in"));
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_TRUE(stored->id.is_set());
  session.id = stored->id;
  EXPECT_EQ(*stored, session);
  auto found = storage_->FindSession("hash-1");
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->session, session);
  EXPECT_EQ(found->account, sam);
  EXPECT_EQ(storage_->FindSession("hash-2").error().code(), ErrorCode::kNotFound);
  // The sign-in's entry commits with it.
  auto audit = Audit(a_.clinic.id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "sign_in");

  // A second session with the same secret hash is refused, and so is its entry.
  EXPECT_FALSE(storage_->CreateSession(session, Entry(a_.clinic.id, "sign_in")));
  // An account or clinic that does not exist.
  Session stray = NewSession(sam, "hash-3", "2026-11-26T17:00:00Z");
  stray.clinic = b_.clinic.id;
  EXPECT_EQ(storage_->CreateSession(stray, Entry(b_.clinic.id, "sign_in")).error().code(),
            ErrorCode::kNotFound);
  stray.clinic = core::ClinicId{999};
  EXPECT_EQ(storage_->CreateSession(stray, Entry(core::ClinicId{999}, "sign_in")).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(Audit(a_.clinic.id).size(), 1u);
  EXPECT_TRUE(Audit(b_.clinic.id).empty());
}

TEST_P(StaffContract, TouchOnlyMovesLastSeenForward) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  Session s = StoredSession(sam, "hash-1", "2026-11-26T17:00:00Z");
  ASSERT_TRUE(storage_->TouchSession(s.id, At("2026-11-26T17:20:00Z")));
  EXPECT_EQ(storage_->FindSession("hash-1")->session.last_seen_at, At("2026-11-26T17:20:00Z"));
  ASSERT_TRUE(storage_->TouchSession(s.id, At("2026-11-26T17:05:00Z")));
  EXPECT_EQ(storage_->FindSession("hash-1")->session.last_seen_at, At("2026-11-26T17:20:00Z"));
  EXPECT_EQ(storage_->TouchSession(core::SessionId{999}, clock_.Now()).error().code(),
            ErrorCode::kNotFound);
}

TEST_P(StaffContract, EndingASessionKeepsTheFirstEndAndIsScopedToTheClinic) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  Session s = StoredSession(sam, "hash-1", "2026-11-26T17:00:00Z");
  EXPECT_EQ(storage_->EndSession(b_.clinic.id, s.id, clock_.Now(), Entry(b_.clinic.id, "x"))
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(storage_->FindSession("hash-1")->session.ended_at);
  ASSERT_TRUE(storage_->EndSession(a_.clinic.id, s.id, At("2026-11-26T17:30:00Z"),
                                   Entry(a_.clinic.id, "sign_out")));
  ASSERT_TRUE(storage_->EndSession(a_.clinic.id, s.id, At("2026-11-26T17:45:00Z"), std::nullopt));
  EXPECT_EQ(storage_->FindSession("hash-1")->session.ended_at, At("2026-11-26T17:30:00Z"));
  EXPECT_EQ(Audit(a_.clinic.id)[0].action, "sign_out");
  EXPECT_TRUE(Audit(b_.clinic.id).empty());
  EXPECT_EQ(storage_->EndSession(a_.clinic.id, core::SessionId{999}, clock_.Now(), std::nullopt)
                .error()
                .code(),
            ErrorCode::kNotFound);
}

// Generation() tells the availability cache whether the schedule may have changed: an audit entry
// of a read and session bookkeeping must not change it (they would empty the cache on every staff
// read), while a schedule write must.
TEST_P(StaffContract, AuditEntriesAndSessionBookkeepingLeaveTheGenerationAlone) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  Session s = StoredSession(sam, "hash-g", "2026-11-26T17:00:00Z");
  const std::uint64_t before = storage_->Generation();
  ASSERT_TRUE(storage_->AppendAudit(Entry(a_.clinic.id, "view_patient_contact")));
  ASSERT_TRUE(storage_->TouchSession(s.id, At("2026-11-26T17:10:00Z")));
  ASSERT_TRUE(storage_->EndSession(a_.clinic.id, s.id, At("2026-11-26T17:20:00Z"),
                                   Entry(a_.clinic.id, "sign_out")));
  ASSERT_TRUE(storage_->EndSessionsOf(a_.clinic.id, sam.id, clock_.Now(), std::nullopt,
                                      Entry(a_.clinic.id, "end_sessions")));
  EXPECT_EQ(storage_->Generation(), before);
  core::clinic::Patient ana;
  ana.given_name = "Ana";
  ana.family_name = "Ruiz";
  ana.email = "ana@example.org";
  ana.phone = "+14155550142";
  ana.created_at = clock_.Now();
  auto patient = storage_->CreatePatient(a_.clinic.id, ana);
  ASSERT_TRUE(patient) << patient.error().message();
  const core::Instant start = At("2026-11-27T17:00:00Z");
  auto booked = storage_->InsertAppointment(
      a_.clinic.id,
      core::scheduling::Appointment{.id = {},
                                    .patient = patient->id,
                                    .practitioner = a_.practitioners[0].id,
                                    .service = a_.services[1].id,
                                    .room = a_.rooms[0].id,
                                    .time = core::Interval::Create(start, start + 30min).value(),
                                    .blocked_until = start + 30min,
                                    .status = core::scheduling::AppointmentStatus::kBooked,
                                    .source = core::scheduling::BookingSource::kPhone,
                                    .created_at = clock_.Now(),
                                    .updated_at = clock_.Now(),
                                    .cancelled_at = std::nullopt,
                                    .assessment = std::nullopt});
  ASSERT_TRUE(booked) << booked.error().message();
  EXPECT_NE(storage_->Generation(), before);
}

TEST_P(StaffContract, ListedSessionsAreTheOpenUnexpiredOnesNewestFirst) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  StaffAccount kim = Stored(a_, "kim@example.org");
  StaffAccount other = Stored(b_, "sam@example.org");
  Session old = StoredSession(sam, "h-old", "2026-11-26T08:00:00Z");  // expires 20:00
  Session newer = StoredSession(sam, "h-new", "2026-11-26T16:00:00Z");
  Session kims = StoredSession(kim, "h-kim", "2026-11-26T17:00:00Z");
  Session ended = StoredSession(sam, "h-ended", "2026-11-26T17:30:00Z");
  Session expired = NewSession(sam, "h-expired", "2026-11-26T05:00:00Z");
  expired.expires_at = At("2026-11-26T17:59:00Z");
  ASSERT_TRUE(storage_->CreateSession(expired, Entry(a_.clinic.id, "sign_in")));
  StoredSession(other, "h-other", "2026-11-26T17:40:00Z");
  ASSERT_TRUE(storage_->EndSession(a_.clinic.id, ended.id, clock_.Now(), std::nullopt));

  auto ids = [](const std::vector<Session>& sessions) {
    std::vector<core::SessionId> out;
    for (const auto& s : sessions) out.push_back(s.id);
    return out;
  };
  EXPECT_EQ(ids(*storage_->ListSessions(a_.clinic.id, std::nullopt, clock_.Now())),
            (std::vector<core::SessionId>{kims.id, newer.id, old.id}));
  EXPECT_EQ(ids(*storage_->ListSessions(a_.clinic.id, sam.id, clock_.Now())),
            (std::vector<core::SessionId>{newer.id, old.id}));
  EXPECT_EQ(ids(*storage_->ListSessions(a_.clinic.id, sam.id, At("2026-11-26T20:00:00Z"))),
            (std::vector<core::SessionId>{newer.id}));
  EXPECT_EQ(storage_->ListSessions(b_.clinic.id, std::nullopt, clock_.Now())->size(), 1u);
  EXPECT_TRUE(storage_->ListSessions(b_.clinic.id, sam.id, clock_.Now())->empty());
}

TEST_P(StaffContract, EndingTheOthersKeepsOneAndCountsWhatEnded) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  StaffAccount kim = Stored(a_, "kim@example.org");
  Session here = StoredSession(sam, "h-1", "2026-11-26T16:00:00Z");
  StoredSession(sam, "h-2", "2026-11-26T16:10:00Z");
  StoredSession(sam, "h-3", "2026-11-26T16:20:00Z");
  Session kims = StoredSession(kim, "h-kim", "2026-11-26T16:30:00Z");
  auto ended = storage_->EndSessionsOf(a_.clinic.id, sam.id, clock_.Now(), here.id,
                                       Entry(a_.clinic.id, "end_other_sessions"));
  ASSERT_TRUE(ended) << ended.error().message();
  EXPECT_EQ(*ended, 2);
  EXPECT_FALSE(storage_->FindSession("h-1")->session.ended_at);
  EXPECT_EQ(storage_->FindSession("h-2")->session.ended_at, clock_.Now());
  EXPECT_EQ(storage_->FindSession("h-3")->session.ended_at, clock_.Now());
  EXPECT_FALSE(storage_->FindSession("h-kim")->session.ended_at);
  EXPECT_EQ(
      *storage_->EndSessionsOf(a_.clinic.id, sam.id, clock_.Now(), std::nullopt, std::nullopt), 1);
  EXPECT_EQ(storage_->FindSession("h-1")->session.ended_at, clock_.Now());
  EXPECT_EQ(storage_->ListSessions(a_.clinic.id, std::nullopt, clock_.Now())->size(), 1u);
  EXPECT_EQ(storage_->ListSessions(a_.clinic.id, std::nullopt, clock_.Now())->at(0).id, kims.id);
}

TEST_P(StaffContract, DisablingAnAccountEndsItsSessionsInTheSameWrite) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  StoredSession(sam, "h-1", "2026-11-26T16:00:00Z");
  StoredSession(sam, "h-2", "2026-11-26T16:10:00Z");
  const std::size_t entries_before = Audit(a_.clinic.id).size();
  auto disabled = storage_->SetStaffDisabled(a_.clinic.id, sam.id, true, clock_.Now(),
                                             Entry(a_.clinic.id, "disable_staff"));
  ASSERT_TRUE(disabled) << disabled.error().message();
  EXPECT_TRUE(disabled->disabled);
  EXPECT_TRUE(storage_->FindStaff(a_.clinic.id, sam.id)->disabled);
  EXPECT_TRUE(storage_->ListSessions(a_.clinic.id, sam.id, clock_.Now())->empty());
  EXPECT_EQ(storage_->FindSession("h-2")->session.ended_at, clock_.Now());
  EXPECT_TRUE(storage_->FindSession("h-2")->account.disabled);
  EXPECT_EQ(Audit(a_.clinic.id).size(), entries_before + 1);
  auto enabled = storage_->SetStaffDisabled(a_.clinic.id, sam.id, false, clock_.Now(),
                                            Entry(a_.clinic.id, "enable_staff"));
  ASSERT_TRUE(enabled);
  EXPECT_FALSE(enabled->disabled);
  EXPECT_TRUE(storage_->ListSessions(a_.clinic.id, sam.id, clock_.Now())->empty());
}

TEST_P(StaffContract, APasswordChangeEndsEveryOtherSession) {
  StaffAccount sam = Stored(a_, "sam@example.org");
  Session asking = StoredSession(sam, "h-1", "2026-11-26T16:00:00Z");
  StoredSession(sam, "h-2", "2026-11-26T16:10:00Z");
  const core::Instant now = At("2026-11-26T17:59:00Z");
  ASSERT_TRUE(storage_->SetPasswordHash(a_.clinic.id, sam.id, "new-hash", now, asking.id,
                                        Entry(a_.clinic.id, "change_password")));
  StaffAccount changed = storage_->FindStaff(a_.clinic.id, sam.id).value();
  EXPECT_EQ(changed.password_hash, "new-hash");
  EXPECT_EQ(changed.password_changed_at, now);
  EXPECT_FALSE(storage_->FindSession("h-1")->session.ended_at);
  EXPECT_EQ(storage_->FindSession("h-2")->session.ended_at, now);
  EXPECT_EQ(Audit(a_.clinic.id)[0].action, "change_password");
  ASSERT_TRUE(
      storage_->SetPasswordHash(a_.clinic.id, sam.id, "newer", now, std::nullopt, std::nullopt));
  EXPECT_EQ(storage_->FindSession("h-1")->session.ended_at, now);
}

// --- The audit log --------------------------------------------------------------------------

TEST_P(StaffContract, AppendedEntriesGetSequencesAndChainTheirHashesPerClinic) {
  std::vector<AuditEntry> stored;
  for (const char* action : {"view_patient_contact", "search_patients", "view_audit_log"}) {
    AuditEntry entry = Entry(a_.clinic.id, action);
    entry.patient = core::PatientId{12};
    entry.record = "patient/12";
    entry.detail = "q=3 results";
    auto appended = storage_->AppendAudit(entry);
    ASSERT_TRUE(appended) << appended.error().message();
    stored.push_back(*appended);
  }
  auto in_b = storage_->AppendAudit(Entry(b_.clinic.id, "sign_in"));
  ASSERT_TRUE(in_b);
  EXPECT_EQ(in_b->sequence, 1);
  EXPECT_EQ(in_b->previous_hash, "");

  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].sequence, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(stored[i].previous_hash, i == 0 ? "" : stored[i - 1].hash);
    EXPECT_EQ(stored[i].hash.size(), 64u);
    EXPECT_EQ(stored[i].hash, AuditHash(stored[i]));
  }
  EXPECT_NE(stored[0].hash, stored[1].hash);
  // Read back exactly as returned, newest first.
  auto listed = Audit(a_.clinic.id);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0], stored[2]);
  EXPECT_EQ(listed[2], stored[0]);
  EXPECT_TRUE(storage_->VerifyAudit(std::nullopt)->empty());

  EXPECT_EQ(storage_->AppendAudit(Entry(core::ClinicId{999}, "x")).error().code(),
            ErrorCode::kNotFound);
}

TEST_P(StaffContract, ConcurrentAppendsToOneClinicMakeOneUnbrokenChain) {
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AuditEntry entry = Entry(a_.clinic.id, "search_patients");
        entry.request_id = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!storage_->AppendAudit(entry)) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto entries = Audit(a_.clinic.id, Filter([](AuditFilter& f) { f.limit = 1000; }));
  ASSERT_EQ(entries.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(entries.front().sequence, kThreads * kEach);
  EXPECT_EQ(entries.back().sequence, 1);
  EXPECT_TRUE(storage_->VerifyAudit(a_.clinic.id)->empty());
}

TEST_P(StaffContract, AWritesEntryCommitsWithItAndAFailedWriteAppendsNothing) {
  AuditEntry create = Entry(a_.clinic.id, "manage_staff");
  auto created = storage_->CreateStaff(Account(a_, "sam@example.org"), create);
  ASSERT_TRUE(created);
  auto entries = Audit(a_.clinic.id);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].record, "staff/" + std::to_string(created->id.value()));
  EXPECT_EQ(entries[0].action, "manage_staff");
  // A record given by the caller is kept.
  create.record = "staff/by-caller";
  ASSERT_TRUE(storage_->CreateStaff(Account(a_, "kim@example.org"), create));
  EXPECT_EQ(Audit(a_.clinic.id)[0].record, "staff/by-caller");

  // Refused writes leave no entry.
  EXPECT_FALSE(storage_->CreateStaff(Account(a_, "sam@example.org"), create));
  EXPECT_FALSE(storage_->SetStaffDisabled(a_.clinic.id, core::StaffId{999}, true, clock_.Now(),
                                          Entry(a_.clinic.id, "disable_staff")));
  EXPECT_FALSE(storage_->SetPasswordHash(a_.clinic.id, core::StaffId{999}, "h", clock_.Now(),
                                         std::nullopt, Entry(a_.clinic.id, "change_password")));
  EXPECT_FALSE(storage_->EndSession(a_.clinic.id, core::SessionId{999}, clock_.Now(),
                                    Entry(a_.clinic.id, "sign_out")));
  EXPECT_EQ(Audit(a_.clinic.id).size(), 2u);
  // An entry that cannot be appended (another clinic's) stops the write too.
  auto mixed = storage_->CreateStaff(Account(a_, "lee@example.org"), Entry(b_.clinic.id, "x"));
  EXPECT_EQ(mixed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_->FindStaffByEmail(a_.clinic.id, "lee@example.org").error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(Audit(b_.clinic.id).empty());
  EXPECT_TRUE(storage_->VerifyAudit(std::nullopt)->empty());
}

TEST_P(StaffContract, TheLogIsFilteredAndPagedNewestFirst) {
  const core::StaffId sam{5};
  const core::StaffId kim{6};
  for (int i = 1; i <= 6; ++i) {
    AuditEntry entry = Entry(a_.clinic.id, "view_patient_contact");
    entry.staff = i % 2 == 0 ? kim : sam;
    entry.patient = core::PatientId{i <= 3 ? 1 : 2};
    entry.at = At("2026-11-26T10:00:00Z") + std::chrono::hours{i};  // 11:00 ... 16:00
    ASSERT_TRUE(storage_->AppendAudit(entry));
  }
  ASSERT_TRUE(storage_->AppendAudit(Entry(b_.clinic.id, "view_patient_contact")));
  auto sequences = [&](AuditFilter filter) {
    std::vector<std::int64_t> out;
    for (const auto& e : Audit(a_.clinic.id, filter)) out.push_back(e.sequence);
    return out;
  };
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(sequences({}), (V{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(sequences(Filter([&](AuditFilter& f) { f.staff = kim; })), (V{6, 4, 2}));
  EXPECT_EQ(sequences(Filter([](AuditFilter& f) { f.patient = core::PatientId{1}; })),
            (V{3, 2, 1}));
  EXPECT_EQ(sequences(Filter([&](AuditFilter& f) {
              f.staff = sam;
              f.patient = core::PatientId{2};
            })),
            (V{5}));
  EXPECT_EQ(sequences(Filter([&](AuditFilter& f) {
              f.from = At("2026-11-26T13:00:00Z");
              f.to = At("2026-11-26T15:00:00Z");
            })),
            (V{4, 3}));
  EXPECT_EQ(sequences(Filter([&](AuditFilter& f) {
              f.before_sequence = 5;
              f.limit = 2;
            })),
            (V{4, 3}));
  EXPECT_EQ(sequences(Filter([&](AuditFilter& f) {
              f.before_sequence = 3;
              f.limit = 2;
            })),
            (V{2, 1}));
  EXPECT_EQ(sequences(Filter([&](AuditFilter& f) { f.limit = 1; })), (V{6}));
  EXPECT_EQ(
      FirstField(
          storage_->ListAudit(a_.clinic.id, Filter([&](AuditFilter& f) { f.limit = 0; })).error()),
      "limit");
  EXPECT_EQ(
      FirstField(storage_->ListAudit(a_.clinic.id, Filter([&](AuditFilter& f) { f.limit = 1001; }))
                     .error()),
      "limit");
  EXPECT_EQ(Audit(b_.clinic.id).size(), 1u);
}

TEST_P(StaffContract, TheDatabaseRefusesToChangeOrRemoveEntries) {
  ASSERT_TRUE(storage_->AppendAudit(Entry(a_.clinic.id, "sign_in")));
  ASSERT_TRUE(storage_->AppendAudit(Entry(a_.clinic.id, "sign_out")));
  auto refused = [&](const std::string& sql) {
    const std::string error = database_->ExecRaw(sql);
    EXPECT_NE(error.find("audit_log is append-only"), std::string::npos) << sql << ": " << error;
  };
  refused("UPDATE audit_log SET detail = 'edited' WHERE sequence = 1");
  refused("DELETE FROM audit_log WHERE sequence = 2");
  refused("DELETE FROM audit_log");
  if (!IsSqlite()) refused("TRUNCATE audit_log");
  EXPECT_EQ(Audit(a_.clinic.id).size(), 2u);
  EXPECT_EQ(Audit(a_.clinic.id)[1].detail, "");
  EXPECT_TRUE(storage_->VerifyAudit(std::nullopt)->empty());
}

TEST_P(StaffContract, AnEditAfterTheTriggersWereDroppedBreaksTheChainWhereItWasMade) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(storage_->AppendAudit(Entry(a_.clinic.id, "sign_in")));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(storage_->AppendAudit(Entry(b_.clinic.id, "sign_in")));
  // What an attacker with direct access to the database could do.
  const std::string drop =
      IsSqlite() ? "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
                 : "DROP TRIGGER audit_log_no_update_or_delete ON audit_log;";
  ASSERT_EQ(database_->ExecRaw(drop), "");
  ASSERT_EQ(database_->ExecRaw("UPDATE audit_log SET detail = 'nothing to see' WHERE clinic_id = " +
                               std::to_string(a_.clinic.id.value()) + " AND sequence = 3"),
            "");
  auto broken = storage_->VerifyAudit(std::nullopt);
  ASSERT_TRUE(broken) << broken.error().message();
  ASSERT_EQ(broken->size(), 1u);
  EXPECT_EQ((*broken)[0].clinic, a_.clinic.id);
  EXPECT_EQ((*broken)[0].sequence, 3);
  EXPECT_EQ((*broken)[0].reason, "hash does not match the entry");
  EXPECT_TRUE(storage_->VerifyAudit(b_.clinic.id)->empty());
  EXPECT_EQ(storage_->VerifyAudit(a_.clinic.id)->size(), 1u);

  // Recomputing the edited entry's hash moves the break to the next link; removing an entry
  // leaves a gap.
  const std::string b_id = std::to_string(b_.clinic.id.value());
  ASSERT_EQ(
      database_->ExecRaw("DELETE FROM audit_log WHERE clinic_id = " + b_id + " AND sequence = 1"),
      "");
  broken = storage_->VerifyAudit(std::nullopt);
  ASSERT_EQ(broken->size(), 2u);
  const bool a_first = a_.clinic.id < b_.clinic.id;
  const auto& in_b = (*broken)[a_first ? 1 : 0];
  EXPECT_EQ(in_b.clinic, b_.clinic.id);
  EXPECT_EQ(in_b.sequence, 1);
  EXPECT_EQ(in_b.reason, "sequence 1 is missing");
}

// --- What other writes now keep -------------------------------------------------------------

TEST_P(StaffContract, TheClinicsSessionPolicyRoundTrips) {
  EXPECT_EQ(a_.clinic.sessions, core::clinic::SessionPolicy{});
  ClinicSetup setup = Demo("strict-clinic");
  setup.clinic.sessions = {.idle_timeout = 15min, .absolute_timeout = 4h};
  auto created = storage_->CreateClinic(setup);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ((*storage_->LoadSetup(created->clinic.id))->clinic.sessions, setup.clinic.sessions);
  storage_.reset();
  storage_ = database_->Open(clock_);
  EXPECT_EQ(storage_->FindClinic("strict-clinic")->sessions, setup.clinic.sessions);
  EXPECT_EQ(storage_->FindClinic("clinic-a")->sessions, core::clinic::SessionPolicy{});
}

class PatientRecordsContract : public StaffContract {
 protected:
  void SetUp() override {
    StaffContract::SetUp();
    if (HasFatalFailure()) return;
    assessment_ =
        storage_
            ->CreateAssessment(a_.clinic.id, {.id = {},
                                              .outcome = core::clinical::Outcome::kBookOnline,
                                              .manage_token_hash = "h",
                                              .input_json = "{}",
                                              .result_json = "{}",
                                              .created_at = clock_.Now()})
            .value();
  }

  core::PatientId Patient(const ClinicSetup& clinic, std::string given, std::string family,
                          std::string email, std::string phone = "+14155550100") {
    return storage_
        ->CreatePatient(clinic.clinic.id, {core::PatientId{}, std::move(given), std::move(family),
                                           std::move(email), std::move(phone), core::Instant{}})
        .value()
        .id;
  }

  Appointment Visit(core::PatientId patient, std::size_t practitioner, const char* start,
                    AppointmentStatus status = AppointmentStatus::kBooked) {
    const core::Instant begin = At(start);
    const Appointment visit{.id = {},
                            .patient = patient,
                            .practitioner = a_.practitioners[practitioner].id,
                            .service = a_.services[1].id,
                            .room = a_.rooms[practitioner].id,
                            .time = core::Interval::Create(begin, begin + 30min).value(),
                            .blocked_until = begin + 30min,
                            .status = status,
                            .source = BookingSource::kPhone,
                            .created_at = clock_.Now(),
                            .updated_at = clock_.Now(),
                            .cancelled_at = std::nullopt,
                            .assessment = std::nullopt};
    auto stored = storage_->InsertAppointment(a_.clinic.id, visit);
    EXPECT_TRUE(stored) << stored.error().message();
    return stored ? *stored : visit;
  }

  std::vector<std::string> Names(const PatientQuery& query) {
    auto page = storage_->SearchPatients(a_.clinic.id, query);
    EXPECT_TRUE(page) << page.error().message();
    std::vector<std::string> out;
    if (page) {
      for (const auto& p : page->patients) out.push_back(p.patient.given_name);
    }
    return out;
  }

  core::AssessmentId assessment_;
};

TEST_P(PatientRecordsContract, AnAppointmentKeepsTheAssessmentItFollows) {
  core::PatientId ana = Patient(a_, "Ana", "Ruiz", "ana@example.org");
  Appointment plain = Visit(ana, 0, "2026-12-01T17:00:00Z");
  EXPECT_FALSE(storage_->FindAppointment(a_.clinic.id, plain.id)->assessment);

  for (bool with_key : {false, true}) {
    const core::Instant start = At(with_key ? "2026-12-02T17:00:00Z" : "2026-12-03T17:00:00Z");
    NewBooking booking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", "ana@example.org", "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = a_.practitioners[0].id,
                                   .service = a_.services[1].id,
                                   .room = a_.rooms[0].id,
                                   .time = core::Interval::Create(start, start + 30min).value(),
                                   .blocked_until = start + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = assessment_},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token",
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
    if (with_key) {
      booking.idempotency = NewBooking::Idempotency{
          "key-1", "fp", [](const Appointment& a) { return std::to_string(a.id.value()); }};
    }
    auto booked = storage_->Book(a_.clinic.id, booking);
    ASSERT_TRUE(booked) << booked.error().message();
    EXPECT_EQ(booked->assessment, assessment_);
    EXPECT_EQ(storage_->FindAppointment(a_.clinic.id, booked->id)->assessment, assessment_);
    // Moving it keeps it.
    Appointment moved = *booked;
    moved.time = core::Interval::Create(start + 1h, start + 90min).value();
    moved.blocked_until = start + 90min;
    auto rescheduled = storage_->Reschedule(a_.clinic.id, moved);
    ASSERT_TRUE(rescheduled) << rescheduled.error().message();
    EXPECT_EQ(rescheduled->assessment, assessment_);
    EXPECT_EQ(storage_->ListPatientAppointments(a_.clinic.id, booked->patient)->at(0).assessment,
              assessment_);
  }
  // Another clinic's assessment cannot be referenced.
  core::PatientId bo = Patient(b_, "Bo", "Li", "bo@example.org");
  Appointment elsewhere{
      .id = {},
      .patient = bo,
      .practitioner = b_.practitioners[0].id,
      .service = b_.services[1].id,
      .room = b_.rooms[0].id,
      .time =
          core::Interval::Create(At("2026-12-01T17:00:00Z"), At("2026-12-01T17:30:00Z")).value(),
      .blocked_until = At("2026-12-01T17:30:00Z"),
      .status = AppointmentStatus::kBooked,
      .source = BookingSource::kPhone,
      .created_at = clock_.Now(),
      .updated_at = clock_.Now(),
      .cancelled_at = std::nullopt,
      .assessment = assessment_};
  EXPECT_EQ(storage_->InsertAppointment(b_.clinic.id, elsewhere).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(PatientRecordsContract, SearchMatchesEveryWordAgainstNamesEmailAndPhone) {
  Patient(a_, "Ana", "Ruiz", "ana.ruiz@example.org", "+14155550142");
  Patient(a_, "Bo", "Anders", "bo@example.org", "+14155550199");
  Patient(a_, "Cy", "Zhang", "cy@mail.test", "+16505550100");
  Patient(a_, "dee", "de la Cruz", "dee%@example.org", "+14155550101");
  Patient(b_, "Ana", "Other", "ana@example.org");  // another clinic's: never listed

  PatientQuery q;
  q.now = clock_.Now();
  // Ordered by family name (ignoring case), given name, id.
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Bo", "dee", "Ana", "Cy"}));
  q.text = "ANA";
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Ana"}));
  q.text = "an";  // Ana, Anders, Zhang
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Bo", "Ana", "Cy"}));
  q.text = "  an   example ";  // every word must match one of the fields
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Bo", "Ana"}));
  q.text = "650555";
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Cy"}));
  q.text = "mail.test";
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Cy"}));
  q.text = "%";  // no wildcards: a literal character
  EXPECT_EQ(Names(q), (std::vector<std::string>{"dee"}));
  q.text = "_";
  EXPECT_TRUE(Names(q).empty());
  q.text = "ana nobody";
  EXPECT_TRUE(Names(q).empty());
  EXPECT_EQ(storage_
                ->SearchPatients(b_.clinic.id, Query([&](PatientQuery& query) {
                                   query.text = "ana";
                                   query.now = clock_.Now();
                                 }))
                ->patients.size(),
            1u);
}

TEST_P(PatientRecordsContract, SearchPagesAndNarrowsToAPractitionersPatients) {
  core::PatientId ana = Patient(a_, "Ana", "Alpha", "ana@example.org");
  core::PatientId bo = Patient(a_, "Bo", "Beta", "bo@example.org");
  core::PatientId cy = Patient(a_, "Cy", "Gamma", "cy@example.org");
  Patient(a_, "Di", "Delta", "di@example.org");
  Visit(ana, 0, "2026-11-20T17:00:00Z", AppointmentStatus::kCompleted);
  Visit(ana, 0, "2026-11-24T17:00:00Z", AppointmentStatus::kCancelled);
  Visit(ana, 1, "2026-12-01T17:00:00Z");
  Visit(ana, 0, "2026-12-03T17:00:00Z");
  Visit(bo, 0, "2026-12-02T17:00:00Z", AppointmentStatus::kCancelled);
  Visit(cy, 1, "2026-11-26T18:00:00Z");  // starts now: the last one, not the next

  PatientQuery q{
      .text = "", .practitioner = std::nullopt, .now = clock_.Now(), .offset = 0, .limit = 3};
  auto page = storage_->SearchPatients(a_.clinic.id, q).value();
  ASSERT_EQ(page.patients.size(), 3u);
  EXPECT_TRUE(page.more);
  EXPECT_EQ(page.patients[0].patient.id, ana);
  EXPECT_EQ(page.patients[0].next_appointment, At("2026-12-01T17:00:00Z"));
  EXPECT_EQ(page.patients[0].last_appointment, At("2026-11-20T17:00:00Z"));
  EXPECT_EQ(page.patients[1].patient.id, bo);
  EXPECT_FALSE(page.patients[1].next_appointment);
  EXPECT_FALSE(page.patients[1].last_appointment);
  EXPECT_EQ(page.patients[2].patient.given_name, "Di");
  q.offset = 3;
  page = storage_->SearchPatients(a_.clinic.id, q).value();
  ASSERT_EQ(page.patients.size(), 1u);
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.patients[0].patient.id, cy);
  EXPECT_FALSE(page.patients[0].next_appointment);
  EXPECT_EQ(page.patients[0].last_appointment, At("2026-11-26T18:00:00Z"));
  q.offset = 0;
  q.limit = 4;
  EXPECT_FALSE(storage_->SearchPatients(a_.clinic.id, q)->more);

  // A practitioner's own patients: a non-cancelled appointment with them.
  q.practitioner = a_.practitioners[0].id;
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Ana"}));
  q.practitioner = a_.practitioners[1].id;
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Ana", "Cy"}));
  q.text = "cy";
  EXPECT_EQ(Names(q), (std::vector<std::string>{"Cy"}));

  EXPECT_EQ(FirstField(storage_
                           ->SearchPatients(a_.clinic.id, Query([&](PatientQuery& query) {
                                              query.now = clock_.Now();
                                              query.limit = 0;
                                            }))
                           .error()),
            "limit");
  EXPECT_EQ(FirstField(storage_
                           ->SearchPatients(a_.clinic.id, Query([&](PatientQuery& query) {
                                              query.now = clock_.Now();
                                              query.limit = 101;
                                            }))
                           .error()),
            "limit");
  EXPECT_EQ(FirstField(storage_
                           ->SearchPatients(a_.clinic.id, Query([&](PatientQuery& query) {
                                              query.now = clock_.Now();
                                              query.offset = -1;
                                            }))
                           .error()),
            "offset");
}

TEST_P(PatientRecordsContract, APatientsAppointmentsAndWhoTheyAreWith) {
  core::PatientId ana = Patient(a_, "Ana", "Alpha", "ana@example.org");
  core::PatientId bo = Patient(a_, "Bo", "Beta", "bo@example.org");
  Appointment first = Visit(ana, 0, "2026-11-20T17:00:00Z", AppointmentStatus::kCompleted);
  Appointment cancelled = Visit(ana, 1, "2026-11-24T17:00:00Z", AppointmentStatus::kCancelled);
  Appointment next = Visit(ana, 0, "2026-12-03T17:00:00Z");
  Visit(bo, 1, "2026-12-03T17:00:00Z");

  auto listed = storage_->ListPatientAppointments(a_.clinic.id, ana);
  ASSERT_TRUE(listed) << listed.error().message();
  EXPECT_EQ(*listed, (std::vector<Appointment>{next, cancelled, first}));
  EXPECT_TRUE(
      storage_->ListPatientAppointments(a_.clinic.id, Patient(a_, "Cy", "C", "c@x.org"))->empty());
  EXPECT_EQ(storage_->ListPatientAppointments(b_.clinic.id, ana).error().code(),
            ErrorCode::kNotFound);

  EXPECT_TRUE(*storage_->HasAppointmentWith(a_.clinic.id, ana, a_.practitioners[0].id));
  // Only a cancelled one: not the practitioner's patient.
  EXPECT_FALSE(*storage_->HasAppointmentWith(a_.clinic.id, ana, a_.practitioners[1].id));
  EXPECT_TRUE(*storage_->HasAppointmentWith(a_.clinic.id, bo, a_.practitioners[1].id));
  EXPECT_FALSE(*storage_->HasAppointmentWith(b_.clinic.id, ana, a_.practitioners[0].id));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StaffContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, PatientRecordsContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, StaffContract, ::testing::Values(PostgresBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, PatientRecordsContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
