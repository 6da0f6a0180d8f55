#include "knowledge/load_common_passwords.hpp"

#include <fstream>
#include <sstream>

namespace unknot::knowledge {

core::Result<core::staff::CommonPasswords> LoadCommonPasswords(
    const std::filesystem::path& directory) {
  const auto path = directory / kCommonPasswordsFile;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       path.string() + ": cannot be read (is --data the data/ folder?)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto list = core::staff::CommonPasswords::FromText(text.str());
  if (list.size() == 0) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       path.string() + ": holds no password (one a line; '#' starts a comment)");
  }
  return list;
}

}  // namespace unknot::knowledge
