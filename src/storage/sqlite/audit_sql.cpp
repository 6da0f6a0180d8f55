#include "storage/sqlite/audit_sql.hpp"

#include "storage/audit_chain.hpp"
#include "storage/sqlite/rows.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::Result;
using core::staff::AuditEntry;

namespace {

constexpr std::string_view kAuditColumns =
    "clinic_id, sequence, staff_id, staff_email, role, action, patient_id, record, detail, at, "
    "client_address, request_id, previous_hash, hash";

Result<AuditEntry> ReadAuditEntry(const Statement& s) {
  AuditEntry e;
  e.clinic = core::ClinicId{s.Int(0)};
  e.sequence = s.Int(1);
  if (auto staff = s.OptionalInt(2)) e.staff = core::StaffId{*staff};
  e.staff_email = s.Text(3);
  if (!s.IsNull(4)) {
    e.role = UNKNOT_TRY(
        ParseColumn<core::staff::StaffRole>(s, 4, core::staff::ParseStaffRole, "staff role"));
  }
  e.action = s.Text(5);
  if (auto patient = s.OptionalInt(6)) e.patient = core::PatientId{*patient};
  e.record = s.Text(7);
  e.detail = s.Text(8);
  e.at = FromSeconds(s.Int(9));
  e.client_address = s.Text(10);
  e.request_id = s.Text(11);
  e.previous_hash = s.Text(12);
  e.hash = s.Text(13);
  return e;
}

std::optional<std::int64_t> OptionalId(const auto& id) {
  return id ? std::optional<std::int64_t>{id->value()} : std::nullopt;
}

}  // namespace

Result<AuditEntry> AppendAuditRow(Connection& db, core::ClinicId clinic, const AuditEntry& entry) {
  AuditEntry next = UNKNOT_TRY(PrepareAuditEntry(entry, clinic));
  Statement exists =
      UNKNOT_TRY(db.PrepareCached("SELECT EXISTS (SELECT 1 FROM clinics WHERE id = ?1)"));
  exists.Bind(1, clinic.value());
  UNKNOT_TRY(exists.Step());
  if (exists.Int(0) == 0) return Error::NotFound("no such clinic");
  Statement last = UNKNOT_TRY(db.PrepareCached(
      "SELECT sequence, hash FROM audit_log WHERE clinic_id = ?1 ORDER BY sequence DESC LIMIT 1"));
  last.Bind(1, clinic.value());
  std::int64_t sequence = 1;
  std::string previous_hash;
  if (UNKNOT_TRY(last.Step())) {
    sequence = last.Int(0) + 1;
    previous_hash = last.Text(1);
  }
  next = ChainAuditEntry(std::move(next), sequence, std::move(previous_hash));
  Statement insert = UNKNOT_TRY(
      db.PrepareCached("INSERT INTO audit_log (" + std::string(kAuditColumns) +
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
  insert.Bind(1, clinic.value()).Bind(2, next.sequence).Bind(3, OptionalId(next.staff));
  insert.Bind(4, next.staff_email);
  if (next.role) {
    insert.Bind(5, core::staff::ToString(*next.role));
  } else {
    insert.BindNull(5);
  }
  insert.Bind(6, next.action).Bind(7, OptionalId(next.patient)).Bind(8, next.record);
  insert.Bind(9, next.detail).Bind(10, Seconds(next.at)).Bind(11, next.client_address);
  insert.Bind(12, next.request_id).Bind(13, next.previous_hash).Bind(14, next.hash);
  UNKNOT_TRY(insert.Run());
  return next;
}

Result<void> AppendAuditIfAny(Connection& db, core::ClinicId clinic,
                              const std::optional<AuditEntry>& entry) {
  if (entry) UNKNOT_TRY(AppendAuditRow(db, clinic, *entry));
  return core::Ok();
}

Result<std::vector<AuditEntry>> ListAuditRows(Connection& db, core::ClinicId clinic,
                                              const core::ports::AuditFilter& filter) {
  UNKNOT_TRY(ValidateAuditFilter(filter));
  // One text for every filter: an absent filter binds NULL and matches everything.
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT " + std::string(kAuditColumns) +
                       " FROM audit_log WHERE clinic_id = ?1 AND (?2 IS NULL OR staff_id = ?2) "
                       "AND (?3 IS NULL OR patient_id = ?3) AND (?4 IS NULL OR at >= ?4) "
                       "AND (?5 IS NULL OR at < ?5) AND (?6 IS NULL OR sequence < ?6) "
                       "ORDER BY sequence DESC LIMIT ?7"));
  stmt.Bind(1, clinic.value()).Bind(2, OptionalId(filter.staff));
  stmt.Bind(3, OptionalId(filter.patient));
  stmt.Bind(4, filter.from ? std::optional<std::int64_t>{Seconds(*filter.from)} : std::nullopt);
  stmt.Bind(5, filter.to ? std::optional<std::int64_t>{Seconds(*filter.to)} : std::nullopt);
  stmt.Bind(6, filter.before_sequence).Bind(7, std::int64_t{filter.limit});
  std::vector<AuditEntry> entries;
  while (UNKNOT_TRY(stmt.Step())) entries.push_back(UNKNOT_TRY(ReadAuditEntry(stmt)));
  return entries;
}

Result<std::vector<core::ports::BrokenLink>> VerifyAuditRows(Connection& db,
                                                             std::optional<core::ClinicId> clinic) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached("SELECT " + std::string(kAuditColumns) +
                                               " FROM audit_log WHERE ?1 IS NULL OR clinic_id = ?1 "
                                               "ORDER BY clinic_id, sequence"));
  stmt.Bind(1, clinic ? std::optional<std::int64_t>{clinic->value()} : std::nullopt);
  std::vector<core::ports::BrokenLink> broken;
  std::optional<AuditChainWalk> walk;
  auto finish = [&] {
    if (walk && walk->broken()) broken.push_back(*walk->broken());
  };
  while (UNKNOT_TRY(stmt.Step())) {
    const core::ClinicId row_clinic{stmt.Int(0)};
    if (!walk || walk->clinic() != row_clinic) {
      finish();
      walk.emplace(row_clinic);
    }
    if (walk->broken()) continue;  // the rest of this clinic's chain does not matter
    auto entry = ReadAuditEntry(stmt);
    if (!entry) {
      walk->Fail(stmt.Int(1), "the entry cannot be read: " + entry.error().message());
      continue;
    }
    walk->Next(*entry);
  }
  finish();
  return broken;
}

}  // namespace unknot::storage::sqlite
