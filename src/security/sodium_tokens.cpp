#include "security/sodium_tokens.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace unknot::security {

SodiumTokens::SodiumTokens() {
  // Fails only when the system has no usable randomness: nothing can be done safely then.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string SodiumTokens::NewToken() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 64> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text.data();
}

std::string SodiumTokens::Hash(std::string_view text) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
  std::array<char, crypto_generichash_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

bool SodiumTokens::Matches(std::string_view token, std::string_view hash) {
  std::string actual = Hash(token);
  return actual.size() == hash.size() &&
         sodium_memcmp(actual.data(), hash.data(), actual.size()) == 0;
}

}  // namespace unknot::security
