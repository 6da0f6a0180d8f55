// Visit notes and addenda (issue 15), the same on every backend: drafts save with versions, a
// signed note is kept by the database itself (a raw UPDATE or DELETE fails), addenda chain to it
// in order, and a patient's notes list newest visit first. Every write leaves its audit entry.

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::clinical::NoteStatus;
using core::ports::StoredVisitNote;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using core::scheduling::BookingSource;

using unknot::testing::At;

const core::StaffId kPractitioner{7};
const core::StaffId kOwner{1};

class VisitNotesContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
    ana_ = storage_
               ->CreatePatient(clinic(), {core::PatientId{}, "Ana", "Ruiz", "ana@example.org",
                                          "+14155550142", clock_.Now()})
               .value();
    first_ = Visit(ana_.id, "2026-11-20T17:00:00Z");
    second_ = Visit(ana_.id, "2026-11-27T17:00:00Z");
  }

  core::ClinicId clinic() const { return setup_.clinic.id; }
  bool IsSqlite() const { return GetParam().name == "Sqlite"; }

  core::AppointmentId Visit(core::PatientId patient, const char* start) {
    core::Instant begin = At(start);
    Appointment a{.id = {},
                  .patient = patient,
                  .practitioner = setup_.practitioners[0].id,
                  .service = setup_.services[1].id,
                  .room = setup_.rooms[0].id,
                  .time = core::Interval::Create(begin, begin + 30min).value(),
                  .blocked_until = begin + 30min,
                  .status = AppointmentStatus::kCompleted,
                  .source = BookingSource::kPhone,
                  .created_at = clock_.Now(),
                  .updated_at = clock_.Now(),
                  .cancelled_at = std::nullopt,
                  .assessment = std::nullopt};
    return storage_->InsertAppointment(clinic(), a).value().id;
  }

  core::staff::AuditEntry Audit(std::string action, core::AppointmentId visit) {
    core::staff::AuditEntry entry;
    entry.clinic = clinic();
    entry.staff = kPractitioner;
    entry.action = std::move(action);
    entry.patient = ana_.id;
    entry.record = "visit/" + std::to_string(visit.value()) + "/note";
    entry.at = clock_.Now();
    return entry;
  }

  std::size_t AuditCount() {
    core::ports::AuditFilter filter;
    filter.limit = 1000;
    return storage_->ListAudit(clinic(), filter)->size();
  }

  StoredVisitNote Draft(core::AppointmentId visit, std::string content = R"({"v":1})") {
    return storage_
        ->SaveVisitNoteDraft(clinic(), visit, 0, content, kPractitioner, clock_.Now(),
                             Audit("write_clinical_notes", visit))
        .value();
  }

  StoredVisitNote Signed(core::AppointmentId visit) {
    StoredVisitNote draft = Draft(visit);
    return storage_
        ->SignVisitNote(clinic(), visit, draft.version, kPractitioner, clock_.Now(),
                        Audit("write_clinical_notes", visit))
        .value();
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-27T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
  core::clinic::Patient ana_;
  core::AppointmentId first_;
  core::AppointmentId second_;
};

TEST_P(VisitNotesContract, DraftsSaveWithVersionsAndAStaleSaveConflicts) {
  EXPECT_EQ(storage_->FindVisitNote(clinic(), first_).value(), std::nullopt);
  const std::size_t audits = AuditCount();

  StoredVisitNote draft = Draft(first_, R"({"a":1})");
  EXPECT_EQ(draft.version, 1);
  EXPECT_EQ(draft.status, NoteStatus::kDraft);
  EXPECT_EQ(draft.patient, ana_.id);
  EXPECT_EQ(draft.practitioner, setup_.practitioners[0].id);
  EXPECT_EQ(draft.author, kPractitioner);
  EXPECT_EQ(draft.content_json, R"({"a":1})");
  EXPECT_EQ(draft.signed_by, std::nullopt);

  auto saved = storage_->SaveVisitNoteDraft(clinic(), first_, 1, R"({"a":2})", kPractitioner,
                                            clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_EQ(saved->version, 2);
  EXPECT_EQ(saved->content_json, R"({"a":2})");
  EXPECT_EQ(saved->id, draft.id);

  // Another tab still at version 1, and a second "first" save: both refused, nothing written.
  auto stale = storage_->SaveVisitNoteDraft(clinic(), first_, 1, R"({"a":3})", kPractitioner,
                                            clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  auto again = storage_->SaveVisitNoteDraft(clinic(), first_, 0, R"({"a":4})", kPractitioner,
                                            clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(storage_->FindVisitNote(clinic(), first_).value()->content_json, R"({"a":2})");
  EXPECT_EQ(AuditCount(), audits + 2);

  // A visit that does not exist, or the note of a visit without one.
  auto missing =
      storage_->SaveVisitNoteDraft(clinic(), core::AppointmentId{999999}, 0, "{}", kPractitioner,
                                   clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(storage_->FindVisitNote(clinic(), core::AppointmentId{999999}).error().code(),
            ErrorCode::kNotFound);
  auto no_note = storage_->SaveVisitNoteDraft(clinic(), second_, 3, "{}", kPractitioner,
                                              clock_.Now(), Audit("write_clinical_notes", second_));
  ASSERT_FALSE(no_note);
  EXPECT_EQ(no_note.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(AuditCount(), audits + 2);
}

TEST_P(VisitNotesContract, SigningLocksTheNote) {
  StoredVisitNote draft = Draft(first_);
  auto stale = storage_->SignVisitNote(clinic(), first_, draft.version + 1, kPractitioner,
                                       clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);

  clock_.Set(At("2026-11-27T18:30:00Z"));
  auto signed_note = storage_->SignVisitNote(clinic(), first_, draft.version, kPractitioner,
                                             clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_TRUE(signed_note) << signed_note.error().message();
  EXPECT_EQ(signed_note->status, NoteStatus::kSigned);
  EXPECT_EQ(signed_note->signed_by, kPractitioner);
  EXPECT_EQ(signed_note->signed_at, At("2026-11-27T18:30:00Z"));
  EXPECT_EQ(signed_note->version, draft.version + 1);
  EXPECT_EQ(*storage_->FindVisitNote(clinic(), first_).value(), *signed_note);

  // Through the port: neither saved over nor signed again.
  auto saved =
      storage_->SaveVisitNoteDraft(clinic(), first_, signed_note->version, "{}", kPractitioner,
                                   clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code(), ErrorCode::kConflict);
  auto resigned = storage_->SignVisitNote(clinic(), first_, signed_note->version, kPractitioner,
                                          clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_FALSE(resigned);
  EXPECT_EQ(resigned.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(*storage_->FindVisitNote(clinic(), first_).value(), *signed_note);
}

TEST_P(VisitNotesContract, TheDatabaseItselfRefusesToChangeASignedNoteOrAnAddendum) {
  StoredVisitNote signed_note = Signed(first_);
  ASSERT_TRUE(storage_->AddVisitNoteAddendum(clinic(), first_, "Called: better.", kPractitioner,
                                             clock_.Now(), Audit("write_clinical_notes", first_)));
  const std::string id = std::to_string(signed_note.id.value());
  auto refused = [&](const std::string& sql, const std::string& why) {
    const std::string error = database_->ExecRaw(sql);
    EXPECT_NE(error.find(why), std::string::npos) << sql << ": " << error;
  };
  refused("UPDATE visit_notes SET content = '{\"edited\":true}' WHERE id = " + id,
          "a signed visit note is never changed");
  refused(
      "UPDATE visit_notes SET status = 'draft', signed_by = NULL, signed_at = NULL WHERE id = " +
          id,
      "a signed visit note is never changed");
  refused("DELETE FROM visit_notes WHERE id = " + id, "a signed visit note is never changed");
  refused("UPDATE visit_note_addenda SET text = 'edited' WHERE note_id = " + id,
          "an addendum is never changed");
  refused("DELETE FROM visit_note_addenda WHERE note_id = " + id, "an addendum is never changed");
  if (!IsSqlite()) refused("TRUNCATE visit_note_addenda", "never truncated");
  // Addenda only after signing and in sequence; notes only as drafts first.
  refused(
      "INSERT INTO visit_note_addenda (note_id, sequence, text, author_id, signed_at) "
      "VALUES (" +
          id + ", 5, 'skipped ahead', 7, 0)",
      "an addendum takes the next sequence of its note");
  StoredVisitNote draft = Draft(second_);
  refused(
      "INSERT INTO visit_note_addenda (note_id, sequence, text, author_id, signed_at) "
      "VALUES (" +
          std::to_string(draft.id.value()) + ", 1, 'on a draft', 7, 0)",
      "an addendum follows a signed visit note only");
  const core::AppointmentId third = Visit(ana_.id, "2026-11-25T17:00:00Z");
  refused(
      "INSERT INTO visit_notes (clinic_id, appointment_id, patient_id, practitioner_id, "
      "status, version, content, author_id, created_at, updated_at, signed_by, signed_at) "
      "VALUES (" +
          std::to_string(clinic().value()) + ", " + std::to_string(third.value()) +
          ", 1, 1, 'signed', 1, '{}', 7, 0, 0, 7, 0)",
      "a visit note is stored as a draft first");

  // A draft is still a draft: the database lets it change.
  EXPECT_EQ(database_->ExecRaw("UPDATE visit_notes SET content = '{\"x\":1}' WHERE id = " +
                               std::to_string(draft.id.value())),
            "");
  StoredVisitNote kept = storage_->FindVisitNote(clinic(), first_).value().value();
  EXPECT_EQ(kept.content_json, signed_note.content_json);
  EXPECT_EQ(kept.status, NoteStatus::kSigned);
  ASSERT_EQ(kept.addenda.size(), 1u);
  EXPECT_EQ(kept.addenda[0].text, "Called: better.");
}

TEST_P(VisitNotesContract, AddendaFollowASignedNoteInOrder) {
  Draft(first_);
  auto on_draft =
      storage_->AddVisitNoteAddendum(clinic(), first_, "too early", kPractitioner, clock_.Now(),
                                     Audit("write_clinical_notes", first_));
  ASSERT_FALSE(on_draft);
  EXPECT_EQ(on_draft.error().code(), ErrorCode::kConflict);
  auto no_note =
      storage_->AddVisitNoteAddendum(clinic(), second_, "no note", kPractitioner, clock_.Now(),
                                     Audit("write_clinical_notes", second_));
  ASSERT_FALSE(no_note);
  EXPECT_EQ(no_note.error().code(), ErrorCode::kNotFound);

  StoredVisitNote draft = storage_->FindVisitNote(clinic(), first_).value().value();
  StoredVisitNote signed_note =
      storage_
          ->SignVisitNote(clinic(), first_, draft.version, kPractitioner, clock_.Now(),
                          Audit("write_clinical_notes", first_))
          .value();
  const std::size_t audits = AuditCount();
  clock_.Set(At("2026-11-28T09:00:00Z"));
  ASSERT_TRUE(storage_->AddVisitNoteAddendum(clinic(), first_, "First addendum.", kPractitioner,
                                             clock_.Now(), Audit("write_clinical_notes", first_)));
  clock_.Set(At("2026-11-29T09:00:00Z"));
  auto both = storage_->AddVisitNoteAddendum(clinic(), first_, "Second addendum.", kOwner,
                                             clock_.Now(), Audit("write_clinical_notes", first_));
  ASSERT_TRUE(both) << both.error().message();
  ASSERT_EQ(both->addenda.size(), 2u);
  EXPECT_EQ(both->addenda[0].sequence, 1);
  EXPECT_EQ(both->addenda[0].text, "First addendum.");
  EXPECT_EQ(both->addenda[0].author, kPractitioner);
  EXPECT_EQ(both->addenda[0].signed_at, At("2026-11-28T09:00:00Z"));
  EXPECT_EQ(both->addenda[1].sequence, 2);
  EXPECT_EQ(both->addenda[1].author, kOwner);
  EXPECT_EQ(both->addenda[1].signed_at, At("2026-11-29T09:00:00Z"));
  // The note itself is as it was signed.
  EXPECT_EQ(both->version, signed_note.version);
  EXPECT_EQ(both->content_json, signed_note.content_json);
  EXPECT_EQ(both->signed_at, signed_note.signed_at);
  EXPECT_EQ(AuditCount(), audits + 2);
}

TEST_P(VisitNotesContract, APatientsNotesListNewestVisitFirst) {
  EXPECT_TRUE(storage_->ListPatientVisitNotes(clinic(), ana_.id).value().empty());
  Signed(first_);
  ASSERT_TRUE(storage_->AddVisitNoteAddendum(clinic(), first_, "Later.", kPractitioner,
                                             clock_.Now(), Audit("write_clinical_notes", first_)));
  Draft(second_);
  core::clinic::Patient ben =
      storage_
          ->CreatePatient(clinic(), {core::PatientId{}, "Ben", "Okafor", "ben@example.org",
                                     "+14155550143", clock_.Now()})
          .value();
  Draft(Visit(ben.id, "2026-11-26T17:00:00Z"));

  auto notes = storage_->ListPatientVisitNotes(clinic(), ana_.id);
  ASSERT_TRUE(notes) << notes.error().message();
  ASSERT_EQ(notes->size(), 2u);
  EXPECT_EQ((*notes)[0].appointment, second_);
  EXPECT_EQ((*notes)[0].status, NoteStatus::kDraft);
  EXPECT_EQ((*notes)[1].appointment, first_);
  EXPECT_EQ((*notes)[1].status, NoteStatus::kSigned);
  ASSERT_EQ((*notes)[1].addenda.size(), 1u);
  EXPECT_EQ((*notes)[1].addenda[0].text, "Later.");
  EXPECT_EQ(storage_->ListPatientVisitNotes(clinic(), ben.id)->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, VisitNotesContract, ::testing::Values(SqliteBackend()),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, VisitNotesContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
