#pragma once

// Who sent a request: the TCP peer, or — behind a reverse proxy the operator trusts
// (`serve --trusted-proxy CIDR`) — the address that proxy recorded in X-Forwarded-For. Only the
// entries added by trusted proxies are believed: a client can write anything into the header,
// so the answer is the right-most entry that is not itself a trusted proxy.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace unknot::api::http {

class TrustedProxies {
 public:
  // No proxy is trusted: every request's client is its peer.
  TrustedProxies() = default;

  // Each entry is "ADDRESS/PREFIX" or a bare address (a single host), IPv4 or IPv6, e.g.
  // "10.0.0.0/8", "192.168.1.7", "fd00::/8". kInvalidArgument naming the entry otherwise.
  static core::Result<TrustedProxies> Create(const std::vector<std::string>& cidrs);

  bool empty() const { return ranges_.empty(); }

  // Whether `address` (an IP address; IPv4-mapped IPv6 counts as IPv4) lies in a trusted range.
  // False for anything that is not an IP address.
  bool Contains(std::string_view address) const;

  // The client of a request that came from `peer` with these X-Forwarded-For header values, in
  // the order received. When the peer is not trusted: the peer. Otherwise the entries are read
  // from the right, skipping trusted proxies; the first other one is the client. When an entry
  // is not an IP address (forged or garbled), the last trusted hop before it is the answer; when
  // every entry is trusted, the left-most. Addresses come back in canonical text form (IPv6 in
  // lower case and compressed, IPv4-mapped IPv6 as IPv4); a peer that is not an IP address is
  // returned as given.
  std::string ClientAddress(std::string_view peer,
                            std::span<const std::string_view> forwarded_for) const;

 private:
  struct Range {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
    bool v6 = false;
    unsigned prefix = 0;  // bits
  };

  std::vector<Range> ranges_;
};

// The canonical text of an IP address ("::ffff:10.0.0.1" -> "10.0.0.1", "2001:DB8::1" ->
// "2001:db8::1"); empty when `text` is not one. Accepts "[v6]", "v4:port" and "[v6]:port" as
// proxies write them.
std::string CanonicalAddress(std::string_view text);

// What to count a client's requests under: an IPv4 address itself, an IPv6 address's /64
// network ("2001:db8:1:2::/64"), since one subscriber is usually given a whole /64 and could
// otherwise pick a fresh address per request. Anything else is returned unchanged.
std::string AddressKey(std::string_view address);

}  // namespace unknot::api::http
