#pragma once

#include "core/common/strong_id.hpp"

namespace unknot::core {

using ClinicId = StrongId<struct ClinicIdTag>;
using RoomId = StrongId<struct RoomIdTag>;
using PractitionerId = StrongId<struct PractitionerIdTag>;
using ServiceId = StrongId<struct ServiceIdTag>;
using TimeOffId = StrongId<struct TimeOffIdTag>;
using PatientId = StrongId<struct PatientIdTag>;
using AppointmentId = StrongId<struct AppointmentIdTag>;
using AssessmentId = StrongId<struct AssessmentIdTag>;

}  // namespace unknot::core
