#include "api/http/client_address.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include <boost/asio/ip/address.hpp>

namespace unknot::api::http {
namespace {

namespace ip = boost::asio::ip;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Parses an address as proxies write it: bare, "[v6]", "[v6]:port" or "v4:port". IPv4-mapped
// IPv6 becomes IPv4, so a dual-stack listener's peers compare equal to IPv4 ranges.
std::optional<ip::address> ParseAddress(std::string_view text) {
  text = Trim(text);
  if (text.starts_with('[')) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (std::size_t colon = text.find(':');
             colon != std::string_view::npos &&
             text.find(':', colon + 1) == std::string_view::npos) {
    text = text.substr(0, colon);  // "v4:port": one colon cannot be IPv6
  }
  boost::system::error_code ec;
  ip::address address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::address(ip::make_address_v4(ip::v4_mapped, address.to_v6()));
  }
  return address;
}

}  // namespace

core::Result<TrustedProxies> TrustedProxies::Create(const std::vector<std::string>& cidrs) {
  TrustedProxies proxies;
  for (const std::string& cidr : cidrs) {
    auto invalid = [&] {
      return core::Error::InvalidField(
          "--trusted-proxy",
          fmt::format("'{}' is not an IP address or network such as 10.0.0.0/8 or fd00::/8", cidr));
    };
    std::string_view text = Trim(cidr);
    std::string_view address_text = text.substr(0, text.find('/'));
    boost::system::error_code ec;
    ip::address address = ip::make_address(std::string(address_text), ec);
    if (ec) return invalid();
    Range range;
    range.v6 = address.is_v6();
    if (range.v6) {
      auto bytes = address.to_v6().to_bytes();
      std::copy(bytes.begin(), bytes.end(), range.bytes.begin());
    } else {
      auto bytes = address.to_v4().to_bytes();
      std::copy(bytes.begin(), bytes.end(), range.bytes.begin());
    }
    const unsigned max_prefix = range.v6 ? 128 : 32;
    range.prefix = max_prefix;
    if (address_text.size() < text.size()) {
      std::string_view digits = text.substr(address_text.size() + 1);
      auto [end, parse_error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), range.prefix);
      if (digits.empty() || parse_error != std::errc{} || end != digits.data() + digits.size() ||
          range.prefix > max_prefix) {
        return invalid();
      }
    }
    proxies.ranges_.push_back(range);
  }
  return proxies;
}

bool TrustedProxies::Contains(std::string_view text) const {
  auto address = ParseAddress(text);
  if (!address) return false;
  std::array<std::uint8_t, 16> bytes{};
  if (address->is_v6()) {
    auto b = address->to_v6().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    auto b = address->to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  }
  for (const Range& range : ranges_) {
    if (range.v6 != address->is_v6()) continue;
    unsigned whole = range.prefix / 8;
    unsigned rest = range.prefix % 8;
    if (!std::equal(bytes.begin(), bytes.begin() + whole, range.bytes.begin())) continue;
    if (rest != 0) {
      auto mask = static_cast<std::uint8_t>(0xFFu << (8 - rest));
      if ((bytes[whole] & mask) != (range.bytes[whole] & mask)) continue;
    }
    return true;
  }
  return false;
}

std::string TrustedProxies::ClientAddress(std::string_view peer,
                                          std::span<const std::string_view> forwarded_for) const {
  std::string client = CanonicalAddress(peer);
  if (client.empty()) return std::string(peer);
  if (!Contains(client)) return client;
  // Walk the entries from the right: the last header's last entry was added by our own peer.
  for (auto header = forwarded_for.rbegin(); header != forwarded_for.rend(); ++header) {
    std::string_view list = *header;
    while (true) {
      std::size_t comma = list.rfind(',');
      std::string_view entry =
          Trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
      if (!entry.empty()) {
        std::string hop = CanonicalAddress(entry);
        if (hop.empty()) return client;  // garbage: believe nothing to its left
        client = std::move(hop);
        if (!Contains(client)) return client;
      }
      if (comma == std::string_view::npos) break;
      list = list.substr(0, comma);
    }
  }
  return client;
}

std::string CanonicalAddress(std::string_view text) {
  auto address = ParseAddress(text);
  return address ? address->to_string() : std::string();
}

std::string AddressKey(std::string_view text) {
  auto address = ParseAddress(text);
  if (!address || !address->is_v6()) return std::string(text);
  auto bytes = address->to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), std::uint8_t{0});
  return ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace unknot::api::http
