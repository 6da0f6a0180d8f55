#include "storage/sqlite/rows.hpp"

namespace unknot::storage::sqlite {

using core::Instant;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

Result<core::TimeOfDay> MinuteColumn(const Statement& stmt, int column) {
  return StoredTimeOfDay(stmt.Int(column));
}

Result<core::Interval> IntervalColumns(const Statement& stmt, int start, int end) {
  return StoredInterval(stmt.Int(start), stmt.Int(end));
}

const std::string kClinicColumns =
    "id, slug, name, phone, address_line1, address_line2, city, region, postal_code, country, "
    "time_zone, min_notice_minutes, horizon_days, cancellation_window_minutes, "
    "slot_step_minutes, grace_period_minutes, address_write_count, "
    "address_write_period_seconds, address_write_burst, email_booking_count, "
    "email_booking_period_seconds, email_booking_burst, max_future_online_bookings, "
    "session_idle_timeout_minutes, session_absolute_timeout_minutes, no_show_approval_threshold";

clinic::Clinic ReadClinic(const Statement& s) {
  clinic::Clinic c;
  c.id = core::ClinicId{s.Int(0)};
  c.slug = s.Text(1);
  c.name = s.Text(2);
  c.phone = s.Text(3);
  c.address = {s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9)};
  c.time_zone = s.Text(10);
  c.policy.min_notice = std::chrono::minutes{s.Int(11)};
  c.policy.horizon = std::chrono::days{s.Int(12)};
  c.policy.cancellation_window = std::chrono::minutes{s.Int(13)};
  c.policy.slot_step = std::chrono::minutes{s.Int(14)};
  c.policy.grace_period = std::chrono::minutes{s.Int(15)};
  c.policy.address_writes = {static_cast<int>(s.Int(16)), std::chrono::seconds{s.Int(17)},
                             static_cast<int>(s.Int(18))};
  c.policy.email_bookings = {static_cast<int>(s.Int(19)), std::chrono::seconds{s.Int(20)},
                             static_cast<int>(s.Int(21))};
  c.policy.max_future_online_bookings = static_cast<int>(s.Int(22));
  c.sessions.idle_timeout = std::chrono::minutes{s.Int(23)};
  c.sessions.absolute_timeout = std::chrono::minutes{s.Int(24)};
  c.policy.no_show_approval_threshold = static_cast<int>(s.Int(25));
  return c;
}

const std::string kPatientColumns =
    "id, given_name, family_name, email, phone, created_at, online_booking, assessment_first";

Result<clinic::Patient> ReadPatient(const Statement& s, int first) {
  clinic::Patient p{core::PatientId{s.Int(first)},
                    s.Text(first + 1),
                    s.Text(first + 2),
                    s.Text(first + 3),
                    s.Text(first + 4),
                    FromSeconds(s.Int(first + 5))};
  p.online_booking = UNKNOT_TRY(ParseColumn<clinic::OnlineBooking>(
      s, first + 6, clinic::ParseOnlineBooking, "online booking rule"));
  p.assessment_first = s.Int(first + 7) != 0;
  return p;
}

const std::string kAppointmentColumns =
    "id, patient_id, practitioner_id, service_id, room_id, start_at, end_at, blocked_until, "
    "status, source, created_at, updated_at, cancelled_at, assessment_id, version, cancel_reason, "
    "declined, overbooked";

Result<scheduling::Appointment> ReadAppointment(const Statement& s) {
  scheduling::Appointment a{
      .id = core::AppointmentId{s.Int(0)},
      .patient = core::PatientId{s.Int(1)},
      .practitioner = core::PractitionerId{s.Int(2)},
      .service = core::ServiceId{s.Int(3)},
      .room = core::RoomId{s.Int(4)},
      .time = UNKNOT_TRY(IntervalColumns(s, 5, 6)),
      .blocked_until = FromSeconds(s.Int(7)),
      .status = UNKNOT_TRY(ParseColumn<scheduling::AppointmentStatus>(
          s, 8, scheduling::ParseAppointmentStatus, "appointment status")),
      .source = UNKNOT_TRY(ParseColumn<scheduling::BookingSource>(
          s, 9, scheduling::ParseBookingSource, "booking source")),
      .created_at = FromSeconds(s.Int(10)),
      .updated_at = FromSeconds(s.Int(11)),
      .cancelled_at = std::nullopt,
      .assessment = std::nullopt,
  };
  if (auto cancelled = s.OptionalInt(12)) a.cancelled_at = FromSeconds(*cancelled);
  if (auto assessment = s.OptionalInt(13)) a.assessment = core::AssessmentId{*assessment};
  a.version = s.Int(14);
  a.cancel_reason = s.Text(15);
  a.declined = s.Int(16) != 0;
  a.overbooked = s.Int(17) != 0;
  return a;
}

Result<std::int64_t> Insert(Statement& stmt, Connection& db) {
  UNKNOT_TRY(stmt.Run());
  return db.LastInsertRowId();
}

}  // namespace unknot::storage::sqlite
