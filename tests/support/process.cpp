#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace unknot::testing {
namespace {

using Clock = std::chrono::steady_clock;

pid_t Spawn(const std::vector<std::string>& args, int& out_fd, int& err_fd) {
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe failed");
  // Built before fork: in a test with other threads the child may call only async-signal-safe
  // functions until execv. Allocating there could wait forever for a malloc lock that another
  // thread held at the moment of the fork.
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Dies with the test (SIGKILL when the thread that started it ends): a test binary that
    // crashes, never reaching the destructors that stop its servers, leaves no server behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the test ended before prctl
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]);
    close(err[0]);
    close(out[1]);
    close(err[1]);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  out_fd = out[0];
  err_fd = err[0];
  fcntl(out_fd, F_SETFL, O_NONBLOCK);
  fcntl(err_fd, F_SETFL, O_NONBLOCK);
  return pid;
}

// Appends whatever is readable now; false at end of file.
bool Drain(int fd, std::string& into) {
  char buffer[4096];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    return n != 0;
  }
}

int WaitExit(pid_t pid, Clock::time_point deadline) {
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (Clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

}  // namespace

std::string UnknotBinary() {
  const char* binary = std::getenv("UNKNOT_BINARY");
  return binary != nullptr && *binary != '\0' ? binary : UNKNOT_DEFAULT_BINARY;
}

ProcessResult RunProcess(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  ProcessResult result;
  int out_fd = -1, err_fd = -1;
  pid_t pid = Spawn(args, out_fd, err_fd);
  auto deadline = Clock::now() + timeout;
  bool out_open = true, err_open = true;
  while ((out_open || err_open) && Clock::now() < deadline) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    poll(fds, 2, 50);
    if (out_open) out_open = Drain(out_fd, result.out);
    if (err_open) err_open = Drain(err_fd, result.err);
  }
  result.exit_code = WaitExit(pid, deadline);
  Drain(out_fd, result.out);
  Drain(err_fd, result.err);
  close(out_fd);
  close(err_fd);
  return result;
}

Child::Child(const std::vector<std::string>& args) {
  pid_ = Spawn(args, out_fd_, err_fd_);
  err_reader_ = std::thread([this] { ReadStderr(); });
}

Child::~Child() {
  if (pid_ > 0) Stop();
  stop_reading_ = true;
  if (err_reader_.joinable()) err_reader_.join();
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void Child::ReadStderr() {
  std::string chunk;
  bool open = true;
  while (open && !stop_reading_) {
    pollfd fd{err_fd_, POLLIN, 0};
    poll(&fd, 1, 50);
    chunk.clear();
    open = Drain(err_fd_, chunk);
    if (!chunk.empty()) {
      std::lock_guard lock(err_mutex_);
      err_ += chunk;
    }
  }
}

std::string Child::WaitForLine(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::size_t at = buffered_.find(needle);
    if (at != std::string::npos) {
      std::size_t start = buffered_.rfind('\n', at);
      start = start == std::string::npos ? 0 : start + 1;
      std::size_t end = buffered_.find('\n', at);
      if (end != std::string::npos) return buffered_.substr(start, end - start);
    }
    pollfd fd{out_fd_, POLLIN, 0};
    poll(&fd, 1, 50);
    if (!Drain(out_fd_, buffered_) && buffered_.find(needle) == std::string::npos) return "";
  }
  return "";
}

int Child::Stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int code = WaitExit(pid_, Clock::now() + timeout);
  pid_ = -1;
  // The child is gone, so what it wrote is in the pipe: stop the reader, then take the rest.
  stop_reading_ = true;
  if (err_reader_.joinable()) err_reader_.join();
  std::lock_guard lock(err_mutex_);
  Drain(err_fd_, err_);
  return code;
}

void Child::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  stop_reading_ = true;
  if (err_reader_.joinable()) err_reader_.join();
  std::lock_guard lock(err_mutex_);
  Drain(err_fd_, err_);
}

std::string Child::Stderr() {
  std::lock_guard lock(err_mutex_);
  return err_;
}

std::uint16_t WaitForServePort(Child& server) {
  const std::string line = server.WaitForLine("serving http://");
  constexpr std::string_view kPrefix = "http://127.0.0.1:";
  const std::size_t at = line.find(kPrefix);
  if (at == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::atoi(line.c_str() + at + kPrefix.size()));
}

}  // namespace unknot::testing
