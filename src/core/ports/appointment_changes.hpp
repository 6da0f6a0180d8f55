#pragma once

// The change feed of a clinic's appointments: what the live calendar (server-sent events) reads.
// Every insert or update of an appointment gets the clinic's next change number, assigned by the
// database itself (triggers, so no write path can forget it) and ordered like the commits: when
// a change numbered n is visible, every change of the same clinic numbered below n is visible
// too. So a reader that has seen every change up to n misses nothing by asking for those after n.
//
// Like the other ports, the methods fail only with kUnavailable or kInternal.

#include <cstdint>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::core::ports {

// An appointment as it is now, with the number of its latest change.
struct AppointmentChange {
  std::int64_t change = 0;  // > 0; increasing per clinic in commit order
  scheduling::Appointment appointment;

  friend bool operator==(const AppointmentChange&, const AppointmentChange&) = default;
};

class AppointmentChangeFeed {
 public:
  virtual ~AppointmentChangeFeed() = default;

  // The clinic's appointments whose latest change is numbered above `after`, each once with its
  // current state, ordered by change number, at most `limit` (> 0) of them: ask again after the
  // last one returned to read on. Empty when there is none, also for a clinic that does not
  // exist. A change numbered below another one already returned can never appear later.
  virtual Result<std::vector<AppointmentChange>> ChangesSince(ClinicId clinic, std::int64_t after,
                                                              int limit) = 0;

  // The clinic's latest change number; 0 when its appointments never changed (or there is no such
  // clinic).
  virtual Result<std::int64_t> LastChange(ClinicId clinic) = 0;
};

}  // namespace unknot::core::ports
