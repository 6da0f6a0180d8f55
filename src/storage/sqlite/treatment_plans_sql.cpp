// Treatment plans on SQLite (core/ports/treatment_plans.hpp, migration 10). A series of visits is
// one job of the single writer: every visit goes through StaffBook's write (StaffBookRow), so the
// no-overlap triggers decide each one as for any staff booking, and the job's failure rolls all of
// them back (its own transaction, or its own SAVEPOINT in a shared commit).

#include <sqlite3.h>

#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/booking_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace scheduling = core::scheduling;

namespace {

Result<std::vector<scheduling::PlanItem>> ReadItems(Connection& db, core::TreatmentPlanId plan) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "SELECT service_id, practitioner_id, interval_days, visit_count, first_date, time_of_day "
      "FROM treatment_plan_items WHERE plan_id = ?1 ORDER BY position"));
  stmt.Bind(1, plan.value());
  std::vector<scheduling::PlanItem> items;
  while (UNKNOT_TRY(stmt.Step())) {
    scheduling::PlanItem item;
    item.service = core::ServiceId{stmt.Int(0)};
    item.practitioner = core::PractitionerId{stmt.Int(1)};
    item.interval = std::chrono::days{stmt.Int(2)};
    item.count = static_cast<int>(stmt.Int(3));
    auto date = core::ParseLocalDate(stmt.Text(4));
    if (!date) return Error(ErrorCode::kInternal, "a stored plan item has a bad first date");
    item.first_date = *date;
    item.time = UNKNOT_TRY(MinuteColumn(stmt, 5));
    items.push_back(item);
  }
  return items;
}

// The plan's row and items; kNotFound when the clinic has no such plan.
Result<scheduling::TreatmentPlan> FindPlanRow(Connection& db, core::ClinicId clinic,
                                              core::TreatmentPlanId plan) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("SELECT id, patient_id, title, created_at FROM treatment_plans "
                                  "WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, plan.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such treatment plan");
  scheduling::TreatmentPlan out;
  out.id = core::TreatmentPlanId{stmt.Int(0)};
  out.patient = core::PatientId{stmt.Int(1)};
  out.title = stmt.Text(2);
  out.created_at = FromSeconds(stmt.Int(3));
  out.items = UNKNOT_TRY(ReadItems(db, out.id));
  return out;
}

}  // namespace

Result<scheduling::TreatmentPlan> SqliteStorage::CreateTreatmentPlan(
    core::ClinicId clinic_id, const scheduling::TreatmentPlan& plan,
    const core::staff::AuditEntry& audit) {
  return writer_->Write<scheduling::TreatmentPlan>([&](Connection& db)
                                                       -> Result<scheduling::TreatmentPlan> {
    Statement find =
        UNKNOT_TRY(db.PrepareCached("SELECT id FROM patients WHERE clinic_id = ?1 AND id = ?2"));
    find.Bind(1, clinic_id.value()).Bind(2, plan.patient.value());
    if (!UNKNOT_TRY(find.Step())) {
      return Error(ErrorCode::kNotFound, "no such patient", {{"patient", "no such patient"}});
    }
    Statement insert =
        UNKNOT_TRY(db.PrepareCached("INSERT INTO treatment_plans (clinic_id, patient_id, title, "
                                    "created_at) VALUES (?1, ?2, ?3, ?4)"));
    insert.Bind(1, clinic_id.value()).Bind(2, plan.patient.value()).Bind(3, plan.title);
    insert.Bind(4, Seconds(plan.created_at));
    scheduling::TreatmentPlan stored = plan;
    stored.id = core::TreatmentPlanId{UNKNOT_TRY(Insert(insert, db))};
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
      const scheduling::PlanItem& item = plan.items[i];
      Statement row = UNKNOT_TRY(db.PrepareCached(
          "INSERT INTO treatment_plan_items (plan_id, position, clinic_id, service_id, "
          "practitioner_id, interval_days, visit_count, first_date, time_of_day) "
          "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 "
          "WHERE EXISTS (SELECT 1 FROM services WHERE clinic_id = ?3 AND id = ?4)"));
      row.Bind(1, stored.id.value()).Bind(2, static_cast<std::int64_t>(i));
      row.Bind(3, clinic_id.value()).Bind(4, item.service.value());
      row.Bind(5, item.practitioner.value()).Bind(6, std::int64_t{item.interval.count()});
      row.Bind(7, std::int64_t{item.count}).Bind(8, core::FormatLocalDate(item.first_date));
      row.Bind(9, std::int64_t{item.time.since_midnight().count()});
      if (auto run = row.Run(); !run) {
        if (run.error().code() == ErrorCode::kConflict) {  // a constraint: not the clinic's
          return Error::InvalidField("items[" + std::to_string(i) + "]",
                                     "the practitioner or a value is not allowed");
        }
        return std::move(run).error();
      }
      if (db.Changes() == 0) {
        return Error::InvalidField("items[" + std::to_string(i) + "].service", "no such service");
      }
    }
    core::staff::AuditEntry entry = audit;
    entry.patient = plan.patient;
    entry.record = "treatment_plan/" + std::to_string(stored.id.value());
    UNKNOT_TRY(AppendAuditRow(db, clinic_id, entry));
    return stored;
  });
}

Result<scheduling::TreatmentPlan> SqliteStorage::FindTreatmentPlan(core::ClinicId clinic_id,
                                                                   core::TreatmentPlanId plan) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return FindPlanRow(reader->db(), clinic_id, plan);
}

Result<std::vector<scheduling::TreatmentPlan>> SqliteStorage::ListTreatmentPlans(
    core::ClinicId clinic_id, core::PatientId patient) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT id FROM treatment_plans WHERE clinic_id = ?1 AND patient_id = ?2 ORDER BY id DESC"));
  stmt.Bind(1, clinic_id.value()).Bind(2, patient.value());
  std::vector<core::TreatmentPlanId> ids;
  while (UNKNOT_TRY(stmt.Step())) ids.push_back(core::TreatmentPlanId{stmt.Int(0)});
  std::vector<scheduling::TreatmentPlan> plans;
  for (core::TreatmentPlanId id : ids) {
    plans.push_back(UNKNOT_TRY(FindPlanRow(reader->db(), clinic_id, id)));
  }
  return plans;
}

Result<std::vector<core::ports::PlanVisit>> SqliteStorage::ListPlanVisits(
    core::ClinicId clinic_id, core::TreatmentPlanId plan) {
  auto reader = UNKNOT_TRY(BorrowReader());
  // The appointment columns first (ReadAppointment reads from 0), the item last.
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kAppointmentColumns +
      ", (SELECT item_position FROM treatment_plan_visits v WHERE v.appointment_id = "
      "appointments.id) FROM appointments WHERE clinic_id = ?1 AND id IN "
      "(SELECT appointment_id FROM treatment_plan_visits WHERE plan_id = ?2) "
      "ORDER BY start_at, id"));
  stmt.Bind(1, clinic_id.value()).Bind(2, plan.value());
  std::vector<core::ports::PlanVisit> visits;
  while (UNKNOT_TRY(stmt.Step())) {
    scheduling::Appointment a = UNKNOT_TRY(ReadAppointment(stmt));
    visits.push_back({static_cast<int>(stmt.Int(18)), std::move(a)});
  }
  return visits;
}

Result<std::vector<scheduling::Appointment>> SqliteStorage::BookTreatmentSeries(
    core::ClinicId clinic_id, core::TreatmentPlanId plan_id,
    const std::vector<core::ports::SeriesVisit>& visits) {
  if (visits.empty()) return Error::InvalidField("visits", "choose at least one visit");
  const core::Instant now = clock_.Now();
  return writer_->Write<std::vector<scheduling::Appointment>>(
      [&](Connection& db) -> Result<std::vector<scheduling::Appointment>> {
        const scheduling::TreatmentPlan plan = UNKNOT_TRY(FindPlanRow(db, clinic_id, plan_id));
        std::vector<scheduling::Appointment> booked;
        booked.reserve(visits.size());
        for (std::size_t i = 0; i < visits.size(); ++i) {
          const core::ports::SeriesVisit& visit = visits[i];
          const std::string field = core::ports::SeriesVisitField(i);
          if (visit.item < 0 || static_cast<std::size_t>(visit.item) >= plan.items.size()) {
            return Error::InvalidField(field + ".item", "the plan has no such item");
          }
          core::ports::StaffBooking booking = visit.booking;
          booking.patient = plan.patient;
          auto stored = StaffBookRow(db, clinic_id, booking, now);
          if (!stored) {
            if (stored.error().code() == ErrorCode::kConflict) {
              return Error(ErrorCode::kConflict,
                           "visit " + std::to_string(i + 1) + ": " + stored.error().message(),
                           {{field, stored.error().message()}});
            }
            return std::move(stored).error();
          }
          Statement link = UNKNOT_TRY(
              db.PrepareCached("INSERT INTO treatment_plan_visits (appointment_id, plan_id, "
                               "item_position) VALUES (?1, ?2, ?3)"));
          link.Bind(1, stored->id.value()).Bind(2, plan_id.value());
          link.Bind(3, std::int64_t{visit.item});
          UNKNOT_TRY(link.Run());
          booked.push_back(std::move(*stored));
        }
        return booked;
      });
}

}  // namespace unknot::storage::sqlite
