#pragma once

// The scheduling engine: which start times are really free for a service, and whether one given
// start is. A pure function of (clinic setup, existing bookings, now): no clock, no storage.
//
// Rules:
// - A practitioner may take a slot when the service may be delivered by them (role, skills,
//   active) and the service itself, [start, start + duration), lies inside one of their working
//   hours that day (clinic-local wall-clock times converted with kWorkingHoursDstPolicy), outside
//   every break and every time off.
// - The blocked span [start, start + duration + buffer_after) must not overlap the blocked span
//   of any booking of that practitioner, nor of any booking of the room that would be used; a
//   room of the service's room kind must be free for the whole blocked span (the free room with
//   the lowest id is chosen).
// - Starts step from the beginning of each working-hours span by the clinic's slot step, in real
//   (UTC) minutes, so DST days are right: no start at a local time that does not exist, none
//   listed twice on the fall-back day, durations in real minutes.
// - start >= now + min_notice and start < now + horizon.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::core::scheduling {

// What the engine needs of an existing, non-cancelled appointment.
struct Booking {
  PractitionerId practitioner;
  RoomId room;
  Interval blocked;  // [start, blocked_until): the service plus its buffer

  friend bool operator==(const Booking&, const Booking&) = default;
};

struct AvailabilityRequest {
  ServiceId service;
  LocalDate from;  // clinic-local date, inclusive
  LocalDate to;    // clinic-local date, inclusive; at most 31 days in all
  std::optional<PractitionerId> practitioner;  // nullopt: any suitable practitioner
};

// One practitioner who can take a slot, with the room they would use.
struct SlotOption {
  PractitionerId practitioner;
  RoomId room;

  friend bool operator==(const SlotOption&, const SlotOption&) = default;
};

// One free start of a day. Its options (who can take it, with which room) are kept in the day's
// flat list, DaySlots::options, so that a 14-day answer allocates once per day, not per start.
struct Slot {
  Interval time;                   // the service itself, [start, start + duration)
  std::uint32_t first_option = 0;  // position of its first option in DaySlots::options
  std::uint32_t option_count = 0;  // at least one

  friend bool operator==(const Slot&, const Slot&) = default;
};

struct DaySlots {
  LocalDate date;                   // clinic-local
  std::vector<Slot> slots;          // ordered by start; may be empty
  std::vector<SlotOption> options;  // every slot's options, slot after slot

  // A slot's options, ordered by practitioner id; `slot` must be one of this day's.
  std::span<const SlotOption> OptionsOf(const Slot& slot) const {
    return std::span<const SlotOption>(options).subspan(slot.first_option, slot.option_count);
  }

  friend bool operator==(const DaySlots&, const DaySlots&) = default;
};

// A free start with its own copy of its options, independent of the day it came from.
struct OfferedSlot {
  Interval time;
  std::vector<SlotOption> options;  // non-empty, ordered by practitioner id

  friend bool operator==(const OfferedSlot&, const OfferedSlot&) = default;
};

// Free slots for every day from request.from to request.to (one DaySlots per day, in order).
// Errors (kInvalidArgument unless said): `to` before `from` (field "to"); more than 31 days
// (field "to"); unknown service (kNotFound, field "service"); unknown practitioner (kNotFound,
// field "practitioner"); a practitioner who cannot deliver the service (field "practitioner").
// `bookings` may come in any order and may reach outside the range; ordered by start (as storage
// lists them) they are indexed without a sort.
Result<std::vector<DaySlots>> FindAvailability(const clinic::ClinicSetup& setup,
                                               std::span<const Booking> bookings, Instant now,
                                               const AvailabilityRequest& request);

// Why a proposed start cannot be booked.
enum class SlotRefusal {
  kTooSoon,        // before now + min_notice
  kBeyondHorizon,  // at or after now + horizon
  kOutsideHours,   // no suitable practitioner works then (hours, breaks, time off)
  kNotOnStep,      // inside working hours but not on the slot grid
  kTaken,          // on the grid, but booked (practitioner or every room of the kind busy)
};

std::string_view ToString(SlotRefusal refusal);

struct SlotDecision {
  std::optional<SlotOption> option;    // set when the start is free: who and which room
  std::optional<SlotRefusal> refusal;  // set otherwise
};

// Decides one start for a service, with a given practitioner or any suitable one (then the
// lowest practitioner id among the free ones). Same validation errors as FindAvailability for
// the service and practitioner.
Result<SlotDecision> CheckSlot(const clinic::ClinicSetup& setup, std::span<const Booking> bookings,
                               Instant now, ServiceId service,
                               std::optional<PractitionerId> practitioner, Instant start);

// Up to `count` free starts nearest to `start` (by absolute distance, earlier first on ties)
// from `days`, for the "this time is gone, how about..." answer.
std::vector<OfferedSlot> NearestSlots(const std::vector<DaySlots>& days, Instant start,
                                      std::size_t count);

}  // namespace unknot::core::scheduling
