#include "storage/audit_chain.hpp"

#include <gtest/gtest.h>

namespace unknot::storage {
namespace {

using core::staff::AuditEntry;

AuditEntry Sample() {
  AuditEntry entry;
  entry.clinic = core::ClinicId{3};
  entry.staff = core::StaffId{5};
  entry.staff_email = "owner@example.org";
  entry.role = core::staff::StaffRole::kOwner;
  entry.action = "view_patient_contact";
  entry.patient = core::PatientId{12};
  entry.record = "patient/12";
  entry.detail = "kept 2 appointments";
  entry.at = core::ParseInstant("2026-11-26T18:00:00Z").value();
  entry.client_address = "192.0.2.7";
  entry.request_id = "req-1";
  return entry;
}

// Hashes computed outside unknot (Python's hashlib over the canonical text): stored chains stay
// verifiable only while these hold.
constexpr std::string_view kFirstHash =
    "ecf3ab0e8d53522bb5dd0325d30eadfe16ff767ecd413e26877ffa04685d2170";
constexpr std::string_view kSecondHash =
    "a6226b13c909dee1ee4fd7425f26f48697cedb6f5ab9c273c2f8477a4656152f";

TEST(AuditChainTest, HashesAreSha256OfTheCanonicalTextAndStable) {
  AuditEntry first = ChainAuditEntry(Sample(), 1, "");
  EXPECT_EQ(first.sequence, 1);
  EXPECT_EQ(first.previous_hash, "");
  EXPECT_EQ(first.hash, kFirstHash);
  AuditEntry second = ChainAuditEntry(Sample(), 2, first.hash);
  EXPECT_EQ(second.previous_hash, kFirstHash);
  EXPECT_EQ(second.hash, kSecondHash);
  // The hash does not cover itself.
  AuditEntry with_other_hash = first;
  with_other_hash.hash = "whatever";
  EXPECT_EQ(AuditHash(with_other_hash), kFirstHash);
}

TEST(AuditChainTest, TheWalkReportsTheFirstBreakWithItsReason) {
  std::vector<AuditEntry> chain;
  for (int i = 1; i <= 4; ++i) {
    chain.push_back(ChainAuditEntry(Sample(), i, chain.empty() ? "" : chain.back().hash));
  }
  auto walk = [&](const std::vector<AuditEntry>& entries) {
    AuditChainWalk w(core::ClinicId{3});
    for (const auto& e : entries) {
      if (!w.Next(e)) break;
    }
    return w.broken();
  };
  EXPECT_FALSE(walk(chain));

  auto edited = chain;
  edited[1].detail = "kept 3 appointments";
  ASSERT_TRUE(walk(edited));
  EXPECT_EQ(walk(edited)->clinic, core::ClinicId{3});
  EXPECT_EQ(walk(edited)->sequence, 2);
  EXPECT_EQ(walk(edited)->reason, "hash does not match the entry");

  auto rehashed = edited;
  rehashed[1].hash = AuditHash(rehashed[1]);
  EXPECT_EQ(walk(rehashed)->sequence, 3);
  EXPECT_EQ(walk(rehashed)->reason, "previous_hash does not match the hash of sequence 2");

  auto gap = chain;
  gap.erase(gap.begin() + 2);
  EXPECT_EQ(walk(gap)->sequence, 3);
  EXPECT_EQ(walk(gap)->reason, "sequence 3 is missing");

  auto headless = chain;
  headless.erase(headless.begin());
  EXPECT_EQ(walk(headless)->sequence, 1);
  EXPECT_EQ(walk(headless)->reason, "sequence 1 is missing");

  auto repeated = chain;
  repeated[2] = repeated[1];
  EXPECT_EQ(walk(repeated)->sequence, 3);
  EXPECT_EQ(walk(repeated)->reason, "sequence 2 appears where 3 should");
}

TEST(AuditChainTest, EntriesAreCheckedBeforeAWriteAppendsThem) {
  AuditEntry unset = Sample();
  unset.clinic = core::ClinicId{};
  EXPECT_EQ(PrepareAuditEntry(unset, core::ClinicId{7})->clinic, core::ClinicId{7});
  EXPECT_EQ(PrepareAuditEntry(Sample(), core::ClinicId{7}).error().code(),
            core::ErrorCode::kInvalidArgument);
  AuditEntry no_action = Sample();
  no_action.action = "";
  EXPECT_EQ(PrepareAuditEntry(no_action, core::ClinicId{3}).error().code(),
            core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace unknot::storage
