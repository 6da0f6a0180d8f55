#pragma once

// The audit log's hash chain, shared by every backend: how an entry's hash is computed and how a
// clinic's chain is walked to find where it breaks. Each backend appends with it inside the
// transaction of the write the entry records (sqlite/audit_sql.hpp, postgres/audit_storage.hpp),
// so both store the same hashes for the same entries.

#include <cstdint>
#include <optional>
#include <string>

#include "core/ports/staff.hpp"
#include "core/staff/account.hpp"

namespace unknot::storage {

// Lower-case hex SHA-256 of core::staff::CanonicalText(entry) (`hash` itself is not covered).
std::string AuditHash(const core::staff::AuditEntry& entry);

// `entry` as the clinic's next one: sequence, previous_hash (the last entry's hash, "" before
// the first) and hash assigned.
core::staff::AuditEntry ChainAuditEntry(core::staff::AuditEntry entry, std::int64_t sequence,
                                        std::string previous_hash);

// Checks and completes an entry before a write appends it for `clinic`: an unset clinic becomes
// `clinic`; another clinic's entry, or one without an action, is kInvalidArgument (a caller's
// bug, so nothing is written).
core::Result<core::staff::AuditEntry> PrepareAuditEntry(core::staff::AuditEntry entry,
                                                        core::ClinicId clinic);

// Walks one clinic's entries in storage order (by sequence): feed each with Next(); the first
// break is kept and everything after it ignored.
class AuditChainWalk {
 public:
  explicit AuditChainWalk(core::ClinicId clinic) : clinic_(clinic) {}

  // False once a break was found (the caller may stop reading).
  bool Next(const core::staff::AuditEntry& entry);

  // Records a break found by the caller (an entry it could not read).
  void Fail(std::int64_t sequence, std::string reason);

  core::ClinicId clinic() const { return clinic_; }
  const std::optional<core::ports::BrokenLink>& broken() const { return broken_; }

 private:
  core::ClinicId clinic_;
  std::int64_t expected_ = 1;
  std::string previous_hash_;
  std::optional<core::ports::BrokenLink> broken_;
};

// The limits AuditFilter and PatientQuery document, as field errors ("limit", "offset").
core::Result<void> ValidateAuditFilter(const core::ports::AuditFilter& filter);
core::Result<void> ValidatePatientQuery(const core::ports::PatientQuery& query);

}  // namespace unknot::storage
