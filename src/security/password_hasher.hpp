#pragma once

// Staff passwords hashed with argon2id (libsodium crypto_pwhash_str_alg), on a small bounded
// work pool of its own and never on the caller's thread: a hash costs ~0.1 s of a core and
// 64 MiB (shared/reference/stack.md), which would stall an I/O thread and everything on it.
//
// Every operation completes a callback on a pool thread, or a std::future. When the pool's queue
// is full the answer is kUnavailable at once (the sign-in route turns that into 503 with
// Retry-After), so a burst of sign-ins can neither block the server nor grow memory without end.

#include <sodium.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "security/work_pool.hpp"

namespace unknot::security {

// The argon2id cost. Production uses Interactive(); tests pass Minimum() to keep them fast. A
// stored hash records its own cost, so verifying an old hash works after the cost changes, and
// NeedsRehash() says when to store a new one.
struct HashCost {
  unsigned long long opslimit;
  std::size_t memlimit;

  static HashCost Interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
  }
  // For tests only: the smallest cost argon2id accepts (about a millisecond, 8 KiB).
  static HashCost Minimum() {
    return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
  }
};

struct PasswordHasherOptions {
  HashCost cost = HashCost::Interactive();
  // Hashes running at once: each holds `cost.memlimit` of memory while it runs.
  std::size_t threads = 2;
  // Requests waiting for a thread before new ones are refused with kUnavailable. 16 waiting on
  // 2 threads at ~0.1 s each is ~0.8 s of waiting on an idle machine, a few seconds when the
  // niced threads yield to busy I/O threads (32 measured waits up to 8 s): longer than a person
  // minds at a sign-in form, shorter than a client's timeout.
  std::size_t queue_capacity = 16;
  // The hashing threads' nice value: below the I/O threads, so a burst of sign-ins slows
  // sign-ins, not the patients' pages (docs/benchmarks.md, issue 13).
  int nice = 10;
};

enum class PasswordMatch { kMatch, kNoMatch };

class PasswordHasher {
 public:
  using HashDone = std::function<void(core::Result<std::string>)>;
  using VerifyDone = std::function<void(core::Result<PasswordMatch>)>;

  // Starts the pool and makes the dummy hash that unknown accounts are verified against (one
  // hash at the configured cost, so ~0.1 s at start in production). Throws std::runtime_error
  // when libsodium cannot start (no usable randomness): nothing safe can be done then.
  explicit PasswordHasher(PasswordHasherOptions options = {});
  // For tests: runs on `pool` instead of a pool of its own (so a test can fill the queue).
  PasswordHasher(HashCost cost, std::unique_ptr<WorkPool> pool);
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // Hashes `password` into libsodium's self-describing string ("$argon2id$v=19$m=...").
  // `done` gets the hash, kUnavailable when the pool is full (then called at once on the
  // caller's thread, without hashing), or kInternal when memory for the hash cannot be had.
  void Hash(std::string password, HashDone done);
  std::future<core::Result<std::string>> Hash(std::string password);

  // Whether `password` matches `stored_hash`. For an unknown (or disabled) account pass
  // std::nullopt: the password is then verified against a fixed dummy hash at the same cost and
  // the answer is kNoMatch, so an unknown email and a wrong password cost the same time (issue
  // 13). A malformed stored hash is kNoMatch. kUnavailable, at once, when the pool is full.
  void Verify(std::string password, std::optional<std::string> stored_hash, VerifyDone done);
  std::future<core::Result<PasswordMatch>> Verify(std::string password,
                                                  std::optional<std::string> stored_hash);

  // Whether `stored_hash` was made with another algorithm or cost than this hasher's, and should
  // be replaced after the next successful sign-in. True for a malformed hash. Cheap (parses the
  // string), so it may run on any thread.
  bool NeedsRehash(std::string_view stored_hash) const;

  const HashCost& cost() const { return cost_; }
  // How many verifications ran against the dummy hash (for tests and metrics).
  std::uint64_t dummy_verifications() const { return dummy_verifications_.load(); }

 private:
  const HashCost cost_;
  std::string dummy_hash_;
  std::atomic<std::uint64_t> dummy_verifications_{0};
  // Last: destroyed first, so the jobs still queued finish while the members they use exist.
  std::unique_ptr<WorkPool> pool_;
};

}  // namespace unknot::security
