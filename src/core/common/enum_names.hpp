#pragma once

// One table per enum maps values to their stable wire names (JSON, SQL, CLI), both ways.

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace unknot::core {

template <typename E, std::size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

template <typename E, std::size_t N>
constexpr std::string_view NameOf(const EnumNames<E, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
constexpr std::optional<E> ValueOf(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace unknot::core
