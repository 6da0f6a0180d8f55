#include "api/http/sse.hpp"

namespace unknot::api::http {

std::string SseEvent(std::string_view id, std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(data.size() + id.size() + event.size() + 24);
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  if (!event.empty()) out.append("event: ").append(event).append("\n");
  std::size_t start = 0;
  while (true) {
    std::size_t end = data.find_first_of("\r\n", start);
    out.append("data: ").append(data.substr(start, end - start)).append("\n");
    if (end == std::string_view::npos) break;
    start = end + (data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n' ? 2 : 1);
    if (start >= data.size()) break;  // a line end at the very end adds no empty line
  }
  out.append("\n");
  return out;
}

std::string SseComment(std::string_view text) {
  std::string out(": ");
  out.append(text).append("\n\n");
  return out;
}

}  // namespace unknot::api::http
