#pragma once

// StrongId<Tag>: a database row id that cannot be mixed up with another kind of id.

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace unknot::core {

template <typename Tag>
class StrongId {
 public:
  using underlying_type = std::int64_t;

  constexpr StrongId() = default;
  constexpr explicit StrongId(std::int64_t value) : value_(value) {}

  constexpr std::int64_t value() const { return value_; }
  // Ids are assigned by storage starting at 1; 0 means "not stored yet".
  constexpr bool is_set() const { return value_ > 0; }

  friend constexpr auto operator<=>(StrongId, StrongId) = default;
  friend std::string to_string(StrongId id) { return std::to_string(id.value_); }

 private:
  std::int64_t value_ = 0;
};

}  // namespace unknot::core

template <typename Tag>
struct std::hash<unknot::core::StrongId<Tag>> {
  std::size_t operator()(unknot::core::StrongId<Tag> id) const noexcept {
    return std::hash<std::int64_t>{}(id.value());
  }
};
