#include "storage/sqlite/booking_sql.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "storage/sqlite/rows.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

// How far before a span's start an overlapping live appointment of clinic ?1 can start: the
// longest span any of its appointments ever blocked (migration 3), 10 hours (the absolute
// maximum, migration 2) when it has none. Every overlap read bounds its index range with it.
constexpr std::string_view kLongestSpan =
    "(SELECT coalesce(max(longest_seconds), 36000) FROM appointment_span_bounds "
    "WHERE clinic_id = ?1)";

// Rows of (practitioner_id, room_id, start_at, blocked_until) as the engine's bookings.
Result<std::vector<scheduling::Booking>> CollectBookings(Statement& stmt) {
  std::vector<scheduling::Booking> bookings;
  while (UNKNOT_TRY(stmt.Step())) {
    bookings.push_back({core::PractitionerId{stmt.Int(0)}, core::RoomId{stmt.Int(1)},
                        UNKNOT_TRY(IntervalColumns(stmt, 2, 3))});
  }
  return bookings;
}

// Whether a live appointment of the room overlaps the appointment's blocked span.
Result<bool> RoomIsBusy(Connection& db, core::ClinicId clinic, const scheduling::Appointment& a) {
  static const std::string sql =
      "SELECT EXISTS (SELECT 1 FROM appointments INDEXED BY appointments_live_by_room "
      "WHERE room_id = ?2 AND start_at < ?4 AND blocked_until > ?3 AND status <> 'cancelled' "
      "AND start_at > ?3 - " +
      std::string(kLongestSpan) + ")";
  Statement stmt = UNKNOT_TRY(db.PrepareCached(sql));
  stmt.Bind(1, clinic.value()).Bind(2, a.room.value());
  stmt.Bind(3, Seconds(a.time.start())).Bind(4, Seconds(a.blocked_until));
  UNKNOT_TRY(stmt.Step());
  return stmt.Int(0) != 0;
}

// A write failed on a constraint: the overlap trigger, or a foreign key pointing elsewhere.
Error ConstraintError(Connection& db, Error error) {
  if (error.code() != ErrorCode::kConflict) return error;
  if (sqlite3_extended_errcode(db.raw()) == SQLITE_CONSTRAINT_TRIGGER) {
    return Error(ErrorCode::kConflict,
                 "the time is no longer free: another appointment of the practitioner or the "
                 "room overlaps it");
  }
  if (sqlite3_extended_errcode(db.raw()) == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error(ErrorCode::kInvalidArgument,
                 "the patient, practitioner, service, room or assessment does not belong to "
                 "this clinic");
  }
  return error;
}

// What a failed UPDATE of one appointment meant: it does not exist, or it is not booked.
Error NotUpdatable(Connection& db, core::ClinicId clinic, core::AppointmentId appointment) {
  auto found = FindAppointmentRow(db, clinic, appointment);
  if (!found) return std::move(found).error();
  return Error(
      ErrorCode::kConflict,
      "the appointment is " + std::string(scheduling::ToString(found->status)) + ", not booked");
}

}  // namespace

Result<core::PatientId> InsertPatient(Connection& db, core::ClinicId clinic,
                                      const clinic::Patient& patient) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO patients (clinic_id, given_name, family_name, email, phone, created_at, "
      "online_booking, assessment_first) "
      "SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM clinics WHERE id = ?1"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.given_name).Bind(3, patient.family_name);
  stmt.Bind(4, patient.email).Bind(5, patient.phone).Bind(6, Seconds(patient.created_at));
  stmt.Bind(7, clinic::ToString(patient.online_booking));
  stmt.Bind(8, std::int64_t{patient.assessment_first ? 1 : 0});
  UNKNOT_TRY(stmt.Run());
  if (db.Changes() == 0) return Error::NotFound("no such clinic");
  return core::PatientId{db.LastInsertRowId()};
}

Result<scheduling::Appointment> InsertAppointmentRow(Connection& db, core::ClinicId clinic,
                                                     const scheduling::Appointment& a,
                                                     std::string_view manage_token_hash) {
  // The overlap triggers and reads look back 10 hours; a longer span would escape them.
  if (a.blocked_until - a.time.start() > std::chrono::hours{10}) {
    return Error::InvalidField("blocked_until", "an appointment may not block more than 10 hours");
  }
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id, "
      "start_at, end_at, blocked_until, status, source, created_at, updated_at, cancelled_at, "
      "manage_token_hash, assessment_id, cancel_reason, declined, overbooked) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"));
  stmt.Bind(1, clinic.value()).Bind(2, a.patient.value()).Bind(3, a.practitioner.value());
  stmt.Bind(4, a.service.value()).Bind(5, a.room.value()).Bind(6, Seconds(a.time.start()));
  stmt.Bind(7, Seconds(a.time.end())).Bind(8, Seconds(a.blocked_until));
  stmt.Bind(9, scheduling::ToString(a.status)).Bind(10, scheduling::ToString(a.source));
  stmt.Bind(11, Seconds(a.created_at)).Bind(12, Seconds(a.updated_at));
  stmt.Bind(13,
            a.cancelled_at ? std::optional<std::int64_t>{Seconds(*a.cancelled_at)} : std::nullopt);
  stmt.Bind(14, manage_token_hash);
  stmt.Bind(15, a.assessment ? std::optional<std::int64_t>{a.assessment->value()} : std::nullopt);
  stmt.Bind(16, a.cancel_reason).Bind(17, std::int64_t{a.declined ? 1 : 0});
  stmt.Bind(18, std::int64_t{a.overbooked ? 1 : 0});
  if (auto run = stmt.Run(); !run) return ConstraintError(db, std::move(run).error());
  scheduling::Appointment stored = a;
  stored.id = core::AppointmentId{db.LastInsertRowId()};
  stored.version = 1;
  return stored;
}

Result<scheduling::Appointment> FindAppointmentRow(Connection& db, core::ClinicId clinic,
                                                   core::AppointmentId appointment) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "SELECT " + kAppointmentColumns + " FROM appointments WHERE clinic_id = ?1 AND id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, appointment.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such appointment");
  return ReadAppointment(stmt);
}

Result<std::vector<scheduling::Booking>> ListBookingRows(Connection& db, core::ClinicId clinic,
                                                         core::Interval window) {
  // The lower bound on start_at (kLongestSpan) keeps the index range small; the partial
  // covering index answers it without table lookups, and in its own order: by start, which is
  // all the engine needs (ties by id would take a sorter, set up for every read, however few
  // rows it returns).
  static const std::string sql =
      "SELECT practitioner_id, room_id, start_at, blocked_until "
      "FROM appointments INDEXED BY appointments_live_by_clinic "
      "WHERE clinic_id = ?1 AND start_at < ?3 AND blocked_until > ?2 AND status <> 'cancelled' "
      "AND start_at > ?2 - " +
      std::string(kLongestSpan) + " ORDER BY start_at";
  Statement stmt = UNKNOT_TRY(db.PrepareCached(sql));
  stmt.Bind(1, clinic.value()).Bind(2, Seconds(window.start())).Bind(3, Seconds(window.end()));
  return CollectBookings(stmt);
}

Result<std::vector<scheduling::Booking>> ListPractitionerBookingRows(
    Connection& db, core::ClinicId clinic, core::PractitionerId practitioner,
    core::Interval window) {
  static const std::string sql =
      "SELECT practitioner_id, room_id, start_at, blocked_until "
      "FROM appointments INDEXED BY appointments_live_by_practitioner "
      "WHERE practitioner_id = ?2 AND clinic_id = ?1 AND start_at < ?4 AND blocked_until > ?3 "
      "AND status <> 'cancelled' AND start_at > ?3 - " +
      std::string(kLongestSpan) + " ORDER BY start_at";  // the index's order, as above
  Statement stmt = UNKNOT_TRY(db.PrepareCached(sql));
  stmt.Bind(1, clinic.value()).Bind(2, practitioner.value());
  stmt.Bind(3, Seconds(window.start())).Bind(4, Seconds(window.end()));
  return CollectBookings(stmt);
}

Result<std::optional<core::ports::StoredResponse>> FindResponseRow(Connection& db,
                                                                   core::ClinicId clinic,
                                                                   std::string_view key) {
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT fingerprint, response_body, appointment_id FROM idempotency_keys "
                       "WHERE clinic_id = ?1 AND key = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, key);
  if (!UNKNOT_TRY(stmt.Step())) return std::optional<core::ports::StoredResponse>{};
  return std::optional<core::ports::StoredResponse>{
      core::ports::StoredResponse{stmt.Text(0), stmt.Text(1), core::AppointmentId{stmt.Int(2)}}};
}

Result<bool> DeleteHoldRow(Connection& db, core::ClinicId clinic, std::string_view token_hash,
                           scheduling::ScheduleChanges& changes) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("DELETE FROM holds WHERE token_hash = ?2 AND clinic_id = ?1 "
                                  "RETURNING practitioner_id, start_at, blocked_until"));
  stmt.Bind(1, clinic.value()).Bind(2, token_hash);
  bool deleted = false;
  while (UNKNOT_TRY(stmt.Step())) {
    auto blocked = core::Interval::Create(FromSeconds(stmt.Int(1)), FromSeconds(stmt.Int(2)));
    if (!blocked) return Error(ErrorCode::kInternal, "a stored hold ends before it starts");
    changes.Add({clinic, core::PractitionerId{stmt.Int(0)}, std::nullopt, *blocked,
                 scheduling::BusyEffect::kFree});
    deleted = true;
  }
  return deleted;
}

Result<scheduling::Appointment> BookRows(Connection& db, core::ClinicId clinic,
                                         const core::ports::NewBooking& booking, core::Instant now,
                                         scheduling::ScheduleChanges& changes) {
  if (booking.idempotency) {
    auto existing = UNKNOT_TRY(FindResponseRow(db, clinic, booking.idempotency->key));
    if (existing) {
      return Error(ErrorCode::kConflict, "the Idempotency-Key was used by another request",
                   {{"Idempotency-Key", "is already used"}});
    }
  }
  // The same person booking again is the same patient record (matched by email, in the clinic).
  Statement find = UNKNOT_TRY(db.PrepareCached(
      "SELECT id, online_booking, assessment_first FROM patients WHERE clinic_id = ?1 "
      "AND email = ?2 COLLATE NOCASE ORDER BY id LIMIT 1"));
  find.Bind(1, clinic.value()).Bind(2, booking.patient.email);
  core::PatientId patient;
  scheduling::AppointmentStatus status = booking.appointment.status;
  if (UNKNOT_TRY(find.Step())) {
    patient = core::PatientId{find.Int(0)};
    if (booking.online_rules) {
      // The rules as stored now: the writer's transaction sees every rule change committed.
      const auto rule = UNKNOT_TRY(ParseColumn<clinic::OnlineBooking>(
          find, 1, clinic::ParseOnlineBooking, "online booking rule"));
      const bool assessment_first = find.Int(2) != 0;
      const core::ports::NewBooking::OnlineRules& rules = *booking.online_rules;
      UNKNOT_TRY(
          core::ports::CheckOnlineRules(rule, assessment_first, rules.service_for_new_patients));
      bool approval = rule == clinic::OnlineBooking::kRequiresApproval;
      if (!approval && rules.no_show_threshold > 0) {
        approval = UNKNOT_TRY(CountNoShowRows(db, clinic, patient, now - core::ports::kNoShowWindow,
                                              now)) >= rules.no_show_threshold;
      }
      if (approval) status = scheduling::AppointmentStatus::kRequested;
    }
    if (booking.max_future_online &&
        booking.appointment.source == scheduling::BookingSource::kOnline) {
      // Inside the writer's transaction, so no other booking of this email lands meanwhile.
      Statement count = UNKNOT_TRY(db.PrepareCached(
          "SELECT count(*) FROM patients p JOIN appointments a ON a.patient_id = p.id "
          "WHERE p.clinic_id = ?1 AND p.email = ?2 COLLATE NOCASE "
          "AND a.status IN ('booked', 'requested') "
          "AND a.source = 'online' AND a.start_at > ?3"));
      count.Bind(1, clinic.value()).Bind(2, booking.patient.email).Bind(3, Seconds(now));
      UNKNOT_TRY(count.Step());
      if (count.Int(0) >= *booking.max_future_online) {
        return Error(ErrorCode::kConflict, "the patient has too many future online bookings",
                     {{std::string(core::ports::kFutureBookingsCapField),
                       "has as many future online bookings as the clinic allows"}});
      }
    }
  } else {
    clinic::Patient fresh = booking.patient;
    fresh.created_at = now;
    patient = UNKNOT_TRY(InsertPatient(db, clinic, fresh));
  }
  scheduling::Appointment appointment = booking.appointment;
  appointment.patient = patient;
  appointment.status = status;
  appointment.created_at = now;
  appointment.updated_at = now;
  // Pick the room inside the transaction: the caller's choice when it is free (one probe), else
  // the first of other_rooms that no live appointment occupies now. One read of the rooms busy in
  // the span instead of one trigger-refused INSERT per busy room (100 bookings racing for one
  // start would otherwise try up to 100 rooms each). The trigger still checks the INSERT itself.
  if (!booking.other_rooms.empty() && UNKNOT_TRY(RoomIsBusy(db, clinic, appointment))) {
    std::vector<std::int64_t> busy;
    static const std::string sql =
        "SELECT DISTINCT room_id FROM appointments INDEXED BY appointments_live_by_clinic "
        "WHERE clinic_id = ?1 AND start_at < ?3 AND blocked_until > ?2 AND status <> 'cancelled' "
        "AND start_at > ?2 - " +
        std::string(kLongestSpan);
    Statement rooms = UNKNOT_TRY(db.PrepareCached(sql));
    rooms.Bind(1, clinic.value()).Bind(2, Seconds(appointment.time.start()));
    rooms.Bind(3, Seconds(appointment.blocked_until));
    while (UNKNOT_TRY(rooms.Step())) busy.push_back(rooms.Int(0));
    auto is_busy = [&](core::RoomId room) {
      return std::find(busy.begin(), busy.end(), room.value()) != busy.end();
    };
    if (is_busy(appointment.room)) {
      auto free = std::find_if(booking.other_rooms.begin(), booking.other_rooms.end(),
                               [&](core::RoomId room) { return !is_busy(room); });
      if (free != booking.other_rooms.end()) appointment.room = *free;
    }
  }
  // The hold the booking presents is used up by it; its time is then free for this insert (the
  // triggers of migration 16 refuse any other live hold's time). Rolled back with a failed insert.
  if (!booking.hold_token_hash.empty()) {
    UNKNOT_TRY(DeleteHoldRow(db, clinic, booking.hold_token_hash, changes));
  }
  auto inserted = InsertAppointmentRow(db, clinic, appointment, booking.manage_token_hash);
  appointment = UNKNOT_TRY(std::move(inserted));
  changes.Add(scheduling::ChangeTo(clinic, appointment));
  if (booking.idempotency) {
    Statement remember = UNKNOT_TRY(db.PrepareCached(
        "INSERT INTO idempotency_keys (clinic_id, key, fingerprint, appointment_id, "
        "response_body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    remember.Bind(1, clinic.value()).Bind(2, booking.idempotency->key);
    remember.Bind(3, booking.idempotency->fingerprint).Bind(4, appointment.id.value());
    remember.Bind(5, booking.idempotency->render(appointment)).Bind(6, Seconds(now));
    UNKNOT_TRY(remember.Run());
  }
  return appointment;
}

Result<int> CountNoShowRows(Connection& db, core::ClinicId clinic, core::PatientId patient,
                            core::Instant since, core::Instant until) {
  Statement stmt = UNKNOT_TRY(
      db.PrepareCached("SELECT count(*) FROM appointments WHERE clinic_id = ?1 AND patient_id = ?2 "
                       "AND status = 'no_show' AND start_at >= ?3 AND start_at < ?4"));
  stmt.Bind(1, clinic.value()).Bind(2, patient.value());
  stmt.Bind(3, Seconds(since)).Bind(4, Seconds(until));
  UNKNOT_TRY(stmt.Step());
  return static_cast<int>(stmt.Int(0));
}

Result<scheduling::Appointment> CancelRow(Connection& db, core::ClinicId clinic,
                                          core::AppointmentId appointment, core::Instant now,
                                          scheduling::ScheduleChanges& changes) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "UPDATE appointments SET status = 'cancelled', cancelled_at = ?3, updated_at = ?3 "
      "WHERE clinic_id = ?1 AND id = ?2 AND status = 'booked'"));
  stmt.Bind(1, clinic.value()).Bind(2, appointment.value()).Bind(3, Seconds(now));
  UNKNOT_TRY(stmt.Run());
  if (db.Changes() == 0) return NotUpdatable(db, clinic, appointment);
  scheduling::Appointment cancelled = UNKNOT_TRY(FindAppointmentRow(db, clinic, appointment));
  // The UPDATE cancels only a booked appointment, in place: its time is freed.
  scheduling::ScheduleChange freed = scheduling::ChangeOf(clinic, cancelled);
  freed.effect = scheduling::BusyEffect::kFree;
  changes.Add(freed);
  return cancelled;
}

Result<scheduling::Appointment> RescheduleRow(Connection& db, core::ClinicId clinic,
                                              const scheduling::Appointment& moved,
                                              core::Instant now,
                                              scheduling::ScheduleChanges& changes) {
  // Where it was: read in the writer's transaction, so nothing moves it meanwhile.
  auto before = FindAppointmentRow(db, clinic, moved.id);
  if (before) changes.Add(scheduling::ChangeFrom(clinic, *before));
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "UPDATE appointments SET practitioner_id = ?3, room_id = ?4, start_at = ?5, end_at = ?6, "
      "blocked_until = ?7, updated_at = ?8 "
      "WHERE clinic_id = ?1 AND id = ?2 AND status = 'booked'"));
  stmt.Bind(1, clinic.value()).Bind(2, moved.id.value()).Bind(3, moved.practitioner.value());
  stmt.Bind(4, moved.room.value()).Bind(5, Seconds(moved.time.start()));
  stmt.Bind(6, Seconds(moved.time.end())).Bind(7, Seconds(moved.blocked_until));
  stmt.Bind(8, Seconds(now));
  if (auto run = stmt.Run(); !run) return ConstraintError(db, std::move(run).error());
  if (db.Changes() == 0) return NotUpdatable(db, clinic, moved.id);
  scheduling::Appointment after = UNKNOT_TRY(FindAppointmentRow(db, clinic, moved.id));
  changes.Add(scheduling::ChangeTo(clinic, after));
  return after;
}

}  // namespace unknot::storage::sqlite
