#include "sse_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace unknot::testing {

std::unique_ptr<SseClient> SseClient::Open(
    std::uint16_t port, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return nullptr;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return nullptr;
  }
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        "Accept: text/event-stream\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return nullptr;
    }
    sent += static_cast<std::size_t>(n);
  }
  return std::unique_ptr<SseClient>(new SseClient(fd));
}

SseClient::~SseClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool SseClient::ReadAvailable() {
  if (ended_) return false;
  char buffer[16384];
  while (true) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      raw_.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    ended_ = true;  // closed (0) or failed
    break;
  }
  Parse();
  return !ended_;
}

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

void SseClient::Parse() {
  if (!have_head_) {
    std::size_t end = raw_.find("\r\n\r\n");
    if (end == std::string::npos) return;
    std::string head = raw_.substr(0, end);
    raw_.erase(0, end + 4);
    have_head_ = true;
    std::size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    std::size_t space = status_line.find(' ');
    status_ = static_cast<unsigned>(std::atoi(status_line.c_str() + space + 1));
    std::size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
      std::size_t next = head.find("\r\n", at);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(at, next - at);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        headers_[Lower(line.substr(0, colon))] = value;
      }
      at = next + 2;
    }
    chunked_ = Lower(headers_["transfer-encoding"]).find("chunked") != std::string::npos;
  }
  if (!chunked_) {
    ParseBody(raw_);
    raw_.clear();
    return;
  }
  while (true) {
    std::size_t line_end = raw_.find("\r\n");
    if (line_end == std::string::npos) return;
    std::size_t size = std::strtoul(raw_.substr(0, line_end).c_str(), nullptr, 16);
    if (size == 0) {
      ended_ = true;
      raw_.clear();
      return;
    }
    if (raw_.size() < line_end + 2 + size + 2) return;
    ParseBody(raw_.substr(line_end + 2, size));
    raw_.erase(0, line_end + 2 + size + 2);
  }
}

void SseClient::ParseBody(const std::string& text) {
  body_ += text;
  text_ += text;
  // An event ends at an empty line.
  while (true) {
    std::size_t end = text_.find("\n\n");
    if (end == std::string::npos) return;
    std::string block = text_.substr(0, end);
    text_.erase(0, end + 2);
    SseMessage message;
    bool has_field = false;
    bool first_data = true;
    std::size_t at = 0;
    while (at <= block.size()) {
      std::size_t next = block.find('\n', at);
      if (next == std::string::npos) next = block.size();
      std::string line = block.substr(at, next - at);
      at = next + 1;
      if (line.empty()) continue;
      if (line[0] == ':') {
        ++comments_;
        continue;
      }
      std::size_t colon = line.find(':');
      std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id") {
        message.id = value;
        has_field = true;
      } else if (field == "event") {
        message.event = value;
        has_field = true;
      } else if (field == "data") {
        if (!first_data) message.data += '\n';
        message.data += value;
        first_data = false;
        has_field = true;
      }
    }
    if (has_field) events_.push_back(std::move(message));
  }
}

bool SseClient::WaitForHead(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!have_head_ && !ended_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) ReadAvailable();
  }
  if (have_head_ && !chunked_ && status_ != 200) {
    // A whole response (a refusal): read it to the end.
    while (!ended_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) break;
      ReadAvailable();
    }
  }
  return have_head_;
}

std::optional<SseMessage> SseClient::Next(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (events_.empty() && !ended_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) ReadAvailable();
  }
  if (events_.empty()) return std::nullopt;
  SseMessage message = std::move(events_.front());
  events_.pop_front();
  return message;
}

}  // namespace unknot::testing
