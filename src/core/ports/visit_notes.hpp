#pragma once

// Visit notes (SOAP) and their addenda (issue 15): the storage port. Implemented by both backends
// and held to the contract suite (storage/contract/visit_notes_contract_test.cpp). Failure codes
// as in ports/storage.hpp unless said. Every write takes its staff AuditEntry and appends it in
// the same transaction.
//
// A note belongs to one appointment (at most one note each) and keeps that appointment's patient
// and practitioner. Its content is stored as the JSON document the API exchanged (like a
// self-assessment), so a note reads back exactly as it was written even when the knowledge
// changes later. The DATABASE keeps a signed note as it was signed: it refuses any UPDATE or
// DELETE of a signed note and of any addendum (triggers on both backends), whatever the caller.
//
// Addenda chain by sequence: the first addendum of a note is 1, the next 2, ... (unique per note,
// assigned inside the write that appends it), each naming its note. A sequence rather than a link
// to the previous addendum: the order is one column, gaps and forks are impossible under the
// unique key, and reading the chain in order is one ORDER BY.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinical/visit_note.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

struct StoredAddendum {
  std::int64_t sequence = 0;  // 1, 2, 3 ... within its note; assigned by storage
  std::string text;
  StaffId author;
  Instant signed_at;

  friend bool operator==(const StoredAddendum&, const StoredAddendum&) = default;
};

struct StoredVisitNote {
  clinical::VisitNoteId id;
  AppointmentId appointment;
  PatientId patient;            // the appointment's
  PractitionerId practitioner;  // the appointment's
  clinical::NoteStatus status = clinical::NoteStatus::kDraft;
  // 1 when first saved, raised by every draft save and by signing.
  std::int64_t version = 1;
  std::string content_json;  // the VisitNoteContent as the API's JSON document
  StaffId author;            // who saved it first
  Instant created_at;
  Instant updated_at;
  std::optional<StaffId> signed_by;
  std::optional<Instant> signed_at;
  std::vector<StoredAddendum> addenda{};  // by sequence

  friend bool operator==(const StoredVisitNote&, const StoredVisitNote&) = default;
};

class VisitNoteRepository {
 public:
  virtual ~VisitNoteRepository() = default;

  // The note of the appointment with its addenda; nullopt when it has none yet. kNotFound when
  // the clinic has no such appointment.
  virtual Result<std::optional<StoredVisitNote>> FindVisitNote(ClinicId clinic,
                                                               AppointmentId appointment) = 0;

  // Saves the appointment's draft and returns it as stored. `version` 0: the first save (a new
  // draft, version 1, authored by `author`); otherwise the version the caller last saw, and the
  // stored draft's version is raised by one. kNotFound when the clinic has no such appointment;
  // kConflict when the note is signed, when `version` is not the stored one (0 and a note
  // exists: also a conflict), nothing written (the caller reads the current note to show it).
  virtual Result<StoredVisitNote> SaveVisitNoteDraft(ClinicId clinic, AppointmentId appointment,
                                                     std::int64_t version,
                                                     std::string_view content_json, StaffId author,
                                                     Instant now,
                                                     const staff::AuditEntry& audit) = 0;

  // Signs the appointment's draft whose version is `version`: status signed, signed_by, signed_at
  // = now, version raised by one. kNotFound when there is no such appointment or it has no note;
  // kConflict when it is already signed or its version is another (nothing written).
  virtual Result<StoredVisitNote> SignVisitNote(ClinicId clinic, AppointmentId appointment,
                                                std::int64_t version, StaffId signed_by,
                                                Instant now, const staff::AuditEntry& audit) = 0;

  // Appends a signed addendum (the next sequence, signed_at = now) to the appointment's signed
  // note and returns the note with every addendum. kNotFound when there is no such appointment
  // or it has no note; kConflict when the note is not signed yet (a draft is edited instead).
  virtual Result<StoredVisitNote> AddVisitNoteAddendum(ClinicId clinic, AppointmentId appointment,
                                                       std::string_view text, StaffId author,
                                                       Instant now,
                                                       const staff::AuditEntry& audit) = 0;

  // The patient's notes with their addenda, newest visit first (by the appointment's start, then
  // the note's id, descending). Empty when there are none or no such patient.
  virtual Result<std::vector<StoredVisitNote>> ListPatientVisitNotes(ClinicId clinic,
                                                                     PatientId patient) = 0;
};

}  // namespace unknot::core::ports
