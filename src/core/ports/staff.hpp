#pragma once

// The staff side's storage ports: accounts, sessions, the audit log, and what staff read about
// patients. Implemented by both backends and held to the contract suite
// (storage/contract/staff_contract_test.cpp). Failure codes as in ports/storage.hpp unless said.
//
// Writes that staff make take the AuditEntry that records them and append it in the same
// transaction: the write and its record commit together or not at all.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/patient.hpp"
#include "core/common/result.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/staff/account.hpp"

namespace unknot::core::ports {

class StaffRepository {
 public:
  virtual ~StaffRepository() = default;

  // Stores a new account (email normalised with staff::NormalizeEmail) and returns it with its
  // id. kInvalidArgument when staff::Validate rejects it or its practitioner is not the clinic's
  // ("practitioner_id"); kConflict when the clinic has an account with that email ("email");
  // kNotFound when the clinic does not exist. `audit` (when given) is appended in the same
  // transaction, with its `record` completed as "staff/<new id>" when it was left empty.
  virtual Result<staff::StaffAccount> CreateStaff(
      const staff::StaffAccount& account, const std::optional<staff::AuditEntry>& audit) = 0;

  // kNotFound when the clinic has no account with that email (compared normalised).
  virtual Result<staff::StaffAccount> FindStaffByEmail(ClinicId clinic, std::string_view email) = 0;
  // kNotFound when the clinic has no such account.
  virtual Result<staff::StaffAccount> FindStaff(ClinicId clinic, StaffId staff) = 0;
  // Every account of the clinic, ordered by id.
  virtual Result<std::vector<staff::StaffAccount>> ListStaff(ClinicId clinic) = 0;

  // Disables or enables an account; disabling also ends all its sessions at `now`, in the same
  // transaction. kNotFound.
  virtual Result<staff::StaffAccount> SetStaffDisabled(ClinicId clinic, StaffId staff,
                                                       bool disabled, Instant now,
                                                       const staff::AuditEntry& audit) = 0;

  // Changes the display name, role and practitioner link (validated as CreateStaff). kNotFound.
  virtual Result<staff::StaffAccount> UpdateStaff(const staff::StaffAccount& account,
                                                  const staff::AuditEntry& audit) = 0;

  // Stores a new password hash (password_changed_at = now) and ends every session of the account
  // except `keep` (the one that asked; nullopt ends all), in one transaction. kNotFound.
  virtual Result<void> SetPasswordHash(ClinicId clinic, StaffId staff, std::string_view hash,
                                       Instant now, std::optional<SessionId> keep,
                                       const std::optional<staff::AuditEntry>& audit) = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;

  // Stores a new session (its id is assigned) and returns it. `audit` (the sign-in) is appended
  // in the same transaction. kNotFound when the clinic or account does not exist.
  virtual Result<staff::Session> CreateSession(const staff::Session& session,
                                               const staff::AuditEntry& audit) = 0;

  // The session whose secret hashes to `secret_hash`, whatever its state (the caller applies
  // staff::StateAt), with its account. kNotFound when there is none.
  struct SessionWithStaff {
    staff::Session session;
    staff::StaffAccount account;
  };
  virtual Result<SessionWithStaff> FindSession(std::string_view secret_hash) = 0;

  // Sets last_seen_at = now (only moves forward). kNotFound.
  virtual Result<void> TouchSession(SessionId session, Instant now) = 0;

  // Ends one session at `now` (ended_at; a session already ended keeps its time). kNotFound when
  // the clinic has no such session. `audit` appended in the same transaction.
  virtual Result<void> EndSession(ClinicId clinic, SessionId session, Instant now,
                                  const std::optional<staff::AuditEntry>& audit) = 0;

  // Ends every session of the account that is not ended yet, except `keep`; returns how many
  // it ended. kNotFound when the clinic has no such account.
  virtual Result<int> EndSessionsOf(ClinicId clinic, StaffId staff, Instant now,
                                    std::optional<SessionId> keep,
                                    const std::optional<staff::AuditEntry>& audit) = 0;

  // The clinic's sessions that are not ended and whose absolute expiry is after `now` (idle
  // ones included: the caller shows their state), optionally of one account, newest first.
  virtual Result<std::vector<staff::Session>> ListSessions(ClinicId clinic,
                                                           std::optional<StaffId> staff,
                                                           Instant now) = 0;
};

struct AuditFilter {
  std::optional<StaffId> staff;
  std::optional<PatientId> patient;
  std::optional<Instant> from;  // at >= from
  std::optional<Instant> to;    // at < to
  // Paging, newest first: entries with sequence < before_sequence (nullopt: from the newest).
  std::optional<std::int64_t> before_sequence;
  int limit = 100;  // 1 to 1000
};

// Where a clinic's audit chain first breaks; nullopt when every link holds.
struct BrokenLink {
  ClinicId clinic;
  std::int64_t sequence = 0;  // the first entry that does not match (or the first missing one)
  std::string reason;         // e.g. "hash does not match the entry", "sequence 7 is missing"
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;

  // Appends one entry (sequence, previous_hash and hash assigned here, chained to the clinic's
  // last entry) and returns it. Used for reads: the caller appends before answering. Writes pass
  // their entry to the write instead. kNotFound when the clinic does not exist.
  virtual Result<staff::AuditEntry> AppendAudit(const staff::AuditEntry& entry) = 0;

  // The clinic's entries matching `filter`, newest first.
  virtual Result<std::vector<staff::AuditEntry>> ListAudit(ClinicId clinic,
                                                           const AuditFilter& filter) = 0;

  // Walks every clinic's chain (or one clinic's) from the first entry: sequences 1, 2, 3 ...
  // without gaps, each previous_hash equal to the hash before it, each hash equal to the hash of
  // its CanonicalText. The first break of each broken clinic, ordered by clinic; empty: intact.
  virtual Result<std::vector<BrokenLink>> VerifyAudit(std::optional<ClinicId> clinic) = 0;
};

// A patient as staff search lists them.
struct PatientSummary {
  clinic::Patient patient;
  std::optional<Instant> next_appointment;  // the next booked one starting after now
  // The latest one that started at or before now (a cancelled one does not count).
  std::optional<Instant> last_appointment;

  friend bool operator==(const PatientSummary&, const PatientSummary&) = default;
};

struct PatientQuery {
  // Words matched (case-insensitively, each a substring) against given name, family name, email
  // and phone; every word must match one of them. Empty: every patient.
  std::string text;
  // Only patients with a non-cancelled appointment with this practitioner (a practitioner's
  // own patients).
  std::optional<PractitionerId> practitioner;
  Instant now;  // for next/last appointment
  int offset = 0;
  int limit = 25;  // 1 to 100
};

struct PatientPage {
  std::vector<PatientSummary> patients;  // ordered by family name, given name, id
  bool more = false;                     // another page follows
};

class PatientRecords {
 public:
  virtual ~PatientRecords() = default;

  virtual Result<PatientPage> SearchPatients(ClinicId clinic, const PatientQuery& query) = 0;

  // The patient's appointments of every status, newest first. kNotFound when the clinic has no
  // such patient.
  virtual Result<std::vector<scheduling::Appointment>> ListPatientAppointments(
      ClinicId clinic, PatientId patient) = 0;

  // Whether the practitioner has a non-cancelled appointment (past or future) with the patient:
  // the fact staff::Decide needs for kOwnPatients.
  virtual Result<bool> HasAppointmentWith(ClinicId clinic, PatientId patient,
                                          PractitionerId practitioner) = 0;
};

}  // namespace unknot::core::ports
