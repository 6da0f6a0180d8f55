#include "api/http/client_address.hpp"

#include <gtest/gtest.h>

namespace unknot::api::http {
namespace {

TrustedProxies Trust(const std::vector<std::string>& cidrs) {
  auto proxies = TrustedProxies::Create(cidrs);
  EXPECT_TRUE(proxies) << proxies.error().message();
  return proxies ? *proxies : TrustedProxies();
}

std::string Client(const TrustedProxies& proxies, std::string_view peer,
                   std::vector<std::string_view> forwarded_for) {
  return proxies.ClientAddress(peer, forwarded_for);
}

TEST(TrustedProxiesTest, RangesOfBothFamilies) {
  TrustedProxies proxies = Trust({"10.0.0.0/8", "192.168.1.7", "fd00::/8", "172.16.0.0/12"});

  EXPECT_TRUE(proxies.Contains("10.1.2.3"));
  EXPECT_TRUE(proxies.Contains("192.168.1.7"));
  EXPECT_FALSE(proxies.Contains("192.168.1.8"));
  EXPECT_TRUE(proxies.Contains("172.31.255.255"));
  EXPECT_FALSE(proxies.Contains("172.32.0.1"));
  EXPECT_TRUE(proxies.Contains("fd12:3456::1"));
  EXPECT_FALSE(proxies.Contains("fe80::1"));
  EXPECT_TRUE(proxies.Contains("::ffff:10.9.9.9"));  // a dual-stack listener's IPv4 peer
  EXPECT_FALSE(proxies.Contains("not an address"));
  EXPECT_FALSE(TrustedProxies().Contains("10.1.2.3"));
}

TEST(TrustedProxiesTest, ZeroPrefixTrustsAFamily) {
  TrustedProxies proxies = Trust({"0.0.0.0/0"});
  EXPECT_TRUE(proxies.Contains("203.0.113.9"));
  EXPECT_FALSE(proxies.Contains("2001:db8::1"));
}

TEST(TrustedProxiesTest, RejectsMalformedRanges) {
  for (std::string bad :
       {"10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0/8", "proxy.local", "10.0.0.0/8x", ""}) {
    auto proxies = TrustedProxies::Create({bad});
    ASSERT_FALSE(proxies) << bad;
    EXPECT_EQ(proxies.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(proxies.error().fields().front().reason.find(bad), std::string::npos);
  }
}

TEST(ClientAddressTest, AnUntrustedPeerIsTheClientWhateverTheHeaderSays) {
  TrustedProxies proxies = Trust({"10.0.0.1"});
  EXPECT_EQ(Client(proxies, "203.0.113.5", {"198.51.100.1"}), "203.0.113.5");
  EXPECT_EQ(Client(TrustedProxies(), "127.0.0.1", {"198.51.100.1"}), "127.0.0.1");
}

TEST(ClientAddressTest, TheRightMostUntrustedEntryIsTheClient) {
  TrustedProxies proxies = Trust({"10.0.0.0/8"});
  // The client forged the first entry; our proxies appended the rest.
  EXPECT_EQ(Client(proxies, "10.0.0.1", {"1.1.1.1, 203.0.113.7, 10.0.0.2"}), "203.0.113.7");
  // Several headers count as one list, in order.
  EXPECT_EQ(Client(proxies, "10.0.0.1", {"1.1.1.1", "203.0.113.7", "10.0.0.3"}), "203.0.113.7");
  EXPECT_EQ(Client(proxies, "10.0.0.1", {"203.0.113.7,10.0.0.3,"}), "203.0.113.7");
}

TEST(ClientAddressTest, WithoutAHeaderOrWhenEveryEntryIsTrusted) {
  TrustedProxies proxies = Trust({"10.0.0.0/8"});
  EXPECT_EQ(Client(proxies, "10.0.0.1", {}), "10.0.0.1");
  EXPECT_EQ(Client(proxies, "10.0.0.1", {"10.0.0.9, 10.0.0.8"}), "10.0.0.9");
}

TEST(ClientAddressTest, GarbageStopsTheWalkAtTheLastTrustedHop) {
  TrustedProxies proxies = Trust({"10.0.0.0/8"});
  EXPECT_EQ(Client(proxies, "10.0.0.1", {"203.0.113.7, unknown"}), "10.0.0.1");
  EXPECT_EQ(Client(proxies, "10.0.0.1", {"203.0.113.7, _hidden, 10.0.0.2"}), "10.0.0.2");
}

TEST(ClientAddressTest, PortsBracketsAndCanonicalForms) {
  TrustedProxies proxies = Trust({"::1", "127.0.0.1"});
  EXPECT_EQ(Client(proxies, "::1", {"[2001:DB8::7]:4711"}), "2001:db8::7");
  EXPECT_EQ(Client(proxies, "::ffff:127.0.0.1", {"203.0.113.7:5000"}), "203.0.113.7");
  EXPECT_EQ(Client(proxies, "::ffff:203.0.113.9", {"1.2.3.4"}), "203.0.113.9");
}

TEST(AddressKeyTest, IPv6CountsPerSlash64) {
  EXPECT_EQ(AddressKey("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(AddressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("2001:db8:1:2::9"), AddressKey("2001:db8:1:2:ffff::1"));
  EXPECT_EQ(AddressKey(""), "");
}

}  // namespace
}  // namespace unknot::api::http
