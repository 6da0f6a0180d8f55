#include "api/v1/audit_routes.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json/audit_csv.hpp"
#include "api/json/staff_json.hpp"
#include "api/v1/query_params.hpp"

namespace unknot::api::v1 {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;
using core::Error;
using core::Result;
using core::ports::AuditFilter;
using core::staff::AuditEntry;

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 1000;  // what AuditRepository::ListAudit serves at once

struct AuditQuery {
  AuditFilter filter;                 // limit left at its default: the caller pages
  std::optional<std::int64_t> limit;  // as the client gave it
};

// The filters shared by both routes; `max_limit` bounds `limit`.
Result<AuditQuery> ParseAuditQuery(const Request& request, const core::clinic::Clinic& clinic,
                                   std::int64_t max_limit) {
  core::TimeZone zone = UNKNOT_TRY(core::TimeZone::Find(clinic.time_zone));
  AuditQuery query;
  if (auto staff = UNKNOT_TRY(IdQuery(request, "staff")))
    query.filter.staff = core::StaffId{*staff};
  if (auto patient = UNKNOT_TRY(IdQuery(request, "patient"))) {
    query.filter.patient = core::PatientId{*patient};
  }
  query.filter.from = UNKNOT_TRY(InstantOrDateQuery(request, "from", zone, DateBound::kStartOfDay));
  query.filter.to = UNKNOT_TRY(InstantOrDateQuery(request, "to", zone, DateBound::kStartOfNextDay));
  if (query.filter.from && query.filter.to && *query.filter.to <= *query.filter.from) {
    return Error::InvalidField("to", "must be after from");
  }
  query.filter.before_sequence = UNKNOT_TRY(IdQuery(request, "before"));
  query.limit = UNKNOT_TRY(IntegerQuery(request, "limit", 1, max_limit));
  return query;
}

// Up to `count` matching entries, newest first, read in pages of kMaxLimit.
Result<std::vector<AuditEntry>> ReadEntries(core::ports::Storage& storage, core::ClinicId clinic,
                                            AuditFilter filter, std::int64_t count) {
  std::vector<AuditEntry> entries;
  while (static_cast<std::int64_t>(entries.size()) < count) {
    filter.limit =
        static_cast<int>(std::min(kMaxLimit, count - static_cast<std::int64_t>(entries.size())));
    std::vector<AuditEntry> page = UNKNOT_TRY(storage.ListAudit(clinic, filter));
    const bool last = static_cast<int>(page.size()) < filter.limit;
    if (!page.empty()) filter.before_sequence = page.back().sequence;
    std::move(page.begin(), page.end(), std::back_inserter(entries));
    if (last) break;
  }
  return entries;
}

// The filters in words for the audit entry of a view: ids and instants, no personal data.
std::string FilterDetail(std::size_t count, const AuditFilter& filter) {
  std::string detail = std::to_string(count) + " entries";
  std::string filters;
  auto add = [&filters](std::string_view name, const std::string& value) {
    filters += filters.empty() ? " (" : ", ";
    filters += std::string(name) + "=" + value;
  };
  if (filter.staff) add("staff", std::to_string(filter.staff->value()));
  if (filter.from) add("from", core::FormatInstant(*filter.from));
  if (filter.to) add("to", core::FormatInstant(*filter.to));
  if (filter.before_sequence) add("before", std::to_string(*filter.before_sequence));
  return filters.empty() ? detail : detail + filters + ")";
}

Result<Response> ViewAudit(core::ports::Storage& storage, const Request& request,
                           StaffRequest& staff) {
  AuditQuery query = UNKNOT_TRY(ParseAuditQuery(request, staff.clinic(), kMaxLimit));
  const std::int64_t limit = query.limit.value_or(kDefaultLimit);
  // One more than asked tells whether an older page exists (never an empty last page).
  std::vector<AuditEntry> entries =
      UNKNOT_TRY(ReadEntries(storage, staff.clinic().id, query.filter, limit + 1));
  Json next_before = nullptr;
  if (static_cast<std::int64_t>(entries.size()) > limit) {
    entries.resize(static_cast<std::size_t>(limit));
    next_before = entries.back().sequence;
  }
  Json out = Json::array();
  for (const auto& entry : entries) out.push_back(dto::AuditEntryJson(entry));
  UNKNOT_TRY(
      staff.RecordRead(query.filter.patient, "audit", FilterDetail(entries.size(), query.filter)));
  return Response::Json(200,
                        Json{{"entries", std::move(out)}, {"next_before", next_before}}.dump());
}

Result<Response> ExportAudit(core::ports::Storage& storage, std::int64_t max_rows,
                             const Request& request, StaffRequest& staff) {
  AuditQuery query = UNKNOT_TRY(ParseAuditQuery(request, staff.clinic(), max_rows));
  const std::int64_t limit = query.limit.value_or(max_rows);
  std::vector<AuditEntry> entries =
      UNKNOT_TRY(ReadEntries(storage, staff.clinic().id, query.filter, limit + 1));
  std::optional<std::int64_t> next_before;
  if (static_cast<std::int64_t>(entries.size()) > limit) {
    // An export that silently lacks entries would mislead whoever reads it: without a limit of
    // their own, the client must narrow the range.
    if (!query.limit) {
      return Response(http::Problem(
          422, "Export too large",
          "More than " + std::to_string(max_rows) +
              " entries match; narrow the range with from and to, or page with limit and before.",
          {{"from",
            "too many entries match: at most " + std::to_string(max_rows) + " per export"}}));
    }
    entries.resize(static_cast<std::size_t>(limit));
    next_before = entries.back().sequence;
  }
  const core::clinic::Clinic& clinic = staff.clinic();
  core::TimeZone zone = UNKNOT_TRY(core::TimeZone::Find(clinic.time_zone));
  const std::string filename = "audit-" + clinic.slug + "-" +
                               core::FormatLocalDate(core::LocalDateOf(zone, staff.now())) + ".csv";
  UNKNOT_TRY(staff.RecordRead(query.filter.patient, "audit.csv",
                              "exported " + FilterDetail(entries.size(), query.filter)));
  Response response = Response::Text(200, dto::AuditCsv(entries), "text/csv; charset=utf-8");
  // The slug is lower-case letters, digits and '-': nothing to escape in the quoted name.
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  if (next_before) response.headers.emplace_back("X-Next-Before", std::to_string(*next_before));
  return response;
}

Response Answer(Result<Response> response) {
  if (!response) return http::Problem(response.error());
  return std::move(*response);
}

}  // namespace

void AddAuditRoutes(StaffRoutes& routes, core::ports::Storage& storage, AuditRouteOptions options) {
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/audit",
             core::staff::Action::kViewAuditLog, [&storage](Request& request, StaffRequest& staff) {
               return Answer(ViewAudit(storage, request, staff));
             });
  routes.Add(http::Method::kGet, "/api/v1/clinics/{clinic}/audit.csv",
             core::staff::Action::kExportAuditLog,
             [&storage, max_rows = options.max_export_rows](Request& request, StaffRequest& staff) {
               return Answer(ExportAudit(storage, max_rows, request, staff));
             });
}

}  // namespace unknot::api::v1
