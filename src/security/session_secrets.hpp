#pragma once

// The secrets of a staff session (issue 13): the session id, which travels only in an HttpOnly
// cookie and of which storage keeps only a hash (a leaked database or backup signs nobody in),
// and the CSRF token, which the staff page reads from GET .../session and sends back in a header
// on every request that changes something.

#include <cstddef>
#include <string>
#include <string_view>

namespace unknot::security {

// 32 random bytes, as base64url without padding: 43 characters of [A-Za-z0-9_-].
inline constexpr std::size_t kSecretBytes = 32;
inline constexpr std::size_t kSecretTextLength = 43;

struct NewSessionSecrets {
  std::string session_id;       // for the cookie only; never stored, never logged
  std::string session_id_hash;  // HashSessionId(session_id): what storage keeps and looks up
  std::string csrf_token;       // stored with the session; the page gets it from GET .../session
};

// A new secret from libsodium's randombytes (the kernel's CSPRNG). Initialises libsodium on first
// use; throws std::runtime_error if it cannot start (no usable randomness).
std::string NewSecret();

// A new session id, its hash and a CSRF token, each NewSecret().
NewSessionSecrets NewSessionSecretsNow();

// SHA-256 of the session id as 64 lower-case hex digits. SHA-256 rather than the BLAKE2b of
// SodiumTokens so that an operator can compute it inside PostgreSQL (sha256()) or sqlite3 when
// tracing a session; the id is 256 random bits, so no salt or slow hash is needed.
std::string HashSessionId(std::string_view session_id);

// Whether `text` has the shape of a secret made by NewSecret(). Checked before a cookie or
// header value reaches the database, so junk is refused without a query.
bool IsWellFormedSecret(std::string_view text);

// Compares a CSRF token (or any secret) with the expected one in time that does not depend on
// where they differ. Different lengths (which are not secret) are simply unequal.
bool SecretsEqual(std::string_view presented, std::string_view expected);

}  // namespace unknot::security
