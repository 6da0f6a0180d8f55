#include "knowledge/load_knowledge.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace unknot::knowledge {

using core::Error;
using core::ErrorCode;
using core::Result;
using nlohmann::json;
namespace clinical = core::clinical;

namespace {

Error Wrong(const std::string& file, const std::string& entry, const std::string& reason) {
  const std::string where = entry.empty() ? file : file + ": " + entry;
  return Error(ErrorCode::kInvalidArgument, where + ": " + reason, {{where, reason}});
}

Result<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::kInvalidArgument,
                 path.string() + ": cannot be read (is --data the data/ folder?)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<json> ReadJson(const std::filesystem::path& directory, const std::string& file) {
  std::string text = UNKNOT_TRY(ReadText(directory / file));
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Wrong(file, "", "is not a valid JSON object");
  }
  return doc;
}

// Typed access to one entry's fields, naming the file and entry on a mismatch.
class Entry {
 public:
  Entry(std::string file, const json& value, std::string fallback_name)
      : file_(std::move(file)), value_(value) {
    name_ = value.is_object() && value.contains("id") && value["id"].is_string()
                ? value["id"].get<std::string>()
                : std::move(fallback_name);
  }

  const std::string& name() const { return name_; }

  Result<std::string> Text(const char* key, bool required = true) const {
    if (!value_.is_object()) return Wrong(file_, name_, "must be an object");
    if (!value_.contains(key)) {
      if (!required) return std::string();
      return Wrong(file_, name_, std::string("field '") + key + "' is missing");
    }
    if (!value_[key].is_string()) {
      return Wrong(file_, name_, std::string("field '") + key + "' must be a string");
    }
    return value_[key].get<std::string>();
  }

  Result<std::vector<std::string>> Texts(const char* key, bool required = true) const {
    if (!value_.contains(key)) {
      if (!required) return std::vector<std::string>{};
      return Wrong(file_, name_, std::string("field '") + key + "' is missing");
    }
    const json& list = value_[key];
    std::vector<std::string> out;
    if (!list.is_array()) {
      return Wrong(file_, name_, std::string("field '") + key + "' must be a list of strings");
    }
    for (const json& item : list) {
      if (!item.is_string()) {
        return Wrong(file_, name_, std::string("field '") + key + "' must be a list of strings");
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  Result<bool> Bool(const char* key) const {
    if (!value_.contains(key) || !value_[key].is_boolean()) {
      return Wrong(file_, name_, std::string("field '") + key + "' must be true or false");
    }
    return value_[key].get<bool>();
  }

  // [min, max] of positive integers.
  Result<std::pair<int, int>> Range(const char* key) const {
    const json& v = value_.contains(key) ? value_[key] : json();
    if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() || !v[1].is_number_integer()) {
      return Wrong(file_, name_, std::string("field '") + key + "' must be [min, max]");
    }
    return std::pair<int, int>{v[0].get<int>(), v[1].get<int>()};
  }

  template <typename E, typename Parse>
  Result<E> Enum(const char* key, Parse parse) const {
    std::string text = UNKNOT_TRY(Text(key));
    auto value = parse(text);
    if (!value) {
      return Wrong(file_, name_,
                   std::string("field '") + key + "' has an unknown value '" + text + "'");
    }
    return *value;
  }

  const json& operator[](const char* key) const { return value_[key]; }
  bool has(const char* key) const { return value_.is_object() && value_.contains(key); }

 private:
  std::string file_;
  const json& value_;
  std::string name_;
};

// Calls read(Entry) for every element of doc[list].
template <typename Read>
Result<void> ForEach(const std::string& file, const json& doc, const char* list, Read read) {
  if (!doc.contains(list) || !doc[list].is_array()) {
    return Wrong(file, "", std::string("must have a list '") + list + "'");
  }
  std::size_t i = 0;
  for (const json& item : doc[list]) {
    Entry entry(file, item, std::string(list) + "[" + std::to_string(i++) + "]");
    if (!item.is_object()) return Wrong(file, entry.name(), "must be an object");
    UNKNOT_TRY(read(entry));
  }
  return core::Ok();
}

Result<clinical::Condition> ReadCondition(const std::string& file, const std::string& entry,
                                          const json& value) {
  using Kind = clinical::Condition::Kind;
  clinical::Condition c;
  if (!value.is_object() ||
      (value.size() != 1 && !(value.contains("answer") && value.size() == 2))) {
    return Wrong(file, entry,
                 "a condition is {\"all\": [...]}, {\"any\": [...]}, {\"not\": ...}, "
                 "{\"answer\": ID, \"is\": VALUE} or {\"answer\": ID, \"in\": [VALUES]}");
  }
  for (const char* group : {"all", "any"}) {
    if (!value.contains(group)) continue;
    if (!value[group].is_array())
      return Wrong(file, entry, std::string("'") + group + "' takes a list");
    c.kind = std::string(group) == "all" ? Kind::kAll : Kind::kAny;
    for (const json& child : value[group])
      c.children.push_back(UNKNOT_TRY(ReadCondition(file, entry, child)));
    return c;
  }
  if (value.contains("not")) {
    c.kind = Kind::kNot;
    c.children.push_back(UNKNOT_TRY(ReadCondition(file, entry, value["not"])));
    return c;
  }
  if (!value.contains("answer") || !value["answer"].is_string()) {
    return Wrong(file, entry, "a test of an answer needs \"answer\": ID");
  }
  c.answer = value["answer"].get<std::string>();
  if (value.contains("is") && value["is"].is_string()) {
    c.kind = Kind::kIs;
    c.values = {value["is"].get<std::string>()};
    return c;
  }
  if (value.contains("in") && value["in"].is_array()) {
    c.kind = Kind::kIn;
    for (const json& v : value["in"]) {
      if (!v.is_string()) return Wrong(file, entry, "'in' takes a list of strings");
      c.values.push_back(v.get<std::string>());
    }
    return c;
  }
  return Wrong(file, entry, "the test of '" + c.answer + "' needs \"is\": VALUE or \"in\": [...]");
}

// The value of `name="..."` in one tag, or nullopt.
std::optional<std::string> AttributeOf(std::string_view tag, std::string_view name) {
  for (std::size_t at = tag.find(name); at != std::string_view::npos; at = tag.find(name, at + 1)) {
    const bool starts = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\n' ||
                                   tag[at - 1] == '\t' || tag[at - 1] == '\r');
    std::size_t i = at + name.size();
    while (i < tag.size() && tag[i] == ' ') ++i;
    if (!starts || i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && tag[i] == ' ') ++i;
    if (i >= tag.size() || (tag[i] != '"' && tag[i] != '\'')) continue;
    const char quote = tag[i];
    const std::size_t end = tag.find(quote, i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(tag.substr(i + 1, end - i - 1));
  }
  return std::nullopt;
}

}  // namespace

Result<void> ValidateBodyMap(const clinical::Knowledge& k, const std::string& svg) {
  const std::string file = "body-map.svg";
  if (svg.find("<svg") == std::string::npos) return Wrong(file, "", "is not an SVG image");
  // Each element that carries data-region: its region and, if any, its side. A plain scan of
  // the tags is enough for our own SVG (and std::regex trips GCC 12's warnings).
  std::set<std::pair<std::string, std::string>> found;
  for (std::size_t open = svg.find('<'); open != std::string::npos;
       open = svg.find('<', open + 1)) {
    const std::size_t close = svg.find('>', open);
    if (close == std::string::npos) break;
    const std::string_view tag(svg.data() + open, close - open);
    const auto region = AttributeOf(tag, "data-region");
    if (!region) continue;
    const std::string side_value = AttributeOf(tag, "data-side").value_or("");
    const clinical::Region* r = k.FindRegion(*region);
    if (r == nullptr) {
      return Wrong(file, *region, "a shape names a region that is not in regions.json");
    }
    if (r->sided && side_value != "left" && side_value != "right") {
      return Wrong(file, *region,
                   "a shape of a sided region needs data-side=\"left\" or \"right\"");
    }
    if (!r->sided && !side_value.empty()) {
      return Wrong(file, *region, "a shape of a midline region has no data-side");
    }
    found.insert({*region, side_value});
  }
  for (const clinical::Region& r : k.regions) {
    for (const char* s :
         r.sided ? std::vector<const char*>{"left", "right"} : std::vector<const char*>{""}) {
      if (found.count({r.id, s}) == 0) {
        return Wrong(file, r.id,
                     std::string("has no shape") + (*s ? std::string(" on the ") + s : ""));
      }
    }
  }
  return core::Ok();
}

Result<LoadedKnowledge> LoadKnowledge(const std::filesystem::path& directory) {
  LoadedKnowledge loaded;
  clinical::Knowledge& k = loaded.knowledge;

  const json regions = UNKNOT_TRY(ReadJson(directory, "regions.json"));
  UNKNOT_TRY(ForEach("regions.json", regions, "regions", [&](const Entry& e) -> Result<void> {
    k.regions.push_back({UNKNOT_TRY(e.Text("id")), UNKNOT_TRY(e.Text("label")),
                         UNKNOT_TRY(e.Text("group")), UNKNOT_TRY(e.Bool("sided"))});
    return core::Ok();
  }));

  const json causes = UNKNOT_TRY(ReadJson(directory, "causes.json"));
  UNKNOT_TRY(ForEach("causes.json", causes, "causes", [&](const Entry& e) -> Result<void> {
    k.causes.push_back({UNKNOT_TRY(e.Text("id")), UNKNOT_TRY(e.Text("label")),
                        UNKNOT_TRY(e.Enum<clinical::CauseKind>("kind", clinical::ParseCauseKind))});
    return core::Ok();
  }));

  const json muscles = UNKNOT_TRY(ReadJson(directory, "muscles.json"));
  UNKNOT_TRY(ForEach("muscles.json", muscles, "muscles", [&](const Entry& e) -> Result<void> {
    clinical::Muscle m;
    m.id = UNKNOT_TRY(e.Text("id"));
    m.name = UNKNOT_TRY(e.Text("name"));
    m.trigger_points = UNKNOT_TRY(e.Text("trigger_points"));
    m.trigger_point_regions = UNKNOT_TRY(e.Texts("trigger_point_regions"));
    m.referral_regions = UNKNOT_TRY(e.Texts("referral_regions"));
    m.typical_causes = UNKNOT_TRY(e.Texts("typical_causes"));
    for (const std::string& s : UNKNOT_TRY(e.Texts("services"))) {
      auto t = clinical::ParseTreatment(s);
      if (!t)
        return Wrong("muscles.json", e.name(), "service '" + s + "' is not art or deep_tissue");
      m.treatments.push_back(*t);
    }
    k.muscles.push_back(std::move(m));
    return core::Ok();
  }));

  const json flags = UNKNOT_TRY(ReadJson(directory, "red_flags.json"));
  UNKNOT_TRY(ForEach("red_flags.json", flags, "questions", [&](const Entry& e) -> Result<void> {
    clinical::Question q;
    q.id = UNKNOT_TRY(e.Text("id"));
    q.text = UNKNOT_TRY(e.Text("text"));
    const std::string kind = UNKNOT_TRY(e.Text("kind"));
    if (kind == "yes_no") {
      q.kind = clinical::QuestionKind::kYesNo;
    } else if (kind == "choice") {
      q.kind = clinical::QuestionKind::kChoice;
      // Checked first: reading a missing key of a const JSON object is undefined behaviour.
      if (!e.has("options")) {
        return Wrong("red_flags.json", e.name(), "a choice question needs a list 'options'");
      }
      UNKNOT_TRY(
          ForEach("red_flags.json", json{{"options", e["options"]}}, "options",
                  [&](const Entry& o) -> Result<void> {
                    q.options.push_back({UNKNOT_TRY(o.Text("id")), UNKNOT_TRY(o.Text("label"))});
                    return core::Ok();
                  }));
    } else {
      return Wrong("red_flags.json", e.name(), "kind '" + kind + "' is not yes_no or choice");
    }
    k.questions.push_back(std::move(q));
    return core::Ok();
  }));
  UNKNOT_TRY(ForEach("red_flags.json", flags, "rules", [&](const Entry& e) -> Result<void> {
    clinical::Rule r;
    r.id = UNKNOT_TRY(e.Text("id"));
    r.outcome = UNKNOT_TRY(e.Enum<clinical::Outcome>("outcome", clinical::ParseOutcome));
    if (!e.has("when")) return Wrong("red_flags.json", r.id, "field 'when' is missing");
    r.when = UNKNOT_TRY(ReadCondition("red_flags.json", r.id, e["when"]));
    r.reason = UNKNOT_TRY(e.Text("reason"));
    r.advice = UNKNOT_TRY(e.Text("advice"));
    k.rules.push_back(std::move(r));
    return core::Ok();
  }));

  const json cautions = UNKNOT_TRY(ReadJson(directory, "cautions.json"));
  UNKNOT_TRY(ForEach("cautions.json", cautions, "cautions", [&](const Entry& e) -> Result<void> {
    clinical::Caution c;
    c.id = UNKNOT_TRY(e.Text("id"));
    c.level = UNKNOT_TRY(e.Enum<clinical::CautionLevel>("level", clinical::ParseCautionLevel));
    if (!e.has("when")) return Wrong("cautions.json", c.id, "field 'when' is missing");
    c.when = UNKNOT_TRY(ReadCondition("cautions.json", c.id, e["when"]));
    c.advice = UNKNOT_TRY(e.Text("advice"));
    c.for_staff = UNKNOT_TRY(e.Text("for_staff"));
    k.cautions.push_back(std::move(c));
    return core::Ok();
  }));

  const json care = UNKNOT_TRY(ReadJson(directory, "home_care.json"));
  UNKNOT_TRY(ForEach("home_care.json", care, "routines", [&](const Entry& e) -> Result<void> {
    clinical::Routine r;
    r.id = UNKNOT_TRY(e.Text("id"));
    r.muscles = UNKNOT_TRY(e.Texts("muscles"));
    r.tool = UNKNOT_TRY(e.Enum<clinical::Tool>("tool", clinical::ParseTool));
    r.how = UNKNOT_TRY(e.Text("how"));
    std::tie(r.seconds_min, r.seconds_max) = UNKNOT_TRY(e.Range("seconds"));
    std::tie(r.sets_min, r.sets_max) = UNKNOT_TRY(e.Range("sets"));
    r.how_often = UNKNOT_TRY(e.Text("how_often"));
    r.stretch = UNKNOT_TRY(e.Text("stretch", /*required=*/false));
    r.cautions = UNKNOT_TRY(e.Texts("cautions", /*required=*/false));
    k.routines.push_back(std::move(r));
    return core::Ok();
  }));
  UNKNOT_TRY(ForEach("home_care.json", care, "prevention", [&](const Entry& e) -> Result<void> {
    k.prevention.push_back(
        {UNKNOT_TRY(e.Text("id")), UNKNOT_TRY(e.Texts("causes")), UNKNOT_TRY(e.Text("advice"))});
    return core::Ok();
  }));

  UNKNOT_TRY(clinical::Validate(k));
  loaded.body_map_svg = UNKNOT_TRY(ReadText(directory / "body-map.svg"));
  UNKNOT_TRY(ValidateBodyMap(k, loaded.body_map_svg));
  return loaded;
}

}  // namespace unknot::knowledge
