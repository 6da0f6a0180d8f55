#pragma once

// The owner sets the clinic up (issue 13): one edit at a time of the clinic's details and
// policies, rooms, practitioners (with weekly hours and breaks), time off and services. Each edit
// is applied to the set-up as stored, validated whole, and saved with the check that refuses to
// strand booked appointments (core/clinic/setup_change.hpp) unless the owner says to keep them.
// Two owners editing at once never lose an edit: storage applies each edit inside its write
// transaction to the set-up as stored at that moment (ClinicRepository::SaveSetup).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/clinic/setup_change.hpp"
#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"

namespace unknot::app {

// The clinic's details, booking policy and session settings. Its id is ignored; its slug must be
// the clinic's or empty (the slug cannot change).
struct UpdateClinic {
  core::clinic::Clinic clinic;
};
// Adds a room (id unset) or changes the room with this id.
struct SaveRoom {
  core::clinic::Room room;
};
// Adds a practitioner (id unset) or changes the one with this id: everything but time off, which
// has edits of its own (a new practitioner starts with none; a changed one keeps theirs).
struct SavePractitioner {
  core::clinic::Practitioner practitioner;
  // Whether the front desk may book over this practitioner's appointments (issue 14). Unset keeps
  // what is stored (false for a new practitioner), so a client that does not know the field
  // cannot take the owner's permission away by saving the rest of the record.
  std::optional<bool> allow_overbooking{};
};
struct AddTimeOff {
  core::PractitionerId practitioner;
  core::Interval period;
  std::string reason;
};
struct RemoveTimeOff {
  core::PractitionerId practitioner;
  core::TimeOffId time_off;
};
// Adds a service (id unset) or changes the service with this id.
struct SaveService {
  core::clinic::Service service;
};

using SetupEdit =
    std::variant<UpdateClinic, SaveRoom, SavePractitioner, AddTimeOff, RemoveTimeOff, SaveService>;

// What to do when the edit would strand booked appointments.
enum class StrandedPolicy {
  kRefuse,  // store nothing; answer with the appointments (SetupRefused)
  kKeep,    // store the change; the appointments stay booked as they are (the front desk moves
            // them) and are listed in SetupEdited::kept
};

struct SetupEdited {
  core::clinic::ClinicSetup setup;  // as stored
  // The id of the clinic, room, practitioner, time off or service the edit added or changed
  // (for RemoveTimeOff: the practitioner's).
  std::int64_t id = 0;
  std::vector<core::clinic::StrandedAppointment> kept;  // with kKeep: what the change strands
};

struct SetupRefused {
  std::vector<core::clinic::StrandedAppointment> stranded;  // never empty
  std::string message;
};

using SetupEditOutcome = std::variant<SetupEdited, SetupRefused>;

// Applies one edit. Errors:
// - kNotFound: the clinic, or the room, practitioner, time off or service the edit names
//   (field "id", or "practitioner" / "time_off" for the time-off edits);
// - kInvalidArgument: the edited thing is invalid, with fields named relative to it as the
//   domain names them ("hours[0].end", "policy.slot_step", "slug"; the API renames them);
//   "slug" when a clinic edit names another slug;
// - kConflict: the edit is valid but leaves another part of the set-up invalid, e.g. the last
//   practitioner who could deliver a service made inactive; the field names that part as in the
//   whole set-up ("services[2].allowed_roles").
core::Result<SetupEditOutcome> EditClinicSetup(core::ports::Storage& storage,
                                               const core::Clock& clock, core::ClinicId clinic,
                                               const SetupEdit& edit, StrandedPolicy policy);

}  // namespace unknot::app
