#pragma once

// What the patient side of messages keeps (issue 16), beside the outbox (ports/outbox.hpp):
// - the manage tokens a message's link carries: each message the deliverer sends gets a fresh
//   token, stored (only its hash) as one more valid manage token of the appointment, beside the
//   one handed out when it was booked (SQLite migration 18, PostgreSQL migration 17);
// - per patient: whether they want reminders, and the e-mail address that bounced (the address,
//   when and the server's answer), so it is not mailed again until the patient's address changes.
//
// Failure codes as in ports/storage.hpp unless said.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/ids.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::core::ports {

enum class Reminders { kOff, kOn };

struct PatientMessagePrefs {
  Reminders reminders = Reminders::kOn;
  std::string bounced_email;  // "" when no address bounced
  std::optional<Instant> bounced_at = std::nullopt;
  std::string bounce_error;  // the server's answer, one line

  // Whether `email` is the address that bounced (and so must not be mailed).
  bool Bounced(std::string_view email) const {
    return !bounced_email.empty() && bounced_email == email;
  }

  friend bool operator==(const PatientMessagePrefs&, const PatientMessagePrefs&) = default;
};

class PatientMessageRepository {
 public:
  virtual ~PatientMessageRepository() = default;

  // Stores `token_hash` (non-empty) as another valid manage token of the appointment, created at
  // `now`. kNotFound when there is no such appointment in the clinic; kInvalidArgument on an empty
  // hash; kConflict when the hash is stored already.
  virtual Result<void> AddManageToken(ClinicId clinic, AppointmentId appointment,
                                      std::string_view token_hash, Instant now) = 0;

  // Every valid manage token hash of the appointment: the one stored at booking first (may be ""
  // for appointments made without one), then the added ones, oldest first. kNotFound when there
  // is no such appointment in the clinic.
  virtual Result<std::vector<std::string>> ManageTokenHashes(ClinicId clinic,
                                                             AppointmentId appointment) = 0;

  // The patient's message preferences; the defaults (reminders on, nothing bounced) when never
  // stored. kNotFound when there is no such patient in the clinic.
  virtual Result<PatientMessagePrefs> FindPatientMessagePrefs(ClinicId clinic,
                                                              PatientId patient) = 0;

  // Turns the patient's reminders on or off. kNotFound when there is no such patient.
  virtual Result<void> SetReminders(ClinicId clinic, PatientId patient, Reminders reminders,
                                    Instant now) = 0;

  // Records that mail to `address` bounced at `now` with `error` (replacing an earlier bounce).
  // kNotFound when there is no such patient.
  virtual Result<void> MarkEmailBounced(ClinicId clinic, PatientId patient,
                                        std::string_view address, std::string_view error,
                                        Instant now) = 0;
};

}  // namespace unknot::core::ports
