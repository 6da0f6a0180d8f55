// SqliteStorage's patient records for staff (core/ports/staff.hpp): search, a patient's
// appointments, and the fact the authorization table needs.

#include <sstream>

#include "storage/audit_chain.hpp"
#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::Result;
namespace ports = core::ports;
namespace scheduling = core::scheduling;

namespace {

// The query's words (split on whitespace), at most kMaxSearchWords of them.
constexpr std::size_t kMaxSearchWords = 8;

Result<std::vector<std::string>> SearchWords(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(std::move(word));
  if (words.size() > kMaxSearchWords) {
    return Error::InvalidField("q", "may have at most 8 words");
  }
  return words;
}

}  // namespace

Result<ports::PatientPage> SqliteStorage::SearchPatients(core::ClinicId clinic,
                                                         const ports::PatientQuery& query) {
  UNKNOT_TRY(ValidatePatientQuery(query));
  std::vector<std::string> words = UNKNOT_TRY(SearchWords(query.text));
  // ?1 clinic, ?2 now, ?3 practitioner or NULL, ?4 limit + 1, ?5 offset, ?6... the words. One
  // text per number of words, so the cached statements stay few. instr() on lower() needs no
  // escaping of LIKE's wildcards (and is ASCII case-insensitive, as SQLite's lower() is).
  std::string sql =
      "SELECT p.id, p.given_name, p.family_name, p.email, p.phone, p.created_at, "
      "(SELECT min(a.start_at) FROM appointments a WHERE a.clinic_id = p.clinic_id "
      " AND a.patient_id = p.id AND a.status = 'booked' AND a.start_at > ?2), "
      "(SELECT max(a.start_at) FROM appointments a WHERE a.clinic_id = p.clinic_id "
      " AND a.patient_id = p.id AND a.status <> 'cancelled' AND a.start_at <= ?2), "
      "p.online_booking, p.assessment_first "
      "FROM patients p WHERE p.clinic_id = ?1 "
      "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM appointments a WHERE a.clinic_id = p.clinic_id "
      " AND a.patient_id = p.id AND a.practitioner_id = ?3 AND a.status <> 'cancelled'))";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string w = "lower(?" + std::to_string(6 + i) + ")";
    sql += " AND (instr(lower(p.given_name), " + w + ") > 0 OR instr(lower(p.family_name), " + w +
           ") > 0 OR instr(lower(p.email), " + w + ") > 0 OR instr(lower(p.phone), " + w + ") > 0)";
  }
  sql += " ORDER BY lower(p.family_name), lower(p.given_name), p.id LIMIT ?4 OFFSET ?5";
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(sql));
  stmt.Bind(1, clinic.value()).Bind(2, Seconds(query.now));
  stmt.Bind(3, query.practitioner ? std::optional<std::int64_t>{query.practitioner->value()}
                                  : std::nullopt);
  stmt.Bind(4, std::int64_t{query.limit} + 1).Bind(5, std::int64_t{query.offset});
  for (std::size_t i = 0; i < words.size(); ++i) stmt.Bind(static_cast<int>(6 + i), words[i]);
  ports::PatientPage page;
  while (UNKNOT_TRY(stmt.Step())) {
    if (page.patients.size() == static_cast<std::size_t>(query.limit)) {
      page.more = true;
      break;
    }
    ports::PatientSummary summary{
        core::clinic::Patient{core::PatientId{stmt.Int(0)}, stmt.Text(1), stmt.Text(2),
                              stmt.Text(3), stmt.Text(4), FromSeconds(stmt.Int(5))},
        std::nullopt, std::nullopt};
    summary.patient.online_booking = UNKNOT_TRY(ParseColumn<core::clinic::OnlineBooking>(
        stmt, 8, core::clinic::ParseOnlineBooking, "online booking rule"));
    summary.patient.assessment_first = stmt.Int(9) != 0;
    if (auto next = stmt.OptionalInt(6)) summary.next_appointment = FromSeconds(*next);
    if (auto last = stmt.OptionalInt(7)) summary.last_appointment = FromSeconds(*last);
    page.patients.push_back(std::move(summary));
  }
  return page;
}

Result<std::vector<scheduling::Appointment>> SqliteStorage::ListPatientAppointments(
    core::ClinicId clinic, core::PatientId patient) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  return InReadTransaction(db, [&]() -> Result<std::vector<scheduling::Appointment>> {
    Statement exists = UNKNOT_TRY(db.PrepareCached(
        "SELECT EXISTS (SELECT 1 FROM patients WHERE clinic_id = ?1 AND id = ?2)"));
    exists.Bind(1, clinic.value()).Bind(2, patient.value());
    UNKNOT_TRY(exists.Step());
    if (exists.Int(0) == 0) return Error::NotFound("no such patient");
    Statement stmt =
        UNKNOT_TRY(db.PrepareCached("SELECT " + kAppointmentColumns +
                                    " FROM appointments WHERE clinic_id = ?1 AND patient_id = ?2 "
                                    "ORDER BY start_at DESC, id DESC"));
    stmt.Bind(1, clinic.value()).Bind(2, patient.value());
    std::vector<scheduling::Appointment> rows;
    while (UNKNOT_TRY(stmt.Step())) rows.push_back(UNKNOT_TRY(ReadAppointment(stmt)));
    return rows;
  });
}

Result<bool> SqliteStorage::HasAppointmentWith(core::ClinicId clinic, core::PatientId patient,
                                               core::PractitionerId practitioner) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT EXISTS (SELECT 1 FROM appointments WHERE clinic_id = ?1 AND patient_id = ?2 "
      "AND practitioner_id = ?3 AND status <> 'cancelled')"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value()).Bind(3, practitioner.value());
  UNKNOT_TRY(stmt.Step());
  return stmt.Int(0) != 0;
}

}  // namespace unknot::storage::sqlite
