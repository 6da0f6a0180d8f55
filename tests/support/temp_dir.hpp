#pragma once

#include <filesystem>
#include <string>

namespace unknot::testing {

// A fresh directory under the system temp folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The whole content of a file, or "" when it cannot be read.
std::string ReadFile(const std::filesystem::path& path);

}  // namespace unknot::testing

namespace unknot::testing {

// The source tree: $UNKNOT_SOURCE_DIR, else the one this test was built from.
std::string SourceDir();

// The knowledge, body map and word lists the server ships: data/ in the source tree.
inline std::filesystem::path DataDir() { return std::filesystem::path(SourceDir()) / "data"; }

}  // namespace unknot::testing
