#pragma once

// A stored appointment. Booking rules (availability, no overlap) live in the scheduling engine;
// this is the record.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/time.hpp"

namespace unknot::core::scheduling {

// kRequested: an online booking by a patient who needs the front desk's approval; it holds its
// time like kBooked until approved (kBooked) or declined (kCancelled with `declined`).
// kArrived: the patient is in the clinic. Only kCancelled frees the time.
enum class AppointmentStatus { kBooked, kCancelled, kCompleted, kNoShow, kRequested, kArrived };
enum class BookingSource { kOnline, kPhone, kStaff, kWalkIn };

std::string_view ToString(AppointmentStatus status);
std::optional<AppointmentStatus> ParseAppointmentStatus(std::string_view text);
std::string_view ToString(BookingSource source);
std::optional<BookingSource> ParseBookingSource(std::string_view text);

struct Appointment {
  AppointmentId id;
  PatientId patient;
  PractitionerId practitioner;
  ServiceId service;
  RoomId room;
  Interval time;          // the service itself, [start, end)
  Instant blocked_until;  // end plus the service's buffer: practitioner and room stay busy
  AppointmentStatus status = AppointmentStatus::kBooked;
  BookingSource source = BookingSource::kOnline;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> cancelled_at;
  // The self-assessment the patient booked after, if any (staff see it on the patient's record).
  std::optional<AssessmentId> assessment;
  // Raised by storage on every change; a client that changes an appointment sends the version it
  // saw and gets kConflict with the current state when someone else changed it first.
  std::int64_t version = 1;
  // Why it was cancelled, in the words of whoever cancelled it (staff); empty when not given.
  std::string cancel_reason{};
  // A kRequested appointment the front desk declined (status kCancelled).
  bool declined = false;
  // Booked by staff over another appointment of the same practitioner, which the owner allowed
  // for that practitioner: the database's no-overlap rule leaves it out.
  bool overbooked = false;

  // The span that no other appointment of the same practitioner or room may overlap.
  Interval BlockedInterval() const { return Interval::Create(time.start(), blocked_until).value(); }

  friend bool operator==(const Appointment&, const Appointment&) = default;
};

}  // namespace unknot::core::scheduling
