#pragma once

// The booking use cases: availability, booking, reading, cancelling and rescheduling an
// appointment. They combine the scheduling engine (pure rules) with storage (which enforces the
// no-overlap rule again inside its write transaction, so a race can never double-book).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"
#include "core/scheduling/availability.hpp"
#include "core/scheduling/change_policy.hpp"

namespace unknot::app {

// A clinic's setup as loaded (shared with the storage's cache, never copied) and its zone.
struct ClinicContext {
  std::shared_ptr<const core::clinic::ClinicSetup> shared_setup;
  core::TimeZone zone;

  const core::clinic::ClinicSetup& setup() const { return *shared_setup; }
};

// The clinic with this slug and its setup; kNotFound.
core::Result<ClinicContext> LoadClinic(core::ports::Storage& storage, std::string_view slug);
// The same for a clinic already known by id (a staff request's).
core::Result<ClinicContext> LoadClinic(core::ports::Storage& storage, core::ClinicId clinic);

struct AvailabilityResult {
  ClinicContext clinic;
  core::clinic::Service service;
  std::vector<core::scheduling::DaySlots> days;
  // The busy times read were those overlapping this (DaysWindow): the answer depends on no other.
  core::Interval busy_window;
};

core::Result<AvailabilityResult> GetAvailability(
    core::ports::Storage& storage, const core::Clock& clock, std::string_view slug,
    const core::scheduling::AvailabilityRequest& request);

struct BookingRequest {
  core::ServiceId service;
  std::optional<core::PractitionerId> practitioner;  // nullopt: any suitable practitioner
  core::Instant start;
  core::clinic::Patient patient;
  core::scheduling::BookingSource source = core::scheduling::BookingSource::kOnline;
  std::optional<std::string> idempotency_key;
  std::string fingerprint;  // of the request, to recognise a true retry of the same request
  // The self-assessment the booking follows, if any: its outcome limits what may be booked
  // (CheckBookingAllowed in app/assessment.hpp).
  std::optional<core::AssessmentId> assessment;
  // The token of the hold the patient took for this time (app/holds.hpp), if any. While that hold
  // lives and matches the service and start, the booking takes its time (and its practitioner,
  // when the request says "any") whoever else is booking; the hold is used up. An expired,
  // released or mismatched hold is ignored: the booking is then an ordinary one.
  std::optional<std::string> hold = std::nullopt;
  // Instead of `hold`: the hash of the hold's token, for a caller that keeps only the hash (a
  // waitlist offer's hold, app/waitlist.hpp).
  std::optional<std::string> hold_hash = std::nullopt;
};

struct Booked {
  core::scheduling::Appointment appointment;
  std::string manage_token;  // shown once; storage keeps only its hash
};

// A retry with an Idempotency-Key that was already answered: the first answer, as stored.
struct Replayed {
  std::string body;
  core::AppointmentId appointment;
};

// The start cannot be booked; the nearest free starts of the same service are offered.
struct Refused {
  core::scheduling::SlotRefusal reason;
  std::string message;
  std::vector<core::scheduling::OfferedSlot> alternatives;
};

// The patient (by email) already holds as many booked online appointments still to come as the
// clinic allows (BookingPolicy::max_future_online_bookings); more are made by phone.
struct TooManyBookings {
  int limit = 0;
  std::string message;  // says to call the clinic, with its number
};

// The patient's booking rules (set by the front desk on their record) refuse this online booking.
// Nothing was written.
struct RuleRefused {
  enum class Rule {
    kBlocked,          // the patient may not book online at all
    kAssessmentFirst,  // online, only a service for new patients (the assessment visit)
  };
  Rule rule = Rule::kBlocked;
  std::string message;  // kind, for the patient; says to call the clinic, with its number
};

// The clinic's busy times in `window` as the scheduling engine needs them: non-cancelled
// appointments, and the holds live at `now` (app/holds.hpp) except `own` (the hold a booking
// presents), each keeping its practitioner's time (no room).
core::Result<std::vector<core::scheduling::Booking>> BusyTimes(
    core::ports::Storage& storage, core::ClinicId clinic, core::Interval window, core::Instant now,
    const core::ports::Hold* own = nullptr);

// The instants that the slots of the clinic-local days [from, to] may block, given the
// service's buffer: where availability reads the busy times. kInvalidArgument (field "to") when
// `to` is before `from`.
core::Result<core::Interval> DaysWindow(const core::TimeZone& zone, core::LocalDate from,
                                        core::LocalDate to, std::chrono::seconds buffer_after);

// The refusal of `start` with the nearest free starts of the same service around it.
core::Result<Refused> RefuseStart(core::ports::Storage& storage, const core::Clock& clock,
                                  const ClinicContext& clinic, core::ServiceId service,
                                  std::optional<core::PractitionerId> practitioner,
                                  core::Instant start, core::scheduling::SlotRefusal reason);

using BookingOutcome = std::variant<Booked, Replayed, Refused, TooManyBookings, RuleRefused>;

// Renders the response body for a booking, to be stored under its Idempotency-Key.
using BookedRenderer = std::function<std::string(const ClinicContext&, const Booked&)>;

// An online booking counts against the clinic's cap on future online bookings per email,
// checked inside the storage write so parallel requests cannot exceed it (TooManyBookings;
// requested appointments count). It follows the booking rules of the patient with the request's
// email, decided inside the same write: blocked or assessment first refuse it (RuleRefused);
// "requires approval", or the clinic's no-show rule, store it as requested (Booked, with that
// status; it holds its time until the front desk decides).
// Errors: kNotFound (service, practitioner), kInvalidArgument (patient fields, named
// "patient.<field>"; an Idempotency-Key reused for a different request).
core::Result<BookingOutcome> BookAppointment(
    core::ports::Storage& storage, const core::Clock& clock, core::ports::TokenService& tokens,
    const ClinicContext& clinic, const BookingRequest& request, const BookedRenderer& render);

// The appointment when `token` is its manage token; a wrong token is kNotFound, exactly like an
// unknown id, so ids cannot be probed.
core::Result<core::scheduling::Appointment> GetAppointment(core::ports::Storage& storage,
                                                           core::ports::TokenService& tokens,
                                                           const ClinicContext& clinic,
                                                           core::AppointmentId id,
                                                           std::string_view token);

// A change the clinic's policy does not allow online.
struct ChangeRefused {
  core::scheduling::ChangeRefusal reason;
  std::string message;  // says to call the clinic, with its number, where that is the way
};

using CancelOutcome = std::variant<core::scheduling::Appointment, ChangeRefused>;

core::Result<CancelOutcome> CancelAppointment(core::ports::Storage& storage,
                                              const core::Clock& clock,
                                              core::ports::TokenService& tokens,
                                              const ClinicContext& clinic, core::AppointmentId id,
                                              std::string_view token);

using RescheduleOutcome = std::variant<core::scheduling::Appointment, ChangeRefused, Refused>;

// Moves the appointment to `start` with `practitioner` (default: the same one). Atomic: when the
// new time is not free the appointment stays exactly as it was.
core::Result<RescheduleOutcome> RescheduleAppointment(
    core::ports::Storage& storage, const core::Clock& clock, core::ports::TokenService& tokens,
    const ClinicContext& clinic, core::AppointmentId id, std::string_view token,
    core::Instant start, std::optional<core::PractitionerId> practitioner);

}  // namespace unknot::app
