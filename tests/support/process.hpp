#pragma once

// Runs the `unknot` binary (or any program) as a child process for black-box tests.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace unknot::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

// The unknot binary under test: $UNKNOT_BINARY, else the one built beside the tests.
std::string UnknotBinary();

// Runs to completion (killed after `timeout`), capturing stdout and stderr.
ProcessResult RunProcess(const std::vector<std::string>& args,
                         std::chrono::seconds timeout = std::chrono::seconds{30});

// A child that keeps running (a server); stopped with SIGTERM on destruction. Children of
// RunProcess and Child die with SIGKILL when the thread that started them ends (so a crashed
// test leaves no server behind): start a Child from a thread that outlives it.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Reads stdout until a line contains `needle` or `timeout` passes; returns that line or "".
  std::string WaitForLine(const std::string& needle,
                          std::chrono::milliseconds timeout = std::chrono::seconds{20});
  // Sends SIGTERM and waits; the exit code, or -1 when it had to be killed.
  int Stop(std::chrono::seconds timeout = std::chrono::seconds{10});
  // Sends SIGKILL, as a crash or `kill -9` would (no shutdown code runs), and reaps the process.
  void Kill();
  // Everything written to stderr so far (complete after Stop).
  std::string Stderr();

 private:
  // Reads stderr as it comes, so a server that logs every request never blocks on a full pipe.
  void ReadStderr();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string buffered_;
  std::mutex err_mutex_;
  std::string err_;  // guarded by err_mutex_
  std::atomic<bool> stop_reading_{false};
  std::thread err_reader_;
};

// Waits for `unknot serve`'s "serving http://127.0.0.1:PORT/" line; the port, or 0 when it does
// not come.
std::uint16_t WaitForServePort(Child& server);

}  // namespace unknot::testing
