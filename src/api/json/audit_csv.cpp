#include "api/json/audit_csv.hpp"

#include <initializer_list>
#include <optional>

namespace unknot::api::json {

namespace {

void AppendLine(std::string& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (std::string_view cell : cells) {
    if (!first) out += ',';
    first = false;
    out += CsvCell(cell);
  }
  out += "\r\n";
}

template <typename Id>
std::string OptionalId(const std::optional<Id>& id) {
  return id ? std::to_string(id->value()) : std::string();
}

}  // namespace

std::string CsvCell(std::string_view text) {
  std::string cell;
  cell.reserve(text.size() + 3);
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    cell += '\'';
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string AuditCsvHeader() {
  std::string out;
  AppendLine(out, {"sequence", "at", "staff_id", "staff_email", "role", "action", "patient_id",
                   "record", "detail", "client_address", "request_id"});
  return out;
}

std::string AuditCsvRow(const core::staff::AuditEntry& entry) {
  std::string out;
  const std::string sequence = std::to_string(entry.sequence);
  const std::string at = core::FormatInstant(entry.at);
  const std::string staff = OptionalId(entry.staff);
  const std::string patient = OptionalId(entry.patient);
  std::string_view role = entry.role ? core::staff::ToString(*entry.role) : std::string_view();
  AppendLine(out, {sequence, at, staff, entry.staff_email, role, entry.action, patient,
                   entry.record, entry.detail, entry.client_address, entry.request_id});
  return out;
}

std::string AuditCsv(std::span<const core::staff::AuditEntry> entries) {
  std::string out = AuditCsvHeader();
  for (const auto& entry : entries) out += AuditCsvRow(entry);
  return out;
}

}  // namespace unknot::api::json
