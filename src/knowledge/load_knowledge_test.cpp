#include "knowledge/load_knowledge.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"

namespace unknot::knowledge {
namespace {

using nlohmann::json;

using unknot::testing::DataDir;

// A copy of data/ whose file `name` is changed by `edit`, for the refusal tests.
class BrokenData {
 public:
  template <typename Edit>
  BrokenData(const std::string& name, Edit edit) {
    for (const auto& entry : std::filesystem::directory_iterator(DataDir())) {
      std::filesystem::copy(entry.path(), dir_.path() / entry.path().filename());
    }
    const auto path = dir_.path() / name;
    std::string text = testing::ReadFile(path);
    if constexpr (std::is_invocable_v<Edit, json&>) {
      json doc = json::parse(text);
      edit(doc);
      text = doc.dump(2);
    } else {
      edit(text);
    }
    std::ofstream(path, std::ios::trunc) << text;
  }

  core::Result<LoadedKnowledge> Load() const { return LoadKnowledge(dir_.path()); }

 private:
  testing::TempDir dir_;
};

void ExpectRefusal(const core::Result<LoadedKnowledge>& loaded, const std::string& where,
                   const std::string& reason_part) {
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.error().fields().size(), 1u) << loaded.error().message();
  EXPECT_EQ(loaded.error().fields()[0].field, where) << loaded.error().message();
  EXPECT_NE(loaded.error().fields()[0].reason.find(reason_part), std::string::npos)
      << loaded.error().message();
}

TEST(LoadKnowledgeTest, TheShippedDataLoadsAndHoldsTogether) {
  auto loaded = LoadKnowledge(DataDir());
  ASSERT_TRUE(loaded) << loaded.error().message();
  const core::clinical::Knowledge& k = loaded->knowledge;
  EXPECT_GE(k.regions.size(), 35u);
  EXPECT_LE(k.regions.size(), 45u);
  EXPECT_GE(k.muscles.size(), 20u);
  EXPECT_GE(k.rules.size(), 10u);
  EXPECT_NE(k.FindRegion("sacrum"), nullptr);
  EXPECT_FALSE(k.FindRegion("sacrum")->sided);
  EXPECT_TRUE(k.FindRegion("upper_trapezius_ridge")->sided);
  EXPECT_NE(loaded->body_map_svg.find("data-region=\"sacrum\""), std::string::npos);
}

TEST(LoadKnowledgeTest, AnUnknownRegionNamesTheFileTheMuscleAndTheRegion) {
  BrokenData data("muscles.json",
                  [](json& doc) { doc["muscles"][0]["referral_regions"].push_back("neckk"); });
  const std::string muscle =
      json::parse(testing::ReadFile(DataDir() / "muscles.json"))["muscles"][0]["id"];
  ExpectRefusal(data.Load(), "muscles.json: " + muscle, "'neckk' is not in regions.json");
}

TEST(LoadKnowledgeTest, ADuplicateIdIsRefused) {
  BrokenData data("regions.json", [](json& doc) { doc["regions"].push_back(doc["regions"][3]); });
  const std::string region =
      json::parse(testing::ReadFile(DataDir() / "regions.json"))["regions"][3]["id"];
  ExpectRefusal(data.Load(), "regions.json: " + region, "used twice");
}

TEST(LoadKnowledgeTest, ARuleNamingAMissingQuestionIsRefused) {
  BrokenData data("red_flags.json", [](json& doc) {
    doc["rules"][0]["when"] = {{"answer", "no_such_question"}, {"is", "yes"}};
  });
  ExpectRefusal(data.Load(), "red_flags.json: cauda_equina", "'no_such_question'");
}

TEST(LoadKnowledgeTest, ARuleTestingAnImpossibleValueIsRefused) {
  BrokenData data("red_flags.json", [](json& doc) {
    doc["rules"][0]["when"] = {{"answer", "age_band"}, {"is", "ninety"}};
  });
  ExpectRefusal(data.Load(), "red_flags.json: cauda_equina", "'age_band' cannot be 'ninety'");
}

TEST(LoadKnowledgeTest, AMissingFieldAndBrokenJsonAreRefused) {
  BrokenData missing("causes.json", [](json& doc) { doc["causes"][0].erase("kind"); });
  const std::string cause =
      json::parse(testing::ReadFile(DataDir() / "causes.json"))["causes"][0]["id"];
  ExpectRefusal(missing.Load(), "causes.json: " + cause, "'kind' is missing");
  BrokenData broken("cautions.json", [](json& doc) { doc = json::array(); });
  ExpectRefusal(broken.Load(), "cautions.json", "not a valid JSON object");
}

TEST(LoadKnowledgeTest, AChoiceQuestionWithoutOptionsIsRefused) {
  BrokenData data("red_flags.json", [](json& doc) {
    for (json& q : doc["questions"]) {
      if (q["id"] == "age_band") q.erase("options");
    }
  });
  ExpectRefusal(data.Load(), "red_flags.json: age_band", "needs a list 'options'");
}

TEST(LoadKnowledgeTest, TheBodyMapMustDrawEveryRegionAndNoOther) {
  BrokenData unknown("body-map.svg", [](std::string& svg) {
    svg.replace(svg.find("data-region=\"sacrum\""), 20, "data-region=\"sacrumm\"");
  });
  ExpectRefusal(unknown.Load(), "body-map.svg: sacrumm", "not in regions.json");
  BrokenData no_right("body-map.svg", [](std::string& svg) {
    const std::size_t at = svg.find("data-region=\"calf\" data-side=\"right\"");
    ASSERT_NE(at, std::string::npos);
    svg.replace(at, 36, "data-region=\"calf\" data-side=\"left\"");
  });
  ExpectRefusal(no_right.Load(), "body-map.svg: calf", "no shape on the right");
}

}  // namespace
}  // namespace unknot::knowledge
