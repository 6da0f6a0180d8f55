#pragma once

// How `unknot user add` gets a new password: never from a flag (it would stay in the shell's
// history and show in `ps`), but typed twice at the terminal without echo, or read from stdin
// when stdin is not a terminal (a script, a test: "PASSWORD\n" or "PASSWORD\nPASSWORD\n").

#include <cstddef>
#include <cstdio>
#include <istream>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace unknot::server {

// More than any password the policy accepts (256 characters of up to 4 bytes), so a longer line
// is refused as too long by the policy, not cut here; bounds what a stray pipe can make us hold.
inline constexpr std::size_t kMaxPasswordInputBytes = 4096;

// The password in `input` (what stdin held): its first line, without the line break ("\n" or
// "\r\n"). A second line, when present, must repeat the first; a third is refused (it is likely
// the wrong file). Fails with kInvalidArgument when there is no line at all (an empty first line
// reaches the password policy, which refuses it as too short), when the repetition differs or
// when there are more than two lines.
core::Result<std::string> ParsePasswordLines(std::string_view input);

// Reads `in` to its end (at most kMaxPasswordInputBytes; more is refused) and parses it as above.
core::Result<std::string> ReadPasswordFromStream(std::istream& in);

// Asks on `prompts` for the password, then for it again, reading each line from the terminal
// `fd` with echo off; echo is restored afterwards, also when a signal (Ctrl-C) ends the process
// meanwhile. kInvalidArgument when the two differ or the input ends; kInternal when `fd` is not
// a terminal.
core::Result<std::string> ReadPasswordFromTerminal(int fd, std::FILE* prompts,
                                                   std::string_view prompt);

// The terminal way when stdin is a terminal (prompts on stderr), else the stream way on stdin.
core::Result<std::string> ReadNewPassword(std::string_view prompt);

}  // namespace unknot::server
