#include "storage/postgres/audit_storage.hpp"

#include "storage/audit_chain.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::Result;
using core::staff::AuditEntry;

namespace {

constexpr std::string_view kAuditColumns =
    "clinic_id, sequence, staff_id, staff_email, role, action, patient_id, record, detail, at, "
    "client_address, request_id, previous_hash, hash";

Result<AuditEntry> ReadAuditEntry(const pqxx::row& r) {
  AuditEntry e;
  e.clinic = core::ClinicId{Int(r[0])};
  e.sequence = Int(r[1]);
  if (!r[2].is_null()) e.staff = core::StaffId{Int(r[2])};
  e.staff_email = Text(r[3]);
  if (!r[4].is_null()) {
    e.role = UNKNOT_TRY(
        ParseField<core::staff::StaffRole>(r[4], core::staff::ParseStaffRole, "staff role"));
  }
  e.action = Text(r[5]);
  if (!r[6].is_null()) e.patient = core::PatientId{Int(r[6])};
  e.record = Text(r[7]);
  e.detail = Text(r[8]);
  e.at = FromSeconds(Int(r[9]));
  e.client_address = Text(r[10]);
  e.request_id = Text(r[11]);
  e.previous_hash = Text(r[12]);
  e.hash = Text(r[13]);
  return e;
}

// An optional number as a query parameter: its text, or NULL.
class OptionalParam {
 public:
  explicit OptionalParam(std::optional<std::int64_t> value)
      : text_(value ? std::to_string(*value) : ""), set_(value.has_value()) {}
  const char* get() const { return set_ ? text_.c_str() : nullptr; }

 private:
  std::string text_;
  bool set_;
};

std::optional<std::int64_t> OptionalId(const auto& id) {
  return id ? std::optional<std::int64_t>{id->value()} : std::nullopt;
}

constexpr std::size_t kVerifyPage = 2000;

}  // namespace

Result<AuditEntry> AppendAuditRow(pqxx::transaction_base& tx, core::ClinicId clinic,
                                  const AuditEntry& entry) {
  AuditEntry next = UNKNOT_TRY(PrepareAuditEntry(entry, clinic));
  // Not `SELECT ... FROM clinics FOR UPDATE`: that would conflict with the KEY SHARE locks every
  // booking's foreign keys take on the clinic row. This lock is the audit log's alone.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':audit', 0))",
                 std::to_string(clinic.value()));
  // READ COMMITTED: this statement's snapshot is taken after the lock was granted, so it sees the
  // entry of whoever held it before.
  auto last = tx.exec_params(
      "SELECT c.id, l.sequence, l.hash FROM clinics c LEFT JOIN LATERAL ("
      "SELECT sequence, hash FROM audit_log WHERE clinic_id = c.id "
      "ORDER BY sequence DESC LIMIT 1) l ON true WHERE c.id = $1",
      clinic.value());
  if (last.empty()) return Error::NotFound("no such clinic");
  std::int64_t sequence = 1;
  std::string previous_hash;
  if (!last[0][1].is_null()) {
    sequence = Int(last[0][1]) + 1;
    previous_hash = Text(last[0][2]);
  }
  next = ChainAuditEntry(std::move(next), sequence, std::move(previous_hash));
  OptionalParam staff(OptionalId(next.staff));
  OptionalParam patient(OptionalId(next.patient));
  const std::string role = next.role ? std::string(core::staff::ToString(*next.role)) : "";
  tx.exec_params("INSERT INTO audit_log (" + std::string(kAuditColumns) +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                 clinic.value(), next.sequence, staff.get(), next.staff_email,
                 next.role ? role.c_str() : nullptr, next.action, patient.get(), next.record,
                 next.detail, Seconds(next.at), next.client_address, next.request_id,
                 next.previous_hash, next.hash);
  return next;
}

Result<void> AppendAuditIfAny(pqxx::transaction_base& tx, core::ClinicId clinic,
                              const std::optional<AuditEntry>& entry) {
  if (entry) UNKNOT_TRY(AppendAuditRow(tx, clinic, *entry));
  return core::Ok();
}

Result<std::vector<AuditEntry>> ListAuditRows(pqxx::transaction_base& tx, core::ClinicId clinic,
                                              const core::ports::AuditFilter& filter) {
  UNKNOT_TRY(ValidateAuditFilter(filter));
  OptionalParam staff(OptionalId(filter.staff));
  OptionalParam patient(OptionalId(filter.patient));
  OptionalParam from(filter.from ? std::optional<std::int64_t>{Seconds(*filter.from)}
                                 : std::nullopt);
  OptionalParam to(filter.to ? std::optional<std::int64_t>{Seconds(*filter.to)} : std::nullopt);
  OptionalParam before(filter.before_sequence);
  std::vector<AuditEntry> entries;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT " + std::string(kAuditColumns) +
               " FROM audit_log WHERE clinic_id = $1 AND ($2::bigint IS NULL OR staff_id = $2) "
               "AND ($3::bigint IS NULL OR patient_id = $3) AND ($4::bigint IS NULL OR at >= $4) "
               "AND ($5::bigint IS NULL OR at < $5) AND ($6::bigint IS NULL OR sequence < $6) "
               "ORDER BY sequence DESC LIMIT $7",
           clinic.value(), staff.get(), patient.get(), from.get(), to.get(), before.get(),
           filter.limit)) {
    entries.push_back(UNKNOT_TRY(ReadAuditEntry(r)));
  }
  return entries;
}

Result<std::vector<core::ports::BrokenLink>> VerifyAuditRows(pqxx::transaction_base& tx,
                                                             std::optional<core::ClinicId> clinic) {
  OptionalParam only(OptionalId(clinic));
  std::vector<core::ports::BrokenLink> broken;
  std::optional<AuditChainWalk> walk;
  auto finish = [&] {
    if (walk && walk->broken()) broken.push_back(*walk->broken());
  };
  std::int64_t after_clinic = 0;
  std::int64_t after_sequence = 0;
  while (true) {
    auto rows = tx.exec_params(
        "SELECT " + std::string(kAuditColumns) +
            " FROM audit_log WHERE ($1::bigint IS NULL OR clinic_id = $1) "
            "AND (clinic_id, sequence) > ($2, $3) ORDER BY clinic_id, sequence LIMIT $4",
        only.get(), after_clinic, after_sequence, static_cast<std::int64_t>(kVerifyPage));
    for (const pqxx::row& r : rows) {
      const core::ClinicId row_clinic{Int(r[0])};
      after_clinic = Int(r[0]);
      after_sequence = Int(r[1]);
      if (!walk || walk->clinic() != row_clinic) {
        finish();
        walk.emplace(row_clinic);
      }
      if (walk->broken()) continue;  // the rest of this clinic's chain does not matter
      auto entry = ReadAuditEntry(r);
      if (!entry) {
        walk->Fail(Int(r[1]), "the entry cannot be read: " + entry.error().message());
        continue;
      }
      walk->Next(*entry);
    }
    if (rows.size() < kVerifyPage) break;
  }
  finish();
  return broken;
}

}  // namespace unknot::storage::postgres
