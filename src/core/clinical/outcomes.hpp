#pragma once

// Outcome measures recorded at each visit (issue 15) and what changed since the first visit:
// pain (NPRS 0-10), sleep and movement effect in the self-assessment's vocabulary
// (assessment.hpp), and the Patient-Specific Functional Scale (three activities the patient
// names, each 0 = unable to 10 = as before; the score is their mean). The minimal clinically
// important differences are those of /work/shared/domain/outcomes.md (see kPainMcid ...). A pure
// function of the records. The words are decision support, never a diagnosis.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clinical/assessment.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"

namespace unknot::core::clinical {

// The PSFS as Unknot asks it: three activities (outcomes.md allows 3-5; three keeps the form short
// and the items comparable from visit to visit).
inline constexpr std::size_t kPsfsItems = 3;
inline constexpr std::size_t kMaxActivityLength = 120;  // bytes

// Minimal clinically important differences, from /work/shared/domain/outcomes.md:
// NPRS "about 2 points" (the ~30 % relative drop it also names is not used: at the low end of the
// scale 30 % is under one point); PSFS "about 2 points on the mean (about 3 on a single item)".
inline constexpr int kPainMcid = 2;
inline constexpr double kPsfsMeanMcid = 2.0;
inline constexpr int kPsfsItemMcid = 3;
// Sleep and movement are the self-assessment's answers, not 0-10 numbers: sleep is none / some /
// severe, movement the list of limited movements. outcomes.md gives their 0-10 versions a
// meaningful change of 2 points "by analogy"; one whole step of the three-level sleep answer, or
// one movement no longer (or newly) limited, spans well over 2 points of the 0-10 question it
// stands for, so any such change is called out as meaningful.

struct PsfsItem {
  std::string activity;  // in the patient's words, e.g. "sleep on my left side"
  int score = 0;         // 0 = unable ... 10 = as before the problem

  friend bool operator==(const PsfsItem&, const PsfsItem&) = default;
};

// The measures of one visit.
struct VisitOutcome {
  int pain = 0;  // NPRS: 0 = none ... 10 = worst imaginable
  SleepEffect sleep = SleepEffect::kNone;
  std::vector<std::string> movements{};  // limited movements, from Movements(); empty: none
  std::vector<PsfsItem> psfs{};          // exactly kPsfsItems

  friend bool operator==(const VisitOutcome&, const VisitOutcome&) = default;
};

// Field errors name the input field: "pain" "must be between 0 and 10", "psfs[2].score",
// "psfs[0].activity" "is required", "movements[1]" "'x' is not a known movement", "psfs" "name
// exactly 3 activities". Movements must not repeat.
Result<void> ValidateOutcome(const VisitOutcome& outcome);

// The PSFS score: the mean of the item scores (0 when there are none).
double PsfsScore(const VisitOutcome& outcome);

// What the self-assessment an appointment followed says, as a starting point for the visit's
// record: the worst pain and sleep effect of the knots, every movement they limit (in the order of
// Movements()), and the activities of `previous` (the patient's last recorded visit, if any) with
// their scores, so the PSFS items stay the same from visit to visit. Without a previous record the
// activities are empty (the patient names them) and the form must be completed.
VisitOutcome PrefillOutcome(const AssessmentInput& assessment,
                            const std::optional<VisitOutcome>& previous);

enum class Measure { kPain, kSleep, kMovement, kPsfs, kPsfsItem };
std::string_view ToString(Measure measure);

enum class Direction { kBetter, kWorse, kSame, kMixed };
std::string_view ToString(Direction direction);

// One measure compared from the first visit to the latest.
struct Change {
  Measure measure = Measure::kPain;
  std::size_t item = 0;  // kPsfsItem: which activity (0-based position)
  std::string activity;  // kPsfsItem: the activity
  double first = 0;      // pain 0-10, sleep 0-2 (none, some, severe), movements limited, PSFS
  double latest = 0;
  Direction direction = Direction::kSame;
  bool meaningful = false;  // at least the MCID (or, for sleep and movement, see above)
  std::string text;         // e.g. "pain down 3 points since the first visit: a meaningful change"

  friend bool operator==(const Change&, const Change&) = default;
};

// The changes from `first` to `latest`, in the order pain, sleep, movement, PSFS, then the PSFS
// items. PSFS items are compared by position, and only where the activity is the same at both
// visits (case and surrounding spaces aside); the PSFS mean is compared over those matched items
// only, and left out when none match. `latest` is the same visit as `first` (one visit so far):
// empty.
std::vector<Change> CompareOutcomes(const VisitOutcome& first, const VisitOutcome& latest);

// Whether `later` is a meaningful improvement on `first` in a measure with a published MCID: pain
// down at least kPainMcid, or the (matched) PSFS mean up at least kPsfsMeanMcid. What the owner's
// report counts as "reached a meaningful change".
bool MeaningfulImprovement(const VisitOutcome& first, const VisitOutcome& later);

// The visit number (2 = the second visit) at which a course of visits, in time order, first
// reached a meaningful improvement on its first visit; nullopt when it has not (yet).
std::optional<int> VisitsToMeaningfulChange(const std::vector<VisitOutcome>& visits);

// The owner's report (issue 15): per service and per practitioner, how many treatment plans
// reached a meaningful change, and within how many visits. A plan is counted by its visits with
// outcomes recorded, in time order:
// - under each service of its items, by its visits of that service (the first of them is the
//   baseline, the visit number counts only them): a plan with ART weekly and a massage every two
//   weeks counts once under ART by its ART visits and once under massage by its massage visits;
// - under each practitioner of its items, likewise by its visits with that practitioner;
// - overall, by all its visits.
// So a service's or a practitioner's row says how their own visits went, and a plan with one item
// (the usual plan) counts the same everywhere. Visits with outcomes recorded that were not booked
// for any plan are not counted as plans: each row reports how many there were, apart. The report
// holds counts only: no patient appears in it.
struct PlanVisitOutcome {
  ServiceId service;            // the plan item's
  PractitionerId practitioner;  // the plan item's
  VisitOutcome outcome;

  friend bool operator==(const PlanVisitOutcome&, const PlanVisitOutcome&) = default;
};

// One plan's visits with outcomes recorded, in time order.
struct PlanOutcomes {
  std::vector<PlanVisitOutcome> visits;
};

// A visit with outcomes recorded that was not booked for a plan: its appointment's service and
// practitioner.
struct UnplannedVisit {
  ServiceId service;
  PractitionerId practitioner;
};

struct PlanSummary {
  int plans = 0;      // plans with at least one visit recorded
  int evaluable = 0;  // of those, with at least two visits (a change can be measured)
  int reached = 0;    // of those, that reached a meaningful improvement
  std::optional<double> median_visits;  // over the plans that reached it
  std::map<int, int> visits_to_change;  // visit number -> how many plans reached it there
  int unplanned_visits = 0;             // visits recorded outside any plan (not in the above)

  friend bool operator==(const PlanSummary&, const PlanSummary&) = default;
};

struct OutcomeReport {
  std::map<ServiceId, PlanSummary> by_service;
  std::map<PractitionerId, PlanSummary> by_practitioner;
  PlanSummary overall;
};

OutcomeReport BuildOutcomeReport(const std::vector<PlanOutcomes>& plans,
                                 const std::vector<UnplannedVisit>& unplanned);

}  // namespace unknot::core::clinical
