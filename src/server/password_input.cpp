#include "server/password_input.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

namespace unknot::server {
namespace {

using core::Error;
using core::ErrorCode;

Error Refused(std::string reason) { return Error::InvalidField("password", std::move(reason)); }

std::string_view WithoutCarriageReturn(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The terminal whose echo is off, and how it was, for the signal handler: set only while a
// password is being typed.
volatile sig_atomic_t g_echo_off = 0;
int g_terminal_fd = -1;
termios g_saved_terminal{};

// Not SIGTSTP: a process stopped with echo restored would read the rest of the password in
// plain sight after `fg`; stopped as it is, the shell restores the terminal for itself.
constexpr std::array kRestoringSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void RestoreEchoAndReraise(int signal_number) {
  // Only async-signal-safe calls: tcsetattr, signal, raise.
  if (g_echo_off != 0) tcsetattr(g_terminal_fd, TCSANOW, &g_saved_terminal);
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// Echo off for its lifetime; the previous terminal settings and signal handlers come back on
// destruction.
class EchoOff {
 public:
  static core::Result<std::unique_ptr<EchoOff>> Start(int fd) {
    termios saved{};
    if (tcgetattr(fd, &saved) != 0) {
      return Error(ErrorCode::kInternal,
                   std::string("cannot read the terminal's settings: ") + std::strerror(errno));
    }
    auto echo_off = std::unique_ptr<EchoOff>(new EchoOff(fd, saved));
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ICANON;
    if (tcsetattr(fd, TCSANOW, &quiet) != 0) {
      return Error(ErrorCode::kInternal,
                   std::string("cannot turn off the terminal's echo: ") + std::strerror(errno));
    }
    return echo_off;
  }

  ~EchoOff() {
    tcsetattr(fd_, TCSANOW, &g_saved_terminal);
    g_echo_off = 0;
    for (std::size_t i = 0; i < kRestoringSignals.size(); ++i) {
      sigaction(kRestoringSignals[i], &previous_[i], nullptr);
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  EchoOff(int fd, const termios& saved) : fd_(fd) {
    g_terminal_fd = fd;
    g_saved_terminal = saved;
    g_echo_off = 1;
    struct sigaction action {};
    action.sa_handler = RestoreEchoAndReraise;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kRestoringSignals.size(); ++i) {
      sigaction(kRestoringSignals[i], &action, &previous_[i]);
    }
  }

  int fd_;
  std::array<struct sigaction, kRestoringSignals.size()> previous_{};
};

// One line from `fd` without its line break; nullopt at end of input before any byte.
core::Result<std::optional<std::string>> ReadLine(int fd) {
  std::string line;
  while (true) {
    char c = 0;
    ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Error(ErrorCode::kInternal,
                   std::string("cannot read the terminal: ") + std::strerror(errno));
    }
    if (n == 0) {
      if (line.empty()) return std::optional<std::string>{};
      break;
    }
    if (c == '\n') break;
    if (line.size() >= kMaxPasswordInputBytes) return Refused("is longer than any allowed one");
    line.push_back(c);
  }
  return std::optional<std::string>{std::string(WithoutCarriageReturn(line))};
}

}  // namespace

core::Result<std::string> ParsePasswordLines(std::string_view input) {
  std::vector<std::string_view> lines;
  while (!input.empty()) {
    std::size_t end = input.find('\n');
    lines.push_back(WithoutCarriageReturn(input.substr(0, end)));
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  }
  if (lines.empty()) return Refused("none was given: stdin was empty");
  if (lines.size() > 2) {
    return Refused("expected on one line, optionally repeated on a second; stdin has " +
                   std::to_string(lines.size()) + " lines");
  }
  if (lines.size() == 2 && lines[1] != lines[0]) {
    return Refused("the second line of stdin does not repeat the first");
  }
  return std::string(lines[0]);
}

core::Result<std::string> ReadPasswordFromStream(std::istream& in) {
  std::string input(kMaxPasswordInputBytes + 1, '\0');
  in.read(input.data(), static_cast<std::streamsize>(input.size()));
  input.resize(static_cast<std::size_t>(in.gcount()));
  if (input.size() > kMaxPasswordInputBytes) {
    return Refused("stdin holds more than " + std::to_string(kMaxPasswordInputBytes) +
                   " bytes; expected one line, optionally repeated on a second");
  }
  return ParsePasswordLines(input);
}

core::Result<std::string> ReadPasswordFromTerminal(int fd, std::FILE* prompts,
                                                   std::string_view prompt) {
  // Echo goes off once for both entries: what is typed at any moment in between stays unseen.
  auto echo_off = UNKNOT_TRY(EchoOff::Start(fd));
  auto ask = [&](std::string_view text) -> core::Result<std::string> {
    std::fprintf(prompts, "%.*s", static_cast<int>(text.size()), text.data());
    std::fflush(prompts);
    auto line = UNKNOT_TRY(ReadLine(fd));
    std::fprintf(prompts, "\n");  // the Enter the person typed was not echoed
    std::fflush(prompts);
    if (!line) return Refused("none was given: the input ended");
    return std::move(*line);
  };
  std::string first = UNKNOT_TRY(ask(prompt));
  std::string second = UNKNOT_TRY(ask("Repeat it: "));
  if (first != second) return Refused("the two entries differ");
  return first;
}

core::Result<std::string> ReadNewPassword(std::string_view prompt) {
  if (isatty(STDIN_FILENO) != 0) return ReadPasswordFromTerminal(STDIN_FILENO, stderr, prompt);
  return ReadPasswordFromStream(std::cin);
}

}  // namespace unknot::server
