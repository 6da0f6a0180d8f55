#pragma once

// The audit log for the clinic's owner (issue 13): a page of entries as JSON, or every matching
// entry as a CSV download, behind the staff gate (staff_gate.hpp).

#include <cstdint>

#include "api/v1/staff_gate.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

// Most entries one CSV export holds; past it the request must be narrowed (or say `limit`).
inline constexpr std::int64_t kMaxAuditExportRows = 100000;

// GET /api/v1/clinics/{clinic}/audit?staff=&patient=&from=&to=&before=&limit=    view_audit_log
//   Newest first, `limit` 1-1000 (default 100); `next_before` pages on (null on the last page).
// GET /api/v1/clinics/{clinic}/audit.csv?staff=&patient=&from=&to=&before=&limit= export_audit_log
//   Every matching entry as text/csv, at most max_export_rows: without `limit`, more matches
//   than that are refused (422 naming `from`); with `limit` (1 to max_export_rows) the newest
//   `limit` are exported and X-Next-Before says where the rest begin.
// `from`/`to` take an RFC 3339 instant or a date (the clinic's local day: `from` its start, `to`
// its end). Each request leaves its own audit entry (record "audit" or "audit.csv", the patient
// filtered on, detail the count and the filters).
// `storage` must outlive the router.
struct AuditRouteOptions {
  std::int64_t max_export_rows = kMaxAuditExportRows;  // smaller in tests
};
void AddAuditRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                    AuditRouteOptions options = {});

}  // namespace unknot::api::v1
