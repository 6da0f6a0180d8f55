#pragma once

// TokenService on libsodium: 32 random bytes as base64url, BLAKE2b-256 hashes.

#include "core/ports/tokens.hpp"

namespace unknot::security {

class SodiumTokens final : public core::ports::TokenService {
 public:
  // Initialises libsodium (safe to call more than once).
  SodiumTokens();
  std::string NewToken() override;
  std::string Hash(std::string_view text) override;
  bool Matches(std::string_view token, std::string_view hash) override;
};

}  // namespace unknot::security
