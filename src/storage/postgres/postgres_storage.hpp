#pragma once

// The PostgreSQL backend of the storage ports, for clinic groups that run several `unknot serve`
// processes on one database. Same behaviour as the SQLite backend (one contract suite holds both
// to it, storage/contract); the differences are in how it is achieved:
// - the no-overlap rule is two exclusion constraints (btree_gist), so it holds across servers;
//   an overlap becomes the same kConflict as on SQLite;
// - each request uses a pooled connection and its own transaction (READ COMMITTED); the
//   database groups concurrent commits itself; serialization failures and deadlocks are retried;
// - clinics and their setups are cached for a few seconds only, since another server may write
//   them;
// - a booking without an Idempotency-Key is one call of unknot_book() (migration 2): one round
//   trip that finds or creates the patient, tries the rooms and inserts the appointment.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/common/clock.hpp"
#include "core/ports/appointment_changes.hpp"
#include "core/ports/storage.hpp"

namespace unknot::storage::postgres {

class ConnectionPool;

enum class SchemaCheck {
  kRequireLatest,  // refuse a database that needs `unknot migrate`
  kAllowOlder      // for the migrator itself
};

struct Options {
  std::string uri;            // a libpq URI: postgresql://user@host:port/database?...
  std::size_t pool_size = 8;  // connections this process opens at most
};

class PostgresStorage final : public core::ports::Storage,
                              public core::ports::AppointmentChangeFeed {
 public:
  // Connects and checks the schema version: an unreachable server, a malformed URI, a database
  // that needs `unknot migrate` or is newer than this binary fail with one line.
  ~PostgresStorage() override;

  static core::Result<std::unique_ptr<PostgresStorage>> Open(
      const Options& options, const core::Clock& clock,
      SchemaCheck check = SchemaCheck::kRequireLatest);

  ConnectionPool& pool() { return *pool_; }

  core::Result<void> Ping() override;
  // Counts this process's commits only: writes by other servers on the same database are not
  // seen (see docs/operations.md on the availability cache).
  std::uint64_t Generation() const override;
  bool ScheduleChangedSince(std::uint64_t generation, const core::scheduling::ScheduleScope& scope,
                            std::uint64_t* unchanged_through) const override;
  WriteCounts Writes() const override;

  core::Result<std::vector<core::clinic::Clinic>> ListClinics() override;
  core::Result<core::clinic::Clinic> FindClinic(std::string_view slug) override;
  core::Result<std::shared_ptr<const core::clinic::ClinicSetup>> LoadSetup(
      core::ClinicId clinic) override;
  core::Result<core::clinic::ClinicSetup> CreateClinic(
      const core::clinic::ClinicSetup& setup) override;
  // In setup_write.cpp. Locks the clinic's row for the transaction, so set-up writes of one
  // clinic from every server take turns.
  core::Result<core::clinic::ClinicSetup> SaveSetup(core::ClinicId clinic,
                                                    const SetupChange& change,
                                                    core::Instant now) override;

  core::Result<core::clinic::Patient> CreatePatient(core::ClinicId clinic,
                                                    const core::clinic::Patient& patient) override;
  core::Result<core::clinic::Patient> FindPatient(core::ClinicId clinic,
                                                  core::PatientId patient) override;

  core::Result<core::scheduling::Appointment> InsertAppointment(
      core::ClinicId clinic, const core::scheduling::Appointment& appointment) override;
  core::Result<core::scheduling::Appointment> FindAppointment(
      core::ClinicId clinic, core::AppointmentId appointment) override;
  core::Result<std::vector<core::scheduling::Appointment>> ListAppointments(
      core::ClinicId clinic, core::Interval window) override;

  core::Result<std::vector<core::scheduling::Booking>> ListBookings(core::ClinicId clinic,
                                                                    core::Interval window) override;
  core::Result<std::vector<core::scheduling::Booking>> ListPractitionerBookings(
      core::ClinicId clinic, core::PractitionerId practitioner, core::Interval window) override;
  core::Result<core::scheduling::Appointment> Book(core::ClinicId clinic,
                                                   const core::ports::NewBooking& booking) override;
  core::Result<std::optional<core::ports::StoredResponse>> FindResponse(
      core::ClinicId clinic, std::string_view key) override;
  core::Result<std::string> ManageTokenHash(core::ClinicId clinic,
                                            core::AppointmentId appointment) override;
  core::Result<core::scheduling::Appointment> Cancel(core::ClinicId clinic,
                                                     core::AppointmentId appointment,
                                                     core::Instant now) override;
  core::Result<core::scheduling::Appointment> Reschedule(
      core::ClinicId clinic, const core::scheduling::Appointment& moved) override;

  core::Result<core::AssessmentId> CreateAssessment(
      core::ClinicId clinic, const core::ports::StoredAssessment& assessment) override;
  core::Result<core::ports::StoredAssessment> FindAssessment(
      core::ClinicId clinic, core::AssessmentId assessment) override;

  // Staff accounts, sessions, the audit log (staff_storage.cpp, audit_storage.cpp) and patient
  // records (patient_records.cpp). Every write is one transaction with its audit entry.
  core::Result<core::staff::StaffAccount> CreateStaff(
      const core::staff::StaffAccount& account,
      const std::optional<core::staff::AuditEntry>& audit) override;
  core::Result<core::staff::StaffAccount> FindStaffByEmail(core::ClinicId clinic,
                                                           std::string_view email) override;
  core::Result<core::staff::StaffAccount> FindStaff(core::ClinicId clinic,
                                                    core::StaffId staff) override;
  core::Result<std::vector<core::staff::StaffAccount>> ListStaff(core::ClinicId clinic) override;
  core::Result<core::staff::StaffAccount> SetStaffDisabled(
      core::ClinicId clinic, core::StaffId staff, bool disabled, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  core::Result<core::staff::StaffAccount> UpdateStaff(
      const core::staff::StaffAccount& account, const core::staff::AuditEntry& audit) override;
  core::Result<void> SetPasswordHash(core::ClinicId clinic, core::StaffId staff,
                                     std::string_view hash, core::Instant now,
                                     std::optional<core::SessionId> keep,
                                     const std::optional<core::staff::AuditEntry>& audit) override;

  core::Result<core::staff::Session> CreateSession(const core::staff::Session& session,
                                                   const core::staff::AuditEntry& audit) override;
  core::Result<SessionWithStaff> FindSession(std::string_view secret_hash) override;
  core::Result<void> TouchSession(core::SessionId session, core::Instant now) override;
  core::Result<void> EndSession(core::ClinicId clinic, core::SessionId session, core::Instant now,
                                const std::optional<core::staff::AuditEntry>& audit) override;
  core::Result<int> EndSessionsOf(core::ClinicId clinic, core::StaffId staff, core::Instant now,
                                  std::optional<core::SessionId> keep,
                                  const std::optional<core::staff::AuditEntry>& audit) override;
  core::Result<std::vector<core::staff::Session>> ListSessions(core::ClinicId clinic,
                                                               std::optional<core::StaffId> staff,
                                                               core::Instant now) override;

  core::Result<core::staff::AuditEntry> AppendAudit(const core::staff::AuditEntry& entry) override;
  core::Result<std::vector<core::staff::AuditEntry>> ListAudit(
      core::ClinicId clinic, const core::ports::AuditFilter& filter) override;
  core::Result<std::vector<core::ports::BrokenLink>> VerifyAudit(
      std::optional<core::ClinicId> clinic) override;

  // The live calendar's change feed: change_feed.cpp.
  core::Result<std::vector<core::ports::AppointmentChange>> ChangesSince(core::ClinicId clinic,
                                                                         std::int64_t after,
                                                                         int limit) override;
  core::Result<std::int64_t> LastChange(core::ClinicId clinic) override;

  core::Result<core::ports::PatientPage> SearchPatients(
      core::ClinicId clinic, const core::ports::PatientQuery& query) override;
  core::Result<std::vector<core::scheduling::Appointment>> ListPatientAppointments(
      core::ClinicId clinic, core::PatientId patient) override;
  core::Result<bool> HasAppointmentWith(core::ClinicId clinic, core::PatientId patient,
                                        core::PractitionerId practitioner) override;

  // The front desk's calendar and writes: staff_booking.cpp.
  core::Result<std::vector<core::ports::CalendarAppointment>> ListCalendar(
      core::ClinicId clinic, core::Interval window) override;
  core::Result<core::scheduling::Appointment> StaffBook(
      core::ClinicId clinic, const core::ports::StaffBooking& booking) override;
  core::Result<core::scheduling::Appointment> UpdateAppointment(
      core::ClinicId clinic, const core::scheduling::Appointment& changed,
      std::int64_t expected_version, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  // Booking rules and requests: booking_rules.cpp.
  core::Result<core::clinic::Patient> SetBookingRules(
      core::ClinicId clinic, core::PatientId patient, const core::ports::BookingRules& rules,
      const core::staff::AuditEntry& audit) override;
  core::Result<int> CountNoShows(core::ClinicId clinic, core::PatientId patient,
                                 core::Instant since, core::Instant until) override;
  core::Result<std::vector<core::ports::PendingRequest>> ListRequests(core::ClinicId clinic,
                                                                      core::Instant now) override;
  core::Result<core::scheduling::Appointment> DecideRequest(
      core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
      core::ports::RequestDecision decision, std::string_view reason, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  // Visit notes and addenda: visit_notes.cpp.
  core::Result<std::optional<core::ports::StoredVisitNote>> FindVisitNote(
      core::ClinicId clinic, core::AppointmentId appointment) override;
  core::Result<core::ports::StoredVisitNote> SaveVisitNoteDraft(
      core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
      std::string_view content_json, core::StaffId author, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  core::Result<core::ports::StoredVisitNote> SignVisitNote(
      core::ClinicId clinic, core::AppointmentId appointment, std::int64_t version,
      core::StaffId signed_by, core::Instant now, const core::staff::AuditEntry& audit) override;
  core::Result<core::ports::StoredVisitNote> AddVisitNoteAddendum(
      core::ClinicId clinic, core::AppointmentId appointment, std::string_view text,
      core::StaffId author, core::Instant now, const core::staff::AuditEntry& audit) override;
  core::Result<std::vector<core::ports::StoredVisitNote>> ListPatientVisitNotes(
      core::ClinicId clinic, core::PatientId patient) override;
  // Treatment plans and their series: treatment_plans.cpp.
  core::Result<core::scheduling::TreatmentPlan> CreateTreatmentPlan(
      core::ClinicId clinic, const core::scheduling::TreatmentPlan& plan,
      const core::staff::AuditEntry& audit) override;
  core::Result<core::scheduling::TreatmentPlan> FindTreatmentPlan(
      core::ClinicId clinic, core::TreatmentPlanId plan) override;
  core::Result<std::vector<core::scheduling::TreatmentPlan>> ListTreatmentPlans(
      core::ClinicId clinic, core::PatientId patient) override;
  core::Result<std::vector<core::ports::PlanVisit>> ListPlanVisits(
      core::ClinicId clinic, core::TreatmentPlanId plan) override;
  core::Result<std::vector<core::scheduling::Appointment>> BookTreatmentSeries(
      core::ClinicId clinic, core::TreatmentPlanId plan,
      const std::vector<core::ports::SeriesVisit>& visits) override;
  // Home care: home_care.cpp.
  core::Result<std::optional<core::clinical::HomeCareProgram>> FindHomeCare(
      core::ClinicId clinic, core::PatientId patient) override;
  core::Result<core::clinical::HomeCareProgram> SaveHomeCare(
      core::ClinicId clinic, core::PatientId patient,
      const core::clinical::HomeCareProgram& program, std::int64_t expected_version,
      core::Instant now, const core::staff::AuditEntry& audit) override;
  core::Result<std::vector<core::clinical::HomeCareMark>> ListHomeCareMarks(
      core::ClinicId clinic, core::PatientId patient, core::LocalDate from,
      core::LocalDate to) override;
  core::Result<void> SetHomeCareDay(core::ClinicId clinic, core::PatientId patient,
                                    core::LocalDate day, const std::vector<std::string>& routines,
                                    core::Instant now) override;
  // Outcome measures per visit: outcomes.cpp.
  core::Result<core::ports::OutcomeRecord> SaveVisitOutcome(
      core::ClinicId clinic, core::AppointmentId appointment,
      const core::clinical::VisitOutcome& outcome, std::int64_t expected_version,
      std::optional<core::StaffId> recorded_by, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  core::Result<std::optional<core::ports::OutcomeRecord>> FindVisitOutcome(
      core::ClinicId clinic, core::AppointmentId appointment) override;
  core::Result<std::vector<core::ports::OutcomeRecord>> ListPatientOutcomes(
      core::ClinicId clinic, core::PatientId patient) override;
  core::Result<std::vector<core::ports::PlanOutcomeRecord>> ListClinicPlanOutcomes(
      core::ClinicId clinic) override;

  // Calendar feeds: calendar_feeds.cpp.
  core::Result<std::optional<core::ports::CalendarFeed>> FindCalendarFeed(
      core::ClinicId clinic, core::PractitionerId practitioner) override;
  core::Result<core::ports::CalendarFeed> SaveCalendarFeed(
      core::ClinicId clinic, core::PractitionerId practitioner, std::string_view secret_hash,
      core::Instant now, const core::staff::AuditEntry& audit) override;
  core::Result<void> DeleteCalendarFeed(core::ClinicId clinic, core::PractitionerId practitioner,
                                        const core::staff::AuditEntry& audit) override;
  core::Result<bool> CalendarFeedPatientNames(core::ClinicId clinic) override;
  core::Result<void> SetCalendarFeedPatientNames(core::ClinicId clinic, bool names,
                                                 const core::staff::AuditEntry& audit) override;

  // The outbox of patient messages: outbox_sql.cpp / outbox.cpp.
  core::Result<std::vector<core::ports::OutboxMessage>> ClaimMessages(
      core::Instant now, int limit, std::chrono::seconds lease) override;
  core::Result<void> MarkMessageSent(core::ports::MessageId message, core::Instant now) override;
  core::Result<core::ports::OutboxMessage> MarkMessageFailed(
      core::ports::MessageId message, std::string_view error, core::Instant now,
      const core::ports::RetryPolicy& policy) override;
  core::Result<void> MarkMessageSkipped(core::ports::MessageId message, std::string_view reason,
                                        core::Instant now) override;
  core::Result<std::vector<core::ports::OutboxMessage>> ListAppointmentMessages(
      core::ClinicId clinic, core::AppointmentId appointment) override;
  core::Result<std::vector<core::ports::OutboxMessage>> ListDeadMessages(core::ClinicId clinic,
                                                                         int limit) override;
  core::Result<core::ports::MessageSettings> FindMessageSettings(core::ClinicId clinic) override;
  core::Result<void> SaveMessageSettings(core::ClinicId clinic,
                                         const core::ports::MessageSettings& settings,
                                         const core::staff::AuditEntry& audit) override;
  core::Result<void> SaveMessageSetup(core::ClinicId clinic, const core::ports::MessageSetup& setup,
                                      const core::staff::AuditEntry& audit) override;
  core::Result<core::ports::OutboxMessage> RetryMessage(
      core::ClinicId clinic, core::ports::MessageId message, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  core::Result<std::vector<core::ports::MessageTemplate>> ListMessageTemplates(
      core::ClinicId clinic) override;
  core::Result<core::ports::MessageTemplate> SaveMessageTemplate(
      core::ClinicId clinic, core::ports::MessageKind kind,
      const core::ports::MessageWording& wording, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  core::Result<void> ResetMessageTemplate(core::ClinicId clinic, core::ports::MessageKind kind,
                                          const core::staff::AuditEntry& audit) override;
  // Held times: holds.cpp.
  core::Result<core::ports::Hold> CreateHold(core::ClinicId clinic,
                                             const core::ports::NewHold& hold,
                                             core::Instant now) override;
  core::Result<core::ports::Hold> FindHold(core::ClinicId clinic, std::string_view token_hash,
                                           core::Instant now) override;
  core::Result<void> ReleaseHold(core::ClinicId clinic, std::string_view token_hash) override;
  core::Result<std::vector<core::ports::Hold>> ListHolds(core::ClinicId clinic,
                                                         core::Interval window,
                                                         core::Instant now) override;
  core::Result<BusyTimes> ListBusyTimes(core::ClinicId clinic, core::Interval window,
                                        core::Instant now) override;
  core::Result<int> FindHoldMinutes(core::ClinicId clinic) override;
  core::Result<void> SaveHoldMinutes(core::ClinicId clinic, int minutes,
                                     const core::staff::AuditEntry& audit) override;
  core::Result<void> SaveWaitlistSettings(core::ClinicId clinic,
                                          const core::ports::WaitlistSettings& settings,
                                          const core::staff::AuditEntry& audit) override;
  // The patient side of messages: patient_messages.cpp.
  core::Result<void> AddManageToken(core::ClinicId clinic, core::AppointmentId appointment,
                                    std::string_view token_hash, core::Instant now) override;
  core::Result<std::vector<std::string>> ManageTokenHashes(
      core::ClinicId clinic, core::AppointmentId appointment) override;
  core::Result<core::ports::PatientMessagePrefs> FindPatientMessagePrefs(
      core::ClinicId clinic, core::PatientId patient) override;
  core::Result<void> SetReminders(core::ClinicId clinic, core::PatientId patient,
                                  core::ports::Reminders reminders, core::Instant now) override;
  core::Result<void> MarkEmailBounced(core::ClinicId clinic, core::PatientId patient,
                                      std::string_view address, std::string_view error,
                                      core::Instant now) override;
  // The waitlist: waitlist_sql.cpp / waitlist.cpp.
  core::Result<core::ports::WaitlistEntry> CreateWaitlistEntry(
      core::ClinicId clinic, const core::ports::NewWaitlistEntry& entry, core::Instant now,
      const std::optional<core::staff::AuditEntry>& audit) override;
  core::Result<core::ports::WaitlistEntry> FindWaitlistEntry(
      core::ClinicId clinic, core::ports::WaitlistEntryId entry) override;
  core::Result<core::ports::WaitlistEntry> FindWaitlistEntryByToken(
      core::ClinicId clinic, std::string_view token_hash) override;
  core::Result<std::vector<core::ports::WaitlistEntry>> ListWaitlist(core::ClinicId clinic,
                                                                     bool all) override;
  core::Result<core::ports::WaitlistEntry> LeaveWaitlist(
      core::ClinicId clinic, core::ports::WaitlistEntryId entry, core::Instant now,
      const std::optional<core::staff::AuditEntry>& audit) override;
  core::Result<core::ports::WaitlistEntry> SetWaitlistUrgent(
      core::ClinicId clinic, core::ports::WaitlistEntryId entry, bool urgent,
      const core::staff::AuditEntry& audit) override;
  core::Result<core::ports::WaitlistSettings> FindWaitlistSettings(core::ClinicId clinic) override;
  core::Result<int> ExpireWaitlist(core::Instant now) override;
  core::Result<std::vector<core::ports::FreedTime>> PendingFreedTimes(core::Instant now,
                                                                      int limit) override;
  core::Result<std::vector<core::ports::WaitlistEntry>> OfferCandidates(
      core::ClinicId clinic, core::ports::FreedTimeId freed, core::Instant now) override;
  core::Result<std::vector<core::ports::WaitlistOffer>> CreateOffers(
      core::ClinicId clinic, const core::ports::NewOfferRound& round, core::Instant now) override;
  core::Result<void> CloseFreedTime(core::ClinicId clinic, core::ports::FreedTimeId freed,
                                    core::Instant now) override;
  core::Result<core::ports::WaitlistOffer> FindOffer(core::ClinicId clinic,
                                                     std::string_view token_hash) override;
  core::Result<core::ports::OfferForMessage> FindOfferForMessage(
      core::ClinicId clinic, core::ports::WaitlistOfferId offer) override;
  core::Result<core::ports::WaitlistOffer> AcceptOffer(core::ClinicId clinic,
                                                       core::ports::WaitlistOfferId offer,
                                                       core::AppointmentId appointment,
                                                       core::Instant now) override;
  core::Result<std::vector<core::ports::FreedTime>> ListFreedTimes(core::ClinicId clinic,
                                                                   core::Instant since) override;
  core::Result<std::vector<core::ports::WaitlistOffer>> ListOffers(
      core::ClinicId clinic, core::ports::FreedTimeId freed) override;

 private:
  PostgresStorage(std::unique_ptr<ConnectionPool> pool, const core::Clock& clock);

  std::unique_ptr<ConnectionPool> pool_;
  const core::Clock& clock_;

  // Setups are read on every availability query and booking; another server may change them,
  // so a cached one is used only while the clinic row's version (xmin) is the one it was read
  // with: one small query per LoadSetup (see LoadSetup), and dropped at once by this process's
  // own setup writes. Clinics (FindClinic) are cached for kSetupTtl.
  static constexpr std::chrono::seconds kSetupTtl{5};
  struct CachedSetup {
    std::shared_ptr<const core::clinic::ClinicSetup> setup;
    std::chrono::steady_clock::time_point loaded;
    std::string version;  // the clinic row's xmin when the setup was read
  };
  struct CachedClinic {
    core::clinic::Clinic clinic;
    std::chrono::steady_clock::time_point loaded;
  };
  std::mutex setups_mutex_;
  std::unordered_map<std::int64_t, CachedSetup> setups_;   // guarded by setups_mutex_
  std::unordered_map<std::string, CachedClinic> clinics_;  // by slug, guarded by setups_mutex_
};

}  // namespace unknot::storage::postgres
