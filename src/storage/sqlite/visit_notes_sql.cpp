// SqliteStorage's visit notes and addenda (core/ports/visit_notes.hpp). Writes go through the
// writer, each with its audit entry; the triggers of migration 9 keep signed notes and addenda
// as they were, whatever writes to the file.

#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinical = core::clinical;
namespace ports = core::ports;

namespace {

const std::string kNoteColumns =
    "id, appointment_id, patient_id, practitioner_id, status, version, content, author_id, "
    "created_at, updated_at, signed_by, signed_at";

Result<ports::StoredVisitNote> ReadNote(const Statement& s) {
  ports::StoredVisitNote note;
  note.id = clinical::VisitNoteId{s.Int(0)};
  note.appointment = core::AppointmentId{s.Int(1)};
  note.patient = core::PatientId{s.Int(2)};
  note.practitioner = core::PractitionerId{s.Int(3)};
  note.status =
      UNKNOT_TRY(ParseColumn<clinical::NoteStatus>(s, 4, clinical::ParseNoteStatus, "note status"));
  note.version = s.Int(5);
  note.content_json = s.Text(6);
  note.author = core::StaffId{s.Int(7)};
  note.created_at = FromSeconds(s.Int(8));
  note.updated_at = FromSeconds(s.Int(9));
  if (auto by = s.OptionalInt(10)) note.signed_by = core::StaffId{*by};
  if (auto at = s.OptionalInt(11)) note.signed_at = FromSeconds(*at);
  return note;
}

Result<void> ReadAddenda(Connection& db, ports::StoredVisitNote& note) {
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT sequence, text, author_id, signed_at FROM visit_note_addenda "
                       "WHERE note_id = ?1 ORDER BY sequence"));
  stmt.Bind(1, note.id.value());
  note.addenda.clear();
  while (UNKNOT_TRY(stmt.Step())) {
    note.addenda.push_back(
        {stmt.Int(0), stmt.Text(1), core::StaffId{stmt.Int(2)}, FromSeconds(stmt.Int(3))});
  }
  return core::Ok();
}

// The appointment's note with its addenda; nullopt when it has none.
Result<std::optional<ports::StoredVisitNote>> FindNoteRow(Connection& db, core::ClinicId clinic,
                                                          core::AppointmentId appointment) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "SELECT " + kNoteColumns + " FROM visit_notes WHERE clinic_id = ?1 AND appointment_id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, appointment.value());
  if (!UNKNOT_TRY(stmt.Step())) return std::optional<ports::StoredVisitNote>{};
  ports::StoredVisitNote note = UNKNOT_TRY(ReadNote(stmt));
  stmt.Reset();
  UNKNOT_TRY(ReadAddenda(db, note));
  return std::optional<ports::StoredVisitNote>{std::move(note)};
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

Result<std::optional<ports::StoredVisitNote>> SqliteStorage::FindVisitNote(
    core::ClinicId clinic, core::AppointmentId appointment) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  // The note and its addenda, of one moment.
  return InReadTransaction(db, [&]() -> Result<std::optional<ports::StoredVisitNote>> {
    UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));
    return FindNoteRow(db, clinic, appointment);
  });
}

Result<ports::StoredVisitNote> SqliteStorage::SaveVisitNoteDraft(
    core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
    std::string_view content_json, core::StaffId author, core::Instant now,
    const core::staff::AuditEntry& audit) {
  return writer_->Write<ports::StoredVisitNote>(
      [&](Connection& db) -> Result<ports::StoredVisitNote> {
        const core::scheduling::Appointment visit =
            UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));
        std::optional<ports::StoredVisitNote> current =
            UNKNOT_TRY(FindNoteRow(db, clinic, appointment));
        if (version == 0) {
          if (current) return Stale(*current, version);
          Statement insert = UNKNOT_TRY(db.PrepareCached(
              "INSERT INTO visit_notes (clinic_id, appointment_id, patient_id, practitioner_id, "
              "status, version, content, author_id, created_at, updated_at) "
              "VALUES (?1, ?2, ?3, ?4, 'draft', 1, ?5, ?6, ?7, ?7)"));
          insert.Bind(1, clinic.value()).Bind(2, appointment.value());
          insert.Bind(3, visit.patient.value()).Bind(4, visit.practitioner.value());
          insert.Bind(5, content_json).Bind(6, author.value()).Bind(7, Seconds(now));
          UNKNOT_TRY(Insert(insert, db));
        } else {
          if (!current) return Error::NotFound("the visit has no note yet");
          if (current->status != clinical::NoteStatus::kDraft || current->version != version) {
            return Stale(*current, version);
          }
          Statement update = UNKNOT_TRY(db.PrepareCached(
              "UPDATE visit_notes SET content = ?3, version = version + 1, updated_at = ?4 "
              "WHERE clinic_id = ?1 AND id = ?2"));
          update.Bind(1, clinic.value()).Bind(2, current->id.value());
          update.Bind(3, content_json).Bind(4, Seconds(now));
          UNKNOT_TRY(update.Run());
        }
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return UNKNOT_TRY(FindNoteRow(db, clinic, appointment)).value();
      });
}

Result<ports::StoredVisitNote> SqliteStorage::SignVisitNote(
    core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
    core::StaffId signed_by, core::Instant now, const core::staff::AuditEntry& audit) {
  return writer_->Write<ports::StoredVisitNote>(
      [&](Connection& db) -> Result<ports::StoredVisitNote> {
        UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));
        std::optional<ports::StoredVisitNote> current =
            UNKNOT_TRY(FindNoteRow(db, clinic, appointment));
        if (!current) return Error::NotFound("the visit has no note yet");
        if (current->status != clinical::NoteStatus::kDraft || current->version != version) {
          return Stale(*current, version);
        }
        Statement update =
            UNKNOT_TRY(db.PrepareCached("UPDATE visit_notes SET status = 'signed', signed_by = ?3, "
                                        "signed_at = ?4, updated_at = ?4, version = version + 1 "
                                        "WHERE clinic_id = ?1 AND id = ?2"));
        update.Bind(1, clinic.value()).Bind(2, current->id.value());
        update.Bind(3, signed_by.value()).Bind(4, Seconds(now));
        UNKNOT_TRY(update.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return UNKNOT_TRY(FindNoteRow(db, clinic, appointment)).value();
      });
}

Result<ports::StoredVisitNote> SqliteStorage::AddVisitNoteAddendum(
    core::ClinicId clinic, core::AppointmentId appointment, std::string_view text,
    core::StaffId author, core::Instant now, const core::staff::AuditEntry& audit) {
  return writer_->Write<ports::StoredVisitNote>(
      [&](Connection& db) -> Result<ports::StoredVisitNote> {
        UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));
        std::optional<ports::StoredVisitNote> current =
            UNKNOT_TRY(FindNoteRow(db, clinic, appointment));
        if (!current) return Error::NotFound("the visit has no note yet");
        if (current->status != clinical::NoteStatus::kSigned) {
          return Error(ErrorCode::kConflict,
                       "the note is a draft: edit it, an addendum follows a signed note");
        }
        Statement insert = UNKNOT_TRY(db.PrepareCached(
            "INSERT INTO visit_note_addenda (note_id, sequence, text, author_id, signed_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5)"));
        insert.Bind(1, current->id.value())
            .Bind(2, static_cast<std::int64_t>(current->addenda.size()) + 1);
        insert.Bind(3, text).Bind(4, author.value()).Bind(5, Seconds(now));
        UNKNOT_TRY(insert.Run());
        UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
        return UNKNOT_TRY(FindNoteRow(db, clinic, appointment)).value();
      });
}

Result<std::vector<ports::StoredVisitNote>> SqliteStorage::ListPatientVisitNotes(
    core::ClinicId clinic, core::PatientId patient) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  // The notes and their addenda, of one moment.
  return InReadTransaction(db, [&]() -> Result<std::vector<ports::StoredVisitNote>> {
    Statement stmt = UNKNOT_TRY(db.PrepareCached(
        "SELECT n.id, n.appointment_id, n.patient_id, n.practitioner_id, n.status, n.version, "
        "n.content, n.author_id, n.created_at, n.updated_at, n.signed_by, n.signed_at "
        "FROM visit_notes n JOIN appointments a ON a.id = n.appointment_id "
        "WHERE n.clinic_id = ?1 AND n.patient_id = ?2 ORDER BY a.start_at DESC, n.id DESC"));
    stmt.Bind(1, clinic.value()).Bind(2, patient.value());
    std::vector<ports::StoredVisitNote> out;
    while (UNKNOT_TRY(stmt.Step())) out.push_back(UNKNOT_TRY(ReadNote(stmt)));
    stmt.Reset();
    for (ports::StoredVisitNote& note : out) UNKNOT_TRY(ReadAddenda(db, note));
    return out;
  });
}

}  // namespace unknot::storage::sqlite
