#include "security/session_secrets.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace unknot::security {

namespace {

void StartSodium() {
  // sodium_init is safe to call from several threads and more than once.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

std::string NewSecret() {
  StartSodium();
  std::array<unsigned char, kSecretBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, kSecretTextLength + 1> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string(text.data(), kSecretTextLength);
}

NewSessionSecrets NewSessionSecretsNow() {
  NewSessionSecrets secrets;
  secrets.session_id = NewSecret();
  secrets.session_id_hash = HashSessionId(secrets.session_id);
  secrets.csrf_token = NewSecret();
  return secrets;
}

std::string HashSessionId(std::string_view session_id) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(session_id.data()),
                     session_id.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

bool IsWellFormedSecret(std::string_view text) {
  if (text.size() != kSecretTextLength) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  // 32 bytes use 256 of the 258 bits of 43 characters: the last character carries 4 bits, so
  // only every fourth letter can end a secret. Checked so that two spellings never name one
  // secret.
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  return kAlphabet.find(text.back()) % 4 == 0;
}

bool SecretsEqual(std::string_view presented, std::string_view expected) {
  if (presented.size() != expected.size()) return false;
  return sodium_memcmp(presented.data(), expected.data(), presented.size()) == 0;
}

}  // namespace unknot::security
