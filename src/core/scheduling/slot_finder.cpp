#include "core/scheduling/slot_finder.hpp"

#include <algorithm>
#include <limits>

namespace unknot::core::scheduling {
namespace {

using clinic::Practitioner;
using std::chrono::seconds;

// Maps row ids to positions in a sorted list of them. A clinic's ids are usually close together,
// so a table over their range makes the look-up done for every booking one load; ids spread
// wider fall back to a binary search.
class IdIndex {
 public:
  explicit IdIndex(std::vector<std::int64_t> ids) : ids_(std::move(ids)) {
    if (ids_.empty()) return;
    std::int64_t range = ids_.back() - ids_.front();
    if (range < 0 || range > 4 * static_cast<std::int64_t>(ids_.size()) + 64) return;
    first_ = ids_.front();
    table_.assign(static_cast<std::size_t>(range) + 1, -1);
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      table_[static_cast<std::size_t>(ids_[i] - first_)] = static_cast<int>(i);
    }
  }

  // The position of `id`, or -1.
  int Find(std::int64_t id) const {
    if (!table_.empty()) {
      if (id < first_ || id - first_ >= static_cast<std::int64_t>(table_.size())) return -1;
      return table_[static_cast<std::size_t>(id - first_)];
    }
    auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    return it != ids_.end() && *it == id ? static_cast<int>(it - ids_.begin()) : -1;
  }

 private:
  std::vector<std::int64_t> ids_;  // sorted
  std::int64_t first_ = 0;
  std::vector<int> table_;
};

std::size_t FirstEndingAfter(std::span<const Span> busy, Instant t) {
  auto it =
      std::partition_point(busy.begin(), busy.end(), [t](const Span& s) { return s.end <= t; });
  return static_cast<std::size_t>(it - busy.begin());
}

// The same, walking on from `from` when every span before it ends by `t`. Days are searched in
// order, so the position found for one day is where the next day's search starts: over a whole
// query each span is stepped over once, instead of a binary search per day and owner.
std::size_t FirstEndingAfter(std::span<const Span> busy, Instant t, std::size_t from) {
  if (from > busy.size() || (from > 0 && busy[from - 1].end > t)) return FirstEndingAfter(busy, t);
  while (from < busy.size() && busy[from].end <= t) ++from;
  return from;
}

}  // namespace

Result<SlotQuery> SlotQuery::Create(const clinic::ClinicSetup& setup, Instant now,
                                    ServiceId service_id,
                                    std::optional<PractitionerId> practitioner_id) {
  const clinic::Service* service = setup.FindService(service_id);
  if (service == nullptr) {
    return Error(ErrorCode::kNotFound, "unknown service " + to_string(service_id),
                 {{"service", "no such service"}});
  }
  // Validation of the setup rules these out; checked again so that a bad setup cannot loop.
  if (service->duration <= seconds{0}) return Error::InvalidField("service", "has no duration");
  const clinic::BookingPolicy& policy = setup.clinic.policy;
  if (policy.slot_step <= seconds{0}) {
    return Error::InvalidField("policy.slot_step", "must be positive");
  }
  SlotQuery query{.service = service,
                  .practitioners = {},
                  .rooms = {},
                  .zone = UNKNOT_TRY(TimeZone::Find(setup.clinic.time_zone)),
                  .duration = service->duration,
                  .buffer = service->buffer_after,
                  .step = policy.slot_step,
                  .earliest = now + policy.min_notice,
                  .latest = now + policy.horizon};
  query.practitioners.reserve(practitioner_id ? 1 : setup.practitioners.size());
  query.rooms.reserve(setup.rooms.size());
  if (practitioner_id) {
    const Practitioner* p = setup.FindPractitioner(*practitioner_id);
    if (p == nullptr) {
      return Error(ErrorCode::kNotFound, "unknown practitioner " + to_string(*practitioner_id),
                   {{"practitioner", "no such practitioner"}});
    }
    if (!service->CanBeDeliveredBy(*p)) {
      return Error::InvalidField("practitioner", "cannot deliver the service " + service->slug);
    }
    query.practitioners.push_back(p);
  } else {
    for (const Practitioner& p : setup.practitioners) {
      if (service->CanBeDeliveredBy(p)) query.practitioners.push_back(&p);
    }
    std::sort(query.practitioners.begin(), query.practitioners.end(),
              [](const Practitioner* a, const Practitioner* b) { return a->id < b->id; });
  }
  for (const clinic::Room& room : setup.rooms) {
    if (room.kind == service->room_kind) query.rooms.push_back(room.id);
  }
  std::sort(query.rooms.begin(), query.rooms.end());
  return query;
}

void BusyIndex::StartPlacing() {
  for (std::size_t i = 1; i < begin_.size(); ++i) begin_[i] += begin_[i - 1];
  std::copy(begin_.begin(), begin_.end() - 1, end_.begin());
  spans_.resize(begin_.back());
}

void BusyIndex::SortAndMergeEach() {
  for (std::size_t i = 0; i < end_.size(); ++i) {
    if (!unsorted_[i]) continue;
    std::span<Span> own{spans_.data() + begin_[i], spans_.data() + end_[i]};
    end_[i] = begin_[i] + static_cast<std::uint32_t>(SortAndMerge(own));
  }
}

SlotFinder::SlotFinder(const SlotQuery& query, std::span<const Booking> bookings, Span window)
    : query_(query),
      clock_(query.zone),
      practitioner_busy_(query.practitioners.size()),
      room_busy_(query.rooms.size()),
      cursors_(query.rooms.size(), 0),
      practitioner_cursors_(query.practitioners.size(), 0) {
  std::vector<std::int64_t> ids;
  for (const Practitioner* p : query.practitioners) ids.push_back(p->id.value());
  const IdIndex practitioner_index(std::move(ids));
  ids.clear();
  for (RoomId room : query.rooms) ids.push_back(room.value());
  const IdIndex room_index(std::move(ids));
  // The first pass finds each booking's owners and counts them, the second places the spans.
  owners_.resize(bookings.size());
  bool in_order = true;  // the bookings with an owner come ordered by start
  Instant last_start = Instant::min();
  std::size_t owned = 0;
  for (std::size_t i = 0; i < bookings.size(); ++i) {
    const Booking& booking = bookings[i];
    int p = -1;
    int r = -1;
    if (booking.blocked.start() < window.end && window.start < booking.blocked.end()) {
      p = practitioner_index.Find(booking.practitioner.value());
      r = room_index.Find(booking.room.value());
      if (p >= 0) practitioner_busy_.Count(static_cast<std::size_t>(p));
      if (r >= 0) room_busy_.Count(static_cast<std::size_t>(r));
      if (p >= 0 || r >= 0) {
        in_order = in_order && last_start <= booking.blocked.start();
        last_start = booking.blocked.start();
        ++owned;
      }
    }
    owners_[i] = {p, r};
  }
  practitioner_busy_.StartPlacing();
  room_busy_.StartPlacing();
  auto place = [&](std::size_t i) {
    const Span blocked{bookings[i].blocked.start(), bookings[i].blocked.end()};
    const auto [p, r] = owners_[i];
    if (p >= 0) practitioner_busy_.Place(static_cast<std::size_t>(p), blocked);
    if (r >= 0) room_busy_.Place(static_cast<std::size_t>(r), blocked);
  };
  if (in_order) {
    for (std::size_t i = 0; i < bookings.size(); ++i) place(i);
  } else {
    // Placed in order of start, every owner's spans merge as they come, with no sort per owner.
    OrderByStart(bookings, window, owned);
    for (const StartOf& s : by_start_) place(s.booking);
  }
  practitioner_busy_.SortAndMergeEach();
  room_busy_.SortAndMergeEach();
}

// A bucket sort: the window is cut into a power-of-two number of seconds per bucket, one to two
// buckets per booking. Bookings start on a grid of minutes the whole clinic shares, so a bucket
// seldom holds more than one start time (here, every 15 minutes), however many bookings share
// it. An insertion sort then puts right what the buckets left out of order, which is little; if
// it has to move more than a few entries per booking, a sort of the whole list takes over.
void SlotFinder::OrderByStart(std::span<const Booking> bookings, Span window, std::size_t owned) {
  const std::int64_t length = std::max<std::int64_t>((window.end - window.start).count(), 1);
  int shift = 0;
  while ((length >> shift) > 2 * static_cast<std::int64_t>(owned)) ++shift;
  auto bucket_of = [&](Instant start) {
    const std::int64_t offset = std::clamp<std::int64_t>((start - window.start).count(), 0, length);
    return static_cast<std::size_t>(offset >> shift);
  };
  bucket_begin_.assign(static_cast<std::size_t>(length >> shift) + 2, 0);
  for (std::size_t i = 0; i < bookings.size(); ++i) {
    if (owners_[i].first >= 0 || owners_[i].second >= 0) {
      ++bucket_begin_[bucket_of(bookings[i].blocked.start()) + 1];
    }
  }
  for (std::size_t b = 1; b < bucket_begin_.size(); ++b) bucket_begin_[b] += bucket_begin_[b - 1];
  by_start_.resize(owned);
  for (std::size_t i = 0; i < bookings.size(); ++i) {
    if (owners_[i].first >= 0 || owners_[i].second >= 0) {
      const Instant start = bookings[i].blocked.start();
      by_start_[bucket_begin_[bucket_of(start)]++] = {start, static_cast<std::uint32_t>(i)};
    }
  }
  const std::size_t budget = 8 * by_start_.size();
  std::size_t moves = 0;
  for (std::size_t i = 1; i < by_start_.size(); ++i) {
    if (!(by_start_[i].start < by_start_[i - 1].start)) continue;
    const StartOf moving = by_start_[i];
    std::size_t j = i;
    for (; j > 0 && moving.start < by_start_[j - 1].start; --j) by_start_[j] = by_start_[j - 1];
    by_start_[j] = moving;
    moves += i - j;
    if (moves > budget) {
      std::sort(by_start_.begin(), by_start_.end(),
                [](const StartOf& a, const StartOf& b) { return a.start < b.start; });
      return;
    }
  }
}

DaySlots SlotFinder::FindDay(LocalDate day) {
  DaySlots result{day, {}, {}};
  clock_.SetDay(day);
  const date::weekday weekday{date::local_days{day}};
  spans_.clear();
  for (std::size_t p = 0; p < query_.practitioners.size(); ++p) {
    for (const clinic::WorkingHours& hours : query_.practitioners[p]->hours) {
      if (hours.day != weekday) continue;
      Span span = ToSpan(clock_, hours.start, hours.end);
      if (span.empty() || span.end <= query_.earliest || span.start >= query_.latest) continue;
      spans_.push_back({p, span});
    }
  }
  if (spans_.empty()) return result;

  Span day_span = spans_.front().span;
  for (const PractitionerSpan& ps : spans_) {
    day_span.start = std::min(day_span.start, ps.span.start);
    day_span.end = std::max(day_span.end, ps.span.end);
  }
  day_start_ = day_span.start;
  FillRoomMemo(day_span);

  found_.clear();
  // A practitioner has at most one candidate per start on the day's grid (more only off it):
  // room enough at once, kept for the following days.
  found_.reserve(room_memo_.size() * query_.practitioners.size());
  for (std::size_t first = 0; first < spans_.size();) {
    std::size_t last = first;
    while (last < spans_.size() && spans_[last].practitioner == spans_[first].practitioner) {
      ++last;
    }
    FindForPractitioner(weekday, first, last);
    first = last;
  }
  BuildSlots(result);
  return result;
}

// Candidates of one practitioner's working spans spans_[first, last) on the clock's day.
void SlotFinder::FindForPractitioner(date::weekday weekday, std::size_t first, std::size_t last) {
  const std::size_t p = spans_[first].practitioner;
  const Practitioner& practitioner = *query_.practitioners[p];
  Span window = spans_[first].span;
  for (std::size_t i = first; i < last; ++i) {
    window.start = std::min(window.start, spans_[i].span.start);
    window.end = std::max(window.end, spans_[i].span.end);
  }
  // The service [s, s + duration) must avoid breaks and time off; its blocked span
  // [s, s + duration + buffer) must avoid bookings, which is the same as the service avoiding
  // [booking start - buffer, booking end). So all three are obstacles to the service alone.
  obstacles_.clear();
  for (const clinic::Break& b : practitioner.breaks) {
    if (b.day != weekday) continue;
    Span span = ToSpan(clock_, b.start, b.end);
    if (!span.empty() && span.Overlaps(window)) obstacles_.push_back(span);
  }
  for (const clinic::TimeOff& off : practitioner.time_off) {
    Span span{off.period.start(), off.period.end()};
    if (span.Overlaps(window)) obstacles_.push_back(span);
  }
  const std::span<const Span> busy = practitioner_busy_.Of(p);
  std::size_t& cursor = practitioner_cursors_[p];
  cursor = FirstEndingAfter(busy, window.start, cursor);
  for (std::size_t i = cursor; i < busy.size() && busy[i].start - query_.buffer < window.end; ++i) {
    obstacles_.push_back(Span{busy[i].start - query_.buffer, busy[i].end});
  }
  std::sort(obstacles_.begin(), obstacles_.end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });

  for (std::size_t i = first; i < last; ++i) {
    const Span working = spans_[i].span;
    // A span whose start is on the day's grid keeps its starts on it: their grid positions then
    // count up, with no division per start.
    const std::uint32_t first_grid = GridIndex(working.start);
    const bool on_day_grid = first_grid != kOffGrid;
    ForEachFreePart(working, obstacles_, [&](Span free) {
      const Instant at_least = std::max(free.start, query_.earliest);
      // Most free parts of a busy day are gaps too short for the service: skip them before the
      // division below.
      if (free.end - at_least < query_.duration) return;
      const std::int64_t steps = StepsTo(working.start, query_.step, at_least);
      Instant start = working.start + steps * query_.step;
      std::uint32_t grid = on_day_grid ? first_grid + static_cast<std::uint32_t>(steps) : kOffGrid;
      for (; start + query_.duration <= free.end && start < query_.latest;
           start += query_.step, grid += on_day_grid ? 1 : 0) {
        const std::size_t room = on_day_grid ? room_memo_[grid] : LowestFreeRoom(start);
        // On a day with one UTC offset every start of its spans is on it; the check is for the
        // rest.
        if (room < query_.rooms.size() && (clock_.uniform() || clock_.IsOnDay(start))) {
          found_.push_back(
              {start, grid, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(room)});
        }
      }
    });
  }
}

// Practitioners usually share the grid of the day's earliest span, so the lowest free room is
// worked out once for each start on it, in one pass with a cursor per room: a merge rather than
// a binary search per room and start.
void SlotFinder::FillRoomMemo(Span day_span) {
  room_memo_.assign(static_cast<std::size_t>((day_span.end - day_span.start) / query_.step) + 1,
                    static_cast<std::uint32_t>(query_.rooms.size()));
  for (std::size_t r = 0; r < query_.rooms.size(); ++r) {
    cursors_[r] = FirstEndingAfter(room_busy_.Of(r), day_span.start, cursors_[r]);
  }
  // A room found busy for a start stays busy for every start before the end of the booking that
  // blocks it; remembering that end skips the room with one comparison.
  busy_until_.assign(query_.rooms.size(), day_span.start);
  Instant start = day_span.start;
  for (std::uint32_t& memo : room_memo_) {
    const Instant blocked_end = start + query_.duration + query_.buffer;
    for (std::size_t r = 0; r < query_.rooms.size(); ++r) {
      if (start < busy_until_[r]) continue;
      const std::span<const Span> busy = room_busy_.Of(r);
      std::size_t& next = cursors_[r];
      while (next < busy.size() && busy[next].end <= start) ++next;
      if (next == busy.size() || busy[next].start >= blocked_end) {
        memo = static_cast<std::uint32_t>(r);
        break;
      }
      busy_until_[r] = busy[next].end;
    }
    start += query_.step;
  }
}

// The grid position of a start in room_memo_, or kOffGrid.
std::uint32_t SlotFinder::GridIndex(Instant start) const {
  const seconds offset = start - day_start_;
  if (offset % query_.step != seconds{0}) return kOffGrid;
  return static_cast<std::uint32_t>(offset / query_.step);
}

// The lowest-id room of the kind free for the whole blocked span starting at `start`, or the
// number of rooms when none is.
std::size_t SlotFinder::LowestFreeRoom(Instant start) const {
  const Instant blocked_end = start + query_.duration + query_.buffer;
  for (std::size_t r = 0; r < query_.rooms.size(); ++r) {
    const std::span<const Span> busy = room_busy_.Of(r);
    std::size_t next = FirstEndingAfter(busy, start);
    if (next == busy.size() || busy[next].start >= blocked_end) return r;
  }
  return query_.rooms.size();
}

// Orders the day's candidates by start, then practitioner. They were found practitioner after
// practitioner, so when all lie on the day's grid a stable counting sort by grid position does.
void SlotFinder::SortFound() {
  bool on_grid =
      std::none_of(found_.begin(), found_.end(), [](const Found& f) { return f.grid == kOffGrid; });
  if (!on_grid) {
    std::sort(found_.begin(), found_.end(), [](const Found& a, const Found& b) {
      return a.start != b.start ? a.start < b.start : a.practitioner < b.practitioner;
    });
    return;
  }
  grid_begin_.assign(room_memo_.size() + 1, 0);
  for (const Found& f : found_) ++grid_begin_[f.grid + 1];
  for (std::size_t i = 1; i < grid_begin_.size(); ++i) grid_begin_[i] += grid_begin_[i - 1];
  sorted_.resize(found_.size());
  for (const Found& f : found_) sorted_[grid_begin_[f.grid]++] = f;
  found_.swap(sorted_);
}

// Groups the day's candidates by start, one option per practitioner, ordered by id (the
// practitioners' positions follow their ids).
void SlotFinder::BuildSlots(DaySlots& day) {
  SortFound();
  std::size_t starts = 0;
  for (std::size_t i = 0; i < found_.size(); ++i) {
    if (i == 0 || found_[i].start != found_[i - 1].start) ++starts;
  }
  day.slots.reserve(starts);
  day.options.reserve(found_.size());
  for (std::size_t i = 0; i < found_.size();) {
    const auto first_option = static_cast<std::uint32_t>(day.options.size());
    std::size_t end = i;
    for (; end < found_.size() && found_[end].start == found_[i].start; ++end) {
      // Spans that overlap on a DST day may offer one practitioner's start twice.
      if (end > i && found_[end].practitioner == found_[end - 1].practitioner) continue;
      day.options.push_back(SlotOption{query_.practitioners[found_[end].practitioner]->id,
                                       query_.rooms[found_[end].room]});
    }
    day.slots.push_back(
        Slot{Interval::Create(found_[i].start, found_[i].start + query_.duration).value(),
             first_option, static_cast<std::uint32_t>(day.options.size()) - first_option});
    i = end;
  }
}

}  // namespace unknot::core::scheduling
