#include "security/session_cookie.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "security/session_secrets.hpp"

namespace unknot::security {
namespace {

using namespace std::chrono_literals;

TEST(SessionCookieTest, PlainHttpCookieIsHttpOnlyStrictAndSiteWide) {
  auto cookie = SessionCookie("abc-DEF_123", CookieSecurity::kPlainHttp, 12h);
  ASSERT_TRUE(cookie);
  EXPECT_EQ(*cookie,
            "unknot_session=abc-DEF_123; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
}

TEST(SessionCookieTest, SecureCookieAddsSecureAndTheHostPrefix) {
  auto cookie = SessionCookie("abc", CookieSecurity::kSecure, 30min);
  ASSERT_TRUE(cookie);
  EXPECT_EQ(*cookie,
            "__Host-unknot_session=abc; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(SessionCookieName(CookieSecurity::kSecure), "__Host-unknot_session");
}

TEST(SessionCookieTest, ANegativeMaxAgeCountsAsZero) {
  EXPECT_EQ(SessionCookie("abc", CookieSecurity::kPlainHttp, -5s).value(),
            "unknot_session=abc; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

TEST(SessionCookieTest, RefusesValuesACookieCannotCarry) {
  const std::vector<std::string_view> bad_values{"",
                                                 "a b",
                                                 "a;b",
                                                 "a,b",
                                                 "a\"b",
                                                 "a\\b",
                                                 "a\r\nSet-Cookie: x=y",
                                                 "caf\xC3\xA9",
                                                 std::string_view("a\0b", 3)};
  for (std::string_view bad : bad_values) {
    auto cookie = SessionCookie(bad, CookieSecurity::kSecure, 1h);
    ASSERT_FALSE(cookie) << bad;
    EXPECT_EQ(cookie.error().code(), core::ErrorCode::kInvalidArgument);
  }
}

TEST(SessionCookieTest, ExpiredCookieTellsTheBrowserToForgetIt) {
  EXPECT_EQ(ExpiredSessionCookie(CookieSecurity::kPlainHttp),
            "unknot_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(ExpiredSessionCookie(CookieSecurity::kSecure),
            "__Host-unknot_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

TEST(FindCookieTest, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(FindCookie("unknot_session=abc", "unknot_session"), "abc");
  EXPECT_EQ(FindCookie("theme=dark; unknot_session=abc; lang=en", "unknot_session"), "abc");
  EXPECT_EQ(FindCookie("theme=dark;unknot_session=abc", "unknot_session"), "abc");
  EXPECT_EQ(FindCookie("  unknot_session = abc  ", "unknot_session"), "abc");
  EXPECT_EQ(FindCookie("a=b=c", "a"), "b=c");
  EXPECT_EQ(FindCookie("unknot_session=", "unknot_session"), "");
  // The first of two wins.
  EXPECT_EQ(FindCookie("unknot_session=one; unknot_session=two", "unknot_session"), "one");
}

TEST(FindCookieTest, MatchesWholeNamesExactly) {
  EXPECT_EQ(FindCookie("", "unknot_session"), std::nullopt);
  EXPECT_EQ(FindCookie("x_unknot_session=abc", "unknot_session"), std::nullopt);
  EXPECT_EQ(FindCookie("unknot_session_x=abc", "unknot_session"), std::nullopt);
  EXPECT_EQ(FindCookie("Unknot_Session=abc", "unknot_session"), std::nullopt);
  EXPECT_EQ(FindCookie("unknot_session", "unknot_session"), std::nullopt);  // no '='
  EXPECT_EQ(FindCookie("__Host-unknot_session=abc", "unknot_session"), std::nullopt);
  EXPECT_EQ(FindCookie("__Host-unknot_session=abc", SessionCookieName(CookieSecurity::kSecure)),
            "abc");
}

TEST(SessionCookieTest, ANewSessionIdSurvivesTheTripThroughTheBrowser) {
  for (CookieSecurity security : {CookieSecurity::kSecure, CookieSecurity::kPlainHttp}) {
    const NewSessionSecrets secrets = NewSessionSecretsNow();
    auto set_cookie = SessionCookie(secrets.session_id, security, 12h);
    ASSERT_TRUE(set_cookie);
    // The browser sends back "name=value" of the Set-Cookie header, among its other cookies.
    const std::string pair = set_cookie->substr(0, set_cookie->find(';'));
    const std::string header = "theme=dark; " + pair + "; lang=en";
    const auto found = FindCookie(header, SessionCookieName(security));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(*found, secrets.session_id);
    EXPECT_TRUE(IsWellFormedSecret(*found));
    EXPECT_EQ(HashSessionId(*found), secrets.session_id_hash);
  }
}

}  // namespace
}  // namespace unknot::security
