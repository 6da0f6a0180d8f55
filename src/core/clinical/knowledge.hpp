#pragma once

// Unknot's clinical knowledge, as loaded from data/ (see data/README.md): the back body map's
// regions, causes, muscles with their trigger points and referral zones, red-flag questions and
// triage rules, cautions, and home care. Plain values; an adapter reads the files, Validate checks
// that they hold together. Decision support, never a diagnosis.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace unknot::core::clinical {

// Triage outcomes, least urgent first (the order is used: the most urgent matching rule wins).
enum class Outcome { kBookOnline, kSeeChiropractorFirst, kMedicalCareSoon, kEmergency };
std::string_view ToString(Outcome outcome);
std::optional<Outcome> ParseOutcome(std::string_view text);

enum class CauseKind { kAcuteTrauma, kMicrotrauma };
std::string_view ToString(CauseKind kind);
std::optional<CauseKind> ParseCauseKind(std::string_view text);

// The clinic's treatments the knowledge can recommend.
enum class Treatment { kArt, kDeepTissue };
std::string_view ToString(Treatment treatment);
std::optional<Treatment> ParseTreatment(std::string_view text);

enum class CautionLevel { kCaution, kDoNotTreat };
std::string_view ToString(CautionLevel level);
std::optional<CautionLevel> ParseCautionLevel(std::string_view text);

struct Region {
  std::string id;
  std::string label;
  std::string group;
  bool sided = true;  // false: a midline region (vertex, sacrum, coccyx)
};

struct Cause {
  std::string id;
  std::string label;
  CauseKind kind = CauseKind::kMicrotrauma;
};

struct Muscle {
  std::string id;
  std::string name;
  std::string trigger_points;                      // for staff: where the knots lie
  std::vector<std::string> trigger_point_regions;  // a mark here is explained locally
  std::vector<std::string> referral_regions;       // a mark here is explained by referral
  std::vector<std::string> typical_causes;
  std::vector<Treatment> treatments;
};

struct Option {
  std::string id;
  std::string label;
};

enum class QuestionKind { kYesNo, kChoice };

struct Question {
  std::string id;
  std::string text;
  QuestionKind kind = QuestionKind::kYesNo;
  std::vector<Option> options;  // kChoice only
};

// A test over the answers (questions and the derived answers, see DerivedAnswers).
struct Condition {
  enum class Kind { kAll, kAny, kNot, kIs, kIn };
  Kind kind = Kind::kIs;
  std::vector<Condition> children;  // kAll, kAny; kNot has exactly one
  std::string answer;               // kIs, kIn
  std::vector<std::string> values;  // kIs has exactly one
};

struct Rule {
  std::string id;
  Outcome outcome = Outcome::kBookOnline;
  Condition when;
  std::string reason;
  std::string advice;
};

struct Caution {
  std::string id;
  CautionLevel level = CautionLevel::kCaution;
  Condition when;
  std::string advice;     // for the patient
  std::string for_staff;  // for the practitioner
};

enum class Tool { kFoamRoller, kBall };
std::string_view ToString(Tool tool);
std::optional<Tool> ParseTool(std::string_view text);

struct Routine {
  std::string id;
  std::vector<std::string> muscles;
  Tool tool = Tool::kBall;
  std::string how;
  int seconds_min = 0;
  int seconds_max = 0;
  int sets_min = 0;
  int sets_max = 0;
  std::string how_often;
  std::string stretch;
  std::vector<std::string> cautions;
};

struct Prevention {
  std::string id;
  std::vector<std::string> causes;
  std::string advice;
};

struct Knowledge {
  std::vector<Region> regions;
  std::vector<Cause> causes;
  std::vector<Muscle> muscles;
  std::vector<Question> questions;
  std::vector<Rule> rules;
  std::vector<Caution> cautions;
  std::vector<Routine> routines;
  std::vector<Prevention> prevention;

  const Region* FindRegion(std::string_view id) const;
  const Cause* FindCause(std::string_view id) const;
  const Muscle* FindMuscle(std::string_view id) const;
  const Question* FindQuestion(std::string_view id) const;
};

// The answers the engine derives from an assessment, which rules may test besides the questions:
// name -> every value it can take. See data/README.md.
const std::map<std::string, std::vector<std::string>>& DerivedAnswers();

// Checks that the knowledge holds together: unique ids per file; every region, cause, muscle and
// question named exists; every value a condition tests is one its answer can take; every muscle
// with trigger points on the map has a home-care routine. The error names the file, the entry and
// the reason, e.g. field "muscles.json: upper_trapezius", reason "referral region 'neckk' is not in
// regions.json".
Result<void> Validate(const Knowledge& knowledge);

}  // namespace unknot::core::clinical
