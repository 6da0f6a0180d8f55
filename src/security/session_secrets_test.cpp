#include "security/session_secrets.hpp"

#include <gtest/gtest.h>

#include <set>

namespace unknot::security {
namespace {

TEST(SessionSecretsTest, SecretsAre32RandomBytesAsBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string secret = NewSecret();
    EXPECT_EQ(secret.size(), kSecretTextLength);
    EXPECT_TRUE(IsWellFormedSecret(secret)) << secret;
    EXPECT_TRUE(seen.insert(secret).second) << "a secret came twice";
  }
}

TEST(SessionSecretsTest, ANewSessionHasAnIdItsHashAndASeparateCsrfToken) {
  const NewSessionSecrets secrets = NewSessionSecretsNow();
  EXPECT_TRUE(IsWellFormedSecret(secrets.session_id));
  EXPECT_TRUE(IsWellFormedSecret(secrets.csrf_token));
  EXPECT_NE(secrets.session_id, secrets.csrf_token);
  EXPECT_EQ(secrets.session_id_hash, HashSessionId(secrets.session_id));
  // What storage keeps does not contain the id.
  EXPECT_EQ(secrets.session_id_hash.find(secrets.session_id), std::string::npos);
}

TEST(SessionSecretsTest, TheStoredHashIsSha256InHex) {
  // SHA-256("abc"), FIPS 180-2 test vector.
  EXPECT_EQ(HashSessionId("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashSessionId(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string id = NewSecret();
  EXPECT_EQ(HashSessionId(id), HashSessionId(id));
  EXPECT_NE(HashSessionId(id), HashSessionId(NewSecret()));
}

TEST(SessionSecretsTest, RefusesValuesThatNoSecretCouldBe) {
  const std::string good = NewSecret();
  EXPECT_FALSE(IsWellFormedSecret(""));
  EXPECT_FALSE(IsWellFormedSecret(good.substr(1)));
  EXPECT_FALSE(IsWellFormedSecret(good + "A"));
  std::string padded = good.substr(0, 42) + "=";
  EXPECT_FALSE(IsWellFormedSecret(padded));
  std::string plus = good;
  plus[5] = '+';  // standard base64, not base64url
  EXPECT_FALSE(IsWellFormedSecret(plus));
  std::string quote = good;
  quote[0] = '\'';
  EXPECT_FALSE(IsWellFormedSecret(quote));
  // The last character carries 4 bits: "B" (index 1) cannot end a 32-byte secret, "A" can.
  EXPECT_TRUE(IsWellFormedSecret(std::string(42, 'A') + "A"));
  EXPECT_FALSE(IsWellFormedSecret(std::string(42, 'A') + "B"));
}

TEST(SessionSecretsTest, SecretsEqualComparesWholeValues) {
  const std::string token = NewSecret();
  EXPECT_TRUE(SecretsEqual(token, token));
  EXPECT_TRUE(SecretsEqual(std::string(token), token));
  EXPECT_FALSE(SecretsEqual(token, NewSecret()));
  EXPECT_FALSE(SecretsEqual(token.substr(0, 42), token));
  EXPECT_FALSE(SecretsEqual("", token));
  EXPECT_TRUE(SecretsEqual("", ""));
}

}  // namespace
}  // namespace unknot::security
