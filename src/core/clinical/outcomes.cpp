#include "core/clinical/outcomes.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/common/text.hpp"

namespace unknot::core::clinical {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string Trimmed(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

// Activities are the same when they read the same, case and surrounding spaces aside.
std::string ActivityKey(std::string_view activity) {
  std::string key = Trimmed(activity);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

int SleepLevel(SleepEffect effect) {
  switch (effect) {
    case SleepEffect::kNone:
      return 0;
    case SleepEffect::kSome:
      return 1;
    case SleepEffect::kSevere:
      return 2;
  }
  return 0;
}

// "3", "2.5", "0.3": at most one decimal, none when whole.
std::string Number(double value) {
  double rounded = std::round(value * 10) / 10;
  char buffer[32];
  if (rounded == std::floor(rounded)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", rounded);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f", rounded);
  }
  return buffer;
}

std::string Points(double value) { return Number(value) + (value == 1 ? " point" : " points"); }

// The verdict that ends every sentence.
std::string Verdict(Direction direction, bool meaningful, std::string_view threshold) {
  if (direction == Direction::kSame) return "";
  if (meaningful) {
    return direction == Direction::kWorse ? ": a meaningful worsening" : ": a meaningful change";
  }
  return ": not yet a meaningful change (" + std::string(threshold) + " is)";
}

// A 0-10 number where up is better (PSFS) or worse (pain).
Change NumericChange(Measure measure, std::string label, double first, double latest, double mcid,
                     bool higher_is_better) {
  Change change;
  change.measure = measure;
  change.first = first;
  change.latest = latest;
  const double delta = std::round((latest - first) * 10) / 10;
  if (delta == 0) {
    change.direction = Direction::kSame;
    change.text = label + " unchanged since the first visit";
    return change;
  }
  const bool up = delta > 0;
  change.direction = up == higher_is_better ? Direction::kBetter : Direction::kWorse;
  change.meaningful = std::abs(delta) >= mcid - 1e-9;
  change.text = label + (up ? " up " : " down ") + Points(std::abs(delta)) +
                " since the first visit" +
                Verdict(change.direction, change.meaningful, Points(mcid));
  return change;
}

std::string JoinMovements(const std::vector<std::string>& movements) {
  std::string out;
  for (const std::string& m : movements) {
    if (!out.empty()) out += ", ";
    for (char c : m) out += c == '_' ? ' ' : c;
  }
  return out;
}

// The PSFS items whose activity is the same at both visits, by position.
std::vector<std::size_t> MatchedItems(const VisitOutcome& first, const VisitOutcome& latest) {
  std::vector<std::size_t> matched;
  for (std::size_t i = 0; i < std::min(first.psfs.size(), latest.psfs.size()); ++i) {
    if (ActivityKey(first.psfs[i].activity) == ActivityKey(latest.psfs[i].activity) &&
        !ActivityKey(first.psfs[i].activity).empty()) {
      matched.push_back(i);
    }
  }
  return matched;
}

std::optional<std::pair<double, double>> MatchedPsfsMeans(const VisitOutcome& first,
                                                          const VisitOutcome& latest) {
  std::vector<std::size_t> matched = MatchedItems(first, latest);
  if (matched.empty()) return std::nullopt;
  double a = 0;
  double b = 0;
  for (std::size_t i : matched) {
    a += first.psfs[i].score;
    b += latest.psfs[i].score;
  }
  return std::pair{a / static_cast<double>(matched.size()),
                   b / static_cast<double>(matched.size())};
}

}  // namespace

Result<void> ValidateOutcome(const VisitOutcome& outcome) {
  if (outcome.pain < 0 || outcome.pain > 10) {
    return Error::InvalidField("pain", "must be between 0 and 10");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < outcome.movements.size(); ++i) {
    const std::string field = "movements[" + std::to_string(i) + "]";
    if (!Contains(Movements(), outcome.movements[i])) {
      return Error::InvalidField(field, "'" + outcome.movements[i] + "' is not a known movement");
    }
    if (!seen.insert(outcome.movements[i]).second) {
      return Error::InvalidField(field, "'" + outcome.movements[i] + "' is listed twice");
    }
  }
  if (outcome.psfs.size() != kPsfsItems) {
    return Error::InvalidField("psfs", "name exactly " + std::to_string(kPsfsItems) +
                                           " activities the patient finds hard");
  }
  std::set<std::string> activities;
  for (std::size_t i = 0; i < outcome.psfs.size(); ++i) {
    const std::string field = "psfs[" + std::to_string(i) + "]";
    const PsfsItem& item = outcome.psfs[i];
    if (Trimmed(item.activity).empty()) {
      return Error::InvalidField(field + ".activity", "is required: an activity the patient names");
    }
    if (item.activity.size() > kMaxActivityLength) {
      return Error::InvalidField(
          field + ".activity", "must be at most " + std::to_string(kMaxActivityLength) + " bytes");
    }
    UNKNOT_TRY(ValidateText(field + ".activity", item.activity));
    if (!activities.insert(ActivityKey(item.activity)).second) {
      return Error::InvalidField(field + ".activity", "is the same as another activity");
    }
    if (item.score < 0 || item.score > 10) {
      return Error::InvalidField(field + ".score", "must be between 0 and 10");
    }
  }
  return Ok();
}

double PsfsScore(const VisitOutcome& outcome) {
  if (outcome.psfs.empty()) return 0;
  double sum = 0;
  for (const PsfsItem& item : outcome.psfs) sum += item.score;
  return sum / static_cast<double>(outcome.psfs.size());
}

VisitOutcome PrefillOutcome(const AssessmentInput& assessment,
                            const std::optional<VisitOutcome>& previous) {
  VisitOutcome out;
  std::set<std::string> limited;
  for (const Knot& knot : assessment.knots) {
    out.pain = std::max(out.pain, knot.pain);
    if (SleepLevel(knot.sleep) > SleepLevel(out.sleep)) out.sleep = knot.sleep;
    if (knot.limits_movement) limited.insert(knot.movements.begin(), knot.movements.end());
  }
  for (const std::string& movement : Movements()) {
    if (limited.contains(movement)) out.movements.push_back(movement);
  }
  if (previous) out.psfs = previous->psfs;
  return out;
}

std::string_view ToString(Measure measure) {
  switch (measure) {
    case Measure::kPain:
      return "pain";
    case Measure::kSleep:
      return "sleep";
    case Measure::kMovement:
      return "movement";
    case Measure::kPsfs:
      return "psfs";
    case Measure::kPsfsItem:
      return "psfs_item";
  }
  return "pain";
}

std::string_view ToString(Direction direction) {
  switch (direction) {
    case Direction::kBetter:
      return "better";
    case Direction::kWorse:
      return "worse";
    case Direction::kSame:
      return "same";
    case Direction::kMixed:
      return "mixed";
  }
  return "same";
}

std::vector<Change> CompareOutcomes(const VisitOutcome& first, const VisitOutcome& latest) {
  std::vector<Change> changes;
  changes.push_back(NumericChange(Measure::kPain, "pain", first.pain, latest.pain, kPainMcid,
                                  /*higher_is_better=*/false));

  {
    Change sleep;
    sleep.measure = Measure::kSleep;
    sleep.first = SleepLevel(first.sleep);
    sleep.latest = SleepLevel(latest.sleep);
    const std::string from(ToString(first.sleep));
    const std::string to(ToString(latest.sleep));
    if (sleep.first == sleep.latest) {
      sleep.text = "sleep disturbance unchanged since the first visit (" + to + ")";
    } else {
      sleep.direction = sleep.latest < sleep.first ? Direction::kBetter : Direction::kWorse;
      sleep.meaningful = true;
      sleep.text = std::string("sleep disturbance ") +
                   (sleep.direction == Direction::kBetter ? "down" : "up") + " from " + from +
                   " to " + to + " since the first visit" + Verdict(sleep.direction, true, "");
    }
    changes.push_back(std::move(sleep));
  }

  {
    Change movement;
    movement.measure = Measure::kMovement;
    movement.first = static_cast<double>(first.movements.size());
    movement.latest = static_cast<double>(latest.movements.size());
    std::vector<std::string> freed;
    std::vector<std::string> added;
    for (const std::string& m : first.movements) {
      if (!Contains(latest.movements, m)) freed.push_back(m);
    }
    for (const std::string& m : latest.movements) {
      if (!Contains(first.movements, m)) added.push_back(m);
    }
    if (freed.empty() && added.empty()) {
      movement.text = latest.movements.empty()
                          ? "no movement limited, as at the first visit"
                          : "the same movements limited as at the first visit (" +
                                JoinMovements(latest.movements) + ")";
    } else {
      movement.meaningful = true;
      std::string parts;
      if (!freed.empty()) parts = "no longer limited: " + JoinMovements(freed);
      if (!added.empty()) {
        if (!parts.empty()) parts += "; ";
        parts += "newly limited: " + JoinMovements(added);
      }
      if (added.empty()) {
        movement.direction = Direction::kBetter;
      } else if (freed.empty()) {
        movement.direction = Direction::kWorse;
      } else {
        movement.direction = Direction::kMixed;
      }
      movement.text = "movement since the first visit, " + parts +
                      (movement.direction == Direction::kMixed
                           ? ": a meaningful change, better in some movements and worse in others"
                           : Verdict(movement.direction, true, ""));
    }
    changes.push_back(std::move(movement));
  }

  if (auto means = MatchedPsfsMeans(first, latest)) {
    changes.push_back(NumericChange(Measure::kPsfs, "PSFS score", means->first, means->second,
                                    kPsfsMeanMcid, /*higher_is_better=*/true));
  }
  for (std::size_t i : MatchedItems(first, latest)) {
    const std::string activity = Trimmed(latest.psfs[i].activity);
    Change item = NumericChange(Measure::kPsfsItem, "\"" + activity + "\"", first.psfs[i].score,
                                latest.psfs[i].score, kPsfsItemMcid, /*higher_is_better=*/true);
    item.item = i;
    item.activity = activity;
    changes.push_back(std::move(item));
  }
  return changes;
}

bool MeaningfulImprovement(const VisitOutcome& first, const VisitOutcome& later) {
  if (first.pain - later.pain >= kPainMcid) return true;
  if (auto means = MatchedPsfsMeans(first, later)) {
    if (means->second - means->first >= kPsfsMeanMcid - 1e-9) return true;
  }
  return false;
}

std::optional<int> VisitsToMeaningfulChange(const std::vector<VisitOutcome>& visits) {
  for (std::size_t i = 1; i < visits.size(); ++i) {
    if (MeaningfulImprovement(visits.front(), visits[i])) return static_cast<int>(i + 1);
  }
  return std::nullopt;
}

namespace {

// Counts one plan, by `visits` (its visits of one service, one practitioner, or all of them).
void Count(PlanSummary& summary, std::vector<int>& reached_at,
           const std::vector<VisitOutcome>& visits) {
  if (visits.empty()) return;
  ++summary.plans;
  if (visits.size() < 2) return;
  ++summary.evaluable;
  if (auto at = VisitsToMeaningfulChange(visits)) {
    ++summary.reached;
    ++summary.visits_to_change[*at];
    reached_at.push_back(*at);
  }
}

std::optional<double> Median(std::vector<int> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  if (n % 2 == 1) return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// The plan's visits whose `key` (service or practitioner) is each value, in the plan's order.
template <typename Id>
std::map<Id, std::vector<VisitOutcome>> VisitsBy(const PlanOutcomes& plan,
                                                 Id PlanVisitOutcome::*key) {
  std::map<Id, std::vector<VisitOutcome>> out;
  for (const PlanVisitOutcome& visit : plan.visits) out[visit.*key].push_back(visit.outcome);
  return out;
}

}  // namespace

OutcomeReport BuildOutcomeReport(const std::vector<PlanOutcomes>& plans,
                                 const std::vector<UnplannedVisit>& unplanned) {
  OutcomeReport report;
  std::map<ServiceId, std::vector<int>> by_service;
  std::map<PractitionerId, std::vector<int>> by_practitioner;
  std::vector<int> overall;
  for (const PlanOutcomes& plan : plans) {
    for (const auto& [id, visits] : VisitsBy(plan, &PlanVisitOutcome::service)) {
      Count(report.by_service[id], by_service[id], visits);
    }
    for (const auto& [id, visits] : VisitsBy(plan, &PlanVisitOutcome::practitioner)) {
      Count(report.by_practitioner[id], by_practitioner[id], visits);
    }
    std::vector<VisitOutcome> all;
    for (const PlanVisitOutcome& visit : plan.visits) all.push_back(visit.outcome);
    Count(report.overall, overall, all);
  }
  for (const UnplannedVisit& visit : unplanned) {
    ++report.by_service[visit.service].unplanned_visits;
    ++report.by_practitioner[visit.practitioner].unplanned_visits;
    ++report.overall.unplanned_visits;
  }
  for (auto& [id, summary] : report.by_service) summary.median_visits = Median(by_service[id]);
  for (auto& [id, summary] : report.by_practitioner) {
    summary.median_visits = Median(by_practitioner[id]);
  }
  report.overall.median_visits = Median(overall);
  return report;
}

}  // namespace unknot::core::clinical
