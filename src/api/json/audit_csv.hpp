#pragma once

// The audit log as CSV (GET …/audit.csv): RFC 4180 text (CRLF line ends, a field quoted when it
// holds a comma, a double quote, CR or LF, its quotes doubled), one header row, the columns of
// the JSON entry (AuditEntryJson) in the same order.
//
// A spreadsheet runs a cell that starts with '=', '+', '-' or '@' as a formula (and a leading tab
// or CR can hide one), so such a cell gets a leading apostrophe: an entry's detail or a staff
// email can never run code on the owner's machine (CSV injection, OWASP).

#include <span>
#include <string>
#include <string_view>

#include "core/staff/account.hpp"

namespace unknot::api::json {

// "sequence,at,staff_id,staff_email,role,action,patient_id,record,detail,client_address,
// request_id\r\n".
std::string AuditCsvHeader();

// One entry as a CSV line, CRLF-terminated.
std::string AuditCsvRow(const core::staff::AuditEntry& entry);

// The header and one row per entry.
std::string AuditCsv(std::span<const core::staff::AuditEntry> entries);

// One cell as written: neutralised (a leading apostrophe before = + - @ tab CR) and quoted when
// RFC 4180 requires it.
std::string CsvCell(std::string_view text);

}  // namespace unknot::api::json
