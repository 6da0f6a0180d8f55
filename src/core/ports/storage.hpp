#pragma once

// The storage ports: what the application needs from a database, in domain terms. Every method
// is scoped to one clinic, because every stored row belongs to one. Implementations: SQLite
// (storage/sqlite) and, later, PostgreSQL; one contract suite holds them to the same behaviour.
//
// Unless a method says otherwise it fails only with kUnavailable (the database cannot serve now,
// e.g. busy or disk full; retrying may help) or kInternal (corrupt data, a bug).

#include <string_view>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/clinic/patient.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"

namespace unknot::core::ports {

class ClinicRepository {
 public:
  virtual ~ClinicRepository() = default;

  // Every clinic, ordered by slug; empty when there is none.
  virtual Result<std::vector<clinic::Clinic>> ListClinics() = 0;

  // The clinic with this slug; kNotFound when there is none.
  virtual Result<clinic::Clinic> FindClinic(std::string_view slug) = 0;

  // The clinic with its rooms, practitioners (each with hours, breaks and time off) and
  // services, each list ordered by id; kNotFound when the clinic does not exist.
  virtual Result<clinic::ClinicSetup> LoadSetup(ClinicId clinic) = 0;

  // Stores a whole clinic in one transaction and returns it with every id assigned. Ids in the
  // argument are ignored. kInvalidArgument when clinic::Validate rejects it (nothing is
  // written); kConflict when the slug is taken.
  virtual Result<clinic::ClinicSetup> CreateClinic(const clinic::ClinicSetup& setup) = 0;
};

class PatientRepository {
 public:
  virtual ~PatientRepository() = default;

  // Stores a new patient of the clinic and returns it with its id. kInvalidArgument when
  // clinic::Validate rejects it; kNotFound when the clinic does not exist.
  virtual Result<clinic::Patient> CreatePatient(ClinicId clinic,
                                                const clinic::Patient& patient) = 0;

  // kNotFound when the clinic has no such patient (also when it belongs to another clinic).
  virtual Result<clinic::Patient> FindPatient(ClinicId clinic, PatientId patient) = 0;
};

class AppointmentRepository {
 public:
  virtual ~AppointmentRepository() = default;

  // Stores an appointment as given and returns it with its id. This is a record store: booking
  // rules are the scheduling engine's. kInvalidArgument when the patient, practitioner, service
  // or room is not the clinic's, or blocked_until is before the end.
  virtual Result<scheduling::Appointment> InsertAppointment(
      ClinicId clinic, const scheduling::Appointment& appointment) = 0;

  // kNotFound when the clinic has no such appointment.
  virtual Result<scheduling::Appointment> FindAppointment(ClinicId clinic,
                                                          AppointmentId appointment) = 0;

  // Appointments of any status whose blocked interval [start, blocked_until) overlaps `window`,
  // ordered by start, then id.
  virtual Result<std::vector<scheduling::Appointment>> ListAppointments(ClinicId clinic,
                                                                        Interval window) = 0;
};

// One database: all repositories plus a liveness check.
class Storage : public ClinicRepository, public PatientRepository, public AppointmentRepository {
 public:
  // Ok when the database answers a trivial query now.
  virtual Result<void> Ping() = 0;
};

}  // namespace unknot::core::ports
