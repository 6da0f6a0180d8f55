// PostgresStorage's per-patient booking rules and the front desk's decisions on online requests
// (core/ports/booking_rules.hpp). The rules' part of an online booking is in Book
// (postgres_storage.cpp). Writes append their audit entry in their own transaction.

#include <algorithm>

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace ports = core::ports;
namespace scheduling = core::scheduling;

namespace {

// "x, y" as "alias.x, alias.y", for a join of tables with columns of the same name.
std::string Qualified(const std::string& columns, std::string_view alias) {
  std::string out;
  std::size_t start = 0;
  while (start <= columns.size()) {
    std::size_t end = columns.find(',', start);
    if (end == std::string::npos) end = columns.size();
    std::string column = columns.substr(start, end - start);
    column.erase(0, column.find_first_not_of(' '));
    if (!out.empty()) out += ", ";
    out += std::string(alias) + "." + column;
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<clinic::Patient> PostgresStorage::SetBookingRules(core::ClinicId clinic,
                                                         core::PatientId patient,
                                                         const ports::BookingRules& rules,
                                                         const core::staff::AuditEntry& audit) {
  return WriteOnce<clinic::Patient>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<clinic::Patient> {
        auto rows = tx.exec_params(
            "UPDATE patients SET online_booking = $3, assessment_first = $4 "
            "WHERE clinic_id = $1 AND id = $2 RETURNING " +
                kPatientColumns,
            clinic.value(), patient.value(), std::string(clinic::ToString(rules.online_booking)),
            rules.assessment_first);
        if (rows.empty()) return Error::NotFound("no such patient");
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        return ReadPatient(rows[0], 0);
      });
}

Result<int> PostgresStorage::CountNoShows(core::ClinicId clinic, core::PatientId patient,
                                          core::Instant since, core::Instant until) {
  return ReadOnce<int>(*pool_, [&](pqxx::transaction_base& tx) -> Result<int> {
    return static_cast<int>(Int(tx.exec_params1(
        "SELECT count(*) FROM appointments WHERE clinic_id = $1 AND patient_id = $2 "
        "AND status = 'no_show' AND start_at >= $3 AND start_at < $4",
        clinic.value(), patient.value(), Seconds(since), Seconds(until))[0]));
  });
}

Result<std::vector<ports::PendingRequest>> PostgresStorage::ListRequests(core::ClinicId clinic,
                                                                         core::Instant now) {
  return ReadOnce<std::vector<ports::PendingRequest>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<ports::PendingRequest>> {
        // One statement, so the requests and their patients are of one moment. The appointment's
        // columns come first, as ReadAppointment reads them; the patient's after.
        auto rows = tx.exec_params(
            "SELECT " + Qualified(kAppointmentColumns, "a") + ", " +
                Qualified(kPatientColumns, "p") +
                " FROM appointments a JOIN patients p ON p.id = a.patient_id "
                "WHERE a.clinic_id = $1 AND a.status = 'requested' AND a.end_at > $2 "
                "ORDER BY a.start_at, a.id",
            clinic.value(), Seconds(now));
        std::vector<ports::PendingRequest> out;
        const int first_patient_column =
            static_cast<int>(
                std::count(kAppointmentColumns.begin(), kAppointmentColumns.end(), ',')) +
            1;
        for (const pqxx::row& r : rows) {
          out.push_back(
              {UNKNOT_TRY(ReadAppointment(r)), UNKNOT_TRY(ReadPatient(r, first_patient_column))});
        }
        return out;
      });
}

Result<scheduling::Appointment> PostgresStorage::DecideRequest(
    core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
    ports::RequestDecision decision, std::string_view reason, core::Instant now,
    const core::staff::AuditEntry& audit) {
  return WriteOnce<scheduling::Appointment>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        const std::string where =
            " WHERE clinic_id = $1 AND id = $2 AND version = $3 AND status = 'requested' "
            "RETURNING " +
            kAppointmentColumns;
        auto rows = decision == ports::RequestDecision::kApprove
                        ? tx.exec_params(
                              "UPDATE appointments SET status = 'booked', updated_at = $4" + where,
                              clinic.value(), appointment.value(), version, Seconds(now))
                        : tx.exec_params(
                              "UPDATE appointments SET status = 'cancelled', declined = true, "
                              "cancelled_at = $4, updated_at = $4, cancel_reason = $5" +
                                  where,
                              clinic.value(), appointment.value(), version, Seconds(now),
                              std::string(reason));
        if (rows.empty()) {
          auto found = tx.exec_params("SELECT " + kAppointmentColumns +
                                          " FROM appointments WHERE clinic_id = $1 AND id = $2",
                                      clinic.value(), appointment.value());
          if (found.empty()) return Error::NotFound("no such appointment");
          scheduling::Appointment current = UNKNOT_TRY(ReadAppointment(found[0]));
          if (current.status != scheduling::AppointmentStatus::kRequested) {
            return Error(ErrorCode::kConflict,
                         "the appointment is " + std::string(scheduling::ToString(current.status)) +
                             ", no longer a request");
          }
          return Error(ErrorCode::kConflict,
                       "the request was changed by someone else since you saw it (version " +
                           std::to_string(current.version) + ", not " + std::to_string(version) +
                           ")");
        }
        UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
        scheduling::Appointment decided = UNKNOT_TRY(ReadAppointment(rows[0]));
        changes.Add(scheduling::ChangeOf(clinic, decided));  // same time, now booked or not
        return decided;
      });
}

}  // namespace unknot::storage::postgres
