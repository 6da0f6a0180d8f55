#pragma once

// Treatment plans (issue 15): the storage port. A plan and its items are stored when the
// practitioner makes it; its visits are booked later, all at once, as a series: every chosen visit
// under the same no-overlap guarantee as any staff booking (CalendarRepository::StaffBook), in ONE
// transaction, all or none. A plan's visits are linked to their appointments in a table of their
// own; the appointments themselves are ordinary ones. Implemented by both backends and held to
// the contract suite (storage/contract/treatment_plans_contract_test.cpp). Failure codes as in
// ports/storage.hpp unless said.

#include <string>
#include <vector>

#include "core/common/result.hpp"
#include "core/ports/calendar.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/scheduling/treatment_plan.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

// One visit of a series to book: which item of the plan it is, and the booking as for StaffBook
// (its `patient` is the plan's; its audit entry is appended with it).
struct SeriesVisit {
  int item = 0;
  StaffBooking booking;
};

// An appointment booked for a plan, with the item it belongs to.
struct PlanVisit {
  int item = 0;
  scheduling::Appointment appointment;

  friend bool operator==(const PlanVisit&, const PlanVisit&) = default;
};

// The field of a series' kConflict: "visits[<i>]", the position of the visit that did not fit.
inline std::string SeriesVisitField(std::size_t i) { return "visits[" + std::to_string(i) + "]"; }

class TreatmentPlanRepository {
 public:
  virtual ~TreatmentPlanRepository() = default;

  // Stores a new plan with its items (ids ignored, created_at kept) and `audit` in one
  // transaction; returns it with its id. kNotFound ("patient") when the clinic has no such
  // patient; kInvalidArgument when an item's service or practitioner is not the clinic's. Nothing
  // is written on any error. (Items are checked against the set-up by the caller:
  // scheduling::ValidatePlan.)
  virtual Result<scheduling::TreatmentPlan> CreateTreatmentPlan(
      ClinicId clinic, const scheduling::TreatmentPlan& plan, const staff::AuditEntry& audit) = 0;

  // kNotFound when the clinic has no such plan.
  virtual Result<scheduling::TreatmentPlan> FindTreatmentPlan(ClinicId clinic,
                                                              TreatmentPlanId plan) = 0;

  // The patient's plans, newest first (by id); empty when none (also for another clinic's
  // patient).
  virtual Result<std::vector<scheduling::TreatmentPlan>> ListTreatmentPlans(ClinicId clinic,
                                                                            PatientId patient) = 0;

  // The appointments booked for the plan (any status), ordered by start, then id.
  virtual Result<std::vector<PlanVisit>> ListPlanVisits(ClinicId clinic, TreatmentPlanId plan) = 0;

  // Books every visit, links each to the plan and appends each visit's audit entry, in ONE
  // transaction, in the order given (a visit sees the ones before it). Each visit is stored as
  // StaffBook stores a booking (its room, else the first free one of other_rooms; the database's
  // no-overlap rule decides), with the plan's patient. Returns the appointments in the order
  // given. Errors, nothing written on any: kNotFound when the clinic has no such plan;
  // kInvalidArgument on "visits[<i>].item" for an item the plan does not have, or "visits" when
  // there are none; kConflict whose one field error is SeriesVisitField(i) when visit i's span is
  // taken (by an appointment stored before or meanwhile, or by an earlier visit of the series).
  virtual Result<std::vector<scheduling::Appointment>> BookTreatmentSeries(
      ClinicId clinic, TreatmentPlanId plan, const std::vector<SeriesVisit>& visits) = 0;
};

}  // namespace unknot::core::ports
