#pragma once

// The audit log in SQL: appending an entry inside the caller's write (the writer's transaction,
// so the entry commits with the write it records), reading and verifying the chain.

#include <optional>
#include <vector>

#include "core/ports/staff.hpp"
#include "storage/sqlite/connection.hpp"

namespace unknot::storage::sqlite {

// Appends `entry` as the clinic's next one (sequence, previous_hash and hash assigned; see
// storage/audit_chain.hpp) and returns it as stored. Must run inside the writer's transaction:
// the single writer is what keeps one clinic's sequence free of races. kNotFound when the
// clinic does not exist; kInvalidArgument for another clinic's entry.
core::Result<core::staff::AuditEntry> AppendAuditRow(Connection& db, core::ClinicId clinic,
                                                     const core::staff::AuditEntry& entry);

// The same for an optional entry: nothing when there is none.
core::Result<void> AppendAuditIfAny(Connection& db, core::ClinicId clinic,
                                    const std::optional<core::staff::AuditEntry>& entry);

core::Result<std::vector<core::staff::AuditEntry>> ListAuditRows(
    Connection& db, core::ClinicId clinic, const core::ports::AuditFilter& filter);

core::Result<std::vector<core::ports::BrokenLink>> VerifyAuditRows(
    Connection& db, std::optional<core::ClinicId> clinic);

}  // namespace unknot::storage::sqlite
