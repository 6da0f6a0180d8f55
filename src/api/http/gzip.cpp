#include "api/http/gzip.hpp"

#include <zlib.h>

#include <cstdlib>
#include <stdexcept>

namespace unknot::api::http {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// The q-value of one list element such as "gzip;q=0.5"; 1 when absent, 0 when malformed.
double Quality(std::string_view params) {
  while (!params.empty()) {
    auto semicolon = params.find(';');
    std::string_view param = Trim(params.substr(0, semicolon));
    params = semicolon == std::string_view::npos ? "" : params.substr(semicolon + 1);
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string value(param.substr(2));
      char* end = nullptr;
      double q = std::strtod(value.c_str(), &end);
      return end == value.c_str() + value.size() ? q : 0.0;
    }
  }
  return 1.0;
}

}  // namespace

std::string Gzip(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: write a gzip header and trailer rather than a zlib one.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  return out;
}

bool AcceptsGzip(const Request& request) {
  auto header = request.Header("accept-encoding");
  if (!header) return false;
  std::string_view list = *header;
  double gzip = -1, any = -1;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view element = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    auto semicolon = element.find(';');
    std::string_view coding = Trim(element.substr(0, semicolon));
    double q = semicolon == std::string_view::npos ? 1.0 : Quality(element.substr(semicolon + 1));
    if (EqualsIgnoringCase(coding, "gzip") || EqualsIgnoringCase(coding, "x-gzip")) gzip = q;
    if (coding == "*") any = q;
  }
  return gzip >= 0 ? gzip > 0 : any > 0;
}

}  // namespace unknot::api::http
