#include "storage/audit_chain.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace unknot::storage {

using core::Error;
using core::ErrorCode;
using core::staff::AuditEntry;

std::string AuditHash(const AuditEntry& entry) {
  // sodium_init is safe to call from several threads and more than once; SHA-256 does not need
  // it, but every libsodium user is expected to call it first.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  const std::string text = core::staff::CanonicalText(entry);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

AuditEntry ChainAuditEntry(AuditEntry entry, std::int64_t sequence, std::string previous_hash) {
  entry.sequence = sequence;
  entry.previous_hash = std::move(previous_hash);
  entry.hash = AuditHash(entry);
  return entry;
}

core::Result<AuditEntry> PrepareAuditEntry(AuditEntry entry, core::ClinicId clinic) {
  if (!entry.clinic.is_set()) entry.clinic = clinic;
  if (entry.clinic != clinic) {
    return Error(ErrorCode::kInvalidArgument, "the audit entry is another clinic's");
  }
  if (entry.action.empty()) {
    return Error(ErrorCode::kInvalidArgument, "an audit entry needs an action");
  }
  return entry;
}

void AuditChainWalk::Fail(std::int64_t sequence, std::string reason) {
  if (!broken_) broken_ = core::ports::BrokenLink{clinic_, sequence, std::move(reason)};
}

bool AuditChainWalk::Next(const AuditEntry& entry) {
  if (broken_) return false;
  auto fail = [&](std::int64_t sequence, std::string reason) {
    Fail(sequence, std::move(reason));
    return false;
  };
  if (entry.sequence > expected_) {
    return fail(expected_, "sequence " + std::to_string(expected_) + " is missing");
  }
  if (entry.sequence < expected_) {
    return fail(expected_, "sequence " + std::to_string(entry.sequence) + " appears where " +
                               std::to_string(expected_) + " should");
  }
  if (entry.previous_hash != previous_hash_) {
    return fail(entry.sequence, expected_ == 1
                                    ? "the first entry has a previous_hash"
                                    : "previous_hash does not match the hash of sequence " +
                                          std::to_string(expected_ - 1));
  }
  if (AuditHash(entry) != entry.hash) {
    return fail(entry.sequence, "hash does not match the entry");
  }
  previous_hash_ = entry.hash;
  ++expected_;
  return true;
}

core::Result<void> ValidateAuditFilter(const core::ports::AuditFilter& filter) {
  if (filter.limit < 1 || filter.limit > 1000) {
    return Error::InvalidField("limit", "must be between 1 and 1000");
  }
  return core::Ok();
}

core::Result<void> ValidatePatientQuery(const core::ports::PatientQuery& query) {
  if (query.limit < 1 || query.limit > 100) {
    return Error::InvalidField("limit", "must be between 1 and 100");
  }
  if (query.offset < 0) return Error::InvalidField("offset", "must not be negative");
  return core::Ok();
}

}  // namespace unknot::storage
