#include "api/json/assessment_json.hpp"

#include <algorithm>

namespace unknot::api::json {

using core::Error;
using core::Result;
using nlohmann::json;
namespace clinical = core::clinical;

namespace {

std::string Field(const std::string& prefix, std::size_t i, const char* name = nullptr) {
  return prefix + "[" + std::to_string(i) + "]" + (name ? std::string(".") + name : "");
}

Result<std::string> Text(const json& object, const std::string& prefix, const char* name,
                         bool required = true, std::string fallback = "") {
  const std::string field = prefix.empty() ? name : prefix + "." + name;
  if (!object.contains(name) || object[name].is_null()) {
    if (required) return Error::InvalidField(field, "is required");
    return fallback;
  }
  if (!object[name].is_string()) return Error::InvalidField(field, "must be a string");
  return object[name].get<std::string>();
}

template <typename E, typename Parse>
Result<E> EnumField(const json& object, const std::string& prefix, const char* name, Parse parse,
                    std::string_view choices, std::optional<E> fallback = std::nullopt) {
  const std::string field = prefix + "." + name;
  if ((!object.contains(name) || object[name].is_null()) && fallback) return *fallback;
  std::string text = UNKNOT_TRY(Text(object, prefix, name));
  auto value = parse(text);
  if (!value) return Error::InvalidField(field, "must be one of " + std::string(choices));
  return *value;
}

Result<std::vector<std::string>> TextList(const json& object, const std::string& field_name,
                                          const char* name) {
  std::vector<std::string> out;
  if (!object.contains(name) || object[name].is_null()) return out;
  if (!object[name].is_array()) return Error::InvalidField(field_name, "must be a list");
  for (std::size_t i = 0; i < object[name].size(); ++i) {
    if (!object[name][i].is_string()) {
      return Error::InvalidField(Field(field_name, i), "must be a string");
    }
    out.push_back(object[name][i].get<std::string>());
  }
  return out;
}

// The clinic's services that deliver a treatment (or the new-patient assessment).
json ServicesFor(const app::ClinicContext& clinic, std::optional<clinical::Treatment> treatment) {
  json out = json::array();
  for (const auto& s : clinic.setup().services) {
    const bool new_patients = s.eligibility == core::clinic::PatientEligibility::kNewPatientsOnly;
    auto needs = [&](core::clinic::Skill skill) {
      return std::find(s.required_skills.begin(), s.required_skills.end(), skill) !=
             s.required_skills.end();
    };
    bool match = false;
    if (!treatment) {
      match = new_patients;
    } else if (*treatment == clinical::Treatment::kArt) {
      match = !new_patients && needs(core::clinic::Skill::kActiveReleaseTechnique);
    } else {
      match = !new_patients && needs(core::clinic::Skill::kDeepTissue);
    }
    if (match) {
      out.push_back({{"id", s.id.value()},
                     {"slug", s.slug},
                     {"name", s.name},
                     {"duration_minutes", s.duration.count()}});
    }
  }
  return out;
}

std::string TreatmentLabel(clinical::Treatment t) {
  return t == clinical::Treatment::kArt ? "Active Release Technique (ART) with a chiropractor"
                                        : "Deep-tissue massage with a massage therapist";
}

}  // namespace

json AssessmentFormJson(const clinical::Knowledge& k, const app::ClinicContext& clinic) {
  json regions = json::array();
  for (const auto& r : k.regions) {
    regions.push_back({{"id", r.id},
                       {"label", r.label},
                       {"group", r.group},
                       {"sides", r.sided ? json{"left", "right"} : json::array()}});
  }
  json questions = json::array();
  for (const auto& q : k.questions) {
    json options = json::array();
    if (q.kind == clinical::QuestionKind::kYesNo) {
      options = {{{"id", "yes"}, {"label", "Yes"}}, {{"id", "no"}, {"label", "No"}}};
    } else {
      for (const auto& o : q.options) options.push_back({{"id", o.id}, {"label", o.label}});
    }
    questions.push_back({{"id", q.id},
                         {"text", q.text},
                         {"kind", q.kind == clinical::QuestionKind::kYesNo ? "yes_no" : "choice"},
                         {"options", std::move(options)}});
  }
  json causes = json::array();
  for (const auto& c : k.causes) {
    causes.push_back({{"id", c.id}, {"label", c.label}, {"kind", clinical::ToString(c.kind)}});
  }
  const std::string slug = clinic.setup().clinic.slug;
  return {{"clinic", slug},
          {"phone", clinic.setup().clinic.phone},
          {"note", app::DecisionSupportNote(clinic)},
          {"body_map", "/api/v1/clinics/" + slug + "/body-map.svg"},
          {"regions", std::move(regions)},
          {"questions", std::move(questions)},
          {"causes", std::move(causes)},
          {"knot",
           {{"sizes", {"small", "large"}},
            {"pain", {{"min", 0}, {"max", 10}}},
            {"durations", {"days", "weeks", "months_1_3", "over_3_months"}},
            {"sleep", {"none", "some", "severe"}},
            {"movements", clinical::Movements()}}},
          {"medications", clinical::Medications()}};
}

Result<clinical::AssessmentInput> ParseAssessmentInput(const json& body) {
  clinical::AssessmentInput input;
  if (!body.contains("knots") || !body["knots"].is_array()) {
    return Error::InvalidField("knots", "is required and must be a list");
  }
  for (std::size_t i = 0; i < body["knots"].size(); ++i) {
    const json& k = body["knots"][i];
    const std::string prefix = Field("knots", i);
    if (!k.is_object()) return Error::InvalidField(prefix, "must be an object");
    clinical::Knot knot;
    knot.region = UNKNOT_TRY(Text(k, prefix, "region"));
    knot.side = UNKNOT_TRY(EnumField<clinical::Side>(k, prefix, "side", clinical::ParseSide,
                                                     "left, right", clinical::Side::kNone));
    if (k.contains("side") && k["side"] == "none") {
      return Error::InvalidField(prefix + ".side", "must be left or right, or left out");
    }
    knot.size = UNKNOT_TRY(EnumField<clinical::KnotSize>(
        k, prefix, "size", clinical::ParseKnotSize, "small, large", clinical::KnotSize::kSmall));
    if (!k.contains("pain")) return Error::InvalidField(prefix + ".pain", "is required");
    if (!k["pain"].is_number_integer()) {
      return Error::InvalidField(prefix + ".pain", "must be a whole number from 0 to 10");
    }
    const auto pain = k["pain"].get<std::int64_t>();
    knot.pain = pain < -1 ? -1 : pain > 11 ? 11 : static_cast<int>(pain);  // range checked later
    knot.duration = UNKNOT_TRY(EnumField<clinical::Duration>(
        k, prefix, "duration", clinical::ParseDuration, "days, weeks, months_1_3, over_3_months"));
    knot.sleep = UNKNOT_TRY(
        EnumField<clinical::SleepEffect>(k, prefix, "sleep", clinical::ParseSleepEffect,
                                         "none, some, severe", clinical::SleepEffect::kNone));
    if (k.contains("limits_movement") && !k["limits_movement"].is_null()) {
      if (!k["limits_movement"].is_boolean()) {
        return Error::InvalidField(prefix + ".limits_movement", "must be true or false");
      }
      knot.limits_movement = k["limits_movement"].get<bool>();
    }
    knot.movements = UNKNOT_TRY(TextList(k, prefix + ".movements", "movements"));
    input.knots.push_back(std::move(knot));
  }
  input.causes = UNKNOT_TRY(TextList(body, "causes", "causes"));
  if (body.contains("answers") && !body["answers"].is_null()) {
    if (!body["answers"].is_object()) return Error::InvalidField("answers", "must be an object");
    for (const auto& [id, value] : body["answers"].items()) {
      if (!value.is_string()) return Error::InvalidField("answers." + id, "must be a string");
      input.answers[id] = value.get<std::string>();
    }
  }
  input.medications = UNKNOT_TRY(TextList(body, "medications", "medications"));
  // The age band is a question too; accept it at the top level for convenience.
  if (body.contains("age_band")) {
    if (!body["age_band"].is_string()) return Error::InvalidField("age_band", "must be a string");
    input.answers["age_band"] = body["age_band"].get<std::string>();
  }
  return input;
}

json AssessmentInputJson(const clinical::AssessmentInput& input) {
  json knots = json::array();
  for (const clinical::Knot& knot : input.knots) {
    json k = {{"region", knot.region},
              {"size", clinical::ToString(knot.size)},
              {"pain", knot.pain},
              {"duration", clinical::ToString(knot.duration)},
              {"sleep", clinical::ToString(knot.sleep)},
              {"limits_movement", knot.limits_movement},
              {"movements", knot.movements}};
    if (knot.side != clinical::Side::kNone) k["side"] = clinical::ToString(knot.side);
    knots.push_back(std::move(k));
  }
  return {{"knots", std::move(knots)},
          {"causes", input.causes},
          {"answers", input.answers},
          {"medications", input.medications}};
}

json AssessmentResultJson(const clinical::Knowledge& k, const app::ClinicContext& clinic,
                          const clinical::AssessmentResult& result) {
  json reasons = json::array();
  for (const auto& r : result.reasons) {
    reasons.push_back({{"rule", r.rule},
                       {"outcome", clinical::ToString(r.outcome)},
                       {"reason", r.reason},
                       {"advice", r.advice}});
  }
  json muscles = json::array();
  for (const auto& m : result.muscles) {
    const clinical::Muscle* muscle = k.FindMuscle(m.muscle);
    json sides = json::array();
    for (auto s : m.sides) sides.push_back(clinical::ToString(s));
    json explains = json::array();
    for (const auto& e : m.explains) {
      const clinical::Region* region = k.FindRegion(e.region);
      explains.push_back(
          {{"region", e.region},
           {"label", region != nullptr ? region->label : e.region},
           {"side",
            e.side == clinical::Side::kNone ? json(nullptr) : json(clinical::ToString(e.side))},
           {"how", e.referral ? "referral" : "trigger_point"}});
    }
    muscles.push_back(
        {{"id", m.muscle},
         {"name", muscle != nullptr ? muscle->name : m.muscle},
         {"sides", std::move(sides)},
         {"score", m.score},
         {"explains", std::move(explains)},
         {"trigger_point_regions",
          muscle != nullptr ? json(muscle->trigger_point_regions) : json::array()},
         {"referral_regions", muscle != nullptr ? json(muscle->referral_regions) : json::array()},
         {"matching_causes", m.matching_causes}});
  }
  json treatments = json::array();
  for (const auto& t : result.treatments) {
    treatments.push_back({{"treatment", clinical::ToString(t.treatment)},
                          {"label", TreatmentLabel(t.treatment)},
                          {"assessment_first", t.assessment_first},
                          {"why", t.why},
                          {"services", ServicesFor(clinic, t.treatment)}});
  }
  json bookable = json::array();
  if (result.outcome == clinical::Outcome::kSeeChiropractorFirst) {
    bookable = ServicesFor(clinic, std::nullopt);
  } else if (result.outcome == clinical::Outcome::kBookOnline) {
    if (result.book_assessment) bookable = ServicesFor(clinic, std::nullopt);
    for (const auto& t : result.treatments) {
      if (t.assessment_first) continue;
      for (auto& s : ServicesFor(clinic, t.treatment)) bookable.push_back(std::move(s));
    }
  }
  json home_care = json::array();
  for (const auto* r : result.home_care) {
    home_care.push_back({{"id", r->id},
                         {"muscles", r->muscles},
                         {"tool", clinical::ToString(r->tool)},
                         {"how", r->how},
                         {"seconds", {r->seconds_min, r->seconds_max}},
                         {"sets", {r->sets_min, r->sets_max}},
                         {"how_often", r->how_often},
                         {"stretch", r->stretch},
                         {"cautions", r->cautions}});
  }
  json prevention = json::array();
  for (const auto* p : result.prevention) {
    prevention.push_back({{"id", p->id}, {"causes", p->causes}, {"advice", p->advice}});
  }
  json cautions = json::array();
  for (const auto* c : result.cautions) {
    cautions.push_back(
        {{"id", c->id}, {"level", clinical::ToString(c->level)}, {"advice", c->advice}});
  }
  return {{"outcome", clinical::ToString(result.outcome)},
          {"book_online", result.outcome <= clinical::Outcome::kSeeChiropractorFirst},
          {"reasons", std::move(reasons)},
          {"muscles", std::move(muscles)},
          {"treatments", std::move(treatments)},
          {"book_assessment_first", result.book_assessment},
          {"bookable_services", std::move(bookable)},
          {"home_care", std::move(home_care)},
          {"prevention", std::move(prevention)},
          {"cautions", std::move(cautions)},
          {"phone", clinic.setup().clinic.phone},
          {"note", app::DecisionSupportNote(clinic)}};
}

}  // namespace unknot::api::json
