// Treatment plans on PostgreSQL (core/ports/treatment_plans.hpp, migration 9). A series of visits
// is one transaction: every visit goes through StaffBook's write (StaffBookRow), so the exclusion
// constraints decide each one as for any staff booking; the first refusal rolls all of them back.
// A concurrent booking that commits first makes our insert fail; one that commits after waits for
// ours and fails itself (the constraint's index entry is ours until we finish).

#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"
#include "storage/postgres/staff_booking.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace scheduling = core::scheduling;

namespace {

// The plan's row and items; kNotFound when the clinic has no such plan.
Result<scheduling::TreatmentPlan> FindPlanRow(pqxx::transaction_base& tx, core::ClinicId clinic,
                                              core::TreatmentPlanId plan) {
  auto rows = tx.exec_params(
      "SELECT id, patient_id, title, created_at FROM treatment_plans "
      "WHERE clinic_id = $1 AND id = $2",
      clinic.value(), plan.value());
  if (rows.empty()) return Error::NotFound("no such treatment plan");
  scheduling::TreatmentPlan out;
  out.id = core::TreatmentPlanId{Int(rows[0][0])};
  out.patient = core::PatientId{Int(rows[0][1])};
  out.title = Text(rows[0][2]);
  out.created_at = FromSeconds(Int(rows[0][3]));
  auto items = tx.exec_params(
      "SELECT service_id, practitioner_id, interval_days, visit_count, first_date::text, "
      "time_of_day FROM treatment_plan_items WHERE plan_id = $1 ORDER BY position",
      plan.value());
  for (const auto& r : items) {
    scheduling::PlanItem item;
    item.service = core::ServiceId{Int(r[0])};
    item.practitioner = core::PractitionerId{Int(r[1])};
    item.interval = std::chrono::days{Int(r[2])};
    item.count = static_cast<int>(Int(r[3]));
    auto date = core::ParseLocalDate(Text(r[4]));
    if (!date) return Error(ErrorCode::kInternal, "a stored plan item has a bad first date");
    item.first_date = *date;
    item.time = UNKNOT_TRY(storage::StoredTimeOfDay(Int(r[5])));
    out.items.push_back(item);
  }
  return out;
}

}  // namespace

Result<scheduling::TreatmentPlan> PostgresStorage::CreateTreatmentPlan(
    core::ClinicId clinic_id, const scheduling::TreatmentPlan& plan,
    const core::staff::AuditEntry& audit) {
  return WriteOnce<scheduling::TreatmentPlan>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<scheduling::TreatmentPlan> {
        auto found = tx.exec_params("SELECT id FROM patients WHERE clinic_id = $1 AND id = $2",
                                    clinic_id.value(), plan.patient.value());
        if (found.empty()) {
          return Error(ErrorCode::kNotFound, "no such patient", {{"patient", "no such patient"}});
        }
        scheduling::TreatmentPlan stored = plan;
        stored.id = core::TreatmentPlanId{Int(tx.exec_params1(
            "INSERT INTO treatment_plans (clinic_id, patient_id, title, created_at) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            clinic_id.value(), plan.patient.value(), plan.title, Seconds(plan.created_at))[0])};
        for (std::size_t i = 0; i < plan.items.size(); ++i) {
          const scheduling::PlanItem& item = plan.items[i];
          const std::string field = "items[" + std::to_string(i) + "]";
          auto service = tx.exec_params("SELECT 1 FROM services WHERE clinic_id = $1 AND id = $2",
                                        clinic_id.value(), item.service.value());
          if (service.empty()) return Error::InvalidField(field + ".service", "no such service");
          auto practitioner =
              tx.exec_params("SELECT 1 FROM practitioners WHERE clinic_id = $1 AND id = $2",
                             clinic_id.value(), item.practitioner.value());
          if (practitioner.empty()) {
            return Error::InvalidField(field + ".practitioner", "no such practitioner");
          }
          try {
            tx.exec_params(
                "INSERT INTO treatment_plan_items (plan_id, position, clinic_id, service_id, "
                "practitioner_id, interval_days, visit_count, first_date, time_of_day) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9)",
                stored.id.value(), static_cast<int>(i), clinic_id.value(), item.service.value(),
                item.practitioner.value(), static_cast<int>(item.interval.count()), item.count,
                core::FormatLocalDate(item.first_date),
                static_cast<int>(item.time.since_midnight().count()));
          } catch (const pqxx::check_violation&) {
            return Error::InvalidField(field, "a value is out of range");
          }
        }
        core::staff::AuditEntry entry = audit;
        entry.patient = plan.patient;
        entry.record = "treatment_plan/" + std::to_string(stored.id.value());
        UNKNOT_TRY(AppendAuditRow(tx, clinic_id, entry));
        return stored;
      });
}

Result<scheduling::TreatmentPlan> PostgresStorage::FindTreatmentPlan(core::ClinicId clinic_id,
                                                                     core::TreatmentPlanId plan) {
  return ReadOnce<scheduling::TreatmentPlan>(
      *pool_, [&](pqxx::transaction_base& tx) { return FindPlanRow(tx, clinic_id, plan); });
}

Result<std::vector<scheduling::TreatmentPlan>> PostgresStorage::ListTreatmentPlans(
    core::ClinicId clinic_id, core::PatientId patient) {
  return ReadOnce<std::vector<scheduling::TreatmentPlan>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<scheduling::TreatmentPlan>> {
        auto rows = tx.exec_params(
            "SELECT id FROM treatment_plans WHERE clinic_id = $1 AND patient_id = $2 "
            "ORDER BY id DESC",
            clinic_id.value(), patient.value());
        std::vector<scheduling::TreatmentPlan> plans;
        for (const auto& r : rows) {
          plans.push_back(UNKNOT_TRY(FindPlanRow(tx, clinic_id, core::TreatmentPlanId{Int(r[0])})));
        }
        return plans;
      });
}

Result<std::vector<core::ports::PlanVisit>> PostgresStorage::ListPlanVisits(
    core::ClinicId clinic_id, core::TreatmentPlanId plan) {
  return ReadOnce<std::vector<core::ports::PlanVisit>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<core::ports::PlanVisit>> {
        auto rows =
            tx.exec_params("SELECT " + kAppointmentColumns +
                               ", (SELECT item_position FROM treatment_plan_visits v "
                               "WHERE v.appointment_id = appointments.id) FROM appointments "
                               "WHERE clinic_id = $1 AND id IN (SELECT appointment_id FROM "
                               "treatment_plan_visits WHERE plan_id = $2) ORDER BY start_at, id",
                           clinic_id.value(), plan.value());
        std::vector<core::ports::PlanVisit> visits;
        for (const auto& r : rows) {
          visits.push_back({static_cast<int>(Int(r[18])), UNKNOT_TRY(ReadAppointment(r))});
        }
        return visits;
      });
}

Result<std::vector<scheduling::Appointment>> PostgresStorage::BookTreatmentSeries(
    core::ClinicId clinic_id, core::TreatmentPlanId plan_id,
    const std::vector<core::ports::SeriesVisit>& visits) {
  if (visits.empty()) return Error::InvalidField("visits", "choose at least one visit");
  const core::Instant now = clock_.Now();
  return WriteOnce<std::vector<scheduling::Appointment>>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<std::vector<scheduling::Appointment>> {
        const scheduling::TreatmentPlan plan = UNKNOT_TRY(FindPlanRow(tx, clinic_id, plan_id));
        std::vector<scheduling::Appointment> booked;
        booked.reserve(visits.size());
        for (std::size_t i = 0; i < visits.size(); ++i) {
          const core::ports::SeriesVisit& visit = visits[i];
          const std::string field = core::ports::SeriesVisitField(i);
          if (visit.item < 0 || static_cast<std::size_t>(visit.item) >= plan.items.size()) {
            return Error::InvalidField(field + ".item", "the plan has no such item");
          }
          const scheduling::Appointment& a = visit.booking.appointment;
          if (a.blocked_until - a.time.start() > std::chrono::hours{10}) {
            return Error::InvalidField(field, "an appointment may not block more than 10 hours");
          }
          core::ports::StaffBooking booking = visit.booking;
          booking.patient = plan.patient;
          auto stored = StaffBookRow(tx, clinic_id, booking, now);
          if (!stored) {
            if (stored.error().code() == ErrorCode::kConflict) {
              return Error(ErrorCode::kConflict,
                           "visit " + std::to_string(i + 1) + ": " + stored.error().message(),
                           {{field, stored.error().message()}});
            }
            return std::move(stored).error();
          }
          tx.exec_params(
              "INSERT INTO treatment_plan_visits (appointment_id, clinic_id, plan_id, "
              "item_position) VALUES ($1, $2, $3, $4)",
              stored->id.value(), clinic_id.value(), plan_id.value(), visit.item);
          booked.push_back(std::move(*stored));
        }
        return booked;
      });
}

}  // namespace unknot::storage::postgres
