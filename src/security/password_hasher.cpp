#include "security/password_hasher.hpp"

#include <array>
#include <stdexcept>

namespace unknot::security {

namespace {

// Best effort: a std::string may have left copies behind when it grew or moved.
void Wipe(std::string& secret) {
  sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

core::Result<std::string> HashNow(const std::string& password, const HashCost& cost) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.opslimit,
                            cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return core::Error(core::ErrorCode::kInternal,
                       "hashing a password failed (not enough memory for argon2id)");
  }
  return std::string(out.data());
}

PasswordMatch VerifyNow(const std::string& password, const std::string& hash) {
  // libsodium reads the hash as a C string of at most crypto_pwhash_STRBYTES bytes.
  if (hash.size() >= crypto_pwhash_STRBYTES) return PasswordMatch::kNoMatch;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0
             ? PasswordMatch::kMatch
             : PasswordMatch::kNoMatch;
}

void StartSodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string MakeDummyHash(const HashCost& cost) {
  StartSodium();
  // A random password nobody knows: no password can match the dummy hash.
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  auto hash = HashNow(hex.data(), cost);
  if (!hash) throw std::runtime_error(hash.error().message());
  return *std::move(hash);
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordHasherOptions options)
    : PasswordHasher(options.cost, std::make_unique<WorkPool>(
                                       options.threads, options.queue_capacity, options.nice)) {}

PasswordHasher::PasswordHasher(HashCost cost, std::unique_ptr<WorkPool> pool)
    : cost_(cost), dummy_hash_(MakeDummyHash(cost)), pool_(std::move(pool)) {}

PasswordHasher::~PasswordHasher() = default;

void PasswordHasher::Hash(std::string password, HashDone done) {
  // Shared by the job and the refusal below: a refused job is dropped, its captures with it.
  auto shared_done = std::make_shared<HashDone>(std::move(done));
  auto submitted = pool_->Submit([this, password = std::move(password), shared_done]() mutable {
    auto hash = HashNow(password, cost_);
    Wipe(password);
    (*shared_done)(std::move(hash));
  });
  if (!submitted) (*shared_done)(std::move(submitted).error());
}

std::future<core::Result<std::string>> PasswordHasher::Hash(std::string password) {
  // shared_ptr because std::function needs a copyable callable and a promise is move-only.
  auto promise = std::make_shared<std::promise<core::Result<std::string>>>();
  auto future = promise->get_future();
  Hash(std::move(password),
       [promise](core::Result<std::string> result) { promise->set_value(std::move(result)); });
  return future;
}

void PasswordHasher::Verify(std::string password, std::optional<std::string> stored_hash,
                            VerifyDone done) {
  auto shared_done = std::make_shared<VerifyDone>(std::move(done));
  auto submitted = pool_->Submit([this, password = std::move(password),
                                  stored_hash = std::move(stored_hash), shared_done]() mutable {
    PasswordMatch match = PasswordMatch::kNoMatch;
    if (stored_hash) {
      match = VerifyNow(password, *stored_hash);
    } else {
      // The same work as for a real account, and the answer of a wrong password.
      (void)VerifyNow(password, dummy_hash_);
      dummy_verifications_.fetch_add(1);
    }
    Wipe(password);
    (*shared_done)(match);
  });
  if (!submitted) (*shared_done)(std::move(submitted).error());
}

std::future<core::Result<PasswordMatch>> PasswordHasher::Verify(
    std::string password, std::optional<std::string> stored_hash) {
  auto promise = std::make_shared<std::promise<core::Result<PasswordMatch>>>();
  auto future = promise->get_future();
  Verify(std::move(password), std::move(stored_hash),
         [promise](core::Result<PasswordMatch> result) { promise->set_value(std::move(result)); });
  return future;
}

bool PasswordHasher::NeedsRehash(std::string_view stored_hash) const {
  if (stored_hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string hash(stored_hash);
  // 0: made with argon2id at exactly this cost; 1: another cost; -1: not an argon2id hash
  // (the generic crypto_pwhash_str_needs_rehash would accept an argon2i hash of the same cost).
  return crypto_pwhash_argon2id_str_needs_rehash(hash.c_str(), cost_.opslimit, cost_.memlimit) != 0;
}

}  // namespace unknot::security
