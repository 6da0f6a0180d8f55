#include "golden.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "temp_dir.hpp"

namespace unknot::testing {

void ExpectMatchesGolden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = std::filesystem::path(SourceDir()) / "tests" / "golden" / name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << path << " is missing; create it with UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, ReadFile(path))
      << "differs from " << path << " (refresh with UPDATE_GOLDEN=1 if the change is intended)";
}

}  // namespace unknot::testing
