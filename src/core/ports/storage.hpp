#pragma once

// The storage ports: what the application needs from a database, in domain terms. Every method
// is scoped to one clinic, because every stored row belongs to one. Implementations: SQLite
// (storage/sqlite) and, later, PostgreSQL; one contract suite holds them to the same behaviour.
//
// Unless a method says otherwise it fails only with kUnavailable (the database cannot serve now,
// e.g. busy or disk full; retrying may help) or kInternal (corrupt data, a bug).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinic/clinic_setup.hpp"
#include "core/clinic/patient.hpp"
#include "core/clinical/knowledge.hpp"
#include "core/common/interval.hpp"
#include "core/common/result.hpp"
#include "core/ports/booking_rules.hpp"
#include "core/ports/calendar.hpp"
#include "core/ports/calendar_feeds.hpp"
#include "core/ports/holds.hpp"
#include "core/ports/home_care.hpp"
#include "core/ports/outbox.hpp"
#include "core/ports/outcomes.hpp"
#include "core/ports/patient_messages.hpp"
#include "core/ports/staff.hpp"
#include "core/ports/treatment_plans.hpp"
#include "core/ports/visit_notes.hpp"
#include "core/ports/waitlist.hpp"
#include "core/scheduling/appointment.hpp"
#include "core/scheduling/availability.hpp"
#include "core/scheduling/schedule_changes.hpp"

namespace unknot::core::ports {

class ClinicRepository {
 public:
  virtual ~ClinicRepository() = default;

  // Every clinic, ordered by slug; empty when there is none.
  virtual Result<std::vector<clinic::Clinic>> ListClinics() = 0;

  // The clinic with this slug; kNotFound when there is none.
  virtual Result<clinic::Clinic> FindClinic(std::string_view slug) = 0;

  // The clinic with its rooms, practitioners (each with hours, breaks and time off) and
  // services, each list ordered by id; kNotFound when the clinic does not exist. Shared and
  // immutable: a setup write makes later calls return a new one, never changes this one.
  virtual Result<std::shared_ptr<const clinic::ClinicSetup>> LoadSetup(ClinicId clinic) = 0;

  // Stores a whole clinic in one transaction and returns it with every id assigned. Ids in the
  // argument are ignored. kInvalidArgument when clinic::Validate rejects it (nothing is
  // written); kConflict when the slug is taken.
  virtual Result<clinic::ClinicSetup> CreateClinic(const clinic::ClinicSetup& setup) = 0;

  // How SaveSetup changes a set-up, run inside its write transaction with what that transaction
  // reads: the set-up as stored at that moment (as LoadSetup would return it) and the clinic's
  // appointments with status booked that have not ended by `now` (end > now), ordered by start,
  // then id. It returns the changed set-up, or an error that SaveSetup returns as it is without
  // writing anything. It may run more than once (a backend retries a transaction that lost a
  // serialization race), so it must depend on its arguments only.
  using SetupChange = std::function<Result<clinic::ClinicSetup>(
      const clinic::ClinicSetup& stored, const std::vector<scheduling::Appointment>& booked)>;

  // Changes the clinic's stored set-up in one write transaction to what `change` makes of it,
  // and returns the set-up as stored (read again: every id assigned, lists ordered by id, as
  // LoadSetup returns it). No other set-up write or booking of the clinic commits between the
  // reads `change` sees and the write, so an edit made by `change` never undoes a concurrent one
  // and never misses a booking committed meanwhile. Later LoadSetup calls of this process
  // return the new set-up at once; other processes on the same database on their next call.
  //
  // The changed set-up is a whole set-up whose rows are updated in place by id. The clinic keeps
  // its id and slug (another slug: kInvalidArgument on "clinic.slug"). A room, practitioner,
  // service or time off without an id (0) is inserted; one with an id must be the stored one's
  // (kInvalidArgument naming it, e.g. "rooms[2].id"). A stored room or service missing from it is
  // deleted, unless an appointment of any status refers to it (kConflict naming "rooms" or
  // "services", nothing written); a stored practitioner may not be missing (kInvalidArgument
  // "practitioners": make them inactive instead); a practitioner's time off missing from it is
  // deleted. Weekly hours, breaks, skills, allowed roles and required skills are replaced as
  // given. Time off deleted or shortened gives its time back to the waitlist in the same
  // transaction: each span no longer off that ends after `now` is recorded as a freed time
  // (waitlist.hpp), from `now` on at the earliest.
  //
  // Errors: kNotFound when the clinic does not exist; whatever `change` returns; kInvalidArgument
  // when clinic::Validate rejects the changed set-up; kConflict when a unique room name or slug
  // clashes with a row this save has not yet changed (e.g. two rooms swap names in one save).
  // Nothing is written on any error.
  virtual Result<clinic::ClinicSetup> SaveSetup(ClinicId clinic, const SetupChange& change,
                                                Instant now) = 0;
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

// A request to book, checked and stored in one write transaction.
struct NewBooking {
  clinic::Patient patient;              // found by email within the clinic, else created
  scheduling::Appointment appointment;  // `patient` and `id` are filled in by Book
  // Other rooms that would do, tried in order inside the same transaction when the appointment's
  // own room was taken meanwhile (concurrent bookings tend to pick the same lowest free room).
  std::vector<RoomId> other_rooms;
  std::string manage_token_hash;  // only the hash of the secret manage token is stored
  // When the request carried an Idempotency-Key: the key, a fingerprint of the request, and a
  // function that renders the response to store with the key (called inside the transaction,
  // once the appointment has its id).
  struct Idempotency {
    std::string key;
    std::string fingerprint;
    std::function<std::string(const scheduling::Appointment&)> render;
  };
  std::optional<Idempotency> idempotency;
  // For an online appointment: the most booked online appointments starting after now that the
  // patient (by email, case-insensitive, within the clinic) may hold, this one included. Checked
  // inside the write, so concurrent bookings of one email cannot pass it together. nullopt: no cap.
  // Requested appointments (waiting for approval) count as booked ones.
  std::optional<int> max_future_online;
  // For an online booking: the stored booking rules of the patient found by email (a new patient
  // has none) are applied inside the write, so a rule set meanwhile by the front desk is never
  // missed. Blocked: kForbidden whose one field error is kBlockedPatientField, nothing written.
  // Assessment first and the service is not for new patients only: kInvalidArgument on
  // "service", nothing written. Requires approval, or at least `no_show_threshold` (> 0)
  // appointments with status no_show starting in the kNoShowWindow before now: stored with
  // status requested instead of the appointment's own. nullopt: no rules apply (staff bookings).
  struct OnlineRules {
    bool service_for_new_patients = false;
    int no_show_threshold = 0;  // 0: the clinic has no no-show rule
  };
  std::optional<OnlineRules> online_rules = std::nullopt;
  // The hash of a hold's token the booking presents (HoldRepository), "" for none: that hold is
  // deleted in the booking's transaction before the appointment is stored, so its time is the
  // booking's; rolled back with it when the booking fails. Any other live hold of the
  // practitioner overlapping the appointment makes Book return kConflict.
  std::string hold_token_hash = {};
};

// The field of the kConflict that Book returns when NewBooking::max_future_online is reached.
inline constexpr std::string_view kFutureBookingsCapField = "patient.email";

// The response stored under an Idempotency-Key.
struct StoredResponse {
  std::string fingerprint;
  std::string body;
  AppointmentId appointment;
};

// Booking writes. Each one checks the no-overlap rule inside its own write transaction, so two
// requests can never both take the same practitioner or room time, whatever the caller read.
class BookingRepository {
 public:
  virtual ~BookingRepository() = default;

  // Non-cancelled appointments of the clinic whose blocked span overlaps `window`, as the
  // scheduling engine needs them.
  virtual Result<std::vector<scheduling::Booking>> ListBookings(ClinicId clinic,
                                                                Interval window) = 0;

  // The same, for one practitioner only.
  virtual Result<std::vector<scheduling::Booking>> ListPractitionerBookings(
      ClinicId clinic, PractitionerId practitioner, Interval window) = 0;

  // Stores the booking, in the appointment's room or else the first free one of other_rooms.
  // kConflict when a non-cancelled appointment of the same practitioner, or of every room tried,
  // overlaps the blocked span (nothing is written); when the idempotency key is already
  // stored, returns kConflict too without writing — callers look the key up first (FindResponse),
  // so this only happens to a concurrent retry, which then finds it. When the patient already
  // holds max_future_online future online bookings: kConflict whose one field error is
  // kFutureBookingsCapField, nothing written. online_rules: see NewBooking; the returned
  // appointment has the status stored (requested when the rules asked for approval).
  virtual Result<scheduling::Appointment> Book(ClinicId clinic, const NewBooking& booking) = 0;

  // The response stored under an Idempotency-Key; nullopt when there is none.
  virtual Result<std::optional<StoredResponse>> FindResponse(ClinicId clinic,
                                                             std::string_view key) = 0;

  // The stored hash of an appointment's manage token; kNotFound when there is no appointment.
  virtual Result<std::string> ManageTokenHash(ClinicId clinic, AppointmentId appointment) = 0;

  // Marks the appointment cancelled at `now`. kNotFound; kConflict when it is not booked
  // (already cancelled, completed, no-show).
  virtual Result<scheduling::Appointment> Cancel(ClinicId clinic, AppointmentId appointment,
                                                 Instant now) = 0;

  // Moves a booked appointment to `moved`'s time, practitioner and room, atomically: kConflict
  // when the new span is taken by another appointment (the old booking stays exactly as it was)
  // or the appointment is not booked; kNotFound.
  virtual Result<scheduling::Appointment> Reschedule(ClinicId clinic,
                                                     const scheduling::Appointment& moved) = 0;
};

// A submitted knot self-assessment, kept as the person saw it: the input and the result are
// stored as the JSON documents the API exchanged, since the knowledge behind a result may change
// later; the outcome is a column because booking checks it.
struct StoredAssessment {
  AssessmentId id;  // assigned by CreateAssessment
  clinical::Outcome outcome = clinical::Outcome::kBookOnline;
  std::string manage_token_hash;  // only the hash of the secret token is stored
  std::string input_json;
  std::string result_json;
  Instant created_at;

  friend bool operator==(const StoredAssessment&, const StoredAssessment&) = default;
};

class AssessmentRepository {
 public:
  virtual ~AssessmentRepository() = default;

  // Stores a new assessment of the clinic and returns its id; kNotFound when the clinic does not
  // exist.
  virtual Result<AssessmentId> CreateAssessment(ClinicId clinic,
                                                const StoredAssessment& assessment) = 0;

  // kNotFound when the clinic has no such assessment (also when it belongs to another clinic).
  virtual Result<StoredAssessment> FindAssessment(ClinicId clinic, AssessmentId assessment) = 0;
};

// One database: all repositories plus a liveness check.
class Storage : public ClinicRepository,
                public PatientRepository,
                public AppointmentRepository,
                public BookingRepository,
                public AssessmentRepository,
                public StaffRepository,
                public SessionRepository,
                public AuditRepository,
                public PatientRecords,
                public CalendarRepository,
                public BookingRulesRepository,
                public VisitNoteRepository,
                public TreatmentPlanRepository,
                public HomeCareRepository,
                public OutcomeRepository,
                public CalendarFeedRepository,
                public OutboxRepository,
                public HoldRepository,
                public PatientMessageRepository,
                public WaitlistRepository {
 public:
  // Ok when the database answers a trivial query now.
  virtual Result<void> Ping() = 0;

  // What keeps practitioners and rooms busy in `window`, for the scheduling engine: the
  // bookings as ListBookings returns them and the holds live at `now` as ListHolds returns them,
  // read from one state of the database (one read transaction; one statement on PostgreSQL), so
  // a booking that used up a hold in between is seen once, as the booking, never as neither.
  struct BusyTimes {
    std::vector<scheduling::Booking> bookings;
    std::vector<Hold> holds;
  };
  virtual Result<BusyTimes> ListBusyTimes(ClinicId clinic, Interval window, Instant now) = 0;

  // A number that changes whenever this process commits a write that may change what the
  // scheduling engine sees (appointments, set-up; not the audit entries of reads nor session
  // bookkeeping), so derived answers (cached availability) can tell whether they are still
  // current: equal values mean no such write between the two reads. Writes by other processes
  // are not seen; one process serves a SQLite file.
  virtual std::uint64_t Generation() const = 0;

  // Whether a write committed after `generation` (a value Generation() returned) may have
  // changed what `scope` covers: false only when every such write said what it changed and none
  // of that falls in the scope (core/scheduling/schedule_changes.hpp), so that a booking for one
  // practitioner on Tuesday leaves cached answers for Wednesday alone. When it returns false,
  // `unchanged_through` (unless null) is set to the newest generation the scope is unchanged at.
  virtual bool ScheduleChangedSince(std::uint64_t generation,
                                    const scheduling::ScheduleScope& scope,
                                    std::uint64_t* unchanged_through) const = 0;

  // Committed write transactions and the writes (bookings, cancellations, ...) they carried
  // since the process started: writes / commits is how well concurrent writes are grouped.
  struct WriteCounts {
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;
  };
  virtual WriteCounts Writes() const = 0;
};

}  // namespace unknot::core::ports
