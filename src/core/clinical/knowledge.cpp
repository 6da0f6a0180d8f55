#include "core/clinical/knowledge.hpp"

#include <algorithm>
#include <set>

#include "core/common/enum_names.hpp"

namespace unknot::core::clinical {
namespace {

constexpr EnumNames<Outcome, 4> kOutcomes{{
    {Outcome::kBookOnline, "book_online"},
    {Outcome::kSeeChiropractorFirst, "see_chiropractor_first"},
    {Outcome::kMedicalCareSoon, "medical_care_soon"},
    {Outcome::kEmergency, "emergency"},
}};
constexpr EnumNames<CauseKind, 2> kCauseKinds{{
    {CauseKind::kAcuteTrauma, "acute_trauma"},
    {CauseKind::kMicrotrauma, "microtrauma"},
}};
constexpr EnumNames<Treatment, 2> kTreatments{{
    {Treatment::kArt, "art"},
    {Treatment::kDeepTissue, "deep_tissue"},
}};
constexpr EnumNames<CautionLevel, 2> kCautionLevels{{
    {CautionLevel::kCaution, "caution"},
    {CautionLevel::kDoNotTreat, "do_not_treat"},
}};
constexpr EnumNames<Tool, 2> kTools{{
    {Tool::kFoamRoller, "foam_roller"},
    {Tool::kBall, "ball"},
}};

template <typename T>
const T* FindById(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.id == id; });
  return it == items.end() ? nullptr : &*it;
}

Error Wrong(std::string_view file, std::string_view entry, std::string reason) {
  std::string where = std::string(file) + ": " + std::string(entry);
  return Error(ErrorCode::kInvalidArgument, where + ": " + reason, {{where, reason}});
}

template <typename T>
Result<void> UniqueIds(std::string_view file, const std::vector<T>& items) {
  std::set<std::string_view> seen;
  for (const T& item : items) {
    if (item.id.empty()) return Wrong(file, "(entry without id)", "every entry needs an id");
    if (!seen.insert(item.id).second) return Wrong(file, item.id, "the id is used twice");
  }
  return Ok();
}

// The values an answer (a question or a derived answer) can take; nullopt when there is no such
// answer.
std::optional<std::vector<std::string>> ValuesOf(const Knowledge& k, const std::string& answer) {
  if (const Question* q = k.FindQuestion(answer)) {
    if (q->kind == QuestionKind::kYesNo) return std::vector<std::string>{"yes", "no"};
    std::vector<std::string> values;
    for (const Option& o : q->options) values.push_back(o.id);
    return values;
  }
  if (answer == "cause") {
    std::vector<std::string> values;
    for (const Cause& c : k.causes) values.push_back(c.id);
    return values;
  }
  auto derived = DerivedAnswers().find(answer);
  if (derived != DerivedAnswers().end()) return derived->second;
  return std::nullopt;
}

Result<void> CheckCondition(const Knowledge& k, std::string_view file, std::string_view entry,
                            const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kAll:
    case Condition::Kind::kAny:
      if (c.children.empty()) return Wrong(file, entry, "an all/any condition lists nothing");
      for (const Condition& child : c.children) UNKNOT_TRY(CheckCondition(k, file, entry, child));
      return Ok();
    case Condition::Kind::kNot:
      if (c.children.size() != 1) return Wrong(file, entry, "a not condition takes one condition");
      return CheckCondition(k, file, entry, c.children[0]);
    case Condition::Kind::kIs:
    case Condition::Kind::kIn: {
      auto values = ValuesOf(k, c.answer);
      if (!values) {
        return Wrong(file, entry,
                     "the condition names '" + c.answer +
                         "', which is neither a question nor a derived answer");
      }
      if (c.values.empty())
        return Wrong(file, entry, "the condition on '" + c.answer + "' tests no value");
      for (const std::string& v : c.values) {
        if (std::find(values->begin(), values->end(), v) == values->end()) {
          return Wrong(file, entry, "'" + c.answer + "' cannot be '" + v + "'");
        }
      }
      return Ok();
    }
  }
  return Ok();
}

}  // namespace

std::string_view ToString(Outcome outcome) { return NameOf(kOutcomes, outcome); }
std::optional<Outcome> ParseOutcome(std::string_view text) { return ValueOf(kOutcomes, text); }
std::string_view ToString(CauseKind kind) { return NameOf(kCauseKinds, kind); }
std::optional<CauseKind> ParseCauseKind(std::string_view text) {
  return ValueOf(kCauseKinds, text);
}
std::string_view ToString(Treatment treatment) { return NameOf(kTreatments, treatment); }
std::optional<Treatment> ParseTreatment(std::string_view text) {
  return ValueOf(kTreatments, text);
}
std::string_view ToString(CautionLevel level) { return NameOf(kCautionLevels, level); }
std::optional<CautionLevel> ParseCautionLevel(std::string_view text) {
  return ValueOf(kCautionLevels, text);
}
std::string_view ToString(Tool tool) { return NameOf(kTools, tool); }
std::optional<Tool> ParseTool(std::string_view text) { return ValueOf(kTools, text); }

const Region* Knowledge::FindRegion(std::string_view id) const { return FindById(regions, id); }
const Cause* Knowledge::FindCause(std::string_view id) const { return FindById(causes, id); }
const Muscle* Knowledge::FindMuscle(std::string_view id) const { return FindById(muscles, id); }
const Question* Knowledge::FindQuestion(std::string_view id) const {
  return FindById(questions, id);
}

const std::map<std::string, std::vector<std::string>>& DerivedAnswers() {
  static const std::map<std::string, std::vector<std::string>> answers{
      {"cause_kind", {"acute_trauma", "microtrauma", "none"}},
      {"medication", {"anticoagulant", "corticosteroid_long_term", "none"}},
      {"longest_duration", {"days", "weeks", "months_1_3", "over_3_months"}},
      {"below_knee", {"none", "one_side", "both_sides"}},
  };
  return answers;
}

Result<void> Validate(const Knowledge& k) {
  UNKNOT_TRY(UniqueIds("regions.json", k.regions));
  UNKNOT_TRY(UniqueIds("causes.json", k.causes));
  UNKNOT_TRY(UniqueIds("muscles.json", k.muscles));
  UNKNOT_TRY(UniqueIds("red_flags.json", k.questions));
  UNKNOT_TRY(UniqueIds("red_flags.json", k.rules));
  UNKNOT_TRY(UniqueIds("cautions.json", k.cautions));
  UNKNOT_TRY(UniqueIds("home_care.json", k.routines));
  UNKNOT_TRY(UniqueIds("home_care.json", k.prevention));
  if (k.regions.empty()) return Wrong("regions.json", "regions", "there are no regions");

  for (const Region& r : k.regions) {
    if (r.label.empty()) return Wrong("regions.json", r.id, "the region has no label");
  }
  for (const Cause& c : k.causes) {
    if (c.label.empty()) return Wrong("causes.json", c.id, "the cause has no label");
  }
  for (const Muscle& m : k.muscles) {
    if (m.name.empty()) return Wrong("muscles.json", m.id, "the muscle has no name");
    if (m.referral_regions.empty() && m.trigger_point_regions.empty()) {
      return Wrong("muscles.json", m.id, "the muscle names no region");
    }
    for (const std::string& r : m.trigger_point_regions) {
      if (!k.FindRegion(r)) {
        return Wrong("muscles.json", m.id,
                     "trigger-point region '" + r + "' is not in regions.json");
      }
    }
    for (const std::string& r : m.referral_regions) {
      if (!k.FindRegion(r)) {
        return Wrong("muscles.json", m.id, "referral region '" + r + "' is not in regions.json");
      }
    }
    for (const std::string& c : m.typical_causes) {
      if (!k.FindCause(c)) {
        return Wrong("muscles.json", m.id, "cause '" + c + "' is not in causes.json");
      }
    }
    if (m.treatments.empty()) return Wrong("muscles.json", m.id, "the muscle names no service");
  }
  for (const Question& q : k.questions) {
    if (q.text.empty()) return Wrong("red_flags.json", q.id, "the question has no text");
    if (q.kind == QuestionKind::kChoice && q.options.empty()) {
      return Wrong("red_flags.json", q.id, "a choice question has no options");
    }
    if (q.id == "cause" || DerivedAnswers().count(q.id) != 0) {
      return Wrong("red_flags.json", q.id, "the id is reserved for a derived answer");
    }
    UNKNOT_TRY(UniqueIds("red_flags.json: " + q.id + " options", q.options));
  }
  for (const Rule& r : k.rules) {
    if (r.outcome == Outcome::kBookOnline) {
      return Wrong("red_flags.json", r.id, "a rule's outcome must be more urgent than book_online");
    }
    if (r.reason.empty() || r.advice.empty()) {
      return Wrong("red_flags.json", r.id, "a rule needs a reason and advice");
    }
    UNKNOT_TRY(CheckCondition(k, "red_flags.json", r.id, r.when));
  }
  for (const Caution& c : k.cautions) {
    if (c.advice.empty()) return Wrong("cautions.json", c.id, "the caution has no advice");
    UNKNOT_TRY(CheckCondition(k, "cautions.json", c.id, c.when));
  }
  for (const Routine& r : k.routines) {
    if (r.muscles.empty()) return Wrong("home_care.json", r.id, "the routine names no muscle");
    for (const std::string& m : r.muscles) {
      if (!k.FindMuscle(m)) {
        return Wrong("home_care.json", r.id, "muscle '" + m + "' is not in muscles.json");
      }
    }
    if (r.seconds_min <= 0 || r.seconds_max < r.seconds_min || r.sets_min <= 0 ||
        r.sets_max < r.sets_min) {
      return Wrong("home_care.json", r.id, "seconds and sets must be positive [min, max] ranges");
    }
  }
  for (const Prevention& p : k.prevention) {
    for (const std::string& c : p.causes) {
      if (!k.FindCause(c)) {
        return Wrong("home_care.json", p.id, "cause '" + c + "' is not in causes.json");
      }
    }
  }
  for (const Muscle& m : k.muscles) {
    if (m.trigger_point_regions.empty()) continue;
    bool covered = std::any_of(k.routines.begin(), k.routines.end(), [&](const Routine& r) {
      return std::find(r.muscles.begin(), r.muscles.end(), m.id) != r.muscles.end();
    });
    if (!covered) return Wrong("home_care.json", m.id, "the muscle has no home-care routine");
  }
  return Ok();
}

}  // namespace unknot::core::clinical
