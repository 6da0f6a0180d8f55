#pragma once

// JSON text written straight into one string, for the biggest answers the server sends (the front
// desk's week view, FHIR Slot bundles and NDJSON): building a nlohmann::json tree first and
// dumping it costs about ten times as much (bench/calendar_bench.cpp, bench/fhir_bench.cpp).
// The caller writes the structure (braces, commas via Key's `first`); the writer escapes strings.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/interval.hpp"
#include "core/common/time.hpp"

namespace unknot::api::json {

class Writer {
 public:
  explicit Writer(std::size_t reserve = 0) { out_.reserve(reserve); }

  Writer& Raw(std::string_view text) {
    out_ += text;
    return *this;
  }
  // "key": (with a comma before it unless it is the first member)
  Writer& Key(std::string_view key, bool first = false) {
    if (!first) out_ += ',';
    out_ += '"';
    out_ += key;
    out_ += "\":";
    return *this;
  }
  // A JSON string: quote and backslash escaped, control characters as \u00XX; other bytes
  // (UTF-8) as they are.
  Writer& String(std::string_view text) {
    out_ += '"';
    for (char c : text) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (u < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
        out_ += escaped;
      } else {
        out_ += c;
      }
    }
    out_ += '"';
    return *this;
  }
  Writer& Int(std::int64_t value) {
    out_ += std::to_string(value);
    return *this;
  }
  Writer& Bool(bool value) {
    out_ += value ? "true" : "false";
    return *this;
  }
  Writer& Instant(core::Instant instant) { return String(core::FormatInstant(instant)); }
  // [{"start": ..., "end": ...}, ...]
  Writer& Spans(const std::vector<core::Interval>& spans) {
    out_ += '[';
    for (std::size_t i = 0; i < spans.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += "{\"start\":";
      Instant(spans[i].start());
      out_ += ",\"end\":";
      Instant(spans[i].end());
      out_ += '}';
    }
    out_ += ']';
    return *this;
  }

  std::size_t size() const { return out_.size(); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace unknot::api::json
