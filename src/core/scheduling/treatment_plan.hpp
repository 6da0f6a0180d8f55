#pragma once

// Treatment plans (issue 15): "ART with Dr. Lee weekly for 4 weeks, and a 60-minute deep-tissue
// massage every 2 weeks". A plan is a list of items; each item repeats one service with one
// practitioner every `interval` days, `count` times, from a first date at a preferred clinic-local
// time. Expanding a plan gives its proposed visits; previewing them asks the scheduling engine,
// as the front desk books (no online minimum notice or horizon), whether each time would take, or
// why not with the nearest free starts. Pure: no clock, no storage.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/strong_id.hpp"
#include "core/common/time.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/scheduling/availability.hpp"

namespace unknot::core {
using TreatmentPlanId = StrongId<struct TreatmentPlanIdTag>;
}  // namespace unknot::core

namespace unknot::core::scheduling {

inline constexpr std::size_t kMaxPlanItems = 8;
inline constexpr int kMaxItemVisits = 52;
inline constexpr int kMaxPlanVisits = 60;
inline constexpr std::chrono::days kMaxPlanInterval{91};
inline constexpr std::size_t kMaxPlanTitleLength = 200;

struct PlanItem {
  ServiceId service;
  PractitionerId practitioner;
  std::chrono::days interval{7};  // between visits: 7 weekly, 14 every two weeks
  int count = 1;                  // visits
  LocalDate first_date{};         // clinic-local
  TimeOfDay time = TimeOfDay::Create(std::chrono::hours{9}).value();  // clinic-local

  friend bool operator==(const PlanItem&, const PlanItem&) = default;
};

struct TreatmentPlan {
  TreatmentPlanId id;  // assigned by storage
  PatientId patient;
  std::string title;  // e.g. "Upper back: ART and massage"; may be empty
  std::vector<PlanItem> items;
  Instant created_at{};

  friend bool operator==(const TreatmentPlan&, const TreatmentPlan&) = default;
};

// Checks a plan against the clinic's set-up. kInvalidArgument naming the field: "title" (too
// long), "items" (none, or more than kMaxPlanItems, or more than kMaxPlanVisits visits in all),
// "items[i].service" (not the clinic's), "items[i].practitioner" (not the clinic's, inactive, or
// may not deliver the service), "items[i].interval_days" (1..91), "items[i].count" (1..52).
Result<void> ValidatePlan(const clinic::ClinicSetup& setup, const TreatmentPlan& plan);

// One proposed visit of a plan.
struct PlannedVisit {
  int item = 0;    // position in plan.items
  int number = 1;  // 1-based within its item
  LocalDateTime local{};
  // The instant of `local` (kStrictDstPolicy: a time a DST change skips or repeats is not
  // guessed); nullopt when it has none.
  std::optional<Instant> start{};

  friend bool operator==(const PlannedVisit&, const PlannedVisit&) = default;
};

// Every visit of every item, ordered by local time, then item.
std::vector<PlannedVisit> ExpandPlan(const TreatmentPlan& plan, const TimeZone& zone);

// Why a visit cannot take its time.
enum class VisitProblem {
  kNone,
  kNoSuchTime,    // the local time does not exist or happens twice that day (DST change)
  kPast,          // already begun
  kOutsideHours,  // the practitioner does not work then
  kNotOnStep,     // between the clinic's slots
  kTaken,         // the practitioner or every suitable room is busy (or another visit of the plan)
};

std::string_view ToString(VisitProblem problem);

struct VisitPreview {
  PlannedVisit visit;
  ServiceId service;
  PractitionerId practitioner;
  VisitProblem problem = VisitProblem::kNone;
  std::string message{};                    // why, in words, when there is a problem
  std::optional<RoomId> room{};             // when free: the room it would use
  std::vector<OfferedSlot> alternatives{};  // when not: up to 3 nearest free starts

  bool free() const { return problem == VisitProblem::kNone; }
};

// Decides a time for one visit of a series with the same practitioner and service: as the front
// desk books (no minimum notice or horizon), given the clinic's bookings and the series' visits
// already placed (`placed`, which this visit must not overlap either). Alternatives: up to 3 free
// starts nearest to the time within 3 days either side, none overlapping `placed`.
// Errors: the engine's for an unknown service or practitioner.
Result<VisitPreview> DecideVisit(const clinic::ClinicSetup& setup,
                                 std::span<const Booking> bookings, std::span<const Booking> placed,
                                 Instant now, const PlannedVisit& visit, ServiceId service,
                                 PractitionerId practitioner, const TimeZone& zone);

// Previews every visit of `visits` (ExpandPlan's) in order, each against the bookings and the
// visits before it that are free, so two visits of one plan never take overlapping times.
// `bookings` must hold every live appointment around the visits' days (±4 days).
Result<std::vector<VisitPreview>> PreviewPlan(const clinic::ClinicSetup& setup,
                                              std::span<const Booking> bookings,
                                              const TreatmentPlan& plan,
                                              std::span<const PlannedVisit> visits, Instant now,
                                              const TimeZone& zone);

// How a plan is going, from the appointments booked for it.
struct PlanProgress {
  int planned = 0;  // visits in the plan's items
  int booked = 0;   // appointments booked for it, whatever became of them
  int done = 0;     // completed
  int left = 0;     // booked, requested or arrived: still to happen
  int missed = 0;   // no-show or cancelled

  friend bool operator==(const PlanProgress&, const PlanProgress&) = default;
};

PlanProgress Progress(const TreatmentPlan& plan, std::span<const Appointment> visits);

}  // namespace unknot::core::scheduling
