#include "app/patient_messages.hpp"

namespace unknot::app {

core::Result<core::ports::Reminders> GetReminders(core::ports::Storage& storage,
                                                  core::ports::TokenService& tokens,
                                                  const ClinicContext& clinic,
                                                  core::AppointmentId id, std::string_view token) {
  auto appointment = UNKNOT_TRY(GetAppointment(storage, tokens, clinic, id, token));
  auto prefs =
      UNKNOT_TRY(storage.FindPatientMessagePrefs(clinic.setup().clinic.id, appointment.patient));
  return prefs.reminders;
}

core::Result<core::ports::Reminders> SetReminders(core::ports::Storage& storage,
                                                  const core::Clock& clock,
                                                  core::ports::TokenService& tokens,
                                                  const ClinicContext& clinic,
                                                  core::AppointmentId id, std::string_view token,
                                                  core::ports::Reminders reminders) {
  auto appointment = UNKNOT_TRY(GetAppointment(storage, tokens, clinic, id, token));
  UNKNOT_TRY(
      storage.SetReminders(clinic.setup().clinic.id, appointment.patient, reminders, clock.Now()));
  return reminders;
}

}  // namespace unknot::app
