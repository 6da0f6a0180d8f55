#include "storage/sqlite/migrations.hpp"

#include <array>
#include <string>

#include "storage/sqlite/home_care_schema.hpp"

namespace unknot::storage::sqlite {
namespace {

// Conventions: every row carries clinic_id; child tables reference their parent through
// (clinic_id, id) so a row can never point into another clinic. Instants are INTEGER seconds
// since the Unix epoch (UTC); wall-clock times are INTEGER minutes since local midnight.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE clinics (
  id                          INTEGER PRIMARY KEY,
  slug                        TEXT NOT NULL UNIQUE,
  name                        TEXT NOT NULL,
  phone                       TEXT NOT NULL,
  address_line1               TEXT NOT NULL,
  address_line2               TEXT NOT NULL DEFAULT '',
  city                        TEXT NOT NULL,
  region                      TEXT NOT NULL,
  postal_code                 TEXT NOT NULL,
  country                     TEXT NOT NULL,
  time_zone                   TEXT NOT NULL,
  min_notice_minutes          INTEGER NOT NULL CHECK (min_notice_minutes >= 0),
  horizon_days                INTEGER NOT NULL CHECK (horizon_days > 0),
  cancellation_window_minutes INTEGER NOT NULL CHECK (cancellation_window_minutes >= 0),
  slot_step_minutes           INTEGER NOT NULL CHECK (slot_step_minutes > 0),
  grace_period_minutes        INTEGER NOT NULL CHECK (grace_period_minutes >= 0),
  created_at                  INTEGER NOT NULL
);

CREATE TABLE rooms (
  id        INTEGER PRIMARY KEY,
  clinic_id INTEGER NOT NULL REFERENCES clinics (id),
  name      TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('adjustment', 'massage')),
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, name)
);

CREATE TABLE practitioners (
  id           INTEGER PRIMARY KEY,
  clinic_id    INTEGER NOT NULL REFERENCES clinics (id),
  slug         TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('chiropractor', 'massage_therapist')),
  bio          TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, slug)
);

CREATE TABLE practitioner_skills (
  clinic_id       INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  skill           TEXT NOT NULL,
  PRIMARY KEY (practitioner_id, skill),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
);

CREATE TABLE working_hours (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  weekday         INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Sunday
  start_minute    INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
  end_minute      INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
  CHECK (start_minute < end_minute),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
);
CREATE INDEX working_hours_by_practitioner ON working_hours (practitioner_id);

CREATE TABLE breaks (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  weekday         INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  start_minute    INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
  end_minute      INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
  label           TEXT NOT NULL DEFAULT '',
  CHECK (start_minute < end_minute),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
);
CREATE INDEX breaks_by_practitioner ON breaks (practitioner_id);

CREATE TABLE time_off (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  start_at        INTEGER NOT NULL,
  end_at          INTEGER NOT NULL,
  reason          TEXT NOT NULL DEFAULT '',
  CHECK (start_at < end_at),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
);
CREATE INDEX time_off_by_practitioner ON time_off (practitioner_id, start_at);

CREATE TABLE services (
  id                 INTEGER PRIMARY KEY,
  clinic_id          INTEGER NOT NULL REFERENCES clinics (id),
  slug               TEXT NOT NULL,
  name               TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  duration_minutes   INTEGER NOT NULL CHECK (duration_minutes > 0),
  buffer_minutes     INTEGER NOT NULL CHECK (buffer_minutes >= 0),
  room_kind          TEXT NOT NULL CHECK (room_kind IN ('adjustment', 'massage')),
  eligibility        TEXT NOT NULL CHECK (eligibility IN ('any_patient', 'new_patients_only')),
  price_minor_units  INTEGER NOT NULL CHECK (price_minor_units >= 0),
  currency           TEXT NOT NULL,
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, slug)
);

CREATE TABLE service_roles (
  clinic_id  INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('chiropractor', 'massage_therapist')),
  PRIMARY KEY (service_id, role),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id)
);

CREATE TABLE service_skills (
  clinic_id  INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  skill      TEXT NOT NULL,
  PRIMARY KEY (service_id, skill),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id)
);

CREATE TABLE patients (
  id          INTEGER PRIMARY KEY,
  clinic_id   INTEGER NOT NULL REFERENCES clinics (id),
  given_name  TEXT NOT NULL,
  family_name TEXT NOT NULL,
  email       TEXT NOT NULL,
  phone       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (clinic_id, id)
);
CREATE INDEX patients_by_email ON patients (clinic_id, email);

CREATE TABLE appointments (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  patient_id      INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  service_id      INTEGER NOT NULL,
  room_id         INTEGER NOT NULL,
  start_at        INTEGER NOT NULL,
  end_at          INTEGER NOT NULL,
  blocked_until   INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
  source          TEXT NOT NULL CHECK (source IN ('online', 'phone', 'staff')),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  cancelled_at    INTEGER,
  CHECK (start_at < end_at AND end_at <= blocked_until),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id),
  FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id)
);
CREATE INDEX appointments_by_practitioner ON appointments (practitioner_id, start_at);
CREATE INDEX appointments_by_room ON appointments (room_id, start_at);
CREATE INDEX appointments_by_clinic ON appointments (clinic_id, start_at);
)sql";

// Booking: the no-overlap rule enforced by the database itself, manage tokens (hashed) and
// idempotency keys. The triggers and reads bound their scans by 10 hours (36000 s) before the
// new start: no blocked span is longer (service validation caps duration at 8 hours and the
// buffer at 2).
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE appointments ADD COLUMN manage_token_hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX appointments_clinic_and_id ON appointments (clinic_id, id);
CREATE INDEX appointments_by_patient ON appointments (patient_id);
-- Covers the engine's read of live bookings around a time: no table lookups.
CREATE INDEX appointments_live_by_clinic
  ON appointments (clinic_id, start_at, blocked_until, practitioner_id, room_id)
  WHERE status <> 'cancelled';
-- Patients are matched by email, ignoring case, on every booking.
CREATE INDEX patients_by_email_nocase ON patients (clinic_id, email COLLATE NOCASE);

CREATE TRIGGER appointments_no_overlap_on_insert
BEFORE INSERT ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE EXISTS (SELECT 1 FROM appointments a
                WHERE a.practitioner_id = NEW.practitioner_id AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at)
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.room_id = NEW.room_id AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;

CREATE TRIGGER appointments_no_overlap_on_update
BEFORE UPDATE OF practitioner_id, room_id, start_at, end_at, blocked_until, status ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE EXISTS (SELECT 1 FROM appointments a
                WHERE a.id <> NEW.id AND a.practitioner_id = NEW.practitioner_id
                  AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at)
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.id <> NEW.id AND a.room_id = NEW.room_id AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;

CREATE TABLE idempotency_keys (
  clinic_id      INTEGER NOT NULL REFERENCES clinics (id),
  key            TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  appointment_id INTEGER NOT NULL,
  response_body  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, key),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
)sql";

// Faster bookings.
// - The longest blocked span (start to end of the buffer) any appointment of a clinic has ever
//   had, kept by triggers. Reads of "live bookings overlapping a span" bound their index range
//   by it instead of by the 10-hour maximum: a clinic whose longest visit is 90 minutes scans 90
//   minutes of bookings, not 10 hours. It only grows, so it is never too small.
// - The per-practitioner and per-room indexes hold only live appointments and carry the span,
//   so the overlap triggers and the per-practitioner read never visit the table.
// - patients_by_email is covered by patients_by_email_nocase.
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE appointment_span_bounds (
  clinic_id       INTEGER PRIMARY KEY REFERENCES clinics (id),
  longest_seconds INTEGER NOT NULL CHECK (longest_seconds >= 0)
);
INSERT INTO appointment_span_bounds (clinic_id, longest_seconds)
  SELECT clinic_id, max(blocked_until - start_at) FROM appointments GROUP BY clinic_id;

CREATE TRIGGER appointments_span_bound_on_insert
AFTER INSERT ON appointments
WHEN NEW.blocked_until - NEW.start_at > coalesce(
  (SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = NEW.clinic_id), -1)
BEGIN
  INSERT OR REPLACE INTO appointment_span_bounds (clinic_id, longest_seconds)
    VALUES (NEW.clinic_id, NEW.blocked_until - NEW.start_at);
END;

CREATE TRIGGER appointments_span_bound_on_update
AFTER UPDATE OF start_at, blocked_until ON appointments
WHEN NEW.blocked_until - NEW.start_at > coalesce(
  (SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = NEW.clinic_id), -1)
BEGIN
  INSERT OR REPLACE INTO appointment_span_bounds (clinic_id, longest_seconds)
    VALUES (NEW.clinic_id, NEW.blocked_until - NEW.start_at);
END;

DROP INDEX appointments_by_practitioner;
CREATE INDEX appointments_live_by_practitioner
  ON appointments (practitioner_id, start_at, blocked_until, room_id)
  WHERE status <> 'cancelled';
DROP INDEX appointments_by_room;
CREATE INDEX appointments_live_by_room
  ON appointments (room_id, start_at, blocked_until)
  WHERE status <> 'cancelled';
DROP INDEX patients_by_email;
)sql";

// Knot self-assessments, kept as the person saw them: the input and the result are the JSON
// documents the API exchanged (the knowledge behind a result may change later); the outcome is a
// column of its own because booking checks it. Only the hash of the manage token is stored.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE assessments (
  id                INTEGER PRIMARY KEY,
  clinic_id         INTEGER NOT NULL REFERENCES clinics (id),
  outcome           TEXT NOT NULL CHECK (outcome IN ('book_online', 'see_chiropractor_first',
                                                     'medical_care_soon', 'emergency')),
  manage_token_hash TEXT NOT NULL,
  input             TEXT NOT NULL,
  result            TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  UNIQUE (clinic_id, id)
);
)sql";

// The clinic's limits on online booking (BookingPolicy): token-bucket rates per client address and
// per patient email, and how many future online bookings one email may hold. Existing clinics get
// the defaults. Counting a patient's future bookings joins patients by email (NOCASE index of
// migration 3) to appointments_by_patient.
constexpr std::string_view kSchemaV5 = R"sql(
ALTER TABLE clinics ADD COLUMN address_write_count INTEGER NOT NULL DEFAULT 10
  CHECK (address_write_count > 0);
ALTER TABLE clinics ADD COLUMN address_write_period_seconds INTEGER NOT NULL DEFAULT 60
  CHECK (address_write_period_seconds > 0);
ALTER TABLE clinics ADD COLUMN address_write_burst INTEGER NOT NULL DEFAULT 20
  CHECK (address_write_burst > 0);
ALTER TABLE clinics ADD COLUMN email_booking_count INTEGER NOT NULL DEFAULT 5
  CHECK (email_booking_count > 0);
ALTER TABLE clinics ADD COLUMN email_booking_period_seconds INTEGER NOT NULL DEFAULT 3600
  CHECK (email_booking_period_seconds > 0);
ALTER TABLE clinics ADD COLUMN email_booking_burst INTEGER NOT NULL DEFAULT 5
  CHECK (email_booking_burst > 0);
ALTER TABLE clinics ADD COLUMN max_future_online_bookings INTEGER NOT NULL DEFAULT 3
  CHECK (max_future_online_bookings > 0);
)sql";

// The staff side (issue 13) and the self-assessment a booking follows.
// - staff_accounts: one clinic's staff, email unique within the clinic (stored lower-case); a
//   practitioner account points at the clinic's practitioner record.
// - staff_sessions: signed-in browsers; only the hash of the cookie's secret is stored.
// - audit_log: who read or changed what, chained per clinic by hashes (storage/audit_chain.hpp).
//   Append-only: triggers refuse every UPDATE and DELETE, so only someone who drops them (with
//   the file in hand) can edit it, and then the chain shows where. staff_id and patient_id are
//   history, not references: an entry keeps naming what was touched whatever happens to it.
// - clinics: the session policy (SessionPolicy), existing clinics get the defaults.
// - appointments.assessment_id: a table constraint SQLite cannot add to an existing table, so
//   appointments is rebuilt (ids kept) with the same indexes and triggers as before (migrations 2
//   and 3); idempotency_keys, which references it, is set aside and restored around the swap so
//   no foreign key points at the old table while it is dropped.
constexpr std::string_view kSchemaV6 = R"sql(
ALTER TABLE clinics ADD COLUMN session_idle_timeout_minutes INTEGER NOT NULL DEFAULT 30
  CHECK (session_idle_timeout_minutes BETWEEN 5 AND 1440);
ALTER TABLE clinics ADD COLUMN session_absolute_timeout_minutes INTEGER NOT NULL DEFAULT 720
  CHECK (session_absolute_timeout_minutes BETWEEN 60 AND 10080
         AND session_absolute_timeout_minutes >= session_idle_timeout_minutes);

CREATE TABLE staff_accounts (
  id                  INTEGER PRIMARY KEY,
  clinic_id           INTEGER NOT NULL REFERENCES clinics (id),
  email               TEXT NOT NULL,
  display_name        TEXT NOT NULL,
  role                TEXT NOT NULL CHECK (role IN ('owner', 'front_desk', 'practitioner')),
  practitioner_id     INTEGER,
  disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  password_hash       TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL,
  CHECK (role <> 'practitioner' OR practitioner_id IS NOT NULL),
  UNIQUE (clinic_id, id),
  UNIQUE (clinic_id, email),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
);

CREATE TABLE staff_sessions (
  id             INTEGER PRIMARY KEY,
  clinic_id      INTEGER NOT NULL,
  staff_id       INTEGER NOT NULL,
  secret_hash    TEXT NOT NULL UNIQUE,
  csrf_token     TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  client_address TEXT NOT NULL DEFAULT '',
  ended_at       INTEGER,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, staff_id) REFERENCES staff_accounts (clinic_id, id)
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (clinic_id, staff_id, created_at);
CREATE INDEX staff_sessions_open_by_clinic ON staff_sessions (clinic_id, created_at)
  WHERE ended_at IS NULL;

CREATE TABLE audit_log (
  clinic_id      INTEGER NOT NULL REFERENCES clinics (id),
  sequence       INTEGER NOT NULL CHECK (sequence > 0),
  staff_id       INTEGER,
  staff_email    TEXT NOT NULL,
  role           TEXT CHECK (role IN ('owner', 'front_desk', 'practitioner')),
  action         TEXT NOT NULL,
  patient_id     INTEGER,
  record         TEXT NOT NULL,
  detail         TEXT NOT NULL,
  at             INTEGER NOT NULL,
  client_address TEXT NOT NULL,
  request_id     TEXT NOT NULL,
  previous_hash  TEXT NOT NULL,
  hash           TEXT NOT NULL,
  PRIMARY KEY (clinic_id, sequence)
);
CREATE INDEX audit_log_by_staff ON audit_log (clinic_id, staff_id, sequence);
CREATE INDEX audit_log_by_patient ON audit_log (clinic_id, patient_id, sequence);
CREATE INDEX audit_log_by_time ON audit_log (clinic_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE appointments_v6 (
  id                INTEGER PRIMARY KEY,
  clinic_id         INTEGER NOT NULL REFERENCES clinics (id),
  patient_id        INTEGER NOT NULL,
  practitioner_id   INTEGER NOT NULL,
  service_id        INTEGER NOT NULL,
  room_id           INTEGER NOT NULL,
  start_at          INTEGER NOT NULL,
  end_at            INTEGER NOT NULL,
  blocked_until     INTEGER NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
  source            TEXT NOT NULL CHECK (source IN ('online', 'phone', 'staff')),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  cancelled_at      INTEGER,
  manage_token_hash TEXT NOT NULL DEFAULT '',
  assessment_id     INTEGER,
  CHECK (start_at < end_at AND end_at <= blocked_until),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id),
  FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id),
  FOREIGN KEY (clinic_id, assessment_id) REFERENCES assessments (clinic_id, id)
);
INSERT INTO appointments_v6 (id, clinic_id, patient_id, practitioner_id, service_id, room_id,
                             start_at, end_at, blocked_until, status, source, created_at,
                             updated_at, cancelled_at, manage_token_hash)
  SELECT id, clinic_id, patient_id, practitioner_id, service_id, room_id, start_at, end_at,
         blocked_until, status, source, created_at, updated_at, cancelled_at, manage_token_hash
  FROM appointments;

CREATE TABLE idempotency_keys_v6 AS SELECT * FROM idempotency_keys;
DROP TABLE idempotency_keys;
DROP TABLE appointments;
ALTER TABLE appointments_v6 RENAME TO appointments;

CREATE INDEX appointments_by_clinic ON appointments (clinic_id, start_at);
CREATE UNIQUE INDEX appointments_clinic_and_id ON appointments (clinic_id, id);
CREATE INDEX appointments_by_patient ON appointments (patient_id);
CREATE INDEX appointments_live_by_clinic
  ON appointments (clinic_id, start_at, blocked_until, practitioner_id, room_id)
  WHERE status <> 'cancelled';
CREATE INDEX appointments_live_by_practitioner
  ON appointments (practitioner_id, start_at, blocked_until, room_id)
  WHERE status <> 'cancelled';
CREATE INDEX appointments_live_by_room
  ON appointments (room_id, start_at, blocked_until)
  WHERE status <> 'cancelled';

CREATE TRIGGER appointments_no_overlap_on_insert
BEFORE INSERT ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE EXISTS (SELECT 1 FROM appointments a
                WHERE a.practitioner_id = NEW.practitioner_id AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at)
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.room_id = NEW.room_id AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;

CREATE TRIGGER appointments_no_overlap_on_update
BEFORE UPDATE OF practitioner_id, room_id, start_at, end_at, blocked_until, status ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE EXISTS (SELECT 1 FROM appointments a
                WHERE a.id <> NEW.id AND a.practitioner_id = NEW.practitioner_id
                  AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at)
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.id <> NEW.id AND a.room_id = NEW.room_id AND a.status <> 'cancelled'
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;

CREATE TRIGGER appointments_span_bound_on_insert
AFTER INSERT ON appointments
WHEN NEW.blocked_until - NEW.start_at > coalesce(
  (SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = NEW.clinic_id), -1)
BEGIN
  INSERT OR REPLACE INTO appointment_span_bounds (clinic_id, longest_seconds)
    VALUES (NEW.clinic_id, NEW.blocked_until - NEW.start_at);
END;

CREATE TRIGGER appointments_span_bound_on_update
AFTER UPDATE OF start_at, blocked_until ON appointments
WHEN NEW.blocked_until - NEW.start_at > coalesce(
  (SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = NEW.clinic_id), -1)
BEGIN
  INSERT OR REPLACE INTO appointment_span_bounds (clinic_id, longest_seconds)
    VALUES (NEW.clinic_id, NEW.blocked_until - NEW.start_at);
END;

CREATE TABLE idempotency_keys (
  clinic_id      INTEGER NOT NULL REFERENCES clinics (id),
  key            TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  appointment_id INTEGER NOT NULL,
  response_body  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, key),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
INSERT INTO idempotency_keys (clinic_id, key, fingerprint, appointment_id, response_body,
                              created_at)
  SELECT clinic_id, key, fingerprint, appointment_id, response_body, created_at
  FROM idempotency_keys_v6;
DROP TABLE idempotency_keys_v6;
CREATE INDEX appointments_by_assessment ON appointments (clinic_id, assessment_id)
  WHERE assessment_id IS NOT NULL;
)sql";

// Version 7 (issue 14, the front desk):
// - appointments: statuses 'requested' (an online booking waiting for approval; it holds its time)
//   and 'arrived'; source 'walk_in'; a version raised on every change (optimistic concurrency for
//   the calendar), the reason given for a cancel, whether a request was declined, and whether it
//   was overbooked by staff (such rows are left out of the no-overlap triggers). SQLite cannot
//   change a CHECK, so the table is rebuilt as in version 6.
// - practitioners.allow_overbooking; patients' online booking rule and "assessment first";
//   clinics' no-show rule (after N no-shows in 12 months, online bookings need approval).
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE appointments_v7 (
  id                INTEGER PRIMARY KEY,
  clinic_id         INTEGER NOT NULL REFERENCES clinics (id),
  patient_id        INTEGER NOT NULL,
  practitioner_id   INTEGER NOT NULL,
  service_id        INTEGER NOT NULL,
  room_id           INTEGER NOT NULL,
  start_at          INTEGER NOT NULL,
  end_at            INTEGER NOT NULL,
  blocked_until     INTEGER NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show',
                                                    'requested', 'arrived')),
  source            TEXT NOT NULL CHECK (source IN ('online', 'phone', 'staff', 'walk_in')),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  cancelled_at      INTEGER,
  manage_token_hash TEXT NOT NULL DEFAULT '',
  assessment_id     INTEGER,
  version           INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
  cancel_reason     TEXT NOT NULL DEFAULT '',
  declined          INTEGER NOT NULL DEFAULT 0 CHECK (declined IN (0, 1)),
  overbooked        INTEGER NOT NULL DEFAULT 0 CHECK (overbooked IN (0, 1)),
  CHECK (declined = 0 OR status = 'cancelled'),
  CHECK (start_at < end_at AND end_at <= blocked_until),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id),
  FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id),
  FOREIGN KEY (clinic_id, assessment_id) REFERENCES assessments (clinic_id, id)
);
INSERT INTO appointments_v7 (id, clinic_id, patient_id, practitioner_id, service_id, room_id,
                             start_at, end_at, blocked_until, status, source, created_at,
                             updated_at, cancelled_at, manage_token_hash, assessment_id)
  SELECT id, clinic_id, patient_id, practitioner_id, service_id, room_id, start_at, end_at,
         blocked_until, status, source, created_at, updated_at, cancelled_at, manage_token_hash,
         assessment_id
  FROM appointments;

CREATE TABLE idempotency_keys_v7 AS SELECT * FROM idempotency_keys;
DROP TABLE idempotency_keys;
DROP TABLE appointments;
ALTER TABLE appointments_v7 RENAME TO appointments;

CREATE INDEX appointments_by_clinic ON appointments (clinic_id, start_at);
CREATE UNIQUE INDEX appointments_clinic_and_id ON appointments (clinic_id, id);
CREATE INDEX appointments_by_patient ON appointments (patient_id);
CREATE INDEX appointments_live_by_clinic
  ON appointments (clinic_id, start_at, blocked_until, practitioner_id, room_id)
  WHERE status <> 'cancelled';
CREATE INDEX appointments_live_by_practitioner
  ON appointments (practitioner_id, start_at, blocked_until, room_id)
  WHERE status <> 'cancelled';
CREATE INDEX appointments_live_by_room
  ON appointments (room_id, start_at, blocked_until)
  WHERE status <> 'cancelled';

CREATE TRIGGER appointments_no_overlap_on_insert
BEFORE INSERT ON appointments
WHEN NEW.status <> 'cancelled' AND NEW.overbooked = 0
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE EXISTS (SELECT 1 FROM appointments a
                WHERE a.practitioner_id = NEW.practitioner_id AND a.status <> 'cancelled'
                  AND a.overbooked = 0
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at)
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.room_id = NEW.room_id AND a.status <> 'cancelled' AND a.overbooked = 0
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;

CREATE TRIGGER appointments_no_overlap_on_update
BEFORE UPDATE OF practitioner_id, room_id, start_at, end_at, blocked_until, status, overbooked
  ON appointments
WHEN NEW.status <> 'cancelled' AND NEW.overbooked = 0
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE EXISTS (SELECT 1 FROM appointments a
                WHERE a.id <> NEW.id AND a.practitioner_id = NEW.practitioner_id
                  AND a.status <> 'cancelled' AND a.overbooked = 0
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at)
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.id <> NEW.id AND a.room_id = NEW.room_id AND a.status <> 'cancelled'
                  AND a.overbooked = 0
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;

CREATE TRIGGER appointments_span_bound_on_insert
AFTER INSERT ON appointments
WHEN NEW.blocked_until - NEW.start_at > coalesce(
  (SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = NEW.clinic_id), -1)
BEGIN
  INSERT OR REPLACE INTO appointment_span_bounds (clinic_id, longest_seconds)
    VALUES (NEW.clinic_id, NEW.blocked_until - NEW.start_at);
END;

CREATE TRIGGER appointments_span_bound_on_update
AFTER UPDATE OF start_at, blocked_until ON appointments
WHEN NEW.blocked_until - NEW.start_at > coalesce(
  (SELECT longest_seconds FROM appointment_span_bounds WHERE clinic_id = NEW.clinic_id), -1)
BEGIN
  INSERT OR REPLACE INTO appointment_span_bounds (clinic_id, longest_seconds)
    VALUES (NEW.clinic_id, NEW.blocked_until - NEW.start_at);
END;

CREATE TABLE idempotency_keys (
  clinic_id      INTEGER NOT NULL REFERENCES clinics (id),
  key            TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  appointment_id INTEGER NOT NULL,
  response_body  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, key),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
INSERT INTO idempotency_keys (clinic_id, key, fingerprint, appointment_id, response_body,
                              created_at)
  SELECT clinic_id, key, fingerprint, appointment_id, response_body, created_at
  FROM idempotency_keys_v7;
DROP TABLE idempotency_keys_v7;
CREATE INDEX appointments_by_assessment ON appointments (clinic_id, assessment_id)
  WHERE assessment_id IS NOT NULL;

CREATE TRIGGER appointments_version_on_update
AFTER UPDATE OF patient_id, practitioner_id, service_id, room_id, start_at, end_at, blocked_until,
  status, cancelled_at, cancel_reason, declined, overbooked ON appointments
WHEN NEW.version = OLD.version
BEGIN
  UPDATE appointments SET version = OLD.version + 1 WHERE id = NEW.id;
END;

ALTER TABLE practitioners ADD COLUMN allow_overbooking INTEGER NOT NULL DEFAULT 0
  CHECK (allow_overbooking IN (0, 1));
ALTER TABLE patients ADD COLUMN online_booking TEXT NOT NULL DEFAULT 'allowed'
  CHECK (online_booking IN ('allowed', 'requires_approval', 'blocked'));
ALTER TABLE patients ADD COLUMN assessment_first INTEGER NOT NULL DEFAULT 0
  CHECK (assessment_first IN (0, 1));
ALTER TABLE clinics ADD COLUMN no_show_approval_threshold INTEGER NOT NULL DEFAULT 0
  CHECK (no_show_approval_threshold BETWEEN 0 AND 50);
CREATE INDEX appointments_no_shows_by_patient ON appointments (clinic_id, patient_id, start_at)
  WHERE status = 'no_show';
)sql";

// The change feed of the live calendar (core/ports/appointment_changes.hpp): every insert or
// update of an appointment takes the clinic's next change number from
// appointment_change_counters and stores it in the row's change_seq, by trigger, so no write path
// can forget it. One writer at a time makes the numbers follow the commits. Self-contained (adds
// a column, a table, an index and triggers; numbers the existing rows), so it also applies to an
// appointments table rebuilt by an earlier migration. The update trigger leaves alone an update
// that sets change_seq itself (its own), so it never recurses.
constexpr std::string_view kSchemaChangeFeed = R"sql(
ALTER TABLE appointments ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE appointment_change_counters (
  clinic_id   INTEGER PRIMARY KEY REFERENCES clinics (id),
  last_change INTEGER NOT NULL
);

UPDATE appointments SET change_seq = (
  SELECT count(*) FROM appointments b
  WHERE b.clinic_id = appointments.clinic_id AND b.id <= appointments.id);
INSERT INTO appointment_change_counters (clinic_id, last_change)
  SELECT clinic_id, max(change_seq) FROM appointments GROUP BY clinic_id;

CREATE INDEX appointments_by_change ON appointments (clinic_id, change_seq);

CREATE TRIGGER appointments_change_on_insert
AFTER INSERT ON appointments
BEGIN
  INSERT INTO appointment_change_counters (clinic_id, last_change) VALUES (NEW.clinic_id, 1)
    ON CONFLICT (clinic_id) DO UPDATE SET last_change = last_change + 1;
  UPDATE appointments
    SET change_seq = (SELECT last_change FROM appointment_change_counters
                      WHERE clinic_id = NEW.clinic_id)
    WHERE id = NEW.id;
END;

-- Version 7's version trigger is folded into this one: two AFTER UPDATE triggers that each
-- update the row would fire each other and take two change numbers for one change.
DROP TRIGGER appointments_version_on_update;
CREATE TRIGGER appointments_change_on_update
AFTER UPDATE ON appointments
WHEN NEW.change_seq = OLD.change_seq
BEGIN
  INSERT INTO appointment_change_counters (clinic_id, last_change) VALUES (NEW.clinic_id, 1)
    ON CONFLICT (clinic_id) DO UPDATE SET last_change = last_change + 1;
  UPDATE appointments
    SET change_seq = (SELECT last_change FROM appointment_change_counters
                      WHERE clinic_id = NEW.clinic_id),
        version = CASE WHEN NEW.version = OLD.version THEN OLD.version + 1 ELSE NEW.version END
    WHERE id = NEW.id;
END;
)sql";

// Visit notes (SOAP) and their addenda (issue 15). A note belongs to one appointment and keeps
// its patient and practitioner; its content is the API's JSON document. The database keeps what
// was signed: a signed note and every addendum refuse UPDATE and DELETE, a note is stored as a
// draft first (signing is an UPDATE of the draft), and an addendum follows a signed note only,
// with the next sequence of that note (1, 2, 3 ...).
constexpr std::string_view kSchemaVisitNotes = R"sql(
CREATE TABLE visit_notes (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  appointment_id  INTEGER NOT NULL UNIQUE REFERENCES appointments (id),
  patient_id      INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
  version         INTEGER NOT NULL CHECK (version > 0),
  content         TEXT NOT NULL,
  author_id       INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  signed_by       INTEGER,
  signed_at       INTEGER,
  CHECK ((status = 'signed') = (signed_by IS NOT NULL AND signed_at IS NOT NULL))
);
CREATE INDEX visit_notes_by_patient ON visit_notes (clinic_id, patient_id);

CREATE TABLE visit_note_addenda (
  note_id   INTEGER NOT NULL REFERENCES visit_notes (id),
  sequence  INTEGER NOT NULL CHECK (sequence > 0),
  text      TEXT NOT NULL,
  author_id INTEGER NOT NULL,
  signed_at INTEGER NOT NULL,
  PRIMARY KEY (note_id, sequence)
);

CREATE TRIGGER visit_notes_draft_first BEFORE INSERT ON visit_notes
WHEN NEW.status <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'a visit note is stored as a draft first');
END;
CREATE TRIGGER visit_notes_signed_no_update BEFORE UPDATE ON visit_notes
WHEN OLD.status = 'signed'
BEGIN
  SELECT RAISE(ABORT, 'a signed visit note is never changed');
END;
CREATE TRIGGER visit_notes_signed_no_delete BEFORE DELETE ON visit_notes
WHEN OLD.status = 'signed'
BEGIN
  SELECT RAISE(ABORT, 'a signed visit note is never changed');
END;
CREATE TRIGGER visit_note_addenda_after_signing BEFORE INSERT ON visit_note_addenda
WHEN (SELECT status FROM visit_notes WHERE id = NEW.note_id) IS NOT 'signed'
BEGIN
  SELECT RAISE(ABORT, 'an addendum follows a signed visit note only');
END;
CREATE TRIGGER visit_note_addenda_in_sequence BEFORE INSERT ON visit_note_addenda
WHEN NEW.sequence <> (SELECT coalesce(max(sequence), 0) + 1 FROM visit_note_addenda
                      WHERE note_id = NEW.note_id)
BEGIN
  SELECT RAISE(ABORT, 'an addendum takes the next sequence of its note');
END;
CREATE TRIGGER visit_note_addenda_no_update BEFORE UPDATE ON visit_note_addenda
BEGIN
  SELECT RAISE(ABORT, 'an addendum is never changed');
END;
CREATE TRIGGER visit_note_addenda_no_delete BEFORE DELETE ON visit_note_addenda
BEGIN
  SELECT RAISE(ABORT, 'an addendum is never changed');
END;
)sql";

// Version 10 (issue 15): treatment plans. A plan belongs to one patient; its items repeat one
// service with one practitioner every interval_days, visit_count times, from first_date (clinic-
// local "YYYY-MM-DD") at time_of_day (minutes after local midnight). The appointments booked for
// a plan are ordinary appointments (the no-overlap triggers hold for them as for any), linked to
// the plan and item in a table of their own; `appointments` is not changed. An item's service is
// not a foreign key: the owner may still delete a service from the set-up, and the plan then
// shows it as no longer offered.
constexpr std::string_view kSchemaTreatmentPlans = R"sql(
CREATE TABLE treatment_plans (
  id          INTEGER PRIMARY KEY,
  clinic_id   INTEGER NOT NULL REFERENCES clinics (id),
  patient_id  INTEGER NOT NULL,
  title       TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 200),
  created_at  INTEGER NOT NULL,
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
CREATE INDEX treatment_plans_by_patient ON treatment_plans (clinic_id, patient_id, id);
CREATE TABLE treatment_plan_items (
  plan_id         INTEGER NOT NULL,
  position        INTEGER NOT NULL CHECK (position BETWEEN 0 AND 7),
  clinic_id       INTEGER NOT NULL,
  service_id      INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  interval_days   INTEGER NOT NULL CHECK (interval_days BETWEEN 1 AND 91),
  visit_count     INTEGER NOT NULL CHECK (visit_count BETWEEN 1 AND 52),
  first_date      TEXT NOT NULL CHECK (first_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  time_of_day     INTEGER NOT NULL CHECK (time_of_day BETWEEN 0 AND 1439),
  PRIMARY KEY (plan_id, position),
  FOREIGN KEY (clinic_id, plan_id) REFERENCES treatment_plans (clinic_id, id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
) WITHOUT ROWID;
CREATE TABLE treatment_plan_visits (
  appointment_id INTEGER PRIMARY KEY REFERENCES appointments (id),
  plan_id        INTEGER NOT NULL,
  item_position  INTEGER NOT NULL,
  FOREIGN KEY (plan_id, item_position) REFERENCES treatment_plan_items (plan_id, position)
);
CREATE INDEX treatment_plan_visits_by_plan ON treatment_plan_visits (plan_id, appointment_id);
)sql";

// Outcome measures per visit (issue 15, core/clinical/outcomes.hpp): one row per appointment. The
// ranges and the three PSFS items are checked here too, and a change must raise the version by
// exactly one, so no write path can skip the optimistic check.
constexpr std::string_view kSchemaOutcomes = R"sql(
CREATE TABLE visit_outcomes (
  appointment_id INTEGER PRIMARY KEY,
  clinic_id      INTEGER NOT NULL REFERENCES clinics (id),
  pain           INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
  sleep          TEXT NOT NULL CHECK (sleep IN ('none', 'some', 'severe')),
  movements      TEXT NOT NULL DEFAULT '',  -- limited movements, comma-separated
  psfs1_activity TEXT NOT NULL CHECK (length(trim(psfs1_activity)) > 0),
  psfs1_score    INTEGER NOT NULL CHECK (psfs1_score BETWEEN 0 AND 10),
  psfs2_activity TEXT NOT NULL CHECK (length(trim(psfs2_activity)) > 0),
  psfs2_score    INTEGER NOT NULL CHECK (psfs2_score BETWEEN 0 AND 10),
  psfs3_activity TEXT NOT NULL CHECK (length(trim(psfs3_activity)) > 0),
  psfs3_score    INTEGER NOT NULL CHECK (psfs3_score BETWEEN 0 AND 10),
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
  recorded_at    INTEGER NOT NULL,
  recorded_by    INTEGER,
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
  FOREIGN KEY (clinic_id, recorded_by) REFERENCES staff_accounts (clinic_id, id)
);

CREATE INDEX visit_outcomes_by_clinic ON visit_outcomes (clinic_id);

CREATE TRIGGER visit_outcomes_version
BEFORE UPDATE ON visit_outcomes
WHEN NEW.version <> OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'visit_outcomes: a change must raise the version by one');
END;
)sql";

// Version 13 (issue 14): an overbooked appointment keeps its room from other practitioners in the
// database too. Version 7 left overbooked rows out of the no-overlap triggers altogether, so the
// room of one was guarded only by the check inside the staff write; a write that skipped that
// check (or a future one) could have put another practitioner's appointment into it. Now the
// room clause counts every live appointment of another practitioner, overbooked or not; only the
// practitioner's own appointments may share a room with their overbooked one.
constexpr std::string_view kSchemaOverbookedRooms = R"sql(
DROP TRIGGER appointments_no_overlap_on_insert;
DROP TRIGGER appointments_no_overlap_on_update;
CREATE TRIGGER appointments_no_overlap_on_insert
BEFORE INSERT ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE (NEW.overbooked = 0
         AND EXISTS (SELECT 1 FROM appointments a
                     WHERE a.practitioner_id = NEW.practitioner_id AND a.status <> 'cancelled'
                       AND a.overbooked = 0
                       AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                       AND a.blocked_until > NEW.start_at))
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.room_id = NEW.room_id AND a.status <> 'cancelled'
                  AND (a.practitioner_id <> NEW.practitioner_id
                       OR (a.overbooked = 0 AND NEW.overbooked = 0))
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;
CREATE TRIGGER appointments_no_overlap_on_update
BEFORE UPDATE OF practitioner_id, room_id, start_at, end_at, blocked_until, status, overbooked
  ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps another of the same practitioner or room')
  WHERE (NEW.overbooked = 0
         AND EXISTS (SELECT 1 FROM appointments a
                     WHERE a.id <> NEW.id AND a.practitioner_id = NEW.practitioner_id
                       AND a.status <> 'cancelled' AND a.overbooked = 0
                       AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                       AND a.blocked_until > NEW.start_at))
     OR EXISTS (SELECT 1 FROM appointments a
                WHERE a.id <> NEW.id AND a.room_id = NEW.room_id AND a.status <> 'cancelled'
                  AND (a.practitioner_id <> NEW.practitioner_id
                       OR (a.overbooked = 0 AND NEW.overbooked = 0))
                  AND a.start_at < NEW.blocked_until AND a.start_at > NEW.start_at - 36000
                  AND a.blocked_until > NEW.start_at);
END;
)sql";

// Version 14 (issue 17): practitioners' secret calendar feeds, only the hash of each secret (one
// feed per practitioner: a rotation replaces the row's hash), and whether the clinic's feeds show
// patients' names rather than initials (no row: initials).
constexpr std::string_view kSchemaCalendarFeeds = R"sql(
CREATE TABLE calendar_feeds (
  clinic_id       INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  secret_hash     TEXT NOT NULL UNIQUE CHECK (length(secret_hash) > 0),
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, practitioner_id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id)
);
CREATE TABLE calendar_feed_settings (
  clinic_id     INTEGER PRIMARY KEY REFERENCES clinics (id),
  patient_names INTEGER NOT NULL DEFAULT 0 CHECK (patient_names IN (0, 1))
);
)sql";

// Version 15 (issue 16): the outbox of patient messages (core/ports/outbox.hpp). Triggers on
// appointments write a message row in the same transaction as the change it announces, so no
// write path can forget one: a booking (booked or requested), an approval, a decline, a cancel, a
// move (start or practitioner), and a reminder reminder_hours before a booked start (replaced on a
// move, dropped on a cancel). One row per channel (outbox_recipients): email when the patient has
// an address, sms when the clinic set a webhook and the patient has a phone. `sequence` is the
// appointment's version after the change; the update triggers compute it the way the change-feed
// trigger (migration 8) raises it, whichever of them SQLite runs first, and ignore that trigger's
// own inner update (it changes change_seq). The key is unique: a change announces itself once.
constexpr std::string_view kSchemaOutbox = R"sql(
CREATE TABLE outbox_settings (
  clinic_id          INTEGER PRIMARY KEY REFERENCES clinics (id),
  reminder_hours     INTEGER NOT NULL DEFAULT 24 CHECK (reminder_hours BETWEEN 0 AND 336),
  sms_webhook_url    TEXT NOT NULL DEFAULT '',
  sms_webhook_secret TEXT NOT NULL DEFAULT ''
);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  appointment_id  INTEGER NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('booked', 'requested', 'approved', 'declined',
                                                'cancelled', 'moved', 'reminder')),
  channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  message_key     TEXT NOT NULL UNIQUE,
  sequence        INTEGER NOT NULL CHECK (sequence > 0),
  due_at          INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sent', 'dead', 'skipped')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbox_by_appointment ON outbox (clinic_id, appointment_id, id);
CREATE INDEX outbox_dead_by_clinic ON outbox (clinic_id, id) WHERE status = 'dead';

CREATE VIEW outbox_recipients AS
  SELECT p.clinic_id, p.id AS patient_id, 'email' AS channel, '' AS suffix
  FROM patients p WHERE p.email <> ''
  UNION ALL
  SELECT p.clinic_id, p.id, 'sms', '-sms'
  FROM patients p JOIN outbox_settings s ON s.clinic_id = p.clinic_id
  WHERE p.phone <> '' AND s.sms_webhook_url <> '';

CREATE VIEW outbox_reminder_hours AS
  SELECT c.id AS clinic_id, coalesce(s.reminder_hours, 24) AS hours
  FROM clinics c LEFT JOIN outbox_settings s ON s.clinic_id = c.id;

CREATE TRIGGER appointments_outbox_on_insert
AFTER INSERT ON appointments
WHEN NEW.status IN ('booked', 'requested')
BEGIN
  INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, sequence,
                                due_at, next_attempt_at, created_at)
    SELECT NEW.clinic_id, NEW.id, NEW.status, r.channel,
           '<appointment-' || NEW.id || '-' || NEW.status || '-' || NEW.version || r.suffix ||
             '@' || c.slug || '.unknot>',
           NEW.version, NEW.updated_at, NEW.updated_at, NEW.updated_at
    FROM outbox_recipients r JOIN clinics c ON c.id = r.clinic_id
    WHERE r.clinic_id = NEW.clinic_id AND r.patient_id = NEW.patient_id;
  INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, sequence,
                                due_at, next_attempt_at, created_at)
    SELECT NEW.clinic_id, NEW.id, 'reminder', r.channel,
           '<appointment-' || NEW.id || '-reminder-' || NEW.version || r.suffix ||
             '@' || c.slug || '.unknot>',
           NEW.version, NEW.start_at - h.hours * 3600, NEW.start_at - h.hours * 3600,
           NEW.updated_at
    FROM outbox_recipients r JOIN clinics c ON c.id = r.clinic_id
         JOIN outbox_reminder_hours h ON h.clinic_id = r.clinic_id
    WHERE r.clinic_id = NEW.clinic_id AND r.patient_id = NEW.patient_id
      AND NEW.status = 'booked' AND h.hours > 0 AND NEW.start_at - h.hours * 3600 > NEW.updated_at;
END;

CREATE TRIGGER appointments_outbox_on_update
AFTER UPDATE OF status, start_at, practitioner_id ON appointments
WHEN NEW.change_seq = OLD.change_seq
  AND ((NEW.status = 'cancelled' AND OLD.status IN ('booked', 'requested'))
       OR (NEW.status = 'booked' AND OLD.status = 'requested')
       OR (NEW.status = OLD.status AND NEW.status IN ('booked', 'requested')
           AND (NEW.start_at <> OLD.start_at OR NEW.practitioner_id <> OLD.practitioner_id)))
BEGIN
  DELETE FROM outbox
    WHERE clinic_id = NEW.clinic_id AND appointment_id = NEW.id AND kind = 'reminder'
      AND status = 'queued' AND (NEW.status = 'cancelled' OR OLD.status = NEW.status);
  INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, sequence,
                                due_at, next_attempt_at, created_at)
    SELECT NEW.clinic_id, NEW.id, k.kind, r.channel,
           '<appointment-' || NEW.id || '-' || k.kind || '-' || k.seq || r.suffix ||
             '@' || c.slug || '.unknot>',
           k.seq, NEW.updated_at, NEW.updated_at, NEW.updated_at
    FROM (SELECT CASE
                   WHEN NEW.status = 'cancelled' AND NEW.declined = 1 THEN 'declined'
                   WHEN NEW.status = 'cancelled' THEN 'cancelled'
                   WHEN OLD.status = 'requested' AND NEW.status = 'booked' THEN 'approved'
                   ELSE 'moved' END AS kind,
                 CASE WHEN NEW.version = OLD.version THEN OLD.version + 1
                      ELSE NEW.version END AS seq) k,
         outbox_recipients r JOIN clinics c ON c.id = r.clinic_id
    WHERE r.clinic_id = NEW.clinic_id AND r.patient_id = NEW.patient_id;
  INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, sequence,
                                due_at, next_attempt_at, created_at)
    SELECT NEW.clinic_id, NEW.id, 'reminder', r.channel,
           '<appointment-' || NEW.id || '-reminder-' || k.seq || r.suffix ||
             '@' || c.slug || '.unknot>',
           k.seq, NEW.start_at - h.hours * 3600, NEW.start_at - h.hours * 3600, NEW.updated_at
    FROM (SELECT CASE WHEN NEW.version = OLD.version THEN OLD.version + 1
                      ELSE NEW.version END AS seq) k,
         outbox_recipients r JOIN clinics c ON c.id = r.clinic_id
         JOIN outbox_reminder_hours h ON h.clinic_id = r.clinic_id
    WHERE r.clinic_id = NEW.clinic_id AND r.patient_id = NEW.patient_id
      AND NEW.status = 'booked' AND h.hours > 0 AND NEW.start_at - h.hours * 3600 > NEW.updated_at;
END;
)sql";

// Version 16 (issue 16): times held while a patient fills in their details. A hold keeps one
// practitioner's time until expires_at; only the hash of its token is stored. The triggers refuse
// an appointment (not cancelled, not overbooked) of that practitioner overlapping a hold still
// live at the appointment's created_at (insert) or updated_at (a move to another time or
// practitioner): a booking that presents the token deletes its hold first, in the same
// transaction. The clinic's hold length is a setting.
constexpr std::string_view kSchemaHolds = R"sql(
ALTER TABLE clinics ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 7
  CHECK (hold_minutes BETWEEN 1 AND 60);

CREATE TABLE holds (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  practitioner_id INTEGER NOT NULL,
  service_id      INTEGER NOT NULL,
  start_at        INTEGER NOT NULL,
  end_at          INTEGER NOT NULL,
  blocked_until   INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  token_hash      TEXT NOT NULL UNIQUE CHECK (length(token_hash) > 0),
  CHECK (start_at < end_at AND end_at <= blocked_until AND blocked_until - start_at <= 36000),
  CHECK (expires_at > created_at),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id)
);
CREATE INDEX holds_by_practitioner ON holds (practitioner_id, start_at);
CREATE INDEX holds_by_clinic ON holds (clinic_id, start_at);

CREATE TRIGGER appointments_respect_holds_on_insert
BEFORE INSERT ON appointments
WHEN NEW.status <> 'cancelled' AND NEW.overbooked = 0
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps a time held for another patient')
  WHERE EXISTS (SELECT 1 FROM holds h
                WHERE h.practitioner_id = NEW.practitioner_id AND h.clinic_id = NEW.clinic_id
                  AND h.expires_at > NEW.created_at
                  AND h.start_at < NEW.blocked_until AND h.start_at > NEW.start_at - 36000
                  AND h.blocked_until > NEW.start_at);
END;

CREATE TRIGGER appointments_respect_holds_on_update
BEFORE UPDATE OF practitioner_id, start_at, blocked_until ON appointments
WHEN NEW.status <> 'cancelled' AND NEW.overbooked = 0
  AND (NEW.practitioner_id <> OLD.practitioner_id OR NEW.start_at <> OLD.start_at
       OR NEW.blocked_until <> OLD.blocked_until)
BEGIN
  SELECT RAISE(ABORT, 'appointment overlaps a time held for another patient')
  WHERE EXISTS (SELECT 1 FROM holds h
                WHERE h.practitioner_id = NEW.practitioner_id AND h.clinic_id = NEW.clinic_id
                  AND h.expires_at > NEW.updated_at
                  AND h.start_at < NEW.blocked_until AND h.start_at > NEW.start_at - 36000
                  AND h.blocked_until > NEW.start_at);
END;
)sql";

// A clinic's own wording of a kind of patient message (issue 16); a kind without a row uses the
// built-in wording.
constexpr std::string_view kSchemaMessageTemplates = R"sql(
CREATE TABLE message_templates (
  clinic_id  INTEGER NOT NULL REFERENCES clinics (id),
  kind       TEXT NOT NULL,
  subject    TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
  sms        TEXT NOT NULL CHECK (length(sms) BETWEEN 1 AND 480),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, kind)
) WITHOUT ROWID;
)sql";

// Version 18 (issue 16): the patient side of messages. Every message sent carries a fresh manage
// token; only its hash is kept here, as one more valid manage token of the appointment beside
// appointments.manage_token_hash. Per patient: reminders on or off, and the e-mail address that
// bounced (mailed again only once the patient's address differs from it).
constexpr std::string_view kSchemaPatientMessages = R"sql(
CREATE TABLE appointment_manage_tokens (
  id             INTEGER PRIMARY KEY,
  clinic_id      INTEGER NOT NULL,
  appointment_id INTEGER NOT NULL,
  token_hash     TEXT NOT NULL UNIQUE CHECK (length(token_hash) > 0),
  created_at     INTEGER NOT NULL,
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
CREATE INDEX appointment_manage_tokens_by_appointment
  ON appointment_manage_tokens (clinic_id, appointment_id, id);

CREATE TABLE patient_message_prefs (
  clinic_id     INTEGER NOT NULL,
  patient_id    INTEGER NOT NULL,
  reminders     INTEGER NOT NULL DEFAULT 1 CHECK (reminders IN (0, 1)),
  bounced_email TEXT NOT NULL DEFAULT '',
  bounced_at    INTEGER,
  bounce_error  TEXT NOT NULL DEFAULT '',
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, patient_id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);
)sql";

// Migration 19 (issue 16): the waitlist. Entries wait for a service within weekly windows until
// a date; the triggers below record a freed time in the same transaction as the appointment
// change that frees it (cancelled or declined while booked or requested; moved away while booked
// or requested; only a time that has not started); offers hold a freed time for an entry. The
// outbox is rebuilt (SQLite cannot alter a CHECK or drop NOT NULL) so a `waitlist_offer` message
// names its offer instead of an appointment; its rows, ids and indexes are kept, and the triggers
// of migration 15 that write into it keep their text (legacy_alter_table: the rename must not
// re-check triggers that name `outbox` while it is being replaced).
constexpr std::string_view kSchemaWaitlist = R"sql(
ALTER TABLE clinics ADD COLUMN offer_minutes INTEGER NOT NULL DEFAULT 15
  CHECK (offer_minutes BETWEEN 1 AND 240);
ALTER TABLE clinics ADD COLUMN offers_at_once INTEGER NOT NULL DEFAULT 1
  CHECK (offers_at_once BETWEEN 1 AND 20);

CREATE TABLE waitlist_entries (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  service_id      INTEGER NOT NULL,
  practitioner_id INTEGER,
  windows         TEXT NOT NULL CHECK (length(windows) > 0),
  until_date      TEXT NOT NULL,
  ends_at         INTEGER NOT NULL,
  given_name      TEXT NOT NULL,
  family_name     TEXT NOT NULL,
  email           TEXT NOT NULL,
  phone           TEXT NOT NULL,
  urgent          INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
  source          TEXT NOT NULL CHECK (source IN ('online', 'staff')),
  status          TEXT NOT NULL DEFAULT 'waiting'
                    CHECK (status IN ('waiting', 'booked', 'left', 'ended')),
  token_hash      TEXT UNIQUE,
  created_at      INTEGER NOT NULL,
  ended_at        INTEGER,
  appointment_id  INTEGER,
  CHECK (email <> '' OR phone <> ''),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id),
  FOREIGN KEY (clinic_id, practitioner_id) REFERENCES practitioners (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
CREATE INDEX waitlist_waiting ON waitlist_entries (clinic_id, urgent DESC, created_at, id)
  WHERE status = 'waiting';
CREATE INDEX waitlist_ends ON waitlist_entries (ends_at) WHERE status = 'waiting';

CREATE TABLE freed_times (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  practitioner_id INTEGER NOT NULL,
  start_at        INTEGER NOT NULL,
  blocked_until   INTEGER NOT NULL,
  appointment_id  INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  closed_at       INTEGER,
  CHECK (start_at < blocked_until),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
CREATE INDEX freed_times_open ON freed_times (id) WHERE closed_at IS NULL;
CREATE INDEX freed_times_by_clinic ON freed_times (clinic_id, created_at, id);

CREATE TABLE waitlist_offers (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  freed_id        INTEGER NOT NULL,
  entry_id        INTEGER NOT NULL,
  practitioner_id INTEGER NOT NULL,
  service_id      INTEGER NOT NULL,
  start_at        INTEGER NOT NULL,
  end_at          INTEGER NOT NULL,
  blocked_until   INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'accepted', 'lapsed', 'gone')),
  expires_at      INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  token_hash      TEXT NOT NULL UNIQUE CHECK (length(token_hash) > 0),
  link_token      TEXT NOT NULL DEFAULT '',
  hold_token_hash TEXT NOT NULL,
  appointment_id  INTEGER,
  CHECK (start_at < end_at AND end_at <= blocked_until),
  CHECK (status = 'open' OR link_token = ''),
  UNIQUE (clinic_id, id),
  UNIQUE (freed_id, entry_id),
  FOREIGN KEY (clinic_id, freed_id) REFERENCES freed_times (clinic_id, id),
  FOREIGN KEY (clinic_id, entry_id) REFERENCES waitlist_entries (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
CREATE INDEX waitlist_offers_open ON waitlist_offers (expires_at) WHERE status = 'open';
CREATE INDEX waitlist_offers_by_freed ON waitlist_offers (freed_id, status);
CREATE INDEX waitlist_offers_by_entry ON waitlist_offers (entry_id, status);

CREATE TRIGGER appointments_freed_on_update
AFTER UPDATE OF status, start_at, practitioner_id ON appointments
WHEN OLD.status IN ('booked', 'requested') AND OLD.start_at > NEW.updated_at
  AND (NEW.status = 'cancelled'
       OR (NEW.status = OLD.status
           AND (NEW.start_at <> OLD.start_at OR NEW.practitioner_id <> OLD.practitioner_id)))
BEGIN
  INSERT INTO freed_times (clinic_id, practitioner_id, start_at, blocked_until, appointment_id,
                           created_at)
    VALUES (OLD.clinic_id, OLD.practitioner_id, OLD.start_at, OLD.blocked_until, OLD.id,
            NEW.updated_at);
END;

PRAGMA legacy_alter_table = ON;
CREATE TABLE outbox_new (
  id                INTEGER PRIMARY KEY,
  clinic_id         INTEGER NOT NULL REFERENCES clinics (id),
  appointment_id    INTEGER,
  kind              TEXT NOT NULL CHECK (kind IN ('booked', 'requested', 'approved', 'declined',
                                                  'cancelled', 'moved', 'reminder',
                                                  'waitlist_offer')),
  channel           TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  message_key       TEXT NOT NULL UNIQUE,
  sequence          INTEGER NOT NULL CHECK (sequence > 0),
  due_at            INTEGER NOT NULL,
  status            TEXT NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'sent', 'dead', 'skipped')),
  attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at   INTEGER NOT NULL,
  last_error        TEXT NOT NULL DEFAULT '',
  created_at        INTEGER NOT NULL,
  sent_at           INTEGER,
  waitlist_offer_id INTEGER,
  CHECK ((kind = 'waitlist_offer') = (waitlist_offer_id IS NOT NULL)),
  CHECK (kind = 'waitlist_offer' OR appointment_id IS NOT NULL),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
  FOREIGN KEY (clinic_id, waitlist_offer_id) REFERENCES waitlist_offers (clinic_id, id)
);
INSERT INTO outbox_new (id, clinic_id, appointment_id, kind, channel, message_key, sequence,
                        due_at, status, attempts, next_attempt_at, last_error, created_at, sent_at)
  SELECT id, clinic_id, appointment_id, kind, channel, message_key, sequence, due_at, status,
         attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbox_by_appointment ON outbox (clinic_id, appointment_id, id);
CREATE INDEX outbox_dead_by_clinic ON outbox (clinic_id, id) WHERE status = 'dead';
CREATE INDEX outbox_by_offer ON outbox (clinic_id, waitlist_offer_id)
  WHERE waitlist_offer_id IS NOT NULL;
)sql";

// Version 20 (issue 16): a new booking's messages are queued in two steps. Every row a booking
// writes costs the whole server's write rate (one writer), and the outbox rows of migration 15
// (a confirmation and a reminder per channel, each with four index entries) halved it. The insert
// trigger now writes one small row, `outbox_pending` (what to announce, at which version, the
// start and the time of the booking), in the booking's transaction: the intent is as durable as
// before. The rows migration 15 wrote are made from it later, exactly as that trigger made them
// (same keys, times and reminder rule; the recipients are those of the patient then), by
// `outbox_pending_messages`:
//  - by a deliverer's claim (SqliteStorage::ClaimMessages), for every pending booking, in the
//    claim's transaction, before it takes the due messages;
//  - by the update trigger, for its own appointment, before it drops a queued reminder or writes
//    a notice, so a cancel or a move right after a booking finds the rows where migration 15 left
//    them;
//  - by ListAppointmentMessages, for the appointment it lists.
// The update trigger is otherwise that of migration 15.
constexpr std::string_view kSchemaOutboxPending = R"sql(
CREATE TABLE outbox_pending (
  appointment_id INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('booked', 'requested')),
  sequence       INTEGER NOT NULL,
  start_at       INTEGER NOT NULL,
  changed_at     INTEGER NOT NULL
);

CREATE VIEW outbox_pending_messages AS
  SELECT a.clinic_id, a.id AS appointment_id, q.kind, r.channel,
         '<appointment-' || a.id || '-' || q.kind || '-' || q.sequence || r.suffix ||
           '@' || c.slug || '.unknot>' AS message_key,
         q.sequence, q.changed_at AS due_at, q.changed_at AS next_attempt_at,
         q.changed_at AS created_at, 0 AS position
  FROM outbox_pending q JOIN appointments a ON a.id = q.appointment_id
       JOIN outbox_recipients r ON r.clinic_id = a.clinic_id AND r.patient_id = a.patient_id
       JOIN clinics c ON c.id = a.clinic_id
  UNION ALL
  SELECT a.clinic_id, a.id, 'reminder', r.channel,
         '<appointment-' || a.id || '-reminder-' || q.sequence || r.suffix ||
           '@' || c.slug || '.unknot>',
         q.sequence, q.start_at - h.hours * 3600, q.start_at - h.hours * 3600, q.changed_at, 1
  FROM outbox_pending q JOIN appointments a ON a.id = q.appointment_id
       JOIN outbox_recipients r ON r.clinic_id = a.clinic_id AND r.patient_id = a.patient_id
       JOIN clinics c ON c.id = a.clinic_id
       JOIN outbox_reminder_hours h ON h.clinic_id = a.clinic_id
  WHERE q.kind = 'booked' AND h.hours > 0 AND q.start_at - h.hours * 3600 > q.changed_at;

DROP TRIGGER appointments_outbox_on_insert;
CREATE TRIGGER appointments_outbox_on_insert
AFTER INSERT ON appointments
WHEN NEW.status IN ('booked', 'requested')
BEGIN
  INSERT INTO outbox_pending (appointment_id, kind, sequence, start_at, changed_at)
    VALUES (NEW.id, NEW.status, NEW.version, NEW.start_at, NEW.updated_at);
END;

DROP TRIGGER appointments_outbox_on_update;
CREATE TRIGGER appointments_outbox_on_update
AFTER UPDATE OF status, start_at, practitioner_id ON appointments
WHEN NEW.change_seq = OLD.change_seq
  AND ((NEW.status = 'cancelled' AND OLD.status IN ('booked', 'requested'))
       OR (NEW.status = 'booked' AND OLD.status = 'requested')
       OR (NEW.status = OLD.status AND NEW.status IN ('booked', 'requested')
           AND (NEW.start_at <> OLD.start_at OR NEW.practitioner_id <> OLD.practitioner_id)))
BEGIN
  INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, sequence,
                                due_at, next_attempt_at, created_at)
    SELECT clinic_id, appointment_id, kind, channel, message_key, sequence, due_at,
           next_attempt_at, created_at
    FROM outbox_pending_messages WHERE appointment_id = NEW.id ORDER BY position, channel;
  DELETE FROM outbox_pending WHERE appointment_id = NEW.id;
  DELETE FROM outbox
    WHERE clinic_id = NEW.clinic_id AND appointment_id = NEW.id AND kind = 'reminder'
      AND status = 'queued' AND (NEW.status = 'cancelled' OR OLD.status = NEW.status);
  INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, sequence,
                                due_at, next_attempt_at, created_at)
    SELECT NEW.clinic_id, NEW.id, k.kind, r.channel,
           '<appointment-' || NEW.id || '-' || k.kind || '-' || k.seq || r.suffix ||
             '@' || c.slug || '.unknot>',
           k.seq, NEW.updated_at, NEW.updated_at, NEW.updated_at
    FROM (SELECT CASE
                   WHEN NEW.status = 'cancelled' AND NEW.declined = 1 THEN 'declined'
                   WHEN NEW.status = 'cancelled' THEN 'cancelled'
                   WHEN OLD.status = 'requested' AND NEW.status = 'booked' THEN 'approved'
                   ELSE 'moved' END AS kind,
                 CASE WHEN NEW.version = OLD.version THEN OLD.version + 1
                      ELSE NEW.version END AS seq) k,
         outbox_recipients r JOIN clinics c ON c.id = r.clinic_id
    WHERE r.clinic_id = NEW.clinic_id AND r.patient_id = NEW.patient_id;
  INSERT OR IGNORE INTO outbox (clinic_id, appointment_id, kind, channel, message_key, sequence,
                                due_at, next_attempt_at, created_at)
    SELECT NEW.clinic_id, NEW.id, 'reminder', r.channel,
           '<appointment-' || NEW.id || '-reminder-' || k.seq || r.suffix ||
             '@' || c.slug || '.unknot>',
           k.seq, NEW.start_at - h.hours * 3600, NEW.start_at - h.hours * 3600, NEW.updated_at
    FROM (SELECT CASE WHEN NEW.version = OLD.version THEN OLD.version + 1
                      ELSE NEW.version END AS seq) k,
         outbox_recipients r JOIN clinics c ON c.id = r.clinic_id
         JOIN outbox_reminder_hours h ON h.clinic_id = r.clinic_id
    WHERE r.clinic_id = NEW.clinic_id AND r.patient_id = NEW.patient_id
      AND NEW.status = 'booked' AND h.hours > 0 AND NEW.start_at - h.hours * 3600 > NEW.updated_at;
END;
)sql";

// Version 21 (issue 16): time off shortened or removed frees time for the waitlist. Such a freed
// time names no appointment, so `freed_times.appointment_id` may be NULL: the table is rebuilt
// (SQLite cannot drop NOT NULL) under its own name, so that waitlist_offers' foreign key and the
// freed-time trigger keep naming it. Foreign keys are on and cannot be turned off inside the
// migration's transaction, so they are deferred: dropping the old table counts the offers that
// refer to its rows as violations, and putting the same rows into the new table clears them
// before the commit (which fails if any were left).
constexpr std::string_view kSchemaFreedTimeOff = R"sql(
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE freed_times_copy AS SELECT * FROM freed_times;
DROP TABLE freed_times;
CREATE TABLE freed_times (
  id              INTEGER PRIMARY KEY,
  clinic_id       INTEGER NOT NULL REFERENCES clinics (id),
  practitioner_id INTEGER NOT NULL,
  start_at        INTEGER NOT NULL,
  blocked_until   INTEGER NOT NULL,
  appointment_id  INTEGER,
  created_at      INTEGER NOT NULL,
  closed_at       INTEGER,
  CHECK (start_at < blocked_until),
  UNIQUE (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id)
);
INSERT INTO freed_times (id, clinic_id, practitioner_id, start_at, blocked_until, appointment_id,
                         created_at, closed_at)
  SELECT id, clinic_id, practitioner_id, start_at, blocked_until, appointment_id, created_at,
         closed_at FROM freed_times_copy ORDER BY id;
DROP TABLE temp.freed_times_copy;
CREATE INDEX freed_times_open ON freed_times (id) WHERE closed_at IS NULL;
CREATE INDEX freed_times_by_clinic ON freed_times (clinic_id, created_at, id);
)sql";

constexpr auto kMigrations = std::to_array<Migration>({
    {1, "clinics, rooms, practitioners and schedules, services, patients, appointments", kSchemaV1},
    {2, "no-overlap triggers, manage tokens, idempotency keys", kSchemaV2},
    {3, "longest appointment span per clinic; live-only practitioner and room indexes", kSchemaV3},
    {4, "knot self-assessments", kSchemaV4},
    {5, "online booking limits per clinic: rates per address and email, future bookings cap",
     kSchemaV5},
    {6,
     "staff accounts, sessions and the append-only audit log; session timeouts per clinic; "
     "the assessment an appointment follows",
     kSchemaV6},
    {7,
     "requested and arrived appointments, walk-ins, versions, cancel reasons, overbooking; "
     "patients' online booking rules; the clinic's no-show rule",
     kSchemaV7},
    {8, "change numbers of appointments for the live calendar", kSchemaChangeFeed},
    {9, "visit notes (SOAP) and their addenda; signed notes and addenda never change",
     kSchemaVisitNotes},
    {10, "treatment plans, their items and the appointments booked for them",
     kSchemaTreatmentPlans},
    {11, "home-care programs and the patient's daily marks", kSchemaHomeCare},
    {12, "outcome measures per visit: pain, sleep, movement, PSFS", kSchemaOutcomes},
    {13, "an overbooked appointment's room is kept from other practitioners by the triggers",
     kSchemaOverbookedRooms},
    {14, "practitioners' calendar feeds (secret hashes); patient names in feeds per clinic",
     kSchemaCalendarFeeds},
    {15, "the outbox of patient messages, written by triggers with every appointment change",
     kSchemaOutbox},
    {16, "times held while a patient fills in details; the clinic's hold minutes", kSchemaHolds},
    {17, "clinics' own wording of patient messages", kSchemaMessageTemplates},
    {18, "manage tokens of sent messages; patients' reminder choice and bounced address",
     kSchemaPatientMessages},
    {19,
     "the waitlist: entries, freed times recorded by triggers, offers; offer messages in the "
     "outbox",
     kSchemaWaitlist},
    {20, "a booking's messages queued as one pending row, made into outbox rows by the deliverer",
     kSchemaOutboxPending},
    {21, "freed times from time off shortened or removed (no appointment)", kSchemaFreedTimeOff},
});

constexpr std::string_view kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  INTEGER NOT NULL
))sql";

core::Result<int> ReadVersion(Connection& db) {
  std::int64_t tables = UNKNOT_TRY(db.QueryInt(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
  if (tables == 0) return 0;
  std::int64_t version =
      UNKNOT_TRY(db.QueryInt("SELECT coalesce(max(version), 0) FROM schema_version"));
  return static_cast<int>(version);
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

core::Result<int> CurrentSchemaVersion(Connection& db) {
  auto version = ReadVersion(db);
  if (!version && version.error().code() == core::ErrorCode::kInvalidArgument) {
    return core::Error(core::ErrorCode::kInvalidArgument, "not a SQLite database");
  }
  return version;
}

core::Result<MigrationReport> Migrate(Connection& db, const core::Clock& clock) {
  MigrationReport report;
  report.from_version = UNKNOT_TRY(CurrentSchemaVersion(db));
  report.to_version = report.from_version;
  if (report.from_version > LatestSchemaVersion()) {
    return core::Error(core::ErrorCode::kConflict,
                       "database schema version " + std::to_string(report.from_version) +
                           " is newer than this unknot supports (" +
                           std::to_string(LatestSchemaVersion()) + "); upgrade unknot");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= report.from_version) continue;
    UNKNOT_TRY(InTransaction(db, [&]() -> core::Result<void> {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      int now_at = UNKNOT_TRY(ReadVersion(db));
      if (now_at >= migration.version) return core::Ok();
      UNKNOT_TRY(db.Exec(kCreateVersionTable));
      UNKNOT_TRY(db.Exec(migration.sql));
      auto insert = UNKNOT_TRY(db.Prepare(
          "INSERT INTO schema_version (version, description, applied_at) VALUES (?1, ?2, ?3)"));
      insert.Bind(1, std::int64_t{migration.version})
          .Bind(2, migration.description)
          .Bind(3, std::int64_t{clock.Now().time_since_epoch().count()});
      return insert.Run();
    }));
    report.to_version = migration.version;
  }
  return report;
}

}  // namespace unknot::storage::sqlite
