#pragma once

// A stored appointment. Booking rules (availability, no overlap) live in the scheduling engine;
// this is the record.

#include <optional>
#include <string_view>

#include "core/common/ids.hpp"
#include "core/common/interval.hpp"
#include "core/common/time.hpp"

namespace unknot::core::scheduling {

enum class AppointmentStatus { kBooked, kCancelled, kCompleted, kNoShow };
enum class BookingSource { kOnline, kPhone, kStaff };

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

  // The span that no other appointment of the same practitioner or room may overlap.
  Interval BlockedInterval() const { return Interval::Create(time.start(), blocked_until).value(); }

  friend bool operator==(const Appointment&, const Appointment&) = default;
};

}  // namespace unknot::core::scheduling
