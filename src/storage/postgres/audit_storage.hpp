#pragma once

// The audit log on PostgreSQL: appending an entry inside the caller's transaction (so it commits
// with the write it records), reading and verifying the chain.

#include <optional>
#include <vector>

#include <pqxx/pqxx>

#include "core/ports/staff.hpp"

namespace unknot::storage::postgres {

// Appends `entry` as the clinic's next one (sequence, previous_hash and hash assigned; see
// storage/audit_chain.hpp) inside `tx` and returns it as stored. Concurrent appends to one clinic
// wait for each other on a transaction-scoped advisory lock of the clinic, held until `tx` ends,
// so each reads the last committed entry; bookings never take it. kNotFound when the clinic does
// not exist; kInvalidArgument for another clinic's entry.
core::Result<core::staff::AuditEntry> AppendAuditRow(pqxx::transaction_base& tx,
                                                     core::ClinicId clinic,
                                                     const core::staff::AuditEntry& entry);

// The same for an optional entry: nothing when there is none.
core::Result<void> AppendAuditIfAny(pqxx::transaction_base& tx, core::ClinicId clinic,
                                    const std::optional<core::staff::AuditEntry>& entry);

core::Result<std::vector<core::staff::AuditEntry>> ListAuditRows(
    pqxx::transaction_base& tx, core::ClinicId clinic, const core::ports::AuditFilter& filter);

// Walks the chains page by page (keyset on clinic and sequence), so a long log is never held in
// memory at once; run it in one snapshot (REPEATABLE READ) for a consistent answer.
core::Result<std::vector<core::ports::BrokenLink>> VerifyAuditRows(
    pqxx::transaction_base& tx, std::optional<core::ClinicId> clinic);

}  // namespace unknot::storage::postgres
