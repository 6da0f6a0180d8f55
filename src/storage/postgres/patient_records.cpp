// PostgresStorage's patient records for staff (core/ports/staff.hpp): search, a patient's
// appointments, and the fact the authorization table needs.

#include <sstream>

#include "storage/audit_chain.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::Result;
namespace ports = core::ports;
namespace scheduling = core::scheduling;

namespace {

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

Result<ports::PatientPage> PostgresStorage::SearchPatients(core::ClinicId clinic,
                                                           const ports::PatientQuery& query) {
  UNKNOT_TRY(ValidatePatientQuery(query));
  std::vector<std::string> words = UNKNOT_TRY(SearchWords(query.text));
  // $1 clinic, $2 now, $3 practitioner or NULL, $4 limit + 1, $5 offset, $6 the words as an
  // array: every word must be a substring of one of the four fields (strpos needs no escaping of
  // LIKE's wildcards). Ordered byte-wise on the lower-cased names (COLLATE "C"), as SQLite does.
  std::string array = "{";
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) array += ',';
    array += '"';
    for (char c : words[i]) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  array += '}';
  const std::string practitioner =
      query.practitioner ? std::to_string(query.practitioner->value()) : "";
  return ReadOnce<ports::PatientPage>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<ports::PatientPage> {
        auto rows = tx.exec_params(
            "SELECT p.id, p.given_name, p.family_name, p.email, p.phone, p.created_at, "
            "(SELECT min(a.start_at) FROM appointments a WHERE a.clinic_id = p.clinic_id "
            " AND a.patient_id = p.id AND a.status = 'booked' AND a.start_at > $2), "
            "(SELECT max(a.start_at) FROM appointments a WHERE a.clinic_id = p.clinic_id "
            " AND a.patient_id = p.id AND a.status <> 'cancelled' AND a.start_at <= $2), "
            "p.online_booking, p.assessment_first "
            "FROM patients p WHERE p.clinic_id = $1 "
            "AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM appointments a "
            " WHERE a.clinic_id = p.clinic_id AND a.patient_id = p.id "
            " AND a.practitioner_id = $3 AND a.status <> 'cancelled')) "
            "AND NOT EXISTS (SELECT 1 FROM unnest($6::text[]) AS w (word) "
            " WHERE strpos(lower(p.given_name), lower(w.word)) = 0 "
            " AND strpos(lower(p.family_name), lower(w.word)) = 0 "
            " AND strpos(lower(p.email), lower(w.word)) = 0 "
            " AND strpos(lower(p.phone), lower(w.word)) = 0) "
            "ORDER BY lower(p.family_name) COLLATE \"C\", lower(p.given_name) COLLATE \"C\", "
            "p.id LIMIT $4 OFFSET $5",
            clinic.value(), Seconds(query.now), query.practitioner ? practitioner.c_str() : nullptr,
            static_cast<std::int64_t>(query.limit) + 1, static_cast<std::int64_t>(query.offset),
            array);
        ports::PatientPage page;
        for (const pqxx::row& r : rows) {
          if (page.patients.size() == static_cast<std::size_t>(query.limit)) {
            page.more = true;
            break;
          }
          ports::PatientSummary summary{
              core::clinic::Patient{core::PatientId{Int(r[0])}, Text(r[1]), Text(r[2]), Text(r[3]),
                                    Text(r[4]), FromSeconds(Int(r[5]))},
              std::nullopt, std::nullopt};
          if (!r[6].is_null()) summary.next_appointment = FromSeconds(Int(r[6]));
          if (!r[7].is_null()) summary.last_appointment = FromSeconds(Int(r[7]));
          summary.patient.online_booking = UNKNOT_TRY(ParseField<core::clinic::OnlineBooking>(
              r[8], core::clinic::ParseOnlineBooking, "online booking rule"));
          summary.patient.assessment_first = r[9].as<bool>();
          page.patients.push_back(std::move(summary));
        }
        return page;
      });
}

Result<std::vector<scheduling::Appointment>> PostgresStorage::ListPatientAppointments(
    core::ClinicId clinic, core::PatientId patient) {
  return ReadOnce<std::vector<scheduling::Appointment>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<scheduling::Appointment>> {
        // One statement, so the patient's existence and its appointments are of one moment.
        auto rows = tx.exec_params(
            "SELECT " + std::string("a.") +
                "id, a.patient_id, a.practitioner_id, a.service_id, "
                "a.room_id, a.start_at, a.end_at, a.blocked_until, a.status, a.source, "
                "a.created_at, "
                "a.updated_at, a.cancelled_at, a.assessment_id, a.version, a.cancel_reason, "
                "a.declined, a.overbooked FROM patients p "
                "LEFT JOIN appointments a ON a.clinic_id = p.clinic_id AND a.patient_id = p.id "
                "WHERE p.clinic_id = $1 AND p.id = $2 ORDER BY a.start_at DESC, a.id DESC",
            clinic.value(), patient.value());
        if (rows.empty()) return Error::NotFound("no such patient");
        std::vector<scheduling::Appointment> out;
        for (const pqxx::row& r : rows) {
          if (r[0].is_null()) continue;  // the patient has none
          out.push_back(UNKNOT_TRY(ReadAppointment(r)));
        }
        return out;
      });
}

Result<bool> PostgresStorage::HasAppointmentWith(core::ClinicId clinic, core::PatientId patient,
                                                 core::PractitionerId practitioner) {
  return ReadOnce<bool>(*pool_, [&](pqxx::transaction_base& tx) -> Result<bool> {
    return tx
        .exec_params1(
            "SELECT EXISTS (SELECT 1 FROM appointments WHERE clinic_id = $1 AND patient_id = $2 "
            "AND practitioner_id = $3 AND status <> 'cancelled')",
            clinic.value(), patient.value(), practitioner.value())[0]
        .as<bool>();
  });
}

}  // namespace unknot::storage::postgres
