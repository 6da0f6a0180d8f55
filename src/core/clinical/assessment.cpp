#include "core/clinical/assessment.hpp"

#include <algorithm>
#include <set>

#include "core/common/enum_names.hpp"

namespace unknot::core::clinical {
namespace {

constexpr EnumNames<Side, 3> kSides{{
    {Side::kNone, "none"},
    {Side::kLeft, "left"},
    {Side::kRight, "right"},
}};
constexpr EnumNames<KnotSize, 2> kSizes{{
    {KnotSize::kSmall, "small"},
    {KnotSize::kLarge, "large"},
}};
constexpr EnumNames<Duration, 4> kDurations{{
    {Duration::kDays, "days"},
    {Duration::kWeeks, "weeks"},
    {Duration::kMonths1To3, "months_1_3"},
    {Duration::kOver3Months, "over_3_months"},
}};
constexpr EnumNames<SleepEffect, 3> kSleepEffects{{
    {SleepEffect::kNone, "none"},
    {SleepEffect::kSome, "some"},
    {SleepEffect::kSevere, "severe"},
}};

constexpr int kMaxKnots = 20;
constexpr std::size_t kMaxMuscles = 5;
constexpr std::size_t kMaxRoutines = 3;

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

std::string Field(std::string_view list, std::size_t i, std::string_view member) {
  return std::string(list) + "[" + std::to_string(i) + "]" +
         (member.empty() ? "" : "." + std::string(member));
}

// Causes that call for each treatment, beyond what the knots show.
const std::vector<std::string> kArtCauses{"sport_overload", "repetitive_work"};
const std::vector<std::string> kMassageCauses{"posture", "desk_hours", "driving",
                                              "stress_poor_sleep", "sleeping_position"};

}  // namespace

std::string_view ToString(Side side) { return NameOf(kSides, side); }
std::optional<Side> ParseSide(std::string_view text) { return ValueOf(kSides, text); }
std::string_view ToString(KnotSize size) { return NameOf(kSizes, size); }
std::optional<KnotSize> ParseKnotSize(std::string_view text) { return ValueOf(kSizes, text); }
std::string_view ToString(Duration duration) { return NameOf(kDurations, duration); }
std::optional<Duration> ParseDuration(std::string_view text) { return ValueOf(kDurations, text); }
std::string_view ToString(SleepEffect effect) { return NameOf(kSleepEffects, effect); }
std::optional<SleepEffect> ParseSleepEffect(std::string_view text) {
  return ValueOf(kSleepEffects, text);
}

const std::vector<std::string>& Movements() {
  static const std::vector<std::string> movements{
      "turning_head", "looking_up",  "reaching_overhead", "bending_forward", "twisting",
      "sitting",      "standing_up", "walking",           "lifting",         "deep_breath"};
  return movements;
}

const std::vector<std::string>& Medications() {
  static const std::vector<std::string> medications{"anticoagulant", "corticosteroid_long_term"};
  return medications;
}

namespace {

// Whether list[i] already stands earlier in the list.
bool ListedBefore(const std::vector<std::string>& list, std::size_t i) {
  return std::find(list.begin(), list.begin() + i, list[i]) != list.begin() + i;
}

}  // namespace

Result<void> Validate(const Knowledge& k, const AssessmentInput& input) {
  if (input.knots.empty()) return Error::InvalidField("knots", "mark at least one knot");
  if (input.knots.size() > kMaxKnots) {
    return Error::InvalidField("knots", "at most " + std::to_string(kMaxKnots) + " knots");
  }
  for (std::size_t i = 0; i < input.knots.size(); ++i) {
    const Knot& knot = input.knots[i];
    const Region* region = k.FindRegion(knot.region);
    if (region == nullptr) {
      return Error::InvalidField(Field("knots", i, "region"),
                                 "'" + knot.region + "' is not a region of the body map");
    }
    if (region->sided && knot.side == Side::kNone) {
      return Error::InvalidField(Field("knots", i, "side"),
                                 "is required for a region on both sides of the body (left or "
                                 "right)");
    }
    if (!region->sided && knot.side != Side::kNone) {
      return Error::InvalidField(Field("knots", i, "side"),
                                 "must be left out for a region in the middle of the back");
    }
    if (knot.pain < 0 || knot.pain > 10) {
      return Error::InvalidField(Field("knots", i, "pain"), "must be between 0 and 10");
    }
    if (!knot.limits_movement && !knot.movements.empty()) {
      return Error::InvalidField(Field("knots", i, "movements"),
                                 "are only given when the knot limits movement");
    }
    for (std::size_t m = 0; m < knot.movements.size(); ++m) {
      if (!Contains(Movements(), knot.movements[m])) {
        return Error::InvalidField(Field(Field("knots", i, "movements"), m, ""),
                                   "'" + knot.movements[m] + "' is not a known movement");
      }
      if (ListedBefore(knot.movements, m)) {
        return Error::InvalidField(Field(Field("knots", i, "movements"), m, ""), "is listed twice");
      }
    }
  }
  for (std::size_t i = 0; i < input.causes.size(); ++i) {
    if (k.FindCause(input.causes[i]) == nullptr) {
      return Error::InvalidField(Field("causes", i, ""),
                                 "'" + input.causes[i] + "' is not a known cause");
    }
    if (ListedBefore(input.causes, i)) {
      return Error::InvalidField(Field("causes", i, ""), "is listed twice");
    }
  }
  for (const auto& [id, value] : input.answers) {
    const Question* q = k.FindQuestion(id);
    const std::string field = "answers." + id;
    if (q == nullptr) return Error::InvalidField(field, "is not a question of the assessment");
    if (q->kind == QuestionKind::kYesNo) {
      if (value != "yes" && value != "no") return Error::InvalidField(field, "must be yes or no");
    } else if (std::none_of(q->options.begin(), q->options.end(),
                            // Captured by name: clang 14 cannot capture a structured binding.
                            [&answer = value](const Option& o) { return o.id == answer; })) {
      return Error::InvalidField(field, "'" + value + "' is not one of the options");
    }
  }
  for (std::size_t i = 0; i < input.medications.size(); ++i) {
    if (!Contains(Medications(), input.medications[i])) {
      return Error::InvalidField(
          Field("medications", i, ""),
          "'" + input.medications[i] + "' is not one the assessment asks about");
    }
    if (ListedBefore(input.medications, i)) {
      return Error::InvalidField(Field("medications", i, ""), "is listed twice");
    }
  }
  return Ok();
}

std::map<std::string, std::vector<std::string>> AnswersOf(const Knowledge& k,
                                                          const AssessmentInput& input) {
  std::map<std::string, std::vector<std::string>> answers;
  for (const auto& [id, value] : input.answers) answers[id] = {value};
  std::vector<std::string>& causes = answers["cause"];
  std::vector<std::string>& kinds = answers["cause_kind"];
  for (const std::string& id : input.causes) {
    causes.push_back(id);
    if (const Cause* c = k.FindCause(id)) {
      std::string kind(ToString(c->kind));
      if (!Contains(kinds, kind)) kinds.push_back(kind);
    }
  }
  if (kinds.empty()) kinds.push_back("none");
  answers["medication"] = input.medications;
  if (input.medications.empty()) answers["medication"] = {"none"};
  Duration longest = Duration::kDays;
  std::set<Side> below_knee;
  for (const Knot& knot : input.knots) {
    longest = std::max(longest, knot.duration);
    if (knot.region == "calf") below_knee.insert(knot.side);
  }
  answers["longest_duration"] = {std::string(ToString(longest))};
  answers["below_knee"] = {below_knee.empty()       ? "none"
                           : below_knee.size() == 1 ? "one_side"
                                                    : "both_sides"};
  return answers;
}

bool Holds(const Condition& c, const std::map<std::string, std::vector<std::string>>& answers) {
  switch (c.kind) {
    case Condition::Kind::kAll:
      return std::all_of(c.children.begin(), c.children.end(),
                         [&](const Condition& child) { return Holds(child, answers); });
    case Condition::Kind::kAny:
      return std::any_of(c.children.begin(), c.children.end(),
                         [&](const Condition& child) { return Holds(child, answers); });
    case Condition::Kind::kNot:
      return !c.children.empty() && !Holds(c.children[0], answers);
    case Condition::Kind::kIs:
    case Condition::Kind::kIn: {
      auto it = answers.find(c.answer);
      if (it == answers.end()) return false;  // not answered: not "yes"
      return std::any_of(c.values.begin(), c.values.end(),
                         [&](const std::string& v) { return Contains(it->second, v); });
    }
  }
  return false;
}

namespace {

std::vector<MuscleMatch> RankMuscles(const Knowledge& k, const AssessmentInput& input) {
  double total = 0;
  std::vector<double> weights;
  for (const Knot& knot : input.knots) {
    // Every marked knot counts; pain and size make it count more.
    double w = (1.0 + knot.pain / 10.0) * (knot.size == KnotSize::kLarge ? 1.2 : 1.0);
    weights.push_back(w);
    total += w;
  }
  std::vector<MuscleMatch> matches;
  for (const Muscle& m : k.muscles) {
    MuscleMatch match{m.id, {}, {}, 0, {}};
    double explained = 0;
    for (std::size_t i = 0; i < input.knots.size(); ++i) {
      const Knot& knot = input.knots[i];
      const bool referral = Contains(m.referral_regions, knot.region);
      const bool local = Contains(m.trigger_point_regions, knot.region);
      if (!referral && !local) continue;
      // Where the pain is felt (referral) is the primary evidence; a mark over the muscle's own
      // trigger points counts slightly less, since several muscles lie there; a mark that is
      // both counts most.
      explained += (referral && local ? 1.2 : referral ? 1.0 : 0.85) * weights[i];
      match.explains.push_back({knot.region, knot.side, referral});
      if (knot.side != Side::kNone &&
          std::find(match.sides.begin(), match.sides.end(), knot.side) == match.sides.end()) {
        match.sides.push_back(knot.side);
      }
    }
    if (match.explains.empty()) continue;
    for (const std::string& c : input.causes) {
      if (Contains(m.typical_causes, c)) match.matching_causes.push_back(c);
    }
    // The person's causes that typically load the muscle make it likelier.
    const double bonus =
        1.0 + 0.2 * static_cast<double>(std::min<std::size_t>(match.matching_causes.size(), 2));
    match.score = explained / total * bonus;  // ranked on this, reported capped at 1
    std::sort(match.sides.begin(), match.sides.end());
    matches.push_back(std::move(match));
  }
  std::stable_sort(matches.begin(), matches.end(), [](const MuscleMatch& a, const MuscleMatch& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.explains.size() != b.explains.size()) return a.explains.size() > b.explains.size();
    return a.matching_causes.size() > b.matching_causes.size();
  });
  if (matches.size() > kMaxMuscles) matches.resize(kMaxMuscles);
  for (MuscleMatch& m : matches) {
    m.score = static_cast<double>(static_cast<int>(std::min(1.0, m.score) * 100 + 0.5)) / 100;
  }
  return matches;
}

std::vector<TreatmentAdvice> AdviseTreatments(
    const Knowledge& k, const AssessmentInput& input, const std::vector<MuscleMatch>& muscles,
    const std::map<std::string, std::vector<std::string>>& answers) {
  // What the likely muscles can be treated with.
  bool art_suits = muscles.empty();
  bool massage_suits = muscles.empty();
  for (std::size_t i = 0; i < muscles.size() && i < 3; ++i) {
    const Muscle* m = k.FindMuscle(muscles[i].muscle);
    if (m == nullptr) continue;
    art_suits = art_suits || std::find(m->treatments.begin(), m->treatments.end(),
                                       Treatment::kArt) != m->treatments.end();
    massage_suits = massage_suits || std::find(m->treatments.begin(), m->treatments.end(),
                                               Treatment::kDeepTissue) != m->treatments.end();
  }
  const bool limits_movement = std::any_of(input.knots.begin(), input.knots.end(),
                                           [](const Knot& knot) { return knot.limits_movement; });
  const bool art_cause = std::any_of(input.causes.begin(), input.causes.end(),
                                     [](const std::string& c) { return Contains(kArtCauses, c); });
  const bool massage_cause =
      std::any_of(input.causes.begin(), input.causes.end(),
                  [](const std::string& c) { return Contains(kMassageCauses, c); });
  const bool widespread =
      input.knots.size() >= 3 ||
      std::any_of(input.knots.begin(), input.knots.end(), [](const Knot& knot) {
        return knot.size == KnotSize::kLarge || knot.sleep != SleepEffect::kNone;
      });
  auto answer_is = [&](const char* id, const char* value) {
    auto it = answers.find(id);
    return it != answers.end() && Contains(it->second, value);
  };
  const bool new_patient = !answer_is("visited_before", "yes");

  TreatmentAdvice art{Treatment::kArt, new_patient, ""};
  if (limits_movement && art_cause) {
    art.why =
        "The knot limits how you move and came with sport or repetitive work: ART frees the "
        "muscle while you move it through its range.";
  } else if (limits_movement) {
    art.why =
        "The knot limits how you move: ART works the muscle while you move it through its "
        "range.";
  } else if (art_cause) {
    art.why =
        "Knots from sport or repetitive movements respond well to ART, which treats the "
        "muscle in motion.";
  } else {
    art.why = "ART treats a knot precisely while you move the muscle; short sessions.";
  }
  if (new_patient) {
    art.why +=
        " New patients start with a short assessment by the chiropractor before the "
        "first ART session.";
  }
  TreatmentAdvice massage{Treatment::kDeepTissue, false, ""};
  if (massage_cause && widespread) {
    massage.why =
        "Several or larger knots from posture, long sitting or stress: a deep-tissue "
        "massage works the whole area.";
  } else if (massage_cause) {
    massage.why =
        "Knots that build up from posture, desk or driving hours or stress respond well "
        "to deep-tissue massage.";
  } else if (widespread) {
    massage.why =
        "Several or larger knots, or pain that disturbs sleep: a deep-tissue massage "
        "covers the whole area.";
  } else {
    massage.why = "Deep-tissue massage releases the knot with slow, sustained pressure.";
  }
  const int art_points = (limits_movement ? 2 : 0) + (art_cause ? 1 : 0);
  const int massage_points = (massage_cause ? 2 : 0) + (widespread ? 1 : 0);
  std::vector<TreatmentAdvice> out;
  if (art_suits && massage_suits) {
    if (art_points > massage_points) {
      out = {art, massage};
    } else {
      out = {massage, art};
    }
  } else if (art_suits) {
    out = {art};
  } else {
    out = {massage};
  }
  return out;
}

}  // namespace

AssessmentResult Assess(const Knowledge& k, const AssessmentInput& input) {
  AssessmentResult result;
  const auto answers = AnswersOf(k, input);
  for (const Rule& rule : k.rules) {
    if (Holds(rule.when, answers)) {
      result.reasons.push_back({rule.id, rule.outcome, rule.reason, rule.advice});
    }
  }
  for (const Caution& caution : k.cautions) {
    if (!Holds(caution.when, answers)) continue;
    result.cautions.push_back(&caution);
    if (caution.level == CautionLevel::kDoNotTreat) {
      // Treatment must wait: a doctor first.
      result.reasons.push_back(
          {caution.id, Outcome::kMedicalCareSoon, caution.advice, caution.advice});
    }
  }
  std::stable_sort(
      result.reasons.begin(), result.reasons.end(),
      [](const TriageReason& a, const TriageReason& b) { return a.outcome > b.outcome; });
  if (!result.reasons.empty()) result.outcome = result.reasons.front().outcome;

  result.muscles = RankMuscles(k, input);
  if (result.outcome >= Outcome::kMedicalCareSoon) return result;  // no booking, no home care

  result.treatments = AdviseTreatments(k, input, result.muscles, answers);
  if (result.outcome == Outcome::kSeeChiropractorFirst) {
    result.book_assessment = true;
    for (TreatmentAdvice& t : result.treatments) t.assessment_first = true;
  } else {
    result.book_assessment = result.treatments.front().assessment_first;
  }
  for (const MuscleMatch& m : result.muscles) {
    for (const Routine& r : k.routines) {
      if (result.home_care.size() >= kMaxRoutines) break;
      if (Contains(r.muscles, m.muscle) &&
          std::find(result.home_care.begin(), result.home_care.end(), &r) ==
              result.home_care.end()) {
        result.home_care.push_back(&r);
        break;  // one routine per muscle
      }
    }
  }
  std::vector<std::string> causes = input.causes;
  if (causes.empty() && !result.muscles.empty()) {
    // Not sure how it started: prevention for what usually loads the likeliest muscle.
    if (const Muscle* m = k.FindMuscle(result.muscles.front().muscle)) causes = m->typical_causes;
  }
  for (const Prevention& p : k.prevention) {
    if (std::any_of(p.causes.begin(), p.causes.end(),
                    [&](const std::string& c) { return Contains(causes, c); })) {
      result.prevention.push_back(&p);
    }
  }
  return result;
}

}  // namespace unknot::core::clinical
