#pragma once

// Everything that describes how a clinic works, read and written as one unit: the clinic, its
// rooms, practitioners (with their schedules) and services.

#include <vector>

#include "core/clinic/clinic.hpp"
#include "core/clinic/practitioner.hpp"
#include "core/clinic/service.hpp"
#include "core/common/result.hpp"

namespace unknot::core::clinic {

struct ClinicSetup {
  Clinic clinic;
  std::vector<Room> rooms;
  std::vector<Practitioner> practitioners;
  std::vector<Service> services;

  const Practitioner* FindPractitioner(PractitionerId id) const;
  const Service* FindService(ServiceId id) const;
  const Room* FindRoom(RoomId id) const;

  friend bool operator==(const ClinicSetup&, const ClinicSetup&) = default;
};

// When the clinic is open on each weekday: the union of its active practitioners' working hours,
// merged where they touch or overlap, ordered by day (Monday first) and time.
std::vector<WorkingHours> OpeningHours(const ClinicSetup& setup);

// Validates every part and the whole: unique room names and slugs, every service needs a room kind
// the clinic has and at least one practitioner who may deliver it.
Result<void> Validate(const ClinicSetup& setup);

}  // namespace unknot::core::clinic
