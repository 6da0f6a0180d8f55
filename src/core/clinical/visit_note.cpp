#include "core/clinical/visit_note.hpp"

#include <algorithm>
#include <set>

#include "core/common/enum_names.hpp"

namespace unknot::core::clinical {
namespace {

constexpr EnumNames<FindingSize, 3> kFindingSizes{{
    {FindingSize::kSmall, "small"},
    {FindingSize::kMedium, "medium"},
    {FindingSize::kLarge, "large"},
}};
constexpr EnumNames<Technique, 2> kTechniques{{
    {Technique::kArt, "art"},
    {Technique::kDeepTissueMassage, "deep_tissue_massage"},
}};
constexpr EnumNames<Pressure, 3> kPressures{{
    {Pressure::kLight, "light"},
    {Pressure::kModerate, "moderate"},
    {Pressure::kFirm, "firm"},
}};
constexpr EnumNames<NoteStatus, 2> kNoteStatuses{{
    {NoteStatus::kDraft, "draft"},
    {NoteStatus::kSigned, "signed"},
}};

std::string Indexed(std::string_view list, std::size_t i, std::string_view member = "") {
  return std::string(list) + "[" + std::to_string(i) + "]" +
         (member.empty() ? "" : "." + std::string(member));
}

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

Result<void> CheckText(std::string_view field, std::string_view text, std::size_t max) {
  if (text.size() > max) {
    return Error::InvalidField(std::string(field),
                               "must be at most " + std::to_string(max) + " bytes");
  }
  return Ok();
}

Result<void> CheckPain(std::string_view field, const std::optional<int>& pain) {
  if (pain && (*pain < 0 || *pain > 10)) {
    return Error::InvalidField(std::string(field), "must be between 0 and 10");
  }
  return Ok();
}

Result<void> CheckSubjective(const Subjective& s) {
  UNKNOT_TRY(CheckText("subjective.words", s.words, kMaxNoteText));
  UNKNOT_TRY(CheckPain("subjective.pain", s.pain));
  if (!s.limits_movement && !s.movements.empty()) {
    return Error::InvalidField("subjective.movements",
                               "are only given when the knots limit movement");
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < s.movements.size(); ++i) {
    const std::string field = Indexed("subjective.movements", i);
    if (!Contains(Movements(), s.movements[i])) {
      return Error::InvalidField(field, "'" + s.movements[i] + "' is not a known movement");
    }
    if (!seen.insert(s.movements[i]).second) return Error::InvalidField(field, "is listed twice");
  }
  return Ok();
}

Result<void> CheckObjective(const Knowledge& k, const Objective& o) {
  UNKNOT_TRY(CheckText("objective.findings", o.findings, kMaxNoteText));
  if (o.knots.size() > kMaxNoteKnots) {
    return Error::InvalidField("objective.knots",
                               "at most " + std::to_string(kMaxNoteKnots) + " knots");
  }
  for (std::size_t i = 0; i < o.knots.size(); ++i) {
    const KnotFinding& knot = o.knots[i];
    const Region* region = k.FindRegion(knot.region);
    if (region == nullptr) {
      return Error::InvalidField(Indexed("objective.knots", i, "region"),
                                 "'" + knot.region + "' is not a region of the body map");
    }
    if (region->sided && knot.side == Side::kNone) {
      return Error::InvalidField(
          Indexed("objective.knots", i, "side"),
          "is required for a region on both sides of the body (left or right)");
    }
    if (!region->sided && knot.side != Side::kNone) {
      return Error::InvalidField(Indexed("objective.knots", i, "side"),
                                 "must be left out for a region in the middle of the back");
    }
    if (knot.tenderness < 0 || knot.tenderness > 3) {
      return Error::InvalidField(Indexed("objective.knots", i, "tenderness"),
                                 "must be between 0 and 3");
    }
  }
  return Ok();
}

Result<void> CheckTreatment(const Knowledge& k, const TreatmentGiven& t) {
  if (t.muscles.size() > kMaxNoteMuscles) {
    return Error::InvalidField("treatment.muscles",
                               "at most " + std::to_string(kMaxNoteMuscles) + " muscles");
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < t.muscles.size(); ++i) {
    const std::string field = Indexed("treatment.muscles", i);
    if (k.FindMuscle(t.muscles[i]) == nullptr) {
      return Error::InvalidField(field, "'" + t.muscles[i] + "' is not a muscle of the knowledge");
    }
    if (!seen.insert(t.muscles[i]).second) return Error::InvalidField(field, "is listed twice");
  }
  if (t.minutes < std::chrono::minutes{0} || t.minutes > kMaxTreatmentMinutes) {
    return Error::InvalidField(
        "treatment.minutes",
        "must be between 0 and " + std::to_string(kMaxTreatmentMinutes.count()));
  }
  UNKNOT_TRY(CheckPain("treatment.pain_before", t.pain_before));
  UNKNOT_TRY(CheckPain("treatment.pain_after", t.pain_after));
  return Ok();
}

}  // namespace

std::string_view ToString(FindingSize size) { return NameOf(kFindingSizes, size); }
std::optional<FindingSize> ParseFindingSize(std::string_view text) {
  return ValueOf(kFindingSizes, text);
}
std::string_view ToString(Technique technique) { return NameOf(kTechniques, technique); }
std::optional<Technique> ParseTechnique(std::string_view text) {
  return ValueOf(kTechniques, text);
}
std::string_view ToString(Pressure pressure) { return NameOf(kPressures, pressure); }
std::optional<Pressure> ParsePressure(std::string_view text) { return ValueOf(kPressures, text); }
std::string_view ToString(NoteStatus status) { return NameOf(kNoteStatuses, status); }
std::optional<NoteStatus> ParseNoteStatus(std::string_view text) {
  return ValueOf(kNoteStatuses, text);
}

Result<void> ValidateDraft(const Knowledge& knowledge, const VisitNoteContent& content) {
  UNKNOT_TRY(CheckSubjective(content.subjective));
  UNKNOT_TRY(CheckObjective(knowledge, content.objective));
  UNKNOT_TRY(CheckTreatment(knowledge, content.treatment));
  return CheckText("assessment_plan", content.assessment_plan, kMaxNoteText);
}

Result<void> ValidateForSigning(const Knowledge& knowledge, const VisitNoteContent& content) {
  UNKNOT_TRY(ValidateDraft(knowledge, content));
  if (!content.subjective.pain) {
    return Error::InvalidField("subjective.pain", "is required to sign: the patient's pain 0-10");
  }
  const TreatmentGiven& t = content.treatment;
  if (!t.technique) {
    return Error::InvalidField("treatment.technique",
                               "is required to sign: art or deep_tissue_massage");
  }
  if (t.minutes < std::chrono::minutes{1}) {
    return Error::InvalidField("treatment.minutes", "is required to sign: 1 or more");
  }
  if (!t.pain_before) {
    return Error::InvalidField("treatment.pain_before", "is required to sign");
  }
  if (!t.pain_after) return Error::InvalidField("treatment.pain_after", "is required to sign");
  if (IsBlank(content.assessment_plan)) {
    return Error::InvalidField("assessment_plan", "is required to sign");
  }
  return Ok();
}

Result<void> ValidateAddendum(std::string_view text) {
  if (IsBlank(text)) return Error::InvalidField("text", "is required");
  return CheckText("text", text, kMaxAddendumText);
}

Subjective SubjectiveFrom(const AssessmentInput& assessment) {
  Subjective s;
  std::set<std::string> movements;
  for (const Knot& knot : assessment.knots) {
    s.pain = std::max(s.pain.value_or(0), knot.pain);
    if (!s.sleep || static_cast<int>(knot.sleep) > static_cast<int>(*s.sleep)) s.sleep = knot.sleep;
    if (knot.limits_movement) {
      s.limits_movement = true;
      movements.insert(knot.movements.begin(), knot.movements.end());
    }
  }
  for (const std::string& m : Movements()) {
    if (movements.count(m) > 0) s.movements.push_back(m);
  }
  return s;
}

}  // namespace unknot::core::clinical
