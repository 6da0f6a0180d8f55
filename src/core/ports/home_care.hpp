#pragma once

// Home-care programs and the patient's daily marks (issue 15): the storage port. Implemented by
// both backends and held to the contract suite (storage/contract/home_care_contract_test.cpp).
// Failure codes as in ports/storage.hpp unless said. Staff writes take their AuditEntry and append
// it in the same transaction; the patient's marks are not staff actions and leave none.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clinical/home_care_program.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

class HomeCareRepository {
 public:
  virtual ~HomeCareRepository() = default;

  // The patient's program as stored; nullopt when none was ever assigned. kNotFound when the
  // clinic has no such patient.
  virtual Result<std::optional<clinical::HomeCareProgram>> FindHomeCare(ClinicId clinic,
                                                                        PatientId patient) = 0;

  // Stores `program` (routines, note, starts_on as given; version and updated_at = now are set
  // here) when the stored program's version is `expected_version` (0: none is stored yet), and
  // returns it as stored; `audit` is appended in the same transaction. kNotFound when the clinic
  // has no such patient; kConflict when the stored version is another (nothing written).
  virtual Result<clinical::HomeCareProgram> SaveHomeCare(ClinicId clinic, PatientId patient,
                                                         const clinical::HomeCareProgram& program,
                                                         std::int64_t expected_version, Instant now,
                                                         const staff::AuditEntry& audit) = 0;

  // The patient's marks on the clinic-local dates [from, to], ordered by day, then routine.
  virtual Result<std::vector<clinical::HomeCareMark>> ListHomeCareMarks(ClinicId clinic,
                                                                        PatientId patient,
                                                                        LocalDate from,
                                                                        LocalDate to) = 0;

  // Makes `routines` exactly what the patient marked done on `day` (an empty list clears the day).
  // kNotFound when the patient has no program; kConflict when a routine is not in the program as
  // stored at the moment of the write, or `day` is before its starts_on (the database refuses
  // such a mark); nothing written on an error.
  virtual Result<void> SetHomeCareDay(ClinicId clinic, PatientId patient, LocalDate day,
                                      const std::vector<std::string>& routines, Instant now) = 0;
};

}  // namespace unknot::core::ports
