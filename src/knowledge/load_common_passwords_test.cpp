#include "knowledge/load_common_passwords.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace unknot::knowledge {
namespace {

using ::testing::HasSubstr;

using unknot::testing::DataDir;

TEST(LoadCommonPasswordsTest, TheBundledListHasAboutTenThousandEntries) {
  auto list = LoadCommonPasswords(DataDir());
  ASSERT_TRUE(list) << list.error().message();
  EXPECT_GE(list->size(), 9000u);
  EXPECT_LE(list->size(), 11000u);
  EXPECT_TRUE(list->Contains("password1234"));
  EXPECT_TRUE(list->Contains("Qwertyuiop123"));
  EXPECT_TRUE(list->Contains("1q2w3e4r5t6y"));
  EXPECT_TRUE(list->Contains("aaaaaaaaaaaa"));
  EXPECT_FALSE(list->Contains("correct horse battery staple"));
}

TEST(LoadCommonPasswordsTest, EveryBundledEntryIsOneLowerCaseLineOfTwelveCharactersOrMore) {
  // Shorter entries would never be consulted (the length rule refuses them first).
  std::ifstream in(DataDir() / kCommonPasswordsFile);
  std::string line;
  int entries = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++entries;
    EXPECT_GE(core::staff::CountCodePoints(line).value_or(0), core::staff::kMinPasswordCharacters)
        << line;
    for (char c : line) EXPECT_FALSE(c >= 'A' && c <= 'Z') << line;
  }
  EXPECT_GT(entries, 0);
}

TEST(LoadCommonPasswordsTest, AMissingFileIsNamed) {
  testing::TempDir dir;
  auto list = LoadCommonPasswords(dir.path());
  ASSERT_FALSE(list);
  EXPECT_THAT(list.error().message(), HasSubstr("common-passwords.txt: cannot be read"));
}

TEST(LoadCommonPasswordsTest, AnEmptyListIsRefused) {
  testing::TempDir dir;
  std::ofstream(dir.path() / kCommonPasswordsFile) << "# only a comment\n\n";
  auto list = LoadCommonPasswords(dir.path());
  ASSERT_FALSE(list);
  EXPECT_THAT(list.error().message(), HasSubstr("holds no password"));
}

}  // namespace
}  // namespace unknot::knowledge
