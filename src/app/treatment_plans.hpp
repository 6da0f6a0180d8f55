#pragma once

// Treatment plans (issue 15), the use cases: make a plan, preview its series (for every visit the
// time it would take, or why not with the nearest free starts; nothing written), book the chosen
// visits in one transaction (all or none), and read a plan with its progress. The engine decides
// every time as for the front desk's bookings (core/scheduling/treatment_plan.hpp); storage
// re-checks the no-overlap rule inside the write (core/ports/treatment_plans.hpp). Whether the
// signed-in staff member may do it is the caller's (api/v1/treatment_plan_routes.cpp).

#include <variant>
#include <vector>

#include "app/booking.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/scheduling/treatment_plan.hpp"

namespace unknot::app {

// Validates the plan against the set-up and stores it (created_at = now) with `audit`.
// Errors: ValidatePlan's; kNotFound ("patient").
core::Result<core::scheduling::TreatmentPlan> CreateTreatmentPlan(
    core::ports::Storage& storage, const core::Clock& clock, const ClinicContext& clinic,
    core::scheduling::TreatmentPlan plan, const core::staff::AuditEntry& audit);

// Every visit of the plan, previewed against the clinic's bookings now. Writes nothing.
core::Result<std::vector<core::scheduling::VisitPreview>> PreviewTreatmentPlan(
    core::ports::Storage& storage, const core::Clock& clock, const ClinicContext& clinic,
    const core::scheduling::TreatmentPlan& plan);

// One visit the front desk chose: which item, and when (the proposed time or an alternative).
struct ChosenVisit {
  int item = 0;
  int number = 0;  // the visit's number within its item, for the answer; 0 when not given
  core::Instant start;
};

// The series was not booked: visit `index` (of the chosen ones) cannot take its time, why and
// with the nearest free starts. Nothing was written.
struct SeriesRefused {
  std::size_t index = 0;
  core::scheduling::VisitPreview visit;
};

using SeriesOutcome = std::variant<std::vector<core::scheduling::Appointment>, SeriesRefused>;

// Decides every chosen visit (in the order given, each clear of the ones before it), then books
// them all in one transaction with source `source` and one audit entry each (from `audit`). A
// visit that the engine refuses, or that someone takes between the check and the write, gives
// SeriesRefused and nothing is written. kInvalidArgument on "visits" (none, or more than
// kMaxPlanVisits), "visits[i].item".
core::Result<SeriesOutcome> BookTreatmentSeries(
    core::ports::Storage& storage, const core::Clock& clock, const ClinicContext& clinic,
    const core::scheduling::TreatmentPlan& plan, const std::vector<ChosenVisit>& visits,
    core::scheduling::BookingSource source, const core::staff::AuditEntry& audit);

}  // namespace unknot::app
