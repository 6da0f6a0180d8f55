#pragma once

// The SQLite backend of the storage ports: one database file in WAL mode with foreign keys on
// and synchronous=FULL, so a commit that returned is on disk. One writer thread (WriteQueue)
// groups concurrent writes into shared commits; reads use a small pool of connections, which WAL
// lets run beside the writer.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/clock.hpp"
#include "core/ports/appointment_changes.hpp"
#include "core/ports/storage.hpp"
#include "storage/busy_times_cache.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/write_queue.hpp"

namespace unknot::storage::sqlite {

enum class CreateMode {
  kNever,     // the file must exist (serve, demo)
  kIfMissing  // a missing file becomes an empty database (migrate)
};

enum class SchemaCheck {
  kRequireLatest,  // refuse a database that needs `unknot migrate`
  kAllowOlder      // for the migrator itself
};

// Checks and opens a database file without writing to it until every check has passed:
// a directory, an unreadable file, a file that is not SQLite, a missing file (with kNever) and a
// schema newer than this binary all fail with a one-line message naming the path.
core::Result<Connection> OpenDatabase(const std::string& path, CreateMode create,
                                      SchemaCheck check);

// Creates the file when it is missing and applies every pending migration: `unknot migrate`.
// Fails like OpenDatabase, and with kConflict for a schema newer than this binary.
core::Result<MigrationReport> MigrateDatabase(const std::string& path, const core::Clock& clock);

class SqliteStorage final : public core::ports::Storage, public core::ports::AppointmentChangeFeed {
 public:
  // Opens a migrated database (SchemaCheck::kRequireLatest).
  static core::Result<std::unique_ptr<SqliteStorage>> Open(const std::string& path,
                                                           const core::Clock& clock);
  ~SqliteStorage() override;

  core::Result<void> Ping() override;
  // Commits that may have changed what availability sees (not audit entries of reads nor session
  // bookkeeping: Touches::kNotTheSchedule).
  std::uint64_t Generation() const override { return writer_->schedule_log().generation(); }
  bool ScheduleChangedSince(std::uint64_t generation, const core::scheduling::ScheduleScope& scope,
                            std::uint64_t* unchanged_through) const override {
    return writer_->schedule_log().ChangedSince(generation, scope, unchanged_through);
  }
  WriteCounts Writes() const override {
    WriteQueue::Stats stats = writer_->stats();
    return {stats.transactions, stats.jobs};
  }

  core::Result<std::vector<core::clinic::Clinic>> ListClinics() override;
  core::Result<core::clinic::Clinic> FindClinic(std::string_view slug) override;
  core::Result<std::shared_ptr<const core::clinic::ClinicSetup>> LoadSetup(
      core::ClinicId clinic) override;
  core::Result<core::clinic::ClinicSetup> CreateClinic(
      const core::clinic::ClinicSetup& setup) override;
  // In setup_write_sql.cpp.
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

  core::Result<std::vector<core::scheduling::Booking>> ListPractitionerBookings(
      core::ClinicId clinic, core::PractitionerId practitioner, core::Interval window) override;
  core::Result<std::vector<core::scheduling::Booking>> ListBookings(core::ClinicId clinic,
                                                                    core::Interval window) override;
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

  // Staff accounts, sessions, the audit log and patient records: staff_sql.cpp, audit_sql.cpp,
  // patient_records_sql.cpp. Every write goes through the writer, its audit entry with it.
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

  core::Result<core::ports::PatientPage> SearchPatients(
      core::ClinicId clinic, const core::ports::PatientQuery& query) override;
  core::Result<std::vector<core::scheduling::Appointment>> ListPatientAppointments(
      core::ClinicId clinic, core::PatientId patient) override;
  core::Result<bool> HasAppointmentWith(core::ClinicId clinic, core::PatientId patient,
                                        core::PractitionerId practitioner) override;

  // The live calendar's change feed: change_feed_sql.cpp.
  core::Result<std::vector<core::ports::AppointmentChange>> ChangesSince(core::ClinicId clinic,
                                                                         std::int64_t after,
                                                                         int limit) override;
  core::Result<std::int64_t> LastChange(core::ClinicId clinic) override;
  // The front desk's calendar and writes: staff_booking_sql.cpp.
  core::Result<std::vector<core::ports::CalendarAppointment>> ListCalendar(
      core::ClinicId clinic, core::Interval window) override;
  core::Result<core::scheduling::Appointment> StaffBook(
      core::ClinicId clinic, const core::ports::StaffBooking& booking) override;
  core::Result<core::scheduling::Appointment> UpdateAppointment(
      core::ClinicId clinic, const core::scheduling::Appointment& changed,
      std::int64_t expected_version, core::Instant now,
      const core::staff::AuditEntry& audit) override;
  // Booking rules and requests: booking_rules_sql.cpp.
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
  // Visit notes and addenda: visit_notes_sql.cpp.
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

  // Treatment plans and their series: treatment_plans_sql.cpp.
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
  // Home care: home_care_sql.cpp.
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
  // Outcome measures per visit: outcomes_sql.cpp.
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

  // Commits so far; grouped writes make transactions < jobs under concurrent load.
  WriteQueue::Stats write_stats() const { return writer_->stats(); }
  // How often ListBusyTimes was answered from the busy times it kept (busy_times_cache.hpp).
  BusyTimesCache::Stats busy_times_stats() const { return busy_times_.stats(); }

  // Calendar feeds: calendar_feeds_sql.cpp.
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
  // Held times: holds_sql.cpp.
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
  // The patient side of messages: patient_messages_sql.cpp.
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
  SqliteStorage(std::string path, Connection writer, const core::Clock& clock);

  // A reader connection borrowed from the pool for one call.
  class Reader {
   public:
    Reader(SqliteStorage& owner, std::unique_ptr<Connection> db)
        : owner_(owner), db_(std::move(db)) {}
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    ~Reader();
    Connection& db() { return *db_; }

   private:
    SqliteStorage& owner_;
    std::unique_ptr<Connection> db_;
  };
  core::Result<std::unique_ptr<Reader>> BorrowReader();

  const std::string path_;
  const core::Clock& clock_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by readers_mutex_
  std::unique_ptr<WriteQueue> writer_;
  // Busy times read before, brought up to date from the writer's schedule log (ListBusyTimes).
  BusyTimesCache busy_times_;

  // Clinic setups change rarely (only CreateClinic writes them today) and are read on every
  // availability query and booking, so they are kept in memory. Every setup write bumps
  // setup_generation_, which drops the whole cache; a write path that changes a setup must too.
  std::mutex setups_mutex_;
  std::uint64_t setup_generation_ = 0;  // guarded by setups_mutex_
  // guarded by setups_mutex_
  std::unordered_map<std::int64_t, std::shared_ptr<const core::clinic::ClinicSetup>> setups_;
  std::unordered_map<std::string, core::clinic::Clinic> clinics_;  // by slug, guarded too
};

}  // namespace unknot::storage::sqlite
