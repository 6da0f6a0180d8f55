#include "security/password_hasher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace unknot::security {
namespace {

using ::testing::StartsWith;

// Tests hash at the smallest cost argon2id accepts; production keeps Interactive().
PasswordHasherOptions Fast() { return {HashCost::Minimum(), 2, 8}; }

std::string HashOf(PasswordHasher& hasher, std::string password) {
  auto hash = hasher.Hash(std::move(password)).get();
  EXPECT_TRUE(hash) << hash.error().message();
  return hash ? *hash : std::string();
}

TEST(PasswordHasherTest, ProductionCostIsInteractive) {
  const PasswordHasherOptions defaults;
  EXPECT_EQ(defaults.cost.opslimit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(defaults.cost.memlimit, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  EXPECT_EQ(defaults.threads, 2u);
}

TEST(PasswordHasherTest, HashThenVerifyRoundTrips) {
  PasswordHasher hasher(Fast());
  const std::string hash = HashOf(hasher, "correct horse battery staple");
  EXPECT_THAT(hash, StartsWith("$argon2id$v=19$"));
  EXPECT_EQ(hasher.Verify("correct horse battery staple", hash).get().value(),
            PasswordMatch::kMatch);
  // Salted: the same password never gives the same hash twice.
  EXPECT_NE(HashOf(hasher, "correct horse battery staple"), hash);
}

TEST(PasswordHasherTest, AWrongPasswordIsRefused) {
  PasswordHasher hasher(Fast());
  const std::string hash = HashOf(hasher, "correct horse battery staple");
  EXPECT_EQ(hasher.Verify("correct horse battery stapl", hash).get().value(),
            PasswordMatch::kNoMatch);
  EXPECT_EQ(hasher.Verify("Correct horse battery staple", hash).get().value(),
            PasswordMatch::kNoMatch);
  EXPECT_EQ(hasher.Verify("", hash).get().value(), PasswordMatch::kNoMatch);
}

TEST(PasswordHasherTest, AMalformedStoredHashNeverMatches) {
  PasswordHasher hasher(Fast());
  const std::vector<std::string> bad_hashes{"", "plain text", "$argon2id$v=19$m=8,t=1,p=1$broken",
                                            std::string(500, 'x')};
  for (const std::string& bad : bad_hashes) {
    EXPECT_EQ(hasher.Verify("plain text", bad).get().value(), PasswordMatch::kNoMatch) << bad;
  }
}

TEST(PasswordHasherTest, AnUnknownAccountIsVerifiedAgainstTheDummyHash) {
  PasswordHasher hasher(Fast());
  const std::string hash = HashOf(hasher, "correct horse battery staple");
  EXPECT_EQ(hasher.dummy_verifications(), 0u);
  // A real account: no dummy work.
  EXPECT_EQ(hasher.Verify("wrong guess of a password", hash).get().value(),
            PasswordMatch::kNoMatch);
  EXPECT_EQ(hasher.dummy_verifications(), 0u);
  // An unknown account: the same answer as a wrong password, and the argon2id work was done.
  EXPECT_EQ(hasher.Verify("wrong guess of a password", std::nullopt).get().value(),
            PasswordMatch::kNoMatch);
  EXPECT_EQ(hasher.dummy_verifications(), 1u);
  EXPECT_EQ(hasher.Verify("", std::nullopt).get().value(), PasswordMatch::kNoMatch);
  EXPECT_EQ(hasher.dummy_verifications(), 2u);
}

TEST(PasswordHasherTest, WorkRunsOnThePoolNeverOnTheCallersThread) {
  PasswordHasher hasher(Fast());
  std::promise<std::thread::id> hashed_on;
  hasher.Hash("correct horse battery staple", [&](core::Result<std::string> hash) {
    EXPECT_TRUE(hash);
    hashed_on.set_value(std::this_thread::get_id());
  });
  EXPECT_NE(hashed_on.get_future().get(), std::this_thread::get_id());
  std::promise<std::thread::id> verified_on;
  hasher.Verify("x", std::nullopt, [&](core::Result<PasswordMatch> match) {
    EXPECT_EQ(match.value(), PasswordMatch::kNoMatch);
    verified_on.set_value(std::this_thread::get_id());
  });
  EXPECT_NE(verified_on.get_future().get(), std::this_thread::get_id());
}

TEST(PasswordHasherTest, AFullQueueRefusesAtOnceWithUnavailable) {
  auto pool = std::make_unique<WorkPool>(1, 1);
  WorkPool& shared_pool = *pool;
  PasswordHasher hasher(HashCost::Minimum(), std::move(pool));
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  // Occupy the only worker, then the only place in the queue.
  ASSERT_TRUE(shared_pool.Submit([opened] { opened.wait(); }));
  auto queued = hasher.Hash("correct horse battery staple");

  // Both refused on the caller's thread, before the callback returns, without waiting.
  std::optional<core::Result<std::string>> hash_answer;
  hasher.Hash("another long password", [&](core::Result<std::string> r) { hash_answer = r; });
  ASSERT_TRUE(hash_answer.has_value());
  ASSERT_FALSE(*hash_answer);
  EXPECT_EQ(hash_answer->error().code(), core::ErrorCode::kUnavailable);
  auto verify = hasher.Verify("another long password", std::nullopt);
  ASSERT_EQ(verify.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  auto verify_answer = verify.get();
  ASSERT_FALSE(verify_answer);
  EXPECT_EQ(verify_answer.error().code(), core::ErrorCode::kUnavailable);
  EXPECT_EQ(hasher.dummy_verifications(), 0u);  // refused work is not done

  gate.set_value();
  auto queued_hash = queued.get();  // the one that found room completes
  ASSERT_TRUE(queued_hash);
  EXPECT_EQ(hasher.Verify("correct horse battery staple", *queued_hash).get().value(),
            PasswordMatch::kMatch);
}

TEST(PasswordHasherTest, QueuedWorkFinishesWhenTheHasherIsDestroyed) {
  std::vector<std::future<core::Result<std::string>>> hashes;
  {
    PasswordHasher hasher({HashCost::Minimum(), 1, 8});
    for (int i = 0; i < 5; ++i)
      hashes.push_back(hasher.Hash("password number " + std::to_string(i)));
  }
  for (auto& hash : hashes) EXPECT_TRUE(hash.get());
}

TEST(PasswordHasherTest, NeedsRehashWhenTheCostOrAlgorithmDiffers) {
  PasswordHasher fast(Fast());
  const std::string hash = HashOf(fast, "correct horse battery staple");
  EXPECT_FALSE(fast.NeedsRehash(hash));

  const HashCost stronger{HashCost::Minimum().opslimit + 1, HashCost::Minimum().memlimit};
  PasswordHasher stronger_hasher({stronger, 1, 1});
  EXPECT_TRUE(stronger_hasher.NeedsRehash(hash));
  // Still verifies: the stored hash carries its own cost.
  EXPECT_EQ(stronger_hasher.Verify("correct horse battery staple", hash).get().value(),
            PasswordMatch::kMatch);

  EXPECT_TRUE(fast.NeedsRehash(""));
  EXPECT_TRUE(fast.NeedsRehash("not a hash"));
  EXPECT_TRUE(fast.NeedsRehash(std::string(500, '$')));
  // An argon2i hash (an older default): another algorithm, so rehash.
  std::array<char, crypto_pwhash_STRBYTES> argon2i{};
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i.data(), "pw", 2, crypto_pwhash_argon2i_OPSLIMIT_MIN,
                                  crypto_pwhash_argon2i_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2I13),
            0);
  EXPECT_TRUE(fast.NeedsRehash(argon2i.data()));
}

}  // namespace
}  // namespace unknot::security
