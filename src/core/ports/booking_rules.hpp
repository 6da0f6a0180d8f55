#pragma once

// Per-patient booking rules and the front desk's approval of online requests (issue 14): the
// storage port. Implemented by both backends and held to the contract suite
// (storage/contract/booking_rules_contract_test.cpp). Failure codes as in ports/storage.hpp
// unless said. Staff writes take their AuditEntry and append it in the same transaction.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/patient.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

// What the front desk sets on a patient's record.
struct BookingRules {
  clinic::OnlineBooking online_booking = clinic::OnlineBooking::kAllowed;
  bool assessment_first = false;

  friend bool operator==(const BookingRules&, const BookingRules&) = default;
};

// How long back no-shows count for the clinic's approval rule and the patient record.
inline constexpr std::chrono::days kNoShowWindow{365};

// The field of the kForbidden that Book returns for a patient blocked from booking online.
inline constexpr std::string_view kBlockedPatientField = "patient.email";

// The refusals of an online booking by a stored patient with these rules (both backends' Book):
// blocked, kForbidden on kBlockedPatientField; assessment first and the service is not for new
// patients only, kInvalidArgument on "service".
inline Result<void> CheckOnlineRules(clinic::OnlineBooking rule, bool assessment_first,
                                     bool service_for_new_patients) {
  if (rule == clinic::OnlineBooking::kBlocked) {
    return Error(ErrorCode::kForbidden, "the patient may not book online",
                 {{std::string(kBlockedPatientField), "may not book online"}});
  }
  if (assessment_first && !service_for_new_patients) {
    return Error::InvalidField("service",
                               "online, this patient may book a service for new patients only");
  }
  return Ok();
}

// A `requested` appointment with what the front desk needs to decide on it.
struct PendingRequest {
  scheduling::Appointment appointment;
  clinic::Patient patient;

  friend bool operator==(const PendingRequest&, const PendingRequest&) = default;
};

enum class RequestDecision { kApprove, kDecline };

class BookingRulesRepository {
 public:
  virtual ~BookingRulesRepository() = default;

  // Stores the patient's rules and returns the patient as stored; `audit` is appended in the same
  // transaction. kNotFound when the clinic has no such patient (nothing written).
  virtual Result<clinic::Patient> SetBookingRules(ClinicId clinic, PatientId patient,
                                                  const BookingRules& rules,
                                                  const staff::AuditEntry& audit) = 0;

  // How many of the patient's appointments have status no_show and start in [since, until).
  virtual Result<int> CountNoShows(ClinicId clinic, PatientId patient, Instant since,
                                   Instant until) = 0;

  // The clinic's requested appointments that have not ended by `now`, ordered by start, then id,
  // each with its patient.
  virtual Result<std::vector<PendingRequest>> ListRequests(ClinicId clinic, Instant now) = 0;

  // Approves (status booked) or declines (status cancelled, declined, cancelled_at = now,
  // cancel_reason = `reason`: the time is free at once) a requested appointment whose version
  // is `version`, and returns it as stored; `audit` is appended in the same transaction.
  // kNotFound; kConflict when its version is another or it is no longer requested (nothing
  // written; the caller reads the current state to show it).
  virtual Result<scheduling::Appointment> DecideRequest(ClinicId clinic, AppointmentId appointment,
                                                        std::int64_t version,
                                                        RequestDecision decision,
                                                        std::string_view reason, Instant now,
                                                        const staff::AuditEntry& audit) = 0;
};

}  // namespace unknot::core::ports
