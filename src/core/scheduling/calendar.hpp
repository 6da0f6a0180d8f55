#pragma once

// The time the front desk's calendar shades for each practitioner: when they work (weekly hours
// minus breaks and time off) and when they are free (that, minus their bookings). The same
// building blocks as the availability engine (free_time.hpp), so the calendar and online booking
// agree on when someone works; free time here is the practitioner's own, whatever the rooms.

#include <optional>
#include <span>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/scheduling/availability.hpp"

namespace unknot::core::scheduling {

struct PractitionerTime {
  PractitionerId practitioner;
  std::vector<Interval> working;  // ordered, disjoint
  std::vector<Interval> free;     // ordered, disjoint, each inside a working span
};

// For each active practitioner of the setup (ordered by id), or only `only` when given, the
// working and free time over the clinic-local days from `from` for `days` days. `bookings` are
// the live appointments (any order); those of other practitioners are ignored. kInvalidArgument
// when days is not 1..31; kNotFound ("practitioner") when `only` is not the clinic's.
Result<std::vector<PractitionerTime>> PractitionerTimes(const clinic::ClinicSetup& setup,
                                                        std::span<const Booking> bookings,
                                                        LocalDate from, int days,
                                                        std::optional<PractitionerId> only);

}  // namespace unknot::core::scheduling
