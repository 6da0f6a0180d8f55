#include "core/ports/waitlist.hpp"

#include <charconv>

#include "core/common/enum_names.hpp"

namespace unknot::core::ports {
namespace {

constexpr EnumNames<WaitlistStatus, 4> kStatusNames{{
    {WaitlistStatus::kWaiting, "waiting"},
    {WaitlistStatus::kBooked, "booked"},
    {WaitlistStatus::kLeft, "left"},
    {WaitlistStatus::kEnded, "ended"},
}};
constexpr EnumNames<WaitlistSource, 2> kSourceNames{{
    {WaitlistSource::kOnline, "online"},
    {WaitlistSource::kStaff, "staff"},
}};
constexpr EnumNames<OfferStatus, 4> kOfferNames{{
    {OfferStatus::kOpen, "open"},
    {OfferStatus::kAccepted, "accepted"},
    {OfferStatus::kLapsed, "lapsed"},
    {OfferStatus::kGone, "gone"},
}};

std::optional<int> ParseInt(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view WaitlistStatusName(WaitlistStatus status) { return NameOf(kStatusNames, status); }
std::optional<WaitlistStatus> ParseWaitlistStatus(std::string_view name) {
  return ValueOf(kStatusNames, name);
}
std::string_view WaitlistSourceName(WaitlistSource source) { return NameOf(kSourceNames, source); }
std::optional<WaitlistSource> ParseWaitlistSource(std::string_view name) {
  return ValueOf(kSourceNames, name);
}
std::string_view OfferStatusName(OfferStatus status) { return NameOf(kOfferNames, status); }
std::optional<OfferStatus> ParseOfferStatus(std::string_view name) {
  return ValueOf(kOfferNames, name);
}

std::string FormatWaitlistWindows(const std::vector<WaitlistWindow>& windows) {
  std::string text;
  for (const WaitlistWindow& window : windows) {
    if (!text.empty()) text += ';';
    for (int day = 0; day < 7; ++day) text += (window.days >> day) & 1U ? '1' : '0';
    text += ':' + std::to_string(window.from.count()) + '-' + std::to_string(window.to.count());
  }
  return text;
}

std::optional<std::vector<WaitlistWindow>> ParseWaitlistWindows(std::string_view text) {
  std::vector<WaitlistWindow> windows;
  while (!text.empty()) {
    std::size_t semicolon = text.find(';');
    std::string_view one = text.substr(0, semicolon);
    text = semicolon == std::string_view::npos ? std::string_view{} : text.substr(semicolon + 1);
    if (one.size() < 11 || one[7] != ':') return std::nullopt;
    WaitlistWindow window{.days = 0};
    for (unsigned day = 0; day < 7; ++day) {
      if (one[day] == '1') {
        window.days |= 1U << day;
      } else if (one[day] != '0') {
        return std::nullopt;
      }
    }
    std::string_view span = one.substr(8);
    std::size_t dash = span.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto from = ParseInt(span.substr(0, dash));
    auto to = ParseInt(span.substr(dash + 1));
    if (!from || !to) return std::nullopt;
    window.from = std::chrono::minutes{*from};
    window.to = std::chrono::minutes{*to};
    windows.push_back(window);
  }
  return windows;
}

}  // namespace unknot::core::ports
