#pragma once

// The knot self-assessment: what a person reports, checked against the knowledge, and what the
// engine makes of it: a triage outcome with its reasons, the muscles whose referral zones best
// explain the marked regions, the recommended treatments and home care. A pure function of the
// knowledge and the input. Decision support, never a diagnosis.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clinical/knowledge.hpp"
#include "core/common/result.hpp"

namespace unknot::core::clinical {

enum class Side { kNone, kLeft, kRight };  // kNone for a midline region
std::string_view ToString(Side side);
std::optional<Side> ParseSide(std::string_view text);

enum class KnotSize { kSmall, kLarge };
std::string_view ToString(KnotSize size);
std::optional<KnotSize> ParseKnotSize(std::string_view text);

// How long a knot has been there.
enum class Duration { kDays, kWeeks, kMonths1To3, kOver3Months };
std::string_view ToString(Duration duration);
std::optional<Duration> ParseDuration(std::string_view text);

enum class SleepEffect { kNone, kSome, kSevere };
std::string_view ToString(SleepEffect effect);
std::optional<SleepEffect> ParseSleepEffect(std::string_view text);

// Movements a knot can limit (a fixed vocabulary, offered by the assessment form).
const std::vector<std::string>& Movements();
// Medications that matter for triage and cautions.
const std::vector<std::string>& Medications();

struct Knot {
  std::string region;
  Side side = Side::kNone;
  KnotSize size = KnotSize::kSmall;
  int pain = 0;  // 0-10
  Duration duration = Duration::kWeeks;
  SleepEffect sleep = SleepEffect::kNone;
  bool limits_movement = false;
  std::vector<std::string> movements;  // from Movements(); only when limits_movement
};

struct AssessmentInput {
  std::vector<Knot> knots;                     // at least one
  std::vector<std::string> causes;             // cause ids; may be empty ("not sure")
  std::map<std::string, std::string> answers;  // question id -> answer (yes/no or option id)
  std::vector<std::string> medications;        // from Medications()
};

// Field errors name the input field, e.g. "knots[0].pain" "must be between 0 and 10",
// "knots[1].side" "is required for a region on both sides of the body", "answers.fever_or_chills"
// "must be yes or no". Unanswered questions are allowed (treated as not answered yes).
Result<void> Validate(const Knowledge& knowledge, const AssessmentInput& input);

struct TriageReason {
  std::string rule;  // rule or caution id
  Outcome outcome;
  std::string reason;
  std::string advice;
};

struct ExplainedRegion {
  std::string region;
  Side side = Side::kNone;
  bool referral = true;  // false: the mark lies over the muscle's own trigger points
};

struct MuscleMatch {
  std::string muscle;
  std::vector<Side> sides;  // the sides of the body the muscle is suspected on
  std::vector<ExplainedRegion> explains;
  double score = 0;                          // 0-1: share of the marked pain it explains, weighted
  std::vector<std::string> matching_causes;  // the person's causes that load this muscle
};

struct TreatmentAdvice {
  Treatment treatment;
  bool assessment_first = false;  // book the new-patient assessment before this treatment
  std::string why;
};

struct AssessmentResult {
  Outcome outcome = Outcome::kBookOnline;
  std::vector<TriageReason> reasons;  // every rule that matched, most urgent first
  std::vector<const Caution*> cautions;
  std::vector<MuscleMatch> muscles;  // ranked, at most five
  // Empty unless booking online is allowed; with see_chiropractor_first only the assessment.
  std::vector<TreatmentAdvice> treatments;
  bool book_assessment = false;  // the new-patient assessment is the (first) thing to book
  std::vector<const Routine*> home_care;
  std::vector<const Prevention*> prevention;
};

// The engine. The input must have passed Validate.
AssessmentResult Assess(const Knowledge& knowledge, const AssessmentInput& input);

// The answers rules test: the questions answered plus the derived answers (data/README.md).
std::map<std::string, std::vector<std::string>> AnswersOf(const Knowledge& knowledge,
                                                          const AssessmentInput& input);
bool Holds(const Condition& condition,
           const std::map<std::string, std::vector<std::string>>& answers);

}  // namespace unknot::core::clinical
