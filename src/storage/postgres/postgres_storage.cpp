#include "storage/postgres/postgres_storage.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "storage/columns.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/pool.hpp"
#include "storage/postgres/rows.hpp"
#include "storage/postgres/setup_rows.hpp"

namespace unknot::storage::postgres {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace clinic = core::clinic;
namespace scheduling = core::scheduling;

namespace {

Result<core::Interval> IntervalFields(const pqxx::field& start, const pqxx::field& end) {
  return StoredInterval(Int(start), Int(end));
}

}  // namespace

const std::string kAppointmentColumns =
    "id, patient_id, practitioner_id, service_id, room_id, start_at, end_at, blocked_until, "
    "status, source, created_at, updated_at, cancelled_at, assessment_id, version, cancel_reason, "
    "declined, overbooked";

const std::string kPatientColumns =
    "id, given_name, family_name, email, phone, created_at, online_booking, assessment_first";

Result<clinic::Patient> ReadPatient(const pqxx::row& r, int first) {
  const auto at = [&](int i) { return r[static_cast<pqxx::row::size_type>(first + i)]; };
  clinic::Patient p{core::PatientId{Int(at(0))}, Text(at(1)), Text(at(2)), Text(at(3)), Text(at(4)),
                    FromSeconds(Int(at(5)))};
  p.online_booking = UNKNOT_TRY(
      ParseField<clinic::OnlineBooking>(at(6), clinic::ParseOnlineBooking, "online booking rule"));
  p.assessment_first = at(7).as<bool>();
  return p;
}

Result<scheduling::Appointment> ReadAppointment(const pqxx::row& r) {
  scheduling::Appointment a{
      .id = core::AppointmentId{Int(r[0])},
      .patient = core::PatientId{Int(r[1])},
      .practitioner = core::PractitionerId{Int(r[2])},
      .service = core::ServiceId{Int(r[3])},
      .room = core::RoomId{Int(r[4])},
      .time = UNKNOT_TRY(IntervalFields(r[5], r[6])),
      .blocked_until = FromSeconds(Int(r[7])),
      .status = UNKNOT_TRY(ParseField<scheduling::AppointmentStatus>(
          r[8], scheduling::ParseAppointmentStatus, "appointment status")),
      .source = UNKNOT_TRY(ParseField<scheduling::BookingSource>(
          r[9], scheduling::ParseBookingSource, "booking source")),
      .created_at = FromSeconds(Int(r[10])),
      .updated_at = FromSeconds(Int(r[11])),
      .cancelled_at = std::nullopt,
      .assessment = std::nullopt,
  };
  if (!r[12].is_null()) a.cancelled_at = FromSeconds(Int(r[12]));
  if (!r[13].is_null()) a.assessment = core::AssessmentId{Int(r[13])};
  a.version = Int(r[14]);
  a.cancel_reason = Text(r[15]);
  a.declined = r[16].as<bool>();
  a.overbooked = r[17].as<bool>();
  return a;
}

Result<std::optional<scheduling::ScheduleChange>> LockAppointmentChange(pqxx::dbtransaction& tx,
                                                                        core::ClinicId clinic,
                                                                        core::AppointmentId id) {
  auto rows = tx.exec_params("SELECT " + kAppointmentColumns +
                                 " FROM appointments WHERE clinic_id = $1 AND id = $2 FOR UPDATE",
                             clinic.value(), id.value());
  if (rows.empty()) return std::optional<scheduling::ScheduleChange>{};
  return std::optional<scheduling::ScheduleChange>{
      scheduling::ChangeOf(clinic, UNKNOT_TRY(ReadAppointment(rows[0])))};
}

Result<bool> DeleteHoldRow(pqxx::dbtransaction& tx, core::ClinicId clinic,
                           const std::string& token_hash, scheduling::ScheduleChanges& changes) {
  bool deleted = false;
  for (const pqxx::row& r :
       tx.exec_params("DELETE FROM holds WHERE token_hash = $2 AND clinic_id = $1 "
                      "RETURNING practitioner_id, start_at, blocked_until",
                      clinic.value(), token_hash)) {
    auto blocked = core::Interval::Create(FromSeconds(Int(r[1])), FromSeconds(Int(r[2])));
    if (!blocked) return Error(ErrorCode::kInternal, "a stored hold ends before it starts");
    changes.Add({clinic, core::PractitionerId{Int(r[0])}, std::nullopt, *blocked});
    deleted = true;
  }
  return deleted;
}

namespace {

// No appointment blocks more than this (service validation caps duration and buffer); overlap
// reads bound their index range by it, and the table has the same CHECK.
constexpr std::int64_t kLongestSpanSeconds = 36000;

Result<core::TimeOfDay> MinuteField(const pqxx::field& f) { return StoredTimeOfDay(Int(f)); }

const std::string kClinicColumns =
    "id, slug, name, phone, address_line1, address_line2, city, region, postal_code, country, "
    "time_zone, min_notice_minutes, horizon_days, cancellation_window_minutes, "
    "slot_step_minutes, grace_period_minutes, address_write_count, "
    "address_write_period_seconds, address_write_burst, email_booking_count, "
    "email_booking_period_seconds, email_booking_burst, max_future_online_bookings, "
    "session_idle_timeout_minutes, session_absolute_timeout_minutes, no_show_approval_threshold";

clinic::Clinic ReadClinic(const pqxx::row& r) {
  clinic::Clinic c;
  c.id = core::ClinicId{Int(r[0])};
  c.slug = Text(r[1]);
  c.name = Text(r[2]);
  c.phone = Text(r[3]);
  c.address = {Text(r[4]), Text(r[5]), Text(r[6]), Text(r[7]), Text(r[8]), Text(r[9])};
  c.time_zone = Text(r[10]);
  c.policy.min_notice = std::chrono::minutes{Int(r[11])};
  c.policy.horizon = std::chrono::days{Int(r[12])};
  c.policy.cancellation_window = std::chrono::minutes{Int(r[13])};
  c.policy.slot_step = std::chrono::minutes{Int(r[14])};
  c.policy.grace_period = std::chrono::minutes{Int(r[15])};
  c.policy.address_writes = {static_cast<int>(Int(r[16])), std::chrono::seconds{Int(r[17])},
                             static_cast<int>(Int(r[18]))};
  c.policy.email_bookings = {static_cast<int>(Int(r[19])), std::chrono::seconds{Int(r[20])},
                             static_cast<int>(Int(r[21]))};
  c.policy.max_future_online_bookings = static_cast<int>(Int(r[22]));
  c.sessions.idle_timeout = std::chrono::minutes{Int(r[23])};
  c.sessions.absolute_timeout = std::chrono::minutes{Int(r[24])};
  c.policy.no_show_approval_threshold = static_cast<int>(Int(r[25]));
  return c;
}

// Rows of (practitioner_id, room_id, start_at, blocked_until) as the engine's bookings.
Result<std::vector<scheduling::Booking>> CollectBookings(const pqxx::result& rows) {
  std::vector<scheduling::Booking> bookings;
  bookings.reserve(rows.size());
  for (const pqxx::row& r : rows) {
    bookings.push_back({core::PractitionerId{Int(r[0])}, core::RoomId{Int(r[1])},
                        UNKNOT_TRY(IntervalFields(r[2], r[3]))});
  }
  return bookings;
}

// The element of `items` whose id has this value, or nullptr.
template <typename T>
T* FindByIdValue(std::vector<T>& items, std::int64_t id) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return item.id.value() == id; });
  return it == items.end() ? nullptr : &*it;
}

Result<clinic::ClinicSetup> ReadSetup(pqxx::transaction_base& tx, core::ClinicId clinic_id) {
  const std::int64_t cid = clinic_id.value();
  clinic::ClinicSetup setup;
  auto clinic_rows =
      tx.exec_params("SELECT " + kClinicColumns + " FROM clinics WHERE id = $1", cid);
  if (clinic_rows.empty()) return Error::NotFound("no such clinic");
  setup.clinic = ReadClinic(clinic_rows[0]);
  for (const pqxx::row& r :
       tx.exec_params("SELECT id, name, kind FROM rooms WHERE clinic_id = $1 ORDER BY id", cid)) {
    setup.rooms.push_back(
        {core::RoomId{Int(r[0])}, Text(r[1]),
         UNKNOT_TRY(ParseField<clinic::RoomKind>(r[2], clinic::ParseRoomKind, "room kind"))});
  }
  for (const pqxx::row& r :
       tx.exec_params("SELECT id, slug, display_name, role, bio, status, allow_overbooking "
                      "FROM practitioners WHERE clinic_id = $1 ORDER BY id",
                      cid)) {
    clinic::Practitioner p;
    p.id = core::PractitionerId{Int(r[0])};
    p.slug = Text(r[1]);
    p.display_name = Text(r[2]);
    p.role = UNKNOT_TRY(ParseField<clinic::Role>(r[3], clinic::ParseRole, "role"));
    p.bio = Text(r[4]);
    p.status = Text(r[5]) == "active" ? clinic::PractitionerStatus::kActive
                                      : clinic::PractitionerStatus::kInactive;
    p.allow_overbooking = r[6].as<bool>();
    setup.practitioners.push_back(std::move(p));
  }
  auto& practitioners = setup.practitioners;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT practitioner_id, skill FROM practitioner_skills WHERE clinic_id = $1", cid)) {
    if (auto* p = FindByIdValue(practitioners, Int(r[0]))) {
      p->skills.push_back(UNKNOT_TRY(ParseField<clinic::Skill>(r[1], clinic::ParseSkill, "skill")));
    }
  }
  for (auto& p : practitioners) std::sort(p.skills.begin(), p.skills.end());
  for (const pqxx::row& r : tx.exec_params(
           "SELECT practitioner_id, weekday, start_minute, end_minute FROM working_hours "
           "WHERE clinic_id = $1 ORDER BY id",
           cid)) {
    if (auto* p = FindByIdValue(practitioners, Int(r[0]))) {
      p->hours.push_back({date::weekday{static_cast<unsigned>(Int(r[1]))},
                          UNKNOT_TRY(MinuteField(r[2])), UNKNOT_TRY(MinuteField(r[3]))});
    }
  }
  for (const pqxx::row& r : tx.exec_params(
           "SELECT practitioner_id, weekday, start_minute, end_minute, label FROM breaks "
           "WHERE clinic_id = $1 ORDER BY id",
           cid)) {
    if (auto* p = FindByIdValue(practitioners, Int(r[0]))) {
      p->breaks.push_back({date::weekday{static_cast<unsigned>(Int(r[1]))},
                           UNKNOT_TRY(MinuteField(r[2])), UNKNOT_TRY(MinuteField(r[3])),
                           Text(r[4])});
    }
  }
  for (const pqxx::row& r :
       tx.exec_params("SELECT practitioner_id, id, start_at, end_at, reason FROM time_off "
                      "WHERE clinic_id = $1 ORDER BY start_at, id",
                      cid)) {
    if (auto* p = FindByIdValue(practitioners, Int(r[0]))) {
      p->time_off.push_back(
          {core::TimeOffId{Int(r[1])}, UNKNOT_TRY(IntervalFields(r[2], r[3])), Text(r[4])});
    }
  }
  for (const pqxx::row& r : tx.exec_params(
           "SELECT id, slug, name, description, duration_minutes, buffer_minutes, room_kind, "
           "eligibility, price_minor_units, currency FROM services WHERE clinic_id = $1 "
           "ORDER BY id",
           cid)) {
    clinic::Service v;
    v.id = core::ServiceId{Int(r[0])};
    v.slug = Text(r[1]);
    v.name = Text(r[2]);
    v.description = Text(r[3]);
    v.duration = std::chrono::minutes{Int(r[4])};
    v.buffer_after = std::chrono::minutes{Int(r[5])};
    v.room_kind =
        UNKNOT_TRY(ParseField<clinic::RoomKind>(r[6], clinic::ParseRoomKind, "room kind"));
    v.eligibility = Text(r[7]) == "new_patients_only" ? clinic::PatientEligibility::kNewPatientsOnly
                                                      : clinic::PatientEligibility::kAnyPatient;
    v.price = {Int(r[8]), Text(r[9])};
    setup.services.push_back(std::move(v));
  }
  for (const pqxx::row& r :
       tx.exec_params("SELECT service_id, role FROM service_roles WHERE clinic_id = $1", cid)) {
    if (auto* s = FindByIdValue(setup.services, Int(r[0]))) {
      s->allowed_roles.push_back(
          UNKNOT_TRY(ParseField<clinic::Role>(r[1], clinic::ParseRole, "role")));
    }
  }
  for (const pqxx::row& r :
       tx.exec_params("SELECT service_id, skill FROM service_skills WHERE clinic_id = $1", cid)) {
    if (auto* s = FindByIdValue(setup.services, Int(r[0]))) {
      s->required_skills.push_back(
          UNKNOT_TRY(ParseField<clinic::Skill>(r[1], clinic::ParseSkill, "skill")));
    }
  }
  for (auto& s : setup.services) {
    std::sort(s.allowed_roles.begin(), s.allowed_roles.end());
    std::sort(s.required_skills.begin(), s.required_skills.end());
  }
  return setup;
}

void WriteSetup(pqxx::transaction_base& tx, clinic::ClinicSetup& setup, core::Instant now) {
  clinic::Clinic& c = setup.clinic;
  c.id = core::ClinicId{Int(tx.exec_params1(
      "INSERT INTO clinics (slug, name, phone, address_line1, address_line2, city, "
      "region, postal_code, country, time_zone, min_notice_minutes, horizon_days, "
      "cancellation_window_minutes, slot_step_minutes, grace_period_minutes, created_at, "
      "address_write_count, address_write_period_seconds, address_write_burst, "
      "email_booking_count, email_booking_period_seconds, email_booking_burst, "
      "max_future_online_bookings, session_idle_timeout_minutes, "
      "session_absolute_timeout_minutes, no_show_approval_threshold) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "
      "$25, $26) RETURNING id",
      c.slug, c.name, c.phone, c.address.line1, c.address.line2, c.address.city, c.address.region,
      c.address.postal_code, c.address.country, c.time_zone, Minutes(c.policy.min_notice),
      static_cast<std::int64_t>(c.policy.horizon.count()), Minutes(c.policy.cancellation_window),
      Minutes(c.policy.slot_step), Minutes(c.policy.grace_period), Seconds(now),
      c.policy.address_writes.count,
      static_cast<std::int64_t>(c.policy.address_writes.period.count()),
      c.policy.address_writes.burst, c.policy.email_bookings.count,
      static_cast<std::int64_t>(c.policy.email_bookings.period.count()),
      c.policy.email_bookings.burst, c.policy.max_future_online_bookings,
      Minutes(c.sessions.idle_timeout), Minutes(c.sessions.absolute_timeout),
      c.policy.no_show_approval_threshold)[0])};
  const std::int64_t cid = c.id.value();
  for (clinic::Room& r : setup.rooms) {
    r.id = core::RoomId{Int(tx.exec_params1(
        "INSERT INTO rooms (clinic_id, name, kind) VALUES ($1, $2, $3) RETURNING id", cid, r.name,
        std::string(clinic::ToString(r.kind)))[0])};
  }
  for (clinic::Practitioner& p : setup.practitioners) {
    p.id = core::PractitionerId{Int(tx.exec_params1(
        "INSERT INTO practitioners (clinic_id, slug, display_name, role, bio, status, "
        "allow_overbooking) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        cid, p.slug, p.display_name, std::string(clinic::ToString(p.role)), p.bio,
        std::string(p.status == clinic::PractitionerStatus::kActive ? "active" : "inactive"),
        p.allow_overbooking)[0])};
    const std::int64_t pid = p.id.value();
    for (clinic::Skill s : p.skills) {
      tx.exec_params(
          "INSERT INTO practitioner_skills (clinic_id, practitioner_id, skill) VALUES ($1, $2, $3)",
          cid, pid, std::string(clinic::ToString(s)));
    }
    for (const clinic::WorkingHours& h : p.hours) {
      tx.exec_params(
          "INSERT INTO working_hours (clinic_id, practitioner_id, weekday, start_minute, "
          "end_minute) VALUES ($1, $2, $3, $4, $5)",
          cid, pid, static_cast<std::int64_t>(h.day.c_encoding()),
          Minutes(h.start.since_midnight()), Minutes(h.end.since_midnight()));
    }
    for (const clinic::Break& b : p.breaks) {
      tx.exec_params(
          "INSERT INTO breaks (clinic_id, practitioner_id, weekday, start_minute, end_minute, "
          "label) VALUES ($1, $2, $3, $4, $5, $6)",
          cid, pid, static_cast<std::int64_t>(b.day.c_encoding()),
          Minutes(b.start.since_midnight()), Minutes(b.end.since_midnight()), b.label);
    }
    for (clinic::TimeOff& t : p.time_off) {
      t.id = core::TimeOffId{Int(tx.exec_params1(
          "INSERT INTO time_off (clinic_id, practitioner_id, start_at, end_at, reason) "
          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
          cid, pid, Seconds(t.period.start()), Seconds(t.period.end()), t.reason)[0])};
    }
  }
  for (clinic::Service& s : setup.services) {
    s.id = core::ServiceId{Int(tx.exec_params1(
        "INSERT INTO services (clinic_id, slug, name, description, duration_minutes, "
        "buffer_minutes, room_kind, eligibility, price_minor_units, currency) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        cid, s.slug, s.name, s.description, Minutes(s.duration), Minutes(s.buffer_after),
        std::string(clinic::ToString(s.room_kind)), std::string(clinic::ToString(s.eligibility)),
        s.price.minor_units, s.price.currency)[0])};
    for (clinic::Role r : s.allowed_roles) {
      tx.exec_params("INSERT INTO service_roles (clinic_id, service_id, role) VALUES ($1, $2, $3)",
                     cid, s.id.value(), std::string(clinic::ToString(r)));
    }
    for (clinic::Skill k : s.required_skills) {
      tx.exec_params(
          "INSERT INTO service_skills (clinic_id, service_id, skill) VALUES ($1, $2, $3)", cid,
          s.id.value(), std::string(clinic::ToString(k)));
    }
  }
}

Result<core::PatientId> InsertPatient(pqxx::transaction_base& tx, core::ClinicId clinic,
                                      const clinic::Patient& patient) {
  auto rows = tx.exec_params(
      "INSERT INTO patients (clinic_id, given_name, family_name, email, phone, created_at, "
      "online_booking, assessment_first) "
      "SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM clinics WHERE id = $1 RETURNING id",
      clinic.value(), patient.given_name, patient.family_name, patient.email, patient.phone,
      Seconds(patient.created_at), std::string(clinic::ToString(patient.online_booking)),
      patient.assessment_first);
  if (rows.empty()) return Error::NotFound("no such clinic");
  return core::PatientId{Int(rows[0][0])};
}

Result<scheduling::Appointment> FindAppointmentRow(pqxx::transaction_base& tx,
                                                   core::ClinicId clinic,
                                                   core::AppointmentId appointment) {
  auto rows = tx.exec_params(
      "SELECT " + kAppointmentColumns + " FROM appointments WHERE clinic_id = $1 AND id = $2",
      clinic.value(), appointment.value());
  if (rows.empty()) return Error::NotFound("no such appointment");
  return ReadAppointment(rows[0]);
}

Error OverlapError() {
  return Error(ErrorCode::kConflict,
               "the time is no longer free: another appointment of the practitioner or the room "
               "overlaps it");
}

Error ForeignKeyError() {
  return Error(ErrorCode::kInvalidArgument,
               "the patient, practitioner, service, room or assessment does not belong to this "
               "clinic");
}

// Runs one appointment write; a refusal by the database's rules becomes the port's error (the
// transaction is then aborted and rolls back). Other SQL errors propagate as exceptions.
template <typename Write>
std::optional<Error> Refused(Write write) {
  try {
    write();
    return std::nullopt;
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "23P01") return OverlapError();     // exclusion_violation
    if (e.sqlstate() == "23503") return ForeignKeyError();  // foreign_key_violation
    throw;
  }
}

// Inserts the appointment; the exclusion constraints decide overlaps.
Result<scheduling::Appointment> InsertAppointmentRow(pqxx::transaction_base& tx,
                                                     core::ClinicId clinic,
                                                     const scheduling::Appointment& a) {
  if (Seconds(a.blocked_until) - Seconds(a.time.start()) > kLongestSpanSeconds) {
    return Error::InvalidField("blocked_until", "an appointment may not block more than 10 hours");
  }
  std::string cancelled = a.cancelled_at ? std::to_string(Seconds(*a.cancelled_at)) : "";
  std::string assessment = a.assessment ? std::to_string(a.assessment->value()) : "";
  std::int64_t id = 0;
  auto refused = Refused([&] {
    id = Int(tx.exec_params1(
        "INSERT INTO appointments (clinic_id, patient_id, practitioner_id, service_id, room_id, "
        "start_at, end_at, blocked_until, status, source, created_at, updated_at, cancelled_at, "
        "manage_token_hash, assessment_id, cancel_reason, declined, overbooked) VALUES ($1, $2, "
        "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
        clinic.value(), a.patient.value(), a.practitioner.value(), a.service.value(),
        a.room.value(), Seconds(a.time.start()), Seconds(a.time.end()), Seconds(a.blocked_until),
        std::string(scheduling::ToString(a.status)), std::string(scheduling::ToString(a.source)),
        Seconds(a.created_at), Seconds(a.updated_at), a.cancelled_at ? cancelled.c_str() : nullptr,
        std::string(), a.assessment ? assessment.c_str() : nullptr, a.cancel_reason, a.declined,
        a.overbooked)[0]);
  });
  if (refused) return *refused;
  scheduling::Appointment stored = a;
  stored.id = core::AppointmentId{id};
  stored.version = 1;
  return stored;
}

// What a failed UPDATE of one appointment meant: it does not exist, or it is not booked.
Error NotUpdatable(pqxx::transaction_base& tx, core::ClinicId clinic,
                   core::AppointmentId appointment) {
  auto found = FindAppointmentRow(tx, clinic, appointment);
  if (!found) return std::move(found).error();
  return Error(
      ErrorCode::kConflict,
      "the appointment is " + std::string(scheduling::ToString(found->status)) + ", not booked");
}

Result<std::optional<core::ports::StoredResponse>> FindResponseRow(pqxx::transaction_base& tx,
                                                                   core::ClinicId clinic,
                                                                   const std::string& key) {
  auto rows = tx.exec_params(
      "SELECT fingerprint, response_body, appointment_id FROM idempotency_keys "
      "WHERE clinic_id = $1 AND key = $2",
      clinic.value(), key);
  if (rows.empty()) return std::optional<core::ports::StoredResponse>{};
  return std::optional<core::ports::StoredResponse>{core::ports::StoredResponse{
      Text(rows[0][0]), Text(rows[0][1]), core::AppointmentId{Int(rows[0][2])}}};
}

// Hot statements, prepared once per connection.
const std::string kFindClinic = "find_clinic";
const std::string kListBookings = "list_bookings";
const std::string kListPractitionerBookings = "list_practitioner_bookings";
const std::string kBook = "book";
const std::string kListBusyTimes = "list_busy_times";

std::vector<PreparedStatement> HotStatements() {
  const std::string booking_columns =
      "SELECT practitioner_id, room_id, start_at, blocked_until FROM appointments ";
  // The live appointments of clinic $1 whose blocked span overlaps [$2, $3).
  const std::string live_bookings_filter =
      "clinic_id = $1 AND start_at < $3 AND blocked_until > $2 AND start_at > $2 - " +
      std::to_string(kLongestSpanSeconds) + " AND status <> 'cancelled'";
  return {
      {kFindClinic, "SELECT " + kClinicColumns + " FROM clinics WHERE slug = $1"},
      // By start only, the order of the live_by indexes the scans use (as on SQLite): all the
      // engine needs, without a sort step for ties.
      {kListBookings, booking_columns + "WHERE " + live_bookings_filter + " ORDER BY start_at"},
      {kListPractitionerBookings,
       booking_columns +
           "WHERE practitioner_id = $2 AND clinic_id = $1 AND start_at < $4 "
           "AND blocked_until > $3 AND start_at > $3 - " +
           std::to_string(kLongestSpanSeconds) + " AND status <> 'cancelled' ORDER BY start_at"},
      // Bookings (kind 0) and live holds (kind 1) in one statement, so one snapshot: the
      // conditions of the query above and of ListHolds; a hold's columns as ReadHold reads them
      // from column 1, a booking's room last.
      {kListBusyTimes,
       "SELECT 0 AS kind, practitioner_id, 0::bigint, start_at, 0::bigint, blocked_until, "
       "0::bigint, room_id FROM appointments WHERE " +
           live_bookings_filter + " UNION ALL SELECT 1, " + kHoldColumns + ", 0 FROM holds WHERE " +
           kLiveHoldsFilter + " ORDER BY 1, 4, 2"},
      {kBook,
       "SELECT appointment_id, patient_id, room_id FROM unknot_book($1, $2, $3, $4, $5, $6, $7, "
       "$8::bigint[], $9, $10, $11, $12, $13, $14, $15, $16::bigint, $17::bigint)"},
  };
}

// A PostgreSQL array literal of ids: {1,2,3}.
std::string IdArray(const std::vector<core::RoomId>& rooms) {
  std::string out = "{";
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(rooms[i].value());
  }
  return out + "}";
}

// Calls unknot_book() (migration 2) and turns its refusals into the storage port's errors.
Result<scheduling::Appointment> CallBook(pqxx::transaction_base& tx, core::ClinicId clinic,
                                         const core::ports::NewBooking& booking,
                                         core::Instant now) {
  if (Seconds(booking.appointment.blocked_until) - Seconds(booking.appointment.time.start()) >
      kLongestSpanSeconds) {
    return Error::InvalidField("blocked_until", "an appointment may not block more than 10 hours");
  }
  scheduling::Appointment a = booking.appointment;
  std::vector<core::RoomId> rooms{a.room};
  rooms.insert(rooms.end(), booking.other_rooms.begin(), booking.other_rooms.end());
  const std::string max_future =
      booking.max_future_online ? std::to_string(*booking.max_future_online) : "";
  const std::string assessment = a.assessment ? std::to_string(a.assessment->value()) : "";
  try {
    pqxx::row r = tx.exec_prepared1(
        kBook, clinic.value(), booking.patient.given_name, booking.patient.family_name,
        booking.patient.email, booking.patient.phone, a.practitioner.value(), a.service.value(),
        IdArray(rooms), Seconds(a.time.start()), Seconds(a.time.end()), Seconds(a.blocked_until),
        std::string(scheduling::ToString(a.status)), std::string(scheduling::ToString(a.source)),
        Seconds(now), booking.manage_token_hash,
        booking.max_future_online ? max_future.c_str() : nullptr,
        a.assessment ? assessment.c_str() : nullptr);
    a.id = core::AppointmentId{Int(r[0])};
    a.patient = core::PatientId{Int(r[1])};
    a.room = core::RoomId{Int(r[2])};
    a.created_at = now;
    a.updated_at = now;
    return a;
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "P0002") return Error::NotFound("no such clinic");  // no_data_found
    if (e.sqlstate() == "UK001") {  // unknot_book(): the future bookings cap (migration 4)
      return Error(ErrorCode::kConflict, "the patient has too many future online bookings",
                   {{std::string(core::ports::kFutureBookingsCapField),
                     "has as many future online bookings as the clinic allows"}});
    }
    if (auto refused = Refused([&] { throw; })) return *refused;
    throw;
  }
}

// The stored booking rules of the patient an online booking is for (found by email, as
// unknot_book() finds them) and the future bookings cap counted with requested appointments
// (unknot_book() counts booked ones only), decided in the booking's transaction: under the
// advisory lock unknot_book() takes for the email, so no other booking of the email commits
// between this read and the booking, and with the patient row locked FOR SHARE, so a rule change
// waits for the booking. Returns the status to store; CheckOnlineRules' refusals.
Result<scheduling::AppointmentStatus> DecideOnlineRules(pqxx::transaction_base& tx,
                                                        core::ClinicId clinic,
                                                        const core::ports::NewBooking& booking,
                                                        core::Instant now) {
  scheduling::AppointmentStatus status = booking.appointment.status;
  tx.exec_params(
      "SELECT pg_advisory_xact_lock(hashtextextended($1::bigint || ':email:' || "
      "lower($2::text), 0))",
      clinic.value(), booking.patient.email);
  auto found = tx.exec_params(
      "SELECT id, online_booking, assessment_first FROM patients WHERE clinic_id = $1 "
      "AND lower(email) = lower($2) ORDER BY id LIMIT 1 FOR SHARE",
      clinic.value(), booking.patient.email);
  if (found.empty()) return status;  // a new patient: no rules, no bookings
  const core::PatientId patient{Int(found[0][0])};
  if (booking.online_rules) {
    const auto rule = UNKNOT_TRY(ParseField<clinic::OnlineBooking>(
        found[0][1], clinic::ParseOnlineBooking, "online booking rule"));
    UNKNOT_TRY(core::ports::CheckOnlineRules(rule, found[0][2].as<bool>(),
                                             booking.online_rules->service_for_new_patients));
    bool approval = rule == clinic::OnlineBooking::kRequiresApproval;
    const int threshold = booking.online_rules->no_show_threshold;
    if (!approval && threshold > 0) {
      approval = Int(tx.exec_params1(
                     "SELECT count(*) FROM appointments WHERE clinic_id = $1 AND patient_id = $2 "
                     "AND status = 'no_show' AND start_at >= $3 AND start_at < $4",
                     clinic.value(), patient.value(), Seconds(now - core::ports::kNoShowWindow),
                     Seconds(now))[0]) >= threshold;
    }
    if (approval) status = scheduling::AppointmentStatus::kRequested;
  }
  if (booking.max_future_online &&
      booking.appointment.source == scheduling::BookingSource::kOnline) {
    const std::int64_t held = Int(tx.exec_params1(
        "SELECT count(*) FROM appointments a JOIN patients p ON p.id = a.patient_id "
        "WHERE p.clinic_id = $1 AND lower(p.email) = lower($2) "
        "AND a.status IN ('booked', 'requested') AND a.source = 'online' AND a.start_at > $3",
        clinic.value(), booking.patient.email, Seconds(now))[0]);
    if (held >= *booking.max_future_online) {
      return Error(ErrorCode::kConflict, "the patient has too many future online bookings",
                   {{std::string(core::ports::kFutureBookingsCapField),
                     "has as many future online bookings as the clinic allows"}});
    }
  }
  return status;
}

}  // namespace

PostgresStorage::PostgresStorage(std::unique_ptr<ConnectionPool> pool, const core::Clock& clock)
    : pool_(std::move(pool)), clock_(clock) {}

PostgresStorage::~PostgresStorage() = default;

std::uint64_t PostgresStorage::Generation() const { return pool_->schedule_commits(); }

bool PostgresStorage::ScheduleChangedSince(std::uint64_t generation,
                                           const core::scheduling::ScheduleScope& scope,
                                           std::uint64_t* unchanged_through) const {
  return pool_->schedule_log().ChangedSince(generation, scope, unchanged_through);
}

core::ports::Storage::WriteCounts PostgresStorage::Writes() const {
  const std::uint64_t commits = pool_->commits();
  return {commits, commits};  // one write per transaction: the database groups commits itself
}

Result<std::unique_ptr<PostgresStorage>> PostgresStorage::Open(const Options& options,
                                                               const core::Clock& clock,
                                                               SchemaCheck check) {
  auto pool = UNKNOT_TRY(ConnectionPool::Connect(options.uri, options.pool_size, HotStatements()));
  const std::string where = RedactUri(options.uri);
  const int version = UNKNOT_TRY(CurrentSchemaVersion(*pool));
  if (version > LatestSchemaVersion()) {
    return Error(ErrorCode::kConflict, where + " has schema version " + std::to_string(version) +
                                           ", newer than this unknot supports (" +
                                           std::to_string(LatestSchemaVersion()) +
                                           "); use a newer unknot");
  }
  if (check == SchemaCheck::kRequireLatest && version < LatestSchemaVersion()) {
    return Error(ErrorCode::kConflict, where + " has schema version " + std::to_string(version) +
                                           ", this unknot needs " +
                                           std::to_string(LatestSchemaVersion()) +
                                           " (run: unknot migrate --database URI)");
  }
  return std::unique_ptr<PostgresStorage>(new PostgresStorage(std::move(pool), clock));
}

Result<void> PostgresStorage::Ping() {
  return pool_->WithConnection([](pqxx::connection& connection) -> Result<void> {
    pqxx::nontransaction tx(connection);
    tx.exec("SELECT 1");
    return core::Ok();
  });
}

Result<std::vector<clinic::Clinic>> PostgresStorage::ListClinics() {
  return ReadOnce<std::vector<clinic::Clinic>>(
      *pool_, [](pqxx::transaction_base& tx) -> Result<std::vector<clinic::Clinic>> {
        std::vector<clinic::Clinic> clinics;
        for (const pqxx::row& r :
             tx.exec("SELECT " + kClinicColumns + " FROM clinics ORDER BY slug")) {
          clinics.push_back(ReadClinic(r));
        }
        return clinics;
      });
}

Result<clinic::Clinic> PostgresStorage::FindClinic(std::string_view slug) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(setups_mutex_);
    auto it = clinics_.find(std::string(slug));
    if (it != clinics_.end() && now - it->second.loaded < kSetupTtl) return it->second.clinic;
  }
  auto found =
      ReadOnce<clinic::Clinic>(*pool_, [&](pqxx::transaction_base& tx) -> Result<clinic::Clinic> {
        auto rows = tx.exec_prepared(kFindClinic, std::string(slug));
        if (rows.empty()) return Error::NotFound("no clinic '" + std::string(slug) + "'");
        return ReadClinic(rows[0]);
      });
  if (found) {
    std::lock_guard lock(setups_mutex_);
    clinics_[found->slug] = {*found, now};
  }
  return found;
}

Result<std::shared_ptr<const clinic::ClinicSetup>> PostgresStorage::LoadSetup(
    core::ClinicId clinic_id) {
  const auto now = std::chrono::steady_clock::now();
  std::shared_ptr<const clinic::ClinicSetup> cached;
  std::string cached_version;
  {
    std::lock_guard lock(setups_mutex_);
    auto it = setups_.find(clinic_id.value());
    if (it != setups_.end()) {
      cached = it->second.setup;
      cached_version = it->second.version;
    }
  }
  // Every set-up write (SaveSetup, CreateClinic) writes the clinic's row, which gives it a new
  // xmin; while the row's xmin is the one the cached set-up was read with, no server has changed
  // the set-up since. One autocommitted read of it instead of the whole set-up, and a change made
  // through any server is seen by the next call.
  std::optional<Result<clinic::ClinicSetup>> read;
  std::string version;
  UNKNOT_TRY(pool_->WithConnection([&](pqxx::connection& connection) -> Result<void> {
    if (cached != nullptr) {
      pqxx::nontransaction check(connection);
      auto rows =
          check.exec_params("SELECT xmin::text FROM clinics WHERE id = $1", clinic_id.value());
      if (!rows.empty() && Text(rows[0][0]) == cached_version) return core::Ok();
    }
    // One snapshot, so the parts and their version are from the same moment.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(connection);
    auto rows = tx.exec_params("SELECT xmin::text FROM clinics WHERE id = $1", clinic_id.value());
    if (rows.empty()) {
      read.emplace(Error::NotFound("no such clinic"));
    } else {
      version = Text(rows[0][0]);
      read.emplace(ReadSetup(tx, clinic_id));
    }
    try {
      tx.commit();
    } catch (const pqxx::in_doubt_error&) {
      // Nothing was written; the connection is gone, which the pool handles as any lost one.
      throw pqxx::broken_connection("connection lost while ending a read-only transaction");
    }
    return core::Ok();
  }));
  if (!read) return cached;
  if (!*read) return read->error();
  auto setup = std::make_shared<const clinic::ClinicSetup>(std::move(**read));
  std::lock_guard lock(setups_mutex_);
  setups_[clinic_id.value()] = {setup, now, version};
  return setup;
}

Result<clinic::ClinicSetup> PostgresStorage::CreateClinic(const clinic::ClinicSetup& setup) {
  UNKNOT_TRY(clinic::Validate(setup));
  const core::Instant now = clock_.Now();
  auto created = WriteOnce<clinic::ClinicSetup>(
      *pool_, [&](pqxx::dbtransaction& tx) -> Result<clinic::ClinicSetup> {
        clinic::ClinicSetup stored = setup;
        WriteSetup(tx, stored, now);
        return stored;
      });
  if (!created && created.error().code() == ErrorCode::kConflict) {
    return Error(ErrorCode::kConflict,
                 "a clinic with slug '" + setup.clinic.slug + "' already exists",
                 {{"clinic.slug", "is taken"}});
  }
  if (created) {
    std::lock_guard lock(setups_mutex_);
    setups_.clear();
    clinics_.clear();
  }
  return created;
}

Result<clinic::Patient> PostgresStorage::CreatePatient(core::ClinicId clinic_id,
                                                       const clinic::Patient& patient) {
  UNKNOT_TRY(clinic::Validate(patient));
  clinic::Patient stored = patient;
  stored.created_at = clock_.Now();
  return WriteOnce<clinic::Patient>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<clinic::Patient> {
        changes.Nothing();  // a patient is not in the schedule until booked
        stored.id = UNKNOT_TRY(InsertPatient(tx, clinic_id, stored));
        return stored;
      });
}

Result<clinic::Patient> PostgresStorage::FindPatient(core::ClinicId clinic_id,
                                                     core::PatientId patient) {
  return ReadOnce<clinic::Patient>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<clinic::Patient> {
        auto rows = tx.exec_params(
            "SELECT " + kPatientColumns + " FROM patients WHERE clinic_id = $1 AND id = $2",
            clinic_id.value(), patient.value());
        if (rows.empty()) return Error::NotFound("no such patient");
        return ReadPatient(rows[0], 0);
      });
}

Result<scheduling::Appointment> PostgresStorage::InsertAppointment(
    core::ClinicId clinic_id, const scheduling::Appointment& appointment) {
  if (appointment.blocked_until < appointment.time.end()) {
    return Error::InvalidField("blocked_until", "must not be before the end");
  }
  return WriteOnce<scheduling::Appointment>(*pool_, [&](pqxx::dbtransaction& tx) {
    return InsertAppointmentRow(tx, clinic_id, appointment);
  });
}

Result<scheduling::Appointment> PostgresStorage::FindAppointment(core::ClinicId clinic_id,
                                                                 core::AppointmentId appointment) {
  return ReadOnce<scheduling::Appointment>(*pool_, [&](pqxx::transaction_base& tx) {
    return FindAppointmentRow(tx, clinic_id, appointment);
  });
}

Result<std::vector<scheduling::Appointment>> PostgresStorage::ListAppointments(
    core::ClinicId clinic_id, core::Interval window) {
  return ReadOnce<std::vector<scheduling::Appointment>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<scheduling::Appointment>> {
        std::vector<scheduling::Appointment> out;
        for (const pqxx::row& r : tx.exec_params(
                 "SELECT " + kAppointmentColumns +
                     " FROM appointments WHERE clinic_id = $1 AND start_at < $3 "
                     "AND blocked_until > $2 AND start_at > $2 - $4 ORDER BY start_at, id",
                 clinic_id.value(), Seconds(window.start()), Seconds(window.end()),
                 kLongestSpanSeconds)) {
          out.push_back(UNKNOT_TRY(ReadAppointment(r)));
        }
        return out;
      });
}

Result<std::vector<scheduling::Booking>> PostgresStorage::ListBookings(core::ClinicId clinic_id,
                                                                       core::Interval window) {
  return ReadOnce<std::vector<scheduling::Booking>>(*pool_, [&](pqxx::transaction_base& tx) {
    return CollectBookings(tx.exec_prepared(kListBookings, clinic_id.value(),
                                            Seconds(window.start()), Seconds(window.end())));
  });
}

Result<core::ports::Storage::BusyTimes> PostgresStorage::ListBusyTimes(core::ClinicId clinic_id,
                                                                       core::Interval window,
                                                                       core::Instant now) {
  return ReadOnce<BusyTimes>(*pool_, [&](pqxx::transaction_base& tx) -> Result<BusyTimes> {
    BusyTimes busy;
    for (const pqxx::row& r :
         tx.exec_prepared(kListBusyTimes, clinic_id.value(), Seconds(window.start()),
                          Seconds(window.end()), Seconds(now))) {
      if (Int(r[0]) == 0) {
        busy.bookings.push_back({core::PractitionerId{Int(r[1])}, core::RoomId{Int(r[7])},
                                 UNKNOT_TRY(IntervalFields(r[3], r[5]))});
      } else {
        busy.holds.push_back(UNKNOT_TRY(ReadHold(r, 1)));
      }
    }
    return busy;
  });
}

Result<std::vector<scheduling::Booking>> PostgresStorage::ListPractitionerBookings(
    core::ClinicId clinic_id, core::PractitionerId practitioner, core::Interval window) {
  return ReadOnce<std::vector<scheduling::Booking>>(*pool_, [&](pqxx::transaction_base& tx) {
    return CollectBookings(tx.exec_prepared(kListPractitionerBookings, clinic_id.value(),
                                            practitioner.value(), Seconds(window.start()),
                                            Seconds(window.end())));
  });
}

Result<scheduling::Appointment> PostgresStorage::Book(core::ClinicId clinic_id,
                                                      const core::ports::NewBooking& booking) {
  UNKNOT_TRY(clinic::Validate(booking.patient));
  const core::Instant now = clock_.Now();
  if (!booking.idempotency && !booking.online_rules && booking.hold_token_hash.empty()) {
    // The common case: one statement, committed on its own (one round trip). A serialization
    // failure or deadlock is retried like a transaction.
    for (int attempt = 1;; ++attempt) {
      bool retry = false;
      std::optional<Result<scheduling::Appointment>> out;
      auto done = pool_->WithConnection([&](pqxx::connection& connection) -> Result<void> {
        try {
          pqxx::nontransaction tx(connection);
          out.emplace(CallBook(tx, clinic_id, booking, now));
        } catch (const pqxx::sql_error& e) {
          if (!ConnectionPool::IsRetryable(e) || attempt == 5) throw;
          retry = true;
        }
        return core::Ok();
      });
      if (!done) return done.error();
      if (retry) continue;
      if (*out) {
        scheduling::ScheduleChanges changes;
        changes.Add(scheduling::ChangeOf(clinic_id, **out));
        pool_->CountCommit(changes);
      }
      return std::move(*out);
    }
  }
  // With an Idempotency-Key the stored answer needs the appointment's id, so the booking and the
  // key are one transaction; concurrent retries with one key wait for each other on a lock. An
  // online booking's rules are read in the booking's transaction too (DecideOnlineRules).
  return WriteOnce<scheduling::Appointment>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        if (booking.idempotency) {
          tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':key:' || $2, 0))",
                         std::to_string(clinic_id.value()), booking.idempotency->key);
          if (UNKNOT_TRY(FindResponseRow(tx, clinic_id, booking.idempotency->key))) {
            return Error(ErrorCode::kConflict, "the Idempotency-Key was used by another request",
                         {{"Idempotency-Key", "is already used"}});
          }
        }
        // The presented hold is used up first: other bookings see it until this commits, and
        // this booking's own insert no longer does (migration 15's trigger).
        if (!booking.hold_token_hash.empty()) {
          UNKNOT_TRY(DeleteHoldRow(tx, clinic_id, booking.hold_token_hash, changes));
        }
        core::ports::NewBooking decided = booking;
        if (booking.online_rules) {
          decided.appointment.status = UNKNOT_TRY(DecideOnlineRules(tx, clinic_id, booking, now));
        }
        scheduling::Appointment appointment = UNKNOT_TRY(CallBook(tx, clinic_id, decided, now));
        changes.Add(scheduling::ChangeOf(clinic_id, appointment));
        if (!booking.idempotency) return appointment;
        tx.exec_params(
            "INSERT INTO idempotency_keys (clinic_id, key, fingerprint, appointment_id, "
            "response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            clinic_id.value(), booking.idempotency->key, booking.idempotency->fingerprint,
            appointment.id.value(), booking.idempotency->render(appointment), Seconds(now));
        return appointment;
      });
}

Result<std::optional<core::ports::StoredResponse>> PostgresStorage::FindResponse(
    core::ClinicId clinic_id, std::string_view key) {
  return ReadOnce<std::optional<core::ports::StoredResponse>>(
      *pool_,
      [&](pqxx::transaction_base& tx) { return FindResponseRow(tx, clinic_id, std::string(key)); });
}

Result<std::string> PostgresStorage::ManageTokenHash(core::ClinicId clinic_id,
                                                     core::AppointmentId appointment) {
  return ReadOnce<std::string>(*pool_, [&](pqxx::transaction_base& tx) -> Result<std::string> {
    auto rows = tx.exec_params(
        "SELECT manage_token_hash FROM appointments WHERE clinic_id = $1 AND id = $2",
        clinic_id.value(), appointment.value());
    if (rows.empty()) return Error::NotFound("no such appointment");
    return Text(rows[0][0]);
  });
}

Result<scheduling::Appointment> PostgresStorage::Cancel(core::ClinicId clinic_id,
                                                        core::AppointmentId appointment,
                                                        core::Instant now) {
  return WriteOnce<scheduling::Appointment>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        auto rows = tx.exec_params(
            "UPDATE appointments SET status = 'cancelled', cancelled_at = $3, updated_at = $3 "
            "WHERE clinic_id = $1 AND id = $2 AND status = 'booked' RETURNING " +
                kAppointmentColumns,
            clinic_id.value(), appointment.value(), Seconds(now));
        if (rows.empty()) return NotUpdatable(tx, clinic_id, appointment);
        scheduling::Appointment cancelled = UNKNOT_TRY(ReadAppointment(rows[0]));
        changes.Add(scheduling::ChangeOf(clinic_id, cancelled));
        return cancelled;
      });
}

Result<scheduling::Appointment> PostgresStorage::Reschedule(core::ClinicId clinic_id,
                                                            const scheduling::Appointment& moved) {
  const core::Instant now = clock_.Now();
  return WriteOnce<scheduling::Appointment>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<scheduling::Appointment> {
        if (auto before = UNKNOT_TRY(LockAppointmentChange(tx, clinic_id, moved.id))) {
          changes.Add(*before);
        }
        pqxx::result rows;
        auto refused = Refused([&] {
          rows = tx.exec_params(
              "UPDATE appointments SET practitioner_id = $3, room_id = $4, start_at = $5, "
              "end_at = $6, blocked_until = $7, updated_at = $8 "
              "WHERE clinic_id = $1 AND id = $2 AND status = 'booked' RETURNING " +
                  kAppointmentColumns,
              clinic_id.value(), moved.id.value(), moved.practitioner.value(), moved.room.value(),
              Seconds(moved.time.start()), Seconds(moved.time.end()), Seconds(moved.blocked_until),
              Seconds(now));
        });
        if (refused) return *refused;
        if (rows.empty()) return NotUpdatable(tx, clinic_id, moved.id);
        scheduling::Appointment after = UNKNOT_TRY(ReadAppointment(rows[0]));
        changes.Add(scheduling::ChangeOf(clinic_id, after));
        return after;
      });
}

Result<core::AssessmentId> PostgresStorage::CreateAssessment(
    core::ClinicId clinic_id, const core::ports::StoredAssessment& assessment) {
  return WriteOnce<core::AssessmentId>(
      *pool_,
      [&](pqxx::dbtransaction& tx,
          scheduling::ScheduleChanges& changes) -> Result<core::AssessmentId> {
        changes.Nothing();  // a self-assessment books nothing
        // Through the clinics table, so a missing clinic inserts nothing instead of failing a
        // foreign key.
        auto rows = tx.exec_params(
            "INSERT INTO assessments (clinic_id, outcome, manage_token_hash, input, result, "
            "created_at) SELECT id, $2, $3, $4, $5, $6 FROM clinics WHERE id = $1 RETURNING id",
            clinic_id.value(), std::string(core::clinical::ToString(assessment.outcome)),
            assessment.manage_token_hash, assessment.input_json, assessment.result_json,
            Seconds(assessment.created_at));
        if (rows.empty()) return Error::NotFound("no such clinic");
        return core::AssessmentId{Int(rows[0][0])};
      });
}

Result<core::ports::StoredAssessment> PostgresStorage::FindAssessment(
    core::ClinicId clinic_id, core::AssessmentId assessment) {
  return ReadOnce<core::ports::StoredAssessment>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<core::ports::StoredAssessment> {
        auto rows = tx.exec_params(
            "SELECT id, outcome, manage_token_hash, input, result, created_at FROM assessments "
            "WHERE clinic_id = $1 AND id = $2",
            clinic_id.value(), assessment.value());
        if (rows.empty()) return Error::NotFound("no such assessment");
        const pqxx::row& r = rows[0];
        return core::ports::StoredAssessment{
            .id = core::AssessmentId{Int(r[0])},
            .outcome = UNKNOT_TRY(ParseField<core::clinical::Outcome>(
                r[1], core::clinical::ParseOutcome, "assessment outcome")),
            .manage_token_hash = Text(r[2]),
            .input_json = Text(r[3]),
            .result_json = Text(r[4]),
            .created_at = FromSeconds(Int(r[5])),
        };
      });
}

}  // namespace unknot::storage::postgres

namespace unknot::storage::postgres::setup_rows {

Result<clinic::ClinicSetup> ReadSetup(pqxx::transaction_base& tx, core::ClinicId clinic) {
  return postgres::ReadSetup(tx, clinic);
}

}  // namespace unknot::storage::postgres::setup_rows
