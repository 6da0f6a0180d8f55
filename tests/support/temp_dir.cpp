#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace unknot::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "unknot-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace unknot::testing

namespace unknot::testing {

std::string SourceDir() {
  const char* dir = std::getenv("UNKNOT_SOURCE_DIR");
  return dir != nullptr && *dir != '\0' ? dir : UNKNOT_DEFAULT_SOURCE_DIR;
}

}  // namespace unknot::testing
