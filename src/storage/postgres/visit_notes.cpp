// PostgresStorage's visit notes and addenda (core/ports/visit_notes.hpp). Writes lock the note's
// row (or the appointment's, for a first save) so concurrent saves of one note queue, and append
// their audit entry in the same transaction; the triggers of migration 8 keep signed notes and
// addenda as they were, whatever writes to the database.

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinical = core::clinical;
namespace ports = core::ports;

namespace {

const std::string kNoteColumns =
    "id, appointment_id, patient_id, practitioner_id, status, version, content, author_id, "
    "created_at, updated_at, signed_by, signed_at";

Result<ports::StoredVisitNote> ReadNote(const pqxx::row& r) {
  ports::StoredVisitNote note;
  note.id = clinical::VisitNoteId{Int(r[0])};
  note.appointment = core::AppointmentId{Int(r[1])};
  note.patient = core::PatientId{Int(r[2])};
  note.practitioner = core::PractitionerId{Int(r[3])};
  note.status =
      UNKNOT_TRY(ParseField<clinical::NoteStatus>(r[4], clinical::ParseNoteStatus, "note status"));
  note.version = Int(r[5]);
  note.content_json = Text(r[6]);
  note.author = core::StaffId{Int(r[7])};
  note.created_at = FromSeconds(Int(r[8]));
  note.updated_at = FromSeconds(Int(r[9]));
  if (!r[10].is_null()) note.signed_by = core::StaffId{Int(r[10])};
  if (!r[11].is_null()) note.signed_at = FromSeconds(Int(r[11]));
  return note;
}

void ReadAddenda(pqxx::transaction_base& tx, ports::StoredVisitNote& note) {
  note.addenda.clear();
  for (const pqxx::row& r :
       tx.exec_params("SELECT sequence, text, author_id, signed_at FROM visit_note_addenda "
                      "WHERE note_id = $1 ORDER BY sequence",
                      note.id.value())) {
    note.addenda.push_back(
        {Int(r[0]), Text(r[1]), core::StaffId{Int(r[2])}, FromSeconds(Int(r[3]))});
  }
}

// The appointment's note with its addenda (its row locked when `lock`); nullopt when none.
Result<std::optional<ports::StoredVisitNote>> FindNoteRow(pqxx::transaction_base& tx,
                                                          core::ClinicId clinic,
                                                          core::AppointmentId appointment,
                                                          bool lock) {
  auto rows = tx.exec_params("SELECT " + kNoteColumns +
                                 " FROM visit_notes WHERE clinic_id = $1 AND appointment_id = $2" +
                                 (lock ? " FOR UPDATE" : ""),
                             clinic.value(), appointment.value());
  if (rows.empty()) return std::optional<ports::StoredVisitNote>{};
  ports::StoredVisitNote note = UNKNOT_TRY(ReadNote(rows[0]));
  ReadAddenda(tx, note);
  return std::optional<ports::StoredVisitNote>{std::move(note)};
}

// The appointment's patient and practitioner, its row locked (a first save of its note waits
// for another); kNotFound.
Result<std::pair<std::int64_t, std::int64_t>> LockAppointment(pqxx::transaction_base& tx,
                                                              core::ClinicId clinic,
                                                              core::AppointmentId appointment) {
  auto rows = tx.exec_params(
      "SELECT patient_id, practitioner_id FROM appointments WHERE clinic_id = $1 AND id = $2 "
      "FOR UPDATE",
      clinic.value(), appointment.value());
  if (rows.empty()) return Error::NotFound("no such appointment");
  return std::pair{Int(rows[0][0]), Int(rows[0][1])};
}

Error Stale(const ports::StoredVisitNote& current, std::int64_t version) {
  if (current.status == clinical::NoteStatus::kSigned) {
    return Error(ErrorCode::kConflict, "the note is signed: add an addendum instead");
  }
  return Error(ErrorCode::kConflict, "the note was saved elsewhere since you opened it (version " +
                                         std::to_string(current.version) + ", not " +
                                         std::to_string(version) + ")");
}

}  // namespace

Result<std::optional<ports::StoredVisitNote>> PostgresStorage::FindVisitNote(
    core::ClinicId clinic, core::AppointmentId appointment) {
  // A read-only transaction, so the note and its addenda are of one moment.
  return WriteOnce<std::optional<ports::StoredVisitNote>>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<std::optional<ports::StoredVisitNote>> {
        auto found = tx.exec_params("SELECT 1 FROM appointments WHERE clinic_id = $1 AND id = $2",
                                    clinic.value(), appointment.value());
        if (found.empty()) return Error::NotFound("no such appointment");
        return FindNoteRow(tx, clinic, appointment, false);
      });
}

Result<ports::StoredVisitNote> PostgresStorage::SaveVisitNoteDraft(
    core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
    std::string_view content_json, core::StaffId author, core::Instant now,
    const core::staff::AuditEntry& audit) {
  return WriteOnce<ports::StoredVisitNote>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<ports::StoredVisitNote> {
        const auto [patient, practitioner] = UNKNOT_TRY(LockAppointment(tx, clinic, appointment));
        std::optional<ports::StoredVisitNote> current =
            UNKNOT_TRY(FindNoteRow(tx, clinic, appointment, true));
        if (version == 0) {
          if (current) return Stale(*current, version);
          tx.exec_params(
              "INSERT INTO visit_notes (clinic_id, appointment_id, patient_id, practitioner_id, "
              "status, version, content, author_id, created_at, updated_at) "
              "VALUES ($1, $2, $3, $4, 'draft', 1, $5, $6, $7, $7)",
              clinic.value(), appointment.value(), patient, practitioner, std::string(content_json),
              author.value(), Seconds(now));
        } else {
          if (!current) return Error::NotFound("the visit has no note yet");
          if (current->status != clinical::NoteStatus::kDraft || current->version != version) {
            return Stale(*current, version);
          }
          tx.exec_params(
              "UPDATE visit_notes SET content = $3, version = version + 1, updated_at = $4 "
              "WHERE clinic_id = $1 AND id = $2",
              clinic.value(), current->id.value(), std::string(content_json), Seconds(now));
        }
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return UNKNOT_TRY(FindNoteRow(tx, clinic, appointment, false)).value();
      });
}

Result<ports::StoredVisitNote> PostgresStorage::SignVisitNote(
    core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
    core::StaffId signed_by, core::Instant now, const core::staff::AuditEntry& audit) {
  return WriteOnce<ports::StoredVisitNote>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<ports::StoredVisitNote> {
        UNKNOT_TRY(LockAppointment(tx, clinic, appointment));
        std::optional<ports::StoredVisitNote> current =
            UNKNOT_TRY(FindNoteRow(tx, clinic, appointment, true));
        if (!current) return Error::NotFound("the visit has no note yet");
        if (current->status != clinical::NoteStatus::kDraft || current->version != version) {
          return Stale(*current, version);
        }
        tx.exec_params(
            "UPDATE visit_notes SET status = 'signed', signed_by = $3, signed_at = $4, "
            "updated_at = $4, version = version + 1 WHERE clinic_id = $1 AND id = $2",
            clinic.value(), current->id.value(), signed_by.value(), Seconds(now));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return UNKNOT_TRY(FindNoteRow(tx, clinic, appointment, false)).value();
      });
}

Result<ports::StoredVisitNote> PostgresStorage::AddVisitNoteAddendum(
    core::ClinicId clinic, core::AppointmentId appointment, std::string_view text,
    core::StaffId author, core::Instant now, const core::staff::AuditEntry& audit) {
  return WriteOnce<ports::StoredVisitNote>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<ports::StoredVisitNote> {
        UNKNOT_TRY(LockAppointment(tx, clinic, appointment));
        // The note's row lock makes concurrent addenda of one note take their sequences in turn.
        std::optional<ports::StoredVisitNote> current =
            UNKNOT_TRY(FindNoteRow(tx, clinic, appointment, true));
        if (!current) return Error::NotFound("the visit has no note yet");
        if (current->status != clinical::NoteStatus::kSigned) {
          return Error(ErrorCode::kConflict,
                       "the note is a draft: edit it, an addendum follows a signed note");
        }
        tx.exec_params(
            "INSERT INTO visit_note_addenda (note_id, sequence, text, author_id, signed_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            current->id.value(), static_cast<std::int64_t>(current->addenda.size()) + 1,
            std::string(text), author.value(), Seconds(now));
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return UNKNOT_TRY(FindNoteRow(tx, clinic, appointment, false)).value();
      });
}

Result<std::vector<ports::StoredVisitNote>> PostgresStorage::ListPatientVisitNotes(
    core::ClinicId clinic, core::PatientId patient) {
  return WriteOnce<std::vector<ports::StoredVisitNote>>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<std::vector<ports::StoredVisitNote>> {
        auto rows = tx.exec_params(
            "SELECT n.id, n.appointment_id, n.patient_id, n.practitioner_id, n.status, "
            "n.version, n.content, n.author_id, n.created_at, n.updated_at, n.signed_by, "
            "n.signed_at FROM visit_notes n JOIN appointments a ON a.id = n.appointment_id "
            "WHERE n.clinic_id = $1 AND n.patient_id = $2 ORDER BY a.start_at DESC, n.id DESC",
            clinic.value(), patient.value());
        std::vector<ports::StoredVisitNote> out;
        for (const pqxx::row& r : rows) out.push_back(UNKNOT_TRY(ReadNote(r)));
        for (ports::StoredVisitNote& note : out) ReadAddenda(tx, note);
        return out;
      });
}

}  // namespace unknot::storage::postgres
