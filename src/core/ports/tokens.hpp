#pragma once

// Secret tokens (the manage link of an appointment) and the one-way hash that is all storage
// keeps of them.

#include <string>
#include <string_view>

namespace unknot::core::ports {

class TokenService {
 public:
  virtual ~TokenService() = default;
  // A new unguessable token, URL-safe text.
  virtual std::string NewToken() = 0;
  // A one-way hash of `text` as hex; the same text always gives the same hash.
  virtual std::string Hash(std::string_view text) = 0;
  // Whether `token` hashes to `hash`, compared in constant time.
  virtual bool Matches(std::string_view token, std::string_view hash) = 0;
};

}  // namespace unknot::core::ports
