#pragma once

// Reads data/common-passwords.txt (see data/README.md) into the hash set the staff password
// rule asks. Called once at start, beside LoadKnowledge, with the same --data folder.

#include <filesystem>

#include "core/common/result.hpp"
#include "core/staff/password_policy.hpp"

namespace unknot::knowledge {

inline constexpr const char* kCommonPasswordsFile = "common-passwords.txt";

// The list, or kInvalidArgument naming the file when it cannot be read or has no entry (an empty
// list would silently let every common password through).
core::Result<core::staff::CommonPasswords> LoadCommonPasswords(
    const std::filesystem::path& directory);

}  // namespace unknot::knowledge
