#pragma once

// The engine behind FindAvailability and CheckSlot: a validated query, and the day-by-day search
// over indexed bookings. Internal to scheduling; the public contract is availability.hpp.

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/scheduling/availability.hpp"
#include "core/scheduling/free_time.hpp"

namespace unknot::core::scheduling {

// A request checked against the setup: the service, who may deliver it (ordered by id), the rooms
// it may use (ordered by id) and the clinic's rules as durations and instants.
struct SlotQuery {
  const clinic::Service* service = nullptr;
  std::vector<const clinic::Practitioner*> practitioners;
  std::vector<RoomId> rooms;
  TimeZone zone;
  std::chrono::seconds duration{0};
  std::chrono::seconds buffer{0};
  std::chrono::seconds step{0};
  Instant earliest;  // now + min_notice
  Instant latest;    // now + horizon, exclusive

  // The errors of FindAvailability and CheckSlot for the service and the practitioner.
  static Result<SlotQuery> Create(const clinic::ClinicSetup& setup, Instant now, ServiceId service,
                                  std::optional<PractitionerId> practitioner);
};

// The span [start, end) of wall-clock times on the clock's day; empty when a DST change
// swallows it.
inline Span ToSpan(const LocalDayClock& clock, TimeOfDay start, TimeOfDay end) {
  return Span{clock.ToUtc(start), clock.ToUtc(end)};
}

// Blocked spans grouped by owner (a practitioner or a room, by position), each group sorted by
// start and merged. One flat array, so indexing 2,000 bookings allocates twice, not per owner.
class BusyIndex {
 public:
  explicit BusyIndex(std::size_t owners)
      : begin_(owners + 1, 0), end_(owners, 0), unsorted_(owners, 0) {}

  // Two passes over the same bookings: count every owner's spans, then place them. Spans placed
  // in order of start are merged as they come; SortAndMergeEach does the rest.
  void Count(std::size_t owner) { ++begin_[owner + 1]; }
  void StartPlacing();
  void Place(std::size_t owner, Span span) {
    if (span.empty()) return;
    if (end_[owner] > begin_[owner]) {
      Span& last = spans_[end_[owner] - 1];
      if (span.start < last.start) {
        unsorted_[owner] = 1;
      } else if (span.start <= last.end) {
        last.end = std::max(last.end, span.end);
        return;
      }
    }
    spans_[end_[owner]++] = span;
  }
  void SortAndMergeEach();

  std::span<const Span> Of(std::size_t owner) const {
    return {spans_.data() + begin_[owner], spans_.data() + end_[owner]};
  }

 private:
  std::vector<std::uint32_t> begin_;  // begin_[i]: where owner i's spans start
  std::vector<std::uint32_t> end_;
  std::vector<char> unsorted_;
  std::vector<Span> spans_;
};

// Finds the slots of one day after another. Bookings are indexed once per query. Per day and
// practitioner the free time (working spans minus breaks, time off and bookings) is one linear
// sweep, and candidate starts step through it. The lowest free room is worked out once per start
// on the day's grid, since practitioners usually share a grid and ask for the same starts.
class SlotFinder {
 public:
  // Only bookings that overlap `window` are indexed; it must hold every instant a slot of the
  // days asked for may block.
  SlotFinder(const SlotQuery& query, std::span<const Booking> bookings, Span window);

  DaySlots FindDay(LocalDate day);

 private:
  struct PractitionerSpan {
    std::size_t practitioner;  // index into query_.practitioners
    Span span;
  };
  static constexpr std::uint32_t kOffGrid = 0xffffffff;
  struct Found {
    Instant start;
    std::uint32_t grid;          // position on the day's grid, or kOffGrid
    std::uint32_t practitioner;  // index into query_.practitioners
    std::uint32_t room;          // index into query_.rooms
  };

  struct StartOf {
    Instant start;
    std::uint32_t booking;  // position in the bookings
  };

  // Fills by_start_ with the `owned` bookings that have an owner (per owners_), by start.
  void OrderByStart(std::span<const Booking> bookings, Span window, std::size_t owned);
  void FindForPractitioner(date::weekday weekday, std::size_t first, std::size_t last);
  void FillRoomMemo(Span day_span);
  std::uint32_t GridIndex(Instant start) const;
  std::size_t LowestFreeRoom(Instant start) const;
  void SortFound();
  void BuildSlots(DaySlots& day);

  const SlotQuery& query_;
  LocalDayClock clock_;
  BusyIndex practitioner_busy_;
  BusyIndex room_busy_;
  // The day's grid: starts day_start_ + k * step, and the lowest free room for each.
  Instant day_start_;
  std::vector<std::uint32_t> room_memo_;
  // Scratch buffers reused from day to day.
  std::vector<std::pair<int, int>> owners_;  // per booking: practitioner and room, or -1
  std::vector<std::uint32_t> bucket_begin_;
  std::vector<StartOf> by_start_;
  // Per room and per practitioner: the first busy span that ends after the last day's start.
  std::vector<std::size_t> cursors_;
  std::vector<std::size_t> practitioner_cursors_;
  std::vector<Instant> busy_until_;
  std::vector<PractitionerSpan> spans_;
  std::vector<Span> obstacles_;
  std::vector<Found> found_;
  std::vector<Found> sorted_;
  std::vector<std::uint32_t> grid_begin_;
};

}  // namespace unknot::core::scheduling
