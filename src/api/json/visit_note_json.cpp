#include "api/json/visit_note_json.hpp"

#include "core/common/time.hpp"

namespace unknot::api::json {
namespace {

using core::Error;
using core::Result;
using json = nlohmann::json;
namespace clinical = core::clinical;

json OptionalInt(const std::optional<int>& value) { return value ? json(*value) : json(nullptr); }

std::string Member(std::string_view parent, std::string_view name) {
  return std::string(parent) + "." + std::string(name);
}

// The object at `name` of `parent` (empty when left out or null); kInvalidArgument when another
// type.
Result<json> ObjectAt(const json& parent, std::string_view name, std::string_view field) {
  auto it = parent.find(name);
  if (it == parent.end() || it->is_null()) return json::object();
  if (!it->is_object()) return Error::InvalidField(std::string(field), "must be an object");
  return *it;
}

Result<std::string> TextAt(const json& parent, std::string_view name, std::string_view field) {
  auto it = parent.find(name);
  if (it == parent.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Error::InvalidField(std::string(field), "must be text");
  return it->get<std::string>();
}

Result<bool> BoolAt(const json& parent, std::string_view name, std::string_view field) {
  auto it = parent.find(name);
  if (it == parent.end() || it->is_null()) return false;
  if (!it->is_boolean()) return Error::InvalidField(std::string(field), "must be true or false");
  return it->get<bool>();
}

Result<std::optional<int>> IntAt(const json& parent, std::string_view name,
                                 std::string_view field) {
  auto it = parent.find(name);
  if (it == parent.end() || it->is_null()) return std::optional<int>{};
  if (!it->is_number_integer() || it->get<std::int64_t>() < -1000000 ||
      it->get<std::int64_t>() > 1000000) {
    return Error::InvalidField(std::string(field), "must be a whole number");
  }
  return std::optional<int>{static_cast<int>(it->get<std::int64_t>())};
}

// An optional name of a fixed vocabulary; `expected` says which names in the error.
template <typename E, typename Parse>
Result<std::optional<E>> NameAt(const json& parent, std::string_view name, std::string_view field,
                                Parse parse, std::string_view expected) {
  auto it = parent.find(name);
  if (it == parent.end() || it->is_null()) return std::optional<E>{};
  if (it->is_string()) {
    if (auto value = parse(it->get<std::string>())) return std::optional<E>{*value};
  }
  return Error::InvalidField(std::string(field), "must be " + std::string(expected));
}

Result<std::vector<std::string>> TextsAt(const json& parent, std::string_view name,
                                         std::string_view field) {
  auto it = parent.find(name);
  std::vector<std::string> out;
  if (it == parent.end() || it->is_null()) return out;
  if (!it->is_array()) return Error::InvalidField(std::string(field), "must be a list");
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return Error::InvalidField(std::string(field) + "[" + std::to_string(i) + "]",
                                 "must be text");
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

Result<clinical::KnotFinding> ParseKnot(const json& k, const std::string& field) {
  if (!k.is_object()) return Error::InvalidField(field, "must be an object");
  clinical::KnotFinding knot;
  knot.region = UNKNOT_TRY(TextAt(k, "region", Member(field, "region")));
  auto side = UNKNOT_TRY(NameAt<clinical::Side>(k, "side", Member(field, "side"),
                                                clinical::ParseSide, "\"left\" or \"right\""));
  knot.side = side.value_or(clinical::Side::kNone);
  if (knot.side == clinical::Side::kNone && k.contains("side") && !k["side"].is_null()) {
    return Error::InvalidField(Member(field, "side"), "must be \"left\" or \"right\"");
  }
  auto size = UNKNOT_TRY(NameAt<clinical::FindingSize>(k, "size", Member(field, "size"),
                                                       clinical::ParseFindingSize,
                                                       "\"small\", \"medium\" or \"large\""));
  if (!size) return Error::InvalidField(Member(field, "size"), "is required");
  knot.size = *size;
  auto tenderness = UNKNOT_TRY(IntAt(k, "tenderness", Member(field, "tenderness")));
  if (!tenderness) return Error::InvalidField(Member(field, "tenderness"), "is required: 0 to 3");
  knot.tenderness = *tenderness;
  knot.taut_band = UNKNOT_TRY(BoolAt(k, "taut_band", Member(field, "taut_band")));
  knot.twitch_response = UNKNOT_TRY(BoolAt(k, "twitch_response", Member(field, "twitch_response")));
  knot.reproduces_referral =
      UNKNOT_TRY(BoolAt(k, "reproduces_referral", Member(field, "reproduces_referral")));
  return knot;
}

}  // namespace

json VisitNoteContentJson(const clinical::VisitNoteContent& c) {
  json knots = json::array();
  for (const clinical::KnotFinding& k : c.objective.knots) {
    knots.push_back({{"region", k.region},
                     {"side", k.side == clinical::Side::kNone ? json(nullptr)
                                                              : json(clinical::ToString(k.side))},
                     {"size", clinical::ToString(k.size)},
                     {"tenderness", k.tenderness},
                     {"taut_band", k.taut_band},
                     {"twitch_response", k.twitch_response},
                     {"reproduces_referral", k.reproduces_referral}});
  }
  const clinical::Subjective& s = c.subjective;
  const clinical::TreatmentGiven& t = c.treatment;
  return {{"subjective",
           {{"words", s.words},
            {"pain", OptionalInt(s.pain)},
            {"sleep", s.sleep ? json(clinical::ToString(*s.sleep)) : json(nullptr)},
            {"limits_movement", s.limits_movement},
            {"movements", s.movements}}},
          {"objective", {{"findings", c.objective.findings}, {"knots", std::move(knots)}}},
          {"treatment",
           {{"technique", t.technique ? json(clinical::ToString(*t.technique)) : json(nullptr)},
            {"muscles", t.muscles},
            {"minutes", t.minutes.count()},
            {"pressure", clinical::ToString(t.pressure)},
            {"pain_before", OptionalInt(t.pain_before)},
            {"pain_after", OptionalInt(t.pain_after)}}},
          {"assessment_plan", c.assessment_plan}};
}

Result<clinical::VisitNoteContent> ParseVisitNoteContent(const json& body) {
  if (!body.is_object()) return Error::InvalidField("body", "must be a JSON object");
  clinical::VisitNoteContent c;

  const json s = UNKNOT_TRY(ObjectAt(body, "subjective", "subjective"));
  c.subjective.words = UNKNOT_TRY(TextAt(s, "words", "subjective.words"));
  c.subjective.pain = UNKNOT_TRY(IntAt(s, "pain", "subjective.pain"));
  c.subjective.sleep = UNKNOT_TRY(
      NameAt<clinical::SleepEffect>(s, "sleep", "subjective.sleep", clinical::ParseSleepEffect,
                                    "\"none\", \"some\" or \"severe\""));
  c.subjective.limits_movement =
      UNKNOT_TRY(BoolAt(s, "limits_movement", "subjective.limits_movement"));
  c.subjective.movements = UNKNOT_TRY(TextsAt(s, "movements", "subjective.movements"));

  const json o = UNKNOT_TRY(ObjectAt(body, "objective", "objective"));
  c.objective.findings = UNKNOT_TRY(TextAt(o, "findings", "objective.findings"));
  if (auto knots = o.find("knots"); knots != o.end() && !knots->is_null()) {
    if (!knots->is_array()) return Error::InvalidField("objective.knots", "must be a list");
    if (knots->size() > clinical::kMaxNoteKnots) {
      return Error::InvalidField("objective.knots",
                                 "at most " + std::to_string(clinical::kMaxNoteKnots) + " knots");
    }
    for (std::size_t i = 0; i < knots->size(); ++i) {
      c.objective.knots.push_back(
          UNKNOT_TRY(ParseKnot((*knots)[i], "objective.knots[" + std::to_string(i) + "]")));
    }
  }

  const json t = UNKNOT_TRY(ObjectAt(body, "treatment", "treatment"));
  c.treatment.technique = UNKNOT_TRY(
      NameAt<clinical::Technique>(t, "technique", "treatment.technique", clinical::ParseTechnique,
                                  "\"art\" or \"deep_tissue_massage\""));
  c.treatment.muscles = UNKNOT_TRY(TextsAt(t, "muscles", "treatment.muscles"));
  c.treatment.minutes =
      std::chrono::minutes{UNKNOT_TRY(IntAt(t, "minutes", "treatment.minutes")).value_or(0)};
  c.treatment.pressure =
      UNKNOT_TRY(NameAt<clinical::Pressure>(t, "pressure", "treatment.pressure",
                                            clinical::ParsePressure,
                                            "\"light\", \"moderate\" or \"firm\""))
          .value_or(clinical::Pressure::kModerate);
  c.treatment.pain_before = UNKNOT_TRY(IntAt(t, "pain_before", "treatment.pain_before"));
  c.treatment.pain_after = UNKNOT_TRY(IntAt(t, "pain_after", "treatment.pain_after"));

  c.assessment_plan = UNKNOT_TRY(TextAt(body, "assessment_plan", "assessment_plan"));
  return c;
}

Result<json> StoredVisitNoteJson(const core::ports::StoredVisitNote& note,
                                 const std::map<std::int64_t, std::string>& names) {
  auto who = [&](core::StaffId id) {
    auto it = names.find(id.value());
    return json{{"id", id.value()}, {"name", it == names.end() ? json(nullptr) : json(it->second)}};
  };
  json content = json::parse(note.content_json, nullptr, false);
  if (content.is_discarded()) {
    return Error(core::ErrorCode::kInternal, "visit note " + std::to_string(note.id.value()) +
                                                 " holds content that is not JSON");
  }
  json addenda = json::array();
  for (const core::ports::StoredAddendum& a : note.addenda) {
    addenda.push_back({{"sequence", a.sequence},
                       {"text", a.text},
                       {"author", who(a.author)},
                       {"signed_at", core::FormatInstant(a.signed_at)}});
  }
  return json{
      {"id", note.id.value()},
      {"appointment_id", note.appointment.value()},
      {"patient_id", note.patient.value()},
      {"practitioner_id", note.practitioner.value()},
      {"status", clinical::ToString(note.status)},
      {"version", note.version},
      {"content", std::move(content)},
      {"author", who(note.author)},
      {"created_at", core::FormatInstant(note.created_at)},
      {"updated_at", core::FormatInstant(note.updated_at)},
      {"signed_by", note.signed_by ? who(*note.signed_by) : json(nullptr)},
      {"signed_at", note.signed_at ? json(core::FormatInstant(*note.signed_at)) : json(nullptr)},
      {"addenda", std::move(addenda)}};
}

}  // namespace unknot::api::json
