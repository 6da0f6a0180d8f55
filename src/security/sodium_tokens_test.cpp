#include "security/sodium_tokens.hpp"

#include <gtest/gtest.h>

#include <set>

namespace unknot::security {
namespace {

TEST(SodiumTokensTest, TokensAreUniqueUrlSafeAndMatchOnlyTheirHash) {
  SodiumTokens tokens;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string token = tokens.NewToken();
    EXPECT_EQ(token.size(), 43u);  // 32 bytes, base64url without padding
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    EXPECT_TRUE(seen.insert(token).second);
  }
  std::string token = tokens.NewToken();
  std::string hash = tokens.Hash(token);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash, tokens.Hash(token));
  EXPECT_TRUE(tokens.Matches(token, hash));
  EXPECT_FALSE(tokens.Matches(token + "x", hash));
  EXPECT_FALSE(tokens.Matches(token, hash.substr(1)));
}

}  // namespace
}  // namespace unknot::security
