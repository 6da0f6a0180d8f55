#include "core/scheduling/appointment.hpp"

#include "core/common/enum_names.hpp"

namespace unknot::core::scheduling {
namespace {

constexpr EnumNames<AppointmentStatus, 6> kStatuses{{
    {AppointmentStatus::kBooked, "booked"},
    {AppointmentStatus::kCancelled, "cancelled"},
    {AppointmentStatus::kCompleted, "completed"},
    {AppointmentStatus::kNoShow, "no_show"},
    {AppointmentStatus::kRequested, "requested"},
    {AppointmentStatus::kArrived, "arrived"},
}};

constexpr EnumNames<BookingSource, 4> kSources{{
    {BookingSource::kOnline, "online"},
    {BookingSource::kPhone, "phone"},
    {BookingSource::kStaff, "staff"},
    {BookingSource::kWalkIn, "walk_in"},
}};

}  // namespace

std::string_view ToString(AppointmentStatus status) { return NameOf(kStatuses, status); }
std::optional<AppointmentStatus> ParseAppointmentStatus(std::string_view text) {
  return ValueOf(kStatuses, text);
}
std::string_view ToString(BookingSource source) { return NameOf(kSources, source); }
std::optional<BookingSource> ParseBookingSource(std::string_view text) {
  return ValueOf(kSources, text);
}

}  // namespace unknot::core::scheduling
