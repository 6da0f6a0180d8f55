#pragma once

// Outcome measures recorded at a visit (issue 15): the storage port. One record per appointment,
// changed only by a writer who saw its current version. Implemented by both backends and held to
// the contract suite (storage/contract/outcomes_contract_test.cpp). Failure codes as in
// ports/storage.hpp unless said. Staff writes take their AuditEntry and append it in the same
// transaction.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/clinical/outcomes.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/scheduling/treatment_plan.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

// A visit's outcome record with the facts of its appointment (as the appointment is now).
struct OutcomeRecord {
  AppointmentId appointment;
  PatientId patient;
  PractitionerId practitioner;
  ServiceId service;
  Instant visit_start;  // the appointment's start
  clinical::VisitOutcome outcome;
  std::int64_t version = 1;  // 1 when first recorded, raised by every change
  Instant recorded_at;       // the last change
  std::optional<StaffId> recorded_by = std::nullopt;

  friend bool operator==(const OutcomeRecord&, const OutcomeRecord&) = default;
};

// A visit's outcome as the owner's report counts it: with the treatment plan it was booked for, if
// any. No patient: the report never needs one.
struct PlanOutcomeRecord {
  std::optional<TreatmentPlanId> plan = std::nullopt;  // nullopt: not booked for a plan
  int item = 0;                                        // with a plan: the item's position in it
  ServiceId service;            // with a plan: the item's; without: the appointment's
  PractitionerId practitioner;  // likewise
  AppointmentId appointment;
  Instant visit_start;  // the appointment's start
  clinical::VisitOutcome outcome;

  friend bool operator==(const PlanOutcomeRecord&, const PlanOutcomeRecord&) = default;
};

class OutcomeRepository {
 public:
  virtual ~OutcomeRepository() = default;

  // Records the outcome of the visit `appointment` and returns the record as stored. With
  // `expected_version` 0 there must be no record yet (a new one gets version 1); otherwise it must
  // be the stored record's version (the new one gets the next). The outcome must have passed
  // clinical::ValidateOutcome (the database refuses scores out of range too, kInvalidArgument).
  // `audit` is appended in the same transaction. kNotFound when the clinic has no such appointment;
  // kConflict when the version is another (nothing written: the caller reads the current record).
  virtual Result<OutcomeRecord> SaveVisitOutcome(ClinicId clinic, AppointmentId appointment,
                                                 const clinical::VisitOutcome& outcome,
                                                 std::int64_t expected_version,
                                                 std::optional<StaffId> recorded_by, Instant now,
                                                 const staff::AuditEntry& audit) = 0;

  // The record of the visit; nullopt when none is recorded (also when the clinic has no such
  // appointment: callers look the appointment up first).
  virtual Result<std::optional<OutcomeRecord>> FindVisitOutcome(ClinicId clinic,
                                                                AppointmentId appointment) = 0;

  // The patient's records, ordered by visit start, then appointment id; empty when none.
  virtual Result<std::vector<OutcomeRecord>> ListPatientOutcomes(ClinicId clinic,
                                                                 PatientId patient) = 0;

  // Every record of the clinic with its plan, in one query: the visits booked for plans first,
  // ordered by plan id, then visit start, then appointment id; then the visits of no plan, ordered
  // by visit start, then appointment id. Empty when none. (The owner's report counts plans.)
  virtual Result<std::vector<PlanOutcomeRecord>> ListClinicPlanOutcomes(ClinicId clinic) = 0;
};

}  // namespace unknot::core::ports
