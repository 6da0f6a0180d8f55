#include "app/booking.hpp"

#include <algorithm>

#include "app/assessment.hpp"

namespace unknot::app {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace scheduling = core::scheduling;

namespace {

using namespace std::chrono_literals;

std::string RefusalMessage(scheduling::SlotRefusal reason) {
  switch (reason) {
    case scheduling::SlotRefusal::kTooSoon:
      return "this start is too soon: the clinic takes online bookings with more notice";
    case scheduling::SlotRefusal::kBeyondHorizon:
      return "this start is further ahead than the clinic takes online bookings";
    case scheduling::SlotRefusal::kOutsideHours:
      return "no suitable practitioner works at this time";
    case scheduling::SlotRefusal::kNotOnStep:
      return "appointments start on the clinic's slot grid; this start is between slots";
    case scheduling::SlotRefusal::kTaken:
      return "this time has just been taken";
  }
  return "this start cannot be booked";
}

std::string ChangeMessage(scheduling::ChangeRefusal reason, const ClinicContext& clinic) {
  switch (reason) {
    case scheduling::ChangeRefusal::kNotBooked:
      return "the appointment is no longer booked";
    case scheduling::ChangeRefusal::kStarted:
      return "the appointment has already started";
    case scheduling::ChangeRefusal::kInsideWindow:
      return "the appointment is less than " +
             std::to_string(std::chrono::duration_cast<std::chrono::hours>(
                                clinic.setup().clinic.policy.cancellation_window)
                                .count()) +
             " hours away; please call the clinic at " + clinic.setup().clinic.phone;
  }
  return "the appointment cannot be changed online";
}

TooManyBookings CapReached(const ClinicContext& clinic) {
  const core::clinic::Clinic& c = clinic.setup().clinic;
  const int limit = c.policy.max_future_online_bookings;
  return TooManyBookings{
      limit, "this email already has " + std::to_string(limit) +
                 (limit == 1 ? " upcoming appointment" : " upcoming appointments") +
                 " booked online, as many as the clinic takes online; please call the clinic at " +
                 c.phone + " to book more"};
}

// A refusal by the patient's booking rules (core::ports::CheckOnlineRules), for the patient.
std::optional<RuleRefused> RuleRefusal(const Error& error, const ClinicContext& clinic) {
  const std::string& phone = clinic.setup().clinic.phone;
  if (error.code() == ErrorCode::kForbidden && error.fields().size() == 1 &&
      error.fields().front().field == core::ports::kBlockedPatientField) {
    return RuleRefused{RuleRefused::Rule::kBlocked,
                       "We're sorry, we can't take this booking online. Please call the clinic "
                       "at " +
                           phone + " and we'll be glad to find you a time."};
  }
  if (error.code() == ErrorCode::kInvalidArgument && error.fields().size() == 1 &&
      error.fields().front().field == "service") {
    return RuleRefused{RuleRefused::Rule::kAssessmentFirst,
                       "The clinic would like to see you for an assessment visit first: please "
                       "book a service for new patients, or call the clinic at " +
                           phone + "."};
  }
  return std::nullopt;
}

bool IsCapRefusal(const Error& error) {
  return error.code() == ErrorCode::kConflict && error.fields().size() == 1 &&
         error.fields().front().field == core::ports::kFutureBookingsCapField;
}

// The nearest free starts to `start` within the days around it, for a refusal.
Result<std::vector<scheduling::OfferedSlot>> Alternatives(
    core::ports::Storage& storage, const core::Clock& clock, const ClinicContext& clinic,
    core::ServiceId service, std::optional<core::PractitionerId> practitioner, core::Instant start,
    std::span<const scheduling::Booking> ignore = {}) {
  core::LocalDate day = core::LocalDateOf(clinic.zone, std::max(start, clock.Now()));
  scheduling::AvailabilityRequest request{
      service, core::LocalDate{date::sys_days{day} - date::days{1}},
      core::LocalDate{date::sys_days{day} + date::days{2}}, practitioner};
  auto window = core::Interval::Create(core::Instant{date::sys_days{request.from}} - 48h,
                                       core::Instant{date::sys_days{request.to}} + 72h);
  auto bookings = UNKNOT_TRY(BusyTimes(storage, clinic.setup().clinic.id, *window, clock.Now()));
  for (const scheduling::Booking& own : ignore) {
    auto it = std::find(bookings.begin(), bookings.end(), own);
    if (it != bookings.end()) bookings.erase(it);
  }
  auto days =
      UNKNOT_TRY(scheduling::FindAvailability(clinic.setup(), bookings, clock.Now(), request));
  return scheduling::NearestSlots(days, start, 3);
}

Result<Refused> Refuse(core::ports::Storage& storage, const core::Clock& clock,
                       const ClinicContext& clinic, core::ServiceId service,
                       std::optional<core::PractitionerId> practitioner, core::Instant start,
                       scheduling::SlotRefusal reason,
                       std::span<const scheduling::Booking> ignore = {}) {
  return Refused{
      reason, RefusalMessage(reason),
      UNKNOT_TRY(Alternatives(storage, clock, clinic, service, practitioner, start, ignore))};
}

// Bookings that can collide with `service` starting at `start`: those overlapping its blocked
// span. Working hours, breaks and time off come from the setup, so nothing wider is needed.
// Held times count as busy (except `own`, the hold the booking presents).
Result<std::vector<scheduling::Booking>> BookingsAround(core::ports::Storage& storage,
                                                        core::ClinicId clinic,
                                                        const core::clinic::Service& service,
                                                        core::Instant start, core::Instant now,
                                                        const core::ports::Hold* own = nullptr) {
  auto window = core::Interval::Create(start, start + service.duration + service.buffer_after);
  return BusyTimes(storage, clinic, *window, now, own);
}

// The hash of the hold a request presents.
std::string HoldHash(core::ports::TokenService& tokens, const BookingRequest& request) {
  return request.hold_hash ? *request.hold_hash : tokens.Hash(*request.hold);
}

// The live hold `token` names when it is for this service and start (and practitioner, when the
// request names one); nullopt otherwise, and then the booking is an ordinary one.
Result<std::optional<core::ports::Hold>> PresentedHold(core::ports::Storage& storage,
                                                       core::ports::TokenService& tokens,
                                                       core::ClinicId clinic,
                                                       const BookingRequest& request,
                                                       core::Instant now) {
  if (request.hold_hash) {
    if (request.hold_hash->empty()) return std::optional<core::ports::Hold>{};
  } else if (!request.hold || request.hold->empty()) {
    return std::optional<core::ports::Hold>{};
  }
  auto hold = storage.FindHold(clinic, HoldHash(tokens, request), now);
  if (!hold && hold.error().code() == ErrorCode::kNotFound) {
    return std::optional<core::ports::Hold>{};
  }
  core::ports::Hold found = UNKNOT_TRY(std::move(hold));
  if (found.service != request.service || found.time.start() != request.start ||
      (request.practitioner && *request.practitioner != found.practitioner)) {
    return std::optional<core::ports::Hold>{};
  }
  return std::optional<core::ports::Hold>{found};
}

Result<void> CheckToken(core::ports::Storage& storage, core::ports::TokenService& tokens,
                        const ClinicContext& clinic, core::AppointmentId id,
                        std::string_view token) {
  // The token handed out at booking, or one a sent message carried (ports/patient_messages.hpp).
  auto hashes = storage.ManageTokenHashes(clinic.setup().clinic.id, id);
  if (!hashes) return std::move(hashes).error();
  if (token.empty()) return Error::NotFound("no such appointment");
  for (const std::string& hash : *hashes) {
    if (!hash.empty() && tokens.Matches(token, hash)) return core::Ok();
  }
  return Error::NotFound("no such appointment");
}

}  // namespace

Result<std::vector<scheduling::Booking>> BusyTimes(core::ports::Storage& storage,
                                                   core::ClinicId clinic, core::Interval window,
                                                   core::Instant now,
                                                   const core::ports::Hold* own) {
  auto busy = UNKNOT_TRY(storage.ListBusyTimes(clinic, window, now));
  std::vector<scheduling::Booking> bookings = std::move(busy.bookings);
  bookings.reserve(bookings.size() + busy.holds.size());
  for (const core::ports::Hold& hold : busy.holds) {
    if (own != nullptr && hold == *own) continue;
    bookings.push_back({hold.practitioner, core::RoomId{}, hold.Blocked()});
  }
  return bookings;
}

Result<core::Interval> DaysWindow(const core::TimeZone& zone, core::LocalDate from,
                                  core::LocalDate to, std::chrono::seconds buffer_after) {
  if (date::sys_days{to} < date::sys_days{from}) {
    return Error::InvalidField("to", "must not be before from");
  }
  // A slot lies inside working hours, which lie between its local day's 00:00 and 24:00 as the
  // engine converts them (LocalDayClock: LocalToUtc with kWorkingHoursDstPolicy); its blocked
  // span runs on by the buffer. Busy times are read by overlap with their own blocked spans, so
  // one that began the evening before and still blocks the first slot is read too.
  const core::Instant first = UNKNOT_TRY(core::LocalToUtc(
      zone, core::LocalDateTime{date::local_days{from}}, core::kWorkingHoursDstPolicy));
  const core::Instant last =
      UNKNOT_TRY(core::LocalToUtc(zone, core::LocalDateTime{date::local_days{to} + date::days{1}},
                                  core::kWorkingHoursDstPolicy));
  // Exact only while one UTC offset holds throughout, with a day to spare either side. Near an
  // offset change (a few days a year), a margin that fits any zone and any change instead:
  // local midnights lie within 14 hours of UTC midnight.
  const date::sys_info period = zone.get()->get_info(first - date::days{1});
  if (period.end > last + date::days{1}) {
    return core::Interval::Create(first, last + buffer_after);
  }
  return core::Interval::Create(core::Instant{date::sys_days{from}} - 36h,
                                core::Instant{date::sys_days{to}} + 60h + buffer_after);
}

Result<Refused> RefuseStart(core::ports::Storage& storage, const core::Clock& clock,
                            const ClinicContext& clinic, core::ServiceId service,
                            std::optional<core::PractitionerId> practitioner, core::Instant start,
                            scheduling::SlotRefusal reason) {
  return Refuse(storage, clock, clinic, service, practitioner, start, reason);
}

Result<ClinicContext> LoadClinic(core::ports::Storage& storage, std::string_view slug) {
  core::clinic::Clinic clinic = UNKNOT_TRY(storage.FindClinic(slug));
  return LoadClinic(storage, clinic.id);
}

Result<ClinicContext> LoadClinic(core::ports::Storage& storage, core::ClinicId clinic) {
  std::shared_ptr<const core::clinic::ClinicSetup> setup = UNKNOT_TRY(storage.LoadSetup(clinic));
  core::TimeZone zone = UNKNOT_TRY(core::TimeZone::Find(setup->clinic.time_zone));
  return ClinicContext{std::move(setup), zone};
}

Result<AvailabilityResult> GetAvailability(core::ports::Storage& storage, const core::Clock& clock,
                                           std::string_view slug,
                                           const scheduling::AvailabilityRequest& request) {
  ClinicContext clinic = UNKNOT_TRY(LoadClinic(storage, slug));
  const core::clinic::Service* service = clinic.setup().FindService(request.service);
  if (service == nullptr) {
    return Error(ErrorCode::kNotFound, "no such service", {{"service", "no such service"}});
  }
  const core::Interval window =
      UNKNOT_TRY(DaysWindow(clinic.zone, request.from, request.to, service->buffer_after));
  auto bookings = UNKNOT_TRY(BusyTimes(storage, clinic.setup().clinic.id, window, clock.Now()));
  auto days =
      UNKNOT_TRY(scheduling::FindAvailability(clinic.setup(), bookings, clock.Now(), request));
  core::clinic::Service chosen = *service;
  return AvailabilityResult{std::move(clinic), std::move(chosen), std::move(days), window};
}

Result<BookingOutcome> BookAppointment(core::ports::Storage& storage, const core::Clock& clock,
                                       core::ports::TokenService& tokens,
                                       const ClinicContext& clinic, const BookingRequest& request,
                                       const BookedRenderer& render) {
  const core::ClinicId clinic_id = clinic.setup().clinic.id;
  const core::clinic::Service* service = clinic.setup().FindService(request.service);
  if (service == nullptr) {
    return Error(ErrorCode::kNotFound, "no such service", {{"service", "no such service"}});
  }
  if (auto valid = core::clinic::Validate(request.patient); !valid) {
    const core::FieldError& f = valid.error().fields().front();
    return Error::InvalidField("patient." + f.field, f.reason);
  }
  if (request.assessment) {
    auto assessment = storage.FindAssessment(clinic_id, *request.assessment);
    if (!assessment && assessment.error().code() == ErrorCode::kNotFound) {
      return Error(ErrorCode::kNotFound, "no such assessment",
                   {{"assessment", "no such assessment"}});
    }
    UNKNOT_TRY(CheckBookingAllowed(clinic, UNKNOT_TRY(std::move(assessment)), request.service));
  }

  auto replay = [&]() -> Result<std::optional<BookingOutcome>> {
    if (!request.idempotency_key) return std::optional<BookingOutcome>{};
    auto stored = UNKNOT_TRY(storage.FindResponse(clinic_id, *request.idempotency_key));
    if (!stored) return std::optional<BookingOutcome>{};
    if (stored->fingerprint != request.fingerprint) {
      return Error::InvalidField("Idempotency-Key", "was already used for a different request");
    }
    return std::optional<BookingOutcome>{Replayed{stored->body, stored->appointment}};
  };
  if (auto earlier = UNKNOT_TRY(replay())) return std::move(*earlier);

  core::Instant now = clock.Now();
  // A live hold for this time makes it this booking's: its practitioner, and its time is not
  // counted as busy. The storage write uses it up (or refuses another's hold) in its transaction.
  const std::optional<core::ports::Hold> hold =
      UNKNOT_TRY(PresentedHold(storage, tokens, clinic_id, request, now));
  std::optional<core::PractitionerId> practitioner = request.practitioner;
  if (hold) practitioner = hold->practitioner;
  const core::ports::Hold* own = hold ? &*hold : nullptr;
  const std::string manage_token = tokens.NewToken();
  const std::string manage_token_hash = tokens.Hash(manage_token);
  // Check, then write; the write re-checks inside its transaction. When it loses a race, the
  // practitioner may still be free with another room (two bookings for different practitioners
  // both picked the lowest free room), so check again with fresh bookings a few times before
  // calling the time taken.
  // The first check of a booking for a named practitioner reads only that practitioner's
  // bookings: free rooms are the writer's to find (it tries every room of the kind), and a
  // refusal there is followed by a full check that says why and offers alternatives. Nor does it
  // read holds: the write refuses another's live hold, and the full check then counts it.
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    std::vector<scheduling::Booking> bookings;
    const bool checked_own_bookings_only = attempt == 1 && practitioner.has_value();
    if (checked_own_bookings_only) {
      auto window = *core::Interval::Create(
          request.start, request.start + service->duration + service->buffer_after);
      bookings = UNKNOT_TRY(storage.ListPractitionerBookings(clinic_id, *practitioner, window));
    } else {
      bookings = UNKNOT_TRY(BookingsAround(storage, clinic_id, *service, request.start, now, own));
    }
    scheduling::SlotDecision decision = UNKNOT_TRY(scheduling::CheckSlot(
        clinic.setup(), bookings, now, request.service, practitioner, request.start));
    if (!decision.option) {
      // Lost to a concurrent retry of this very request? Then answer as it was answered.
      if (attempt > 1) {
        if (auto earlier = UNKNOT_TRY(replay())) return std::move(*earlier);
      }
      return BookingOutcome{UNKNOT_TRY(Refuse(storage, clock, clinic, request.service, practitioner,
                                              request.start, *decision.refusal))};
    }
    Booked booked{
        scheduling::Appointment{
            .id = {},
            .patient = {},
            .practitioner = decision.option->practitioner,
            .service = service->id,
            .room = decision.option->room,
            .time = *core::Interval::Create(request.start, request.start + service->duration),
            .blocked_until = request.start + service->duration + service->buffer_after,
            .status = scheduling::AppointmentStatus::kBooked,
            .source = request.source,
            .created_at = now,
            .updated_at = now,
            .cancelled_at = std::nullopt,
            .assessment = request.assessment},
        manage_token};
    core::ports::NewBooking write{.patient = request.patient,
                                  .appointment = booked.appointment,
                                  .other_rooms = {},
                                  .manage_token_hash = manage_token_hash,
                                  .idempotency = std::nullopt,
                                  .max_future_online = std::nullopt};
    if (hold) write.hold_token_hash = HoldHash(tokens, request);
    if (request.source == scheduling::BookingSource::kOnline) {
      write.max_future_online = clinic.setup().clinic.policy.max_future_online_bookings;
      write.online_rules = core::ports::NewBooking::OnlineRules{
          .service_for_new_patients =
              service->eligibility == core::clinic::PatientEligibility::kNewPatientsOnly,
          .no_show_threshold = clinic.setup().clinic.policy.no_show_approval_threshold};
    }
    // The writer tries the appointment's room, then other_rooms in order. When the check did
    // not know the rooms' bookings (first attempt, named practitioner), each practitioner starts
    // from a different room of the kind, so concurrent bookings of different practitioners at
    // one time do not all race for the first room.
    std::vector<core::RoomId> rooms;
    for (const core::clinic::Room& room : clinic.setup().rooms) {
      if (room.kind == service->room_kind) rooms.push_back(room.id);
    }
    if (checked_own_bookings_only && !rooms.empty()) {
      const auto& people = clinic.setup().practitioners;
      auto index = static_cast<std::size_t>(
          std::find_if(people.begin(), people.end(),
                       [&](const auto& p) { return p.id == decision.option->practitioner; }) -
          people.begin());
      std::rotate(rooms.begin(), rooms.begin() + static_cast<std::ptrdiff_t>(index % rooms.size()),
                  rooms.end());
      write.appointment.room = booked.appointment.room = rooms.front();
    }
    for (core::RoomId room : rooms) {
      if (room != write.appointment.room) write.other_rooms.push_back(room);
    }
    if (request.idempotency_key) {
      write.idempotency = core::ports::NewBooking::Idempotency{
          *request.idempotency_key, request.fingerprint,
          [&](const scheduling::Appointment& stored) {
            return render(clinic, Booked{stored, booked.manage_token});
          }};
    }
    auto stored = storage.Book(clinic_id, write);
    if (stored) {
      booked.appointment = std::move(*stored);
      return BookingOutcome{std::move(booked)};
    }
    if (IsCapRefusal(stored.error())) return BookingOutcome{CapReached(clinic)};
    if (auto refused = RuleRefusal(stored.error(), clinic)) return BookingOutcome{*refused};
    if (stored.error().code() != ErrorCode::kConflict) return std::move(stored).error();
    // A concurrent retry with the same key won the race: answer as it was answered.
    if (auto earlier = UNKNOT_TRY(replay())) return std::move(*earlier);
    if (attempt == kAttempts) {
      return BookingOutcome{UNKNOT_TRY(Refuse(storage, clock, clinic, request.service, practitioner,
                                              request.start, scheduling::SlotRefusal::kTaken))};
    }
  }
}

Result<scheduling::Appointment> GetAppointment(core::ports::Storage& storage,
                                               core::ports::TokenService& tokens,
                                               const ClinicContext& clinic, core::AppointmentId id,
                                               std::string_view token) {
  UNKNOT_TRY(CheckToken(storage, tokens, clinic, id, token));
  return storage.FindAppointment(clinic.setup().clinic.id, id);
}

Result<CancelOutcome> CancelAppointment(core::ports::Storage& storage, const core::Clock& clock,
                                        core::ports::TokenService& tokens,
                                        const ClinicContext& clinic, core::AppointmentId id,
                                        std::string_view token) {
  scheduling::Appointment appointment =
      UNKNOT_TRY(GetAppointment(storage, tokens, clinic, id, token));
  core::Instant now = clock.Now();
  if (auto refusal =
          scheduling::OnlineChangeRefusal(clinic.setup().clinic.policy, appointment, now)) {
    return CancelOutcome{ChangeRefused{*refusal, ChangeMessage(*refusal, clinic)}};
  }
  return CancelOutcome{UNKNOT_TRY(storage.Cancel(clinic.setup().clinic.id, id, now))};
}

Result<RescheduleOutcome> RescheduleAppointment(core::ports::Storage& storage,
                                                const core::Clock& clock,
                                                core::ports::TokenService& tokens,
                                                const ClinicContext& clinic, core::AppointmentId id,
                                                std::string_view token, core::Instant start,
                                                std::optional<core::PractitionerId> practitioner) {
  scheduling::Appointment current = UNKNOT_TRY(GetAppointment(storage, tokens, clinic, id, token));
  core::Instant now = clock.Now();
  if (auto refusal = scheduling::OnlineChangeRefusal(clinic.setup().clinic.policy, current, now)) {
    return RescheduleOutcome{ChangeRefused{*refusal, ChangeMessage(*refusal, clinic)}};
  }
  const core::clinic::Service* service = clinic.setup().FindService(current.service);
  if (service == nullptr) return Error(ErrorCode::kInternal, "the appointment's service is gone");
  core::PractitionerId who = practitioner.value_or(current.practitioner);

  // The appointment's own time does not stand in its way.
  const scheduling::Booking own{current.practitioner, current.room, current.BlockedInterval()};
  auto bookings =
      UNKNOT_TRY(BookingsAround(storage, clinic.setup().clinic.id, *service, start, now));
  if (auto it = std::find(bookings.begin(), bookings.end(), own); it != bookings.end()) {
    bookings.erase(it);
  }
  scheduling::SlotDecision decision =
      UNKNOT_TRY(scheduling::CheckSlot(clinic.setup(), bookings, now, current.service, who, start));
  std::span<const scheduling::Booking> ignore(&own, 1);
  if (!decision.option) {
    return RescheduleOutcome{UNKNOT_TRY(
        Refuse(storage, clock, clinic, current.service, who, start, *decision.refusal, ignore))};
  }
  scheduling::Appointment moved = current;
  moved.practitioner = decision.option->practitioner;
  moved.room = decision.option->room;
  moved.time = *core::Interval::Create(start, start + service->duration);
  moved.blocked_until = start + service->duration + service->buffer_after;
  auto stored = storage.Reschedule(clinic.setup().clinic.id, moved);
  if (!stored && stored.error().code() == ErrorCode::kConflict) {
    return RescheduleOutcome{UNKNOT_TRY(Refuse(storage, clock, clinic, current.service, who, start,
                                               scheduling::SlotRefusal::kTaken, ignore))};
  }
  if (!stored) return std::move(stored).error();
  return RescheduleOutcome{std::move(*stored)};
}

}  // namespace unknot::app
