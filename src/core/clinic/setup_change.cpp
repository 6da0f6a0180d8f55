#include "core/clinic/setup_change.hpp"

#include <algorithm>

#include "core/common/enum_names.hpp"
#include "core/scheduling/free_time.hpp"

namespace unknot::core::clinic {
namespace {

constexpr EnumNames<StrandReason, 8> kReasons{{
    {StrandReason::kPractitionerInactive, "practitioner_inactive"},
    {StrandReason::kCannotDeliver, "cannot_deliver"},
    {StrandReason::kServiceRemoved, "service_removed"},
    {StrandReason::kRoomRemoved, "room_removed"},
    {StrandReason::kRoomKind, "room_kind"},
    {StrandReason::kOutsideHours, "outside_hours"},
    {StrandReason::kDuringBreak, "during_break"},
    {StrandReason::kDuringTimeOff, "during_time_off"},
}};

// Role and skills only: whether the practitioner is active is a reason of its own.
bool QualifiedFor(const Service& service, const Practitioner& practitioner) {
  Practitioner active = practitioner;
  active.status = PractitionerStatus::kActive;
  return service.CanBeDeliveredBy(active);
}

// Hours, breaks and time off of the practitioner against the appointment's service span.
void CheckSchedule(const Practitioner& p, const TimeZone& zone, const scheduling::Appointment& a,
                   std::vector<StrandReason>& reasons) {
  const scheduling::Span span{a.time.start(), a.time.end()};
  scheduling::LocalDayClock clock(zone);
  clock.SetDay(LocalDateOf(zone, a.time.start()));
  const date::weekday weekday{date::local_days{clock.day()}};
  bool inside = std::any_of(p.hours.begin(), p.hours.end(), [&](const WorkingHours& h) {
    if (h.day != weekday) return false;
    scheduling::Span working{clock.ToUtc(h.start), clock.ToUtc(h.end)};
    return !working.empty() && working.start <= span.start && span.end <= working.end;
  });
  if (!inside) reasons.push_back(StrandReason::kOutsideHours);
  bool in_break = std::any_of(p.breaks.begin(), p.breaks.end(), [&](const Break& b) {
    return b.day == weekday &&
           scheduling::Span{clock.ToUtc(b.start), clock.ToUtc(b.end)}.Overlaps(span);
  });
  if (in_break) reasons.push_back(StrandReason::kDuringBreak);
  bool off = std::any_of(p.time_off.begin(), p.time_off.end(),
                         [&](const TimeOff& t) { return t.period.Overlaps(a.time); });
  if (off) reasons.push_back(StrandReason::kDuringTimeOff);
}

}  // namespace

std::string_view ToString(StrandReason reason) { return NameOf(kReasons, reason); }

std::vector<StrandReason> WhyNotHeld(const ClinicSetup& setup,
                                     const scheduling::Appointment& appointment) {
  std::vector<StrandReason> reasons;
  const Practitioner* practitioner = setup.FindPractitioner(appointment.practitioner);
  const Service* service = setup.FindService(appointment.service);
  const Room* room = setup.FindRoom(appointment.room);
  if (practitioner == nullptr || practitioner->status != PractitionerStatus::kActive) {
    reasons.push_back(StrandReason::kPractitionerInactive);
  }
  if (practitioner != nullptr && service != nullptr && !QualifiedFor(*service, *practitioner)) {
    reasons.push_back(StrandReason::kCannotDeliver);
  }
  if (service == nullptr) reasons.push_back(StrandReason::kServiceRemoved);
  if (room == nullptr) reasons.push_back(StrandReason::kRoomRemoved);
  if (room != nullptr && service != nullptr && room->kind != service->room_kind) {
    reasons.push_back(StrandReason::kRoomKind);
  }
  if (practitioner != nullptr) {
    // A set-up whose zone the system does not know cannot place hours at all: validation refuses
    // it, so it is only ever the `before` of a corrupt database; every time is then outside.
    auto zone = TimeZone::Find(setup.clinic.time_zone);
    if (zone) {
      CheckSchedule(*practitioner, *zone, appointment, reasons);
    } else {
      reasons.push_back(StrandReason::kOutsideHours);
    }
  }
  return reasons;
}

std::vector<StrandedAppointment> StrandedBy(const ClinicSetup& before, const ClinicSetup& after,
                                            std::span<const scheduling::Appointment> appointments,
                                            Instant now) {
  std::vector<StrandedAppointment> stranded;
  for (const scheduling::Appointment& a : appointments) {
    if (a.status != scheduling::AppointmentStatus::kBooked || a.time.end() <= now) continue;
    std::vector<StrandReason> was = WhyNotHeld(before, a);
    std::vector<StrandReason> is = WhyNotHeld(after, a);
    std::vector<StrandReason> added;
    std::set_difference(is.begin(), is.end(), was.begin(), was.end(), std::back_inserter(added));
    if (!added.empty()) stranded.push_back({a, std::move(added)});
  }
  std::sort(stranded.begin(), stranded.end(), [](const auto& x, const auto& y) {
    if (x.appointment.time.start() != y.appointment.time.start()) {
      return x.appointment.time.start() < y.appointment.time.start();
    }
    return x.appointment.id < y.appointment.id;
  });
  return stranded;
}

}  // namespace unknot::core::clinic
