#include "app/staff_booking.hpp"

#include <algorithm>

namespace unknot::app {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;
using scheduling::AppointmentStatus;

namespace {

using namespace std::chrono_literals;

// The setup as the front desk books in it: the online minimum notice and horizon do not apply
// (CheckSlot and FindAvailability then take `now` as the earliest start).
clinic::ClinicSetup StaffRules(const clinic::ClinicSetup& setup) {
  clinic::ClinicSetup staff = setup;
  staff.clinic.policy.min_notice = 0min;
  staff.clinic.policy.horizon = std::chrono::days{3650};
  return staff;
}

void Drop(std::vector<scheduling::Booking>& bookings,
          const std::optional<scheduling::Booking>& own) {
  if (!own) return;
  auto it = std::find(bookings.begin(), bookings.end(), *own);
  if (it != bookings.end()) bookings.erase(it);
}

// Up to 3 free starts of `service` with `who` nearest to `start` on its local day, none before
// `now` (a time already gone is no alternative).
Result<std::vector<scheduling::OfferedSlot>> Alternatives(
    core::ports::Storage& storage, const ClinicContext& clinic, const clinic::ClinicSetup& rules,
    core::ServiceId service, core::PractitionerId who, core::Instant start,
    const std::optional<scheduling::Booking>& own, core::Instant now) {
  const core::LocalDate day = core::LocalDateOf(clinic.zone, start);
  auto window = core::Interval::Create(core::Instant{date::sys_days{day}} - 36h,
                                       core::Instant{date::sys_days{day}} + 60h);
  auto bookings = UNKNOT_TRY(storage.ListBookings(clinic.setup().clinic.id, *window));
  Drop(bookings, own);
  auto days = UNKNOT_TRY(scheduling::FindAvailability(
      rules, bookings, std::max(now, window->start()), {service, day, day, who}));
  return scheduling::NearestSlots(days, start, 3);
}

std::string RefusalMessage(scheduling::SlotRefusal reason) {
  switch (reason) {
    case scheduling::SlotRefusal::kOutsideHours:
      return "the practitioner does not work then (hours, breaks or time off)";
    case scheduling::SlotRefusal::kNotOnStep:
      return "appointments start on the clinic's slot grid; this start is between slots";
    case scheduling::SlotRefusal::kTaken:
      return "this time is taken: the practitioner or every suitable room is busy";
    case scheduling::SlotRefusal::kTooSoon:
    case scheduling::SlotRefusal::kBeyondHorizon:
      break;  // not for staff
  }
  return "this start cannot be booked";
}

// Where an appointment goes: who, which room, whether over the practitioner's own appointments.
struct Placement {
  core::PractitionerId practitioner;
  core::RoomId room;
  bool overbooked = false;
  std::vector<core::RoomId> other_rooms;
};

bool RoomBusy(const std::vector<scheduling::Booking>& bookings, core::RoomId room,
              const core::Interval& blocked) {
  return std::any_of(bookings.begin(), bookings.end(), [&](const scheduling::Booking& b) {
    return b.room == room && b.blocked.Overlaps(blocked);
  });
}

// The engine's decision for staff. `room`: the one asked for (it must be free); `preferred`: the
// one to keep when free. `own`: the appointment being moved, not in its own way.
Result<std::variant<Placement, StaffRefused>> Place(
    core::ports::Storage& storage, const ClinicContext& clinic, const clinic::Service& service,
    core::PractitionerId who, std::optional<core::RoomId> room,
    std::optional<core::RoomId> preferred, core::Instant start, Overbook overbook,
    const std::optional<scheduling::Booking>& own, core::Instant now) {
  const clinic::Practitioner* practitioner = clinic.setup().FindPractitioner(who);
  if (practitioner == nullptr) return Error::InvalidField("practitioner", "no such practitioner");
  if (room) {
    const clinic::Room* found = clinic.setup().FindRoom(*room);
    if (found == nullptr) return Error::InvalidField("room", "no such room");
    if (found->kind != service.room_kind) {
      return Error::InvalidField("room", "is not a room of the kind this service needs");
    }
  }
  const clinic::ClinicSetup rules = StaffRules(clinic.setup());
  const core::Interval blocked =
      *core::Interval::Create(start, start + service.duration + service.buffer_after);
  auto bookings = UNKNOT_TRY(storage.ListBookings(clinic.setup().clinic.id, blocked));
  Drop(bookings, own);

  auto refuse = [&](scheduling::SlotRefusal reason,
                    std::string message) -> Result<std::variant<Placement, StaffRefused>> {
    StaffRefused refused{reason, std::move(message), {}};
    if (reason == scheduling::SlotRefusal::kTaken) {
      refused.alternatives =
          UNKNOT_TRY(Alternatives(storage, clinic, rules, service.id, who, start, own, now));
    }
    return std::variant<Placement, StaffRefused>{std::move(refused)};
  };
  // The room: the one asked for (nullopt when `around` holds it), else the one to keep when it is
  // free, else the engine's choice, else (a start the engine would not offer: an overbooking
  // outside the practitioner's hours or off the slot grid) the first free room of the service's
  // kind. With the engine's choice, the other rooms of the kind are the write's fallbacks.
  auto choose_room = [&](const std::vector<scheduling::Booking>& around,
                         std::optional<core::RoomId> engine_room,
                         bool overbooked) -> std::optional<Placement> {
    Placement placement{who, {}, overbooked, {}};
    if (room) {
      if (RoomBusy(around, *room, blocked)) return std::nullopt;
      placement.room = *room;
      return placement;
    }
    auto usable = [&](core::RoomId id) {
      const clinic::Room* r = clinic.setup().FindRoom(id);
      return r != nullptr && r->kind == service.room_kind && !RoomBusy(around, id, blocked);
    };
    if (preferred && usable(*preferred)) {
      placement.room = *preferred;
    } else if (engine_room) {
      placement.room = *engine_room;
    } else {
      auto free = std::find_if(clinic.setup().rooms.begin(), clinic.setup().rooms.end(),
                               [&](const clinic::Room& r) { return usable(r.id); });
      if (free == clinic.setup().rooms.end()) return std::nullopt;
      placement.room = free->id;
    }
    if (engine_room) {
      for (const clinic::Room& r : clinic.setup().rooms) {
        if (r.kind == service.room_kind && r.id != placement.room) {
          placement.other_rooms.push_back(r.id);
        }
      }
    }
    return placement;
  };
  // nullopt: taken (by `around`); a refusal other than taken is final unless overbooking may
  // override it.
  auto decide = [&](const std::vector<scheduling::Booking>& around, bool overbooked)
      -> Result<std::variant<std::monostate, Placement, scheduling::SlotRefusal>> {
    using Answer = std::variant<std::monostate, Placement, scheduling::SlotRefusal>;
    scheduling::SlotDecision decision =
        UNKNOT_TRY(scheduling::CheckSlot(rules, around, start, service.id, who, start));
    if (!decision.option) {
      if (*decision.refusal == scheduling::SlotRefusal::kTaken) return Answer{};
      return Answer{*decision.refusal};
    }
    auto placement = choose_room(around, decision.option->room, overbooked);
    if (!placement) return Answer{};
    return Answer{std::move(*placement)};
  };
  // What overbooking may override: the practitioner's own appointments, their hours (breaks and
  // time off included) and the slot grid. Never another practitioner's appointment in the room.
  auto overridable = [](scheduling::SlotRefusal reason) {
    return reason == scheduling::SlotRefusal::kTaken ||
           reason == scheduling::SlotRefusal::kOutsideHours ||
           reason == scheduling::SlotRefusal::kNotOnStep;
  };

  auto first = UNKNOT_TRY(decide(bookings, false));
  using Placed = std::variant<Placement, StaffRefused>;
  if (auto* placed = std::get_if<Placement>(&first)) return Placed{std::move(*placed)};
  const scheduling::SlotRefusal reason = std::holds_alternative<std::monostate>(first)
                                             ? scheduling::SlotRefusal::kTaken
                                             : std::get<scheduling::SlotRefusal>(first);
  if (overbook == Overbook::kNo || !overridable(reason)) {
    return refuse(reason, RefusalMessage(reason));
  }
  if (!practitioner->allow_overbooking) {
    return refuse(reason, reason == scheduling::SlotRefusal::kTaken
                              ? "this time is taken, and the owner has not allowed overbooking "
                                "for this practitioner"
                              : RefusalMessage(reason) +
                                    ", and the owner has not allowed overbooking for this "
                                    "practitioner");
  }
  // Over the practitioner's own appointments: only other practitioners' stand in the way (of
  // the room).
  std::vector<scheduling::Booking> others;
  for (const scheduling::Booking& b : bookings) {
    if (b.practitioner != who) others.push_back(b);
  }
  auto second = UNKNOT_TRY(decide(others, true));
  if (auto* placed = std::get_if<Placement>(&second)) {
    placed->other_rooms.clear();
    return Placed{std::move(*placed)};
  }
  if (auto* refusal = std::get_if<scheduling::SlotRefusal>(&second);
      refusal && overridable(*refusal)) {
    if (auto placed = choose_room(others, std::nullopt, true)) return Placed{std::move(*placed)};
  }
  return refuse(scheduling::SlotRefusal::kTaken,
                "this time is taken: every suitable room is busy with other practitioners' "
                "appointments");
}

std::string Detail(std::string_view what, const scheduling::Appointment& a) {
  std::string detail = std::string(what) + " " + core::FormatInstant(a.time.start()) +
                       " practitioner/" + std::to_string(a.practitioner.value()) + " room/" +
                       std::to_string(a.room.value());
  if (a.overbooked) detail += " overbooked";
  return detail;
}

Error VersionConflict() {
  return Error(ErrorCode::kConflict, "the appointment was changed by someone else first",
               {{std::string(core::ports::kVersionField), "is not the current version"}});
}

}  // namespace

bool IsVersionConflict(const Error& error) {
  return error.code() == ErrorCode::kConflict && error.fields().size() == 1 &&
         error.fields().front().field == core::ports::kVersionField;
}

Result<CalendarView> GetCalendar(core::ports::Storage& storage, const ClinicContext& clinic,
                                 core::LocalDate from, int days,
                                 std::optional<core::PractitionerId> only) {
  if (days < 1 || days > kMaxCalendarDays) {
    return Error::InvalidField("days", "must be 1 to " + std::to_string(kMaxCalendarDays));
  }
  const core::LocalDate to{date::sys_days{from} + date::days{days - 1}};
  const core::Instant start = UNKNOT_TRY(core::LocalToUtc(
      clinic.zone, core::LocalDateTime{date::local_days{from}}, core::kWorkingHoursDstPolicy));
  const core::Instant end = UNKNOT_TRY(
      core::LocalToUtc(clinic.zone, core::LocalDateTime{date::local_days{to} + date::days{1}},
                       core::kWorkingHoursDstPolicy));
  const core::Interval window = UNKNOT_TRY(core::Interval::Create(start, end));
  const core::ClinicId clinic_id = clinic.setup().clinic.id;
  CalendarView view{from, to, window, {}, UNKNOT_TRY(storage.ListCalendar(clinic_id, window))};
  std::vector<scheduling::Booking> bookings;
  bookings.reserve(view.appointments.size());
  for (const auto& entry : view.appointments) {
    const scheduling::Appointment& a = entry.appointment;
    if (a.status == AppointmentStatus::kCancelled) continue;
    bookings.push_back({a.practitioner, a.room, a.BlockedInterval()});
  }
  if (only) {
    std::erase_if(view.appointments,
                  [&](const auto& entry) { return entry.appointment.practitioner != *only; });
  }
  view.practitioners =
      UNKNOT_TRY(scheduling::PractitionerTimes(clinic.setup(), bookings, from, days, only));
  return view;
}

Result<StaffOutcome> StaffBook(core::ports::Storage& storage, const core::Clock& clock,
                               const ClinicContext& clinic, const StaffBookingRequest& request,
                               const core::staff::AuditEntry& audit) {
  const clinic::Service* service = clinic.setup().FindService(request.service);
  if (service == nullptr) return Error::InvalidField("service", "no such service");
  if (!request.patient) {
    if (auto valid = clinic::Validate(request.new_patient, clinic::EmailRule::kOptional); !valid) {
      const core::FieldError& f = valid.error().fields().front();
      return Error::InvalidField("patient." + f.field, f.reason);
    }
  }
  auto placed =
      UNKNOT_TRY(Place(storage, clinic, *service, request.practitioner, request.room, std::nullopt,
                       request.start, request.overbook, std::nullopt, clock.Now()));
  if (auto* refused = std::get_if<StaffRefused>(&placed)) return StaffOutcome{std::move(*refused)};
  Placement& place = std::get<Placement>(placed);
  const core::Instant now = clock.Now();
  core::ports::StaffBooking write{
      .patient = request.patient,
      .new_patient = request.new_patient,
      .appointment =
          scheduling::Appointment{
              .id = {},
              .patient = request.patient.value_or(core::PatientId{}),
              .practitioner = place.practitioner,
              .service = service->id,
              .room = place.room,
              .time = *core::Interval::Create(request.start, request.start + service->duration),
              .blocked_until = request.start + service->duration + service->buffer_after,
              .status = AppointmentStatus::kBooked,
              .source = request.source,
              .created_at = now,
              .updated_at = now,
              .cancelled_at = std::nullopt,
              .assessment = std::nullopt,
              .overbooked = place.overbooked},
      .other_rooms = {},
      .audit = audit};
  write.other_rooms = std::move(place.other_rooms);
  write.audit.detail =
      Detail(std::string("booked (") + std::string(scheduling::ToString(request.source)) + ")",
             write.appointment);
  auto stored = storage.StaffBook(clinic.setup().clinic.id, write);
  if (!stored && stored.error().code() == ErrorCode::kConflict && stored.error().fields().empty()) {
    // Taken between the check and the write.
    const clinic::ClinicSetup rules = StaffRules(clinic.setup());
    return StaffOutcome{StaffRefused{
        scheduling::SlotRefusal::kTaken, stored.error().message(),
        UNKNOT_TRY(Alternatives(storage, clinic, rules, service->id, request.practitioner,
                                request.start, std::nullopt, clock.Now()))}};
  }
  return StaffOutcome{UNKNOT_TRY(std::move(stored))};
}

Result<StaffOutcome> StaffMove(core::ports::Storage& storage, const core::Clock& clock,
                               const ClinicContext& clinic, const scheduling::Appointment& current,
                               const StaffMoveRequest& request,
                               const core::staff::AuditEntry& audit) {
  if (request.version != current.version) return VersionConflict();
  if (current.status != AppointmentStatus::kBooked &&
      current.status != AppointmentStatus::kRequested) {
    return Error(ErrorCode::kConflict, "the appointment is " +
                                           std::string(scheduling::ToString(current.status)) +
                                           "; only a booked or requested one can be moved");
  }
  const clinic::Service* service = clinic.setup().FindService(current.service);
  if (service == nullptr) return Error(ErrorCode::kInternal, "the appointment's service is gone");
  const core::PractitionerId who = request.practitioner.value_or(current.practitioner);
  const std::optional<scheduling::Booking> own =
      scheduling::Booking{current.practitioner, current.room, current.BlockedInterval()};
  auto placed = UNKNOT_TRY(Place(storage, clinic, *service, who, request.room, current.room,
                                 request.start, request.overbook, own, clock.Now()));
  if (auto* refused = std::get_if<StaffRefused>(&placed)) return StaffOutcome{std::move(*refused)};
  const Placement& place = std::get<Placement>(placed);
  scheduling::Appointment moved = current;
  moved.practitioner = place.practitioner;
  moved.room = place.room;
  moved.overbooked = place.overbooked;
  moved.time = *core::Interval::Create(request.start, request.start + service->duration);
  moved.blocked_until = request.start + service->duration + service->buffer_after;
  core::staff::AuditEntry entry = audit;
  entry.detail = Detail("moved from " + core::FormatInstant(current.time.start()) + " to", moved);
  auto stored = storage.UpdateAppointment(clinic.setup().clinic.id, moved, request.version,
                                          clock.Now(), entry);
  if (!stored && stored.error().code() == ErrorCode::kConflict && stored.error().fields().empty()) {
    const clinic::ClinicSetup rules = StaffRules(clinic.setup());
    return StaffOutcome{
        StaffRefused{scheduling::SlotRefusal::kTaken, stored.error().message(),
                     UNKNOT_TRY(Alternatives(storage, clinic, rules, service->id, who,
                                             request.start, own, clock.Now()))}};
  }
  return StaffOutcome{UNKNOT_TRY(std::move(stored))};
}

Result<scheduling::Appointment> StaffCancel(core::ports::Storage& storage, const core::Clock& clock,
                                            const scheduling::Appointment& current,
                                            std::int64_t version, std::string reason,
                                            const core::staff::AuditEntry& audit) {
  if (version != current.version) return VersionConflict();
  if (current.status != AppointmentStatus::kBooked &&
      current.status != AppointmentStatus::kRequested) {
    return Error(ErrorCode::kConflict, "the appointment is " +
                                           std::string(scheduling::ToString(current.status)) +
                                           "; only a booked or requested one can be cancelled");
  }
  const core::Instant now = clock.Now();
  scheduling::Appointment cancelled = current;
  cancelled.status = AppointmentStatus::kCancelled;
  cancelled.cancelled_at = now;
  cancelled.cancel_reason = std::move(reason);
  core::staff::AuditEntry entry = audit;
  // The reason is the staff member's free text and may name the patient's affairs: not logged.
  entry.detail = "cancelled " + core::FormatInstant(current.time.start());
  return storage.UpdateAppointment(audit.clinic, cancelled, version, now, entry);
}

Result<scheduling::Appointment> StaffSetStatus(core::ports::Storage& storage,
                                               const core::Clock& clock,
                                               const scheduling::Appointment& current,
                                               std::int64_t version, AppointmentStatus status,
                                               const core::staff::AuditEntry& audit) {
  if (status != AppointmentStatus::kArrived && status != AppointmentStatus::kCompleted &&
      status != AppointmentStatus::kNoShow) {
    return Error::InvalidField("status", "must be arrived, completed or no_show");
  }
  if (version != current.version) return VersionConflict();
  const core::Instant now = clock.Now();
  const std::string is = "the appointment is " + std::string(scheduling::ToString(current.status));
  if (current.status == status) return Error(ErrorCode::kConflict, is + " already");
  const bool from_booked = current.status == AppointmentStatus::kBooked;
  switch (status) {
    case AppointmentStatus::kArrived:
      if (!from_booked) return Error(ErrorCode::kConflict, is + "; only a booked one can arrive");
      break;
    case AppointmentStatus::kCompleted:
      if (!from_booked && current.status != AppointmentStatus::kArrived) {
        return Error(ErrorCode::kConflict, is + "; only a booked or arrived one can be completed");
      }
      if (now < current.time.start()) {
        return Error(ErrorCode::kConflict, "the appointment has not started yet");
      }
      break;
    default:  // kNoShow
      if (!from_booked) {
        return Error(ErrorCode::kConflict, is + "; only a booked one can be a no-show");
      }
      if (now < current.time.start()) {
        return Error(ErrorCode::kConflict, "the appointment has not started yet");
      }
      break;
  }
  scheduling::Appointment changed = current;
  changed.status = status;
  core::staff::AuditEntry entry = audit;
  entry.detail = "status " + std::string(scheduling::ToString(current.status)) + " -> " +
                 std::string(scheduling::ToString(status));
  return storage.UpdateAppointment(audit.clinic, changed, version, now, entry);
}

}  // namespace unknot::app
