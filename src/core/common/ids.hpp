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
using StaffId = StrongId<struct StaffIdTag>;
using SessionId =
    StrongId<struct SessionIdTag>;  // a session's row, shown to staff; never its secret

}  // namespace unknot::core
