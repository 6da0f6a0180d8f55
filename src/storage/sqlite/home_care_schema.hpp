#pragma once

// Migration 11 of the SQLite schema (listed in migrations.cpp): home-care programs and the
// patient's daily marks (issue 15). Days are clinic-local dates as 'YYYY-MM-DD' text, which sorts
// and compares as dates. The database refuses a mark before its program's first day and a
// program whose version does not go up by one.

#include <string_view>

namespace unknot::storage::sqlite {

inline constexpr std::string_view kSchemaHomeCare = R"sql(
CREATE TABLE home_care_programs (
  clinic_id  INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  starts_on  TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
  note       TEXT NOT NULL DEFAULT '',
  version    INTEGER NOT NULL CHECK (version >= 1),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, patient_id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);

CREATE TABLE home_care_routines (
  clinic_id     INTEGER NOT NULL,
  patient_id    INTEGER NOT NULL,
  position      INTEGER NOT NULL CHECK (position >= 0),
  routine       TEXT NOT NULL,
  muscle        TEXT NOT NULL,
  seconds       INTEGER NOT NULL CHECK (seconds > 0),
  sets          INTEGER NOT NULL CHECK (sets > 0),
  days_per_week INTEGER NOT NULL CHECK (days_per_week BETWEEN 1 AND 7),
  since         TEXT NOT NULL CHECK (date(since) IS since),
  PRIMARY KEY (clinic_id, patient_id, routine),
  UNIQUE (clinic_id, patient_id, position),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES home_care_programs (clinic_id, patient_id)
);

CREATE TABLE home_care_marks (
  clinic_id  INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  day        TEXT NOT NULL CHECK (date(day) IS day),
  routine    TEXT NOT NULL,
  marked_at  INTEGER NOT NULL,
  PRIMARY KEY (clinic_id, patient_id, day, routine),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES home_care_programs (clinic_id, patient_id)
);

CREATE TRIGGER home_care_marks_not_before_the_program
BEFORE INSERT ON home_care_marks
WHEN NEW.day < (SELECT starts_on FROM home_care_programs
                WHERE clinic_id = NEW.clinic_id AND patient_id = NEW.patient_id)
BEGIN
  SELECT RAISE(ABORT, 'home care: a mark before the program started');
END;

CREATE TRIGGER home_care_programs_version_steps_by_one
BEFORE UPDATE ON home_care_programs
WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'home care: the program version must go up by one');
END;
)sql";

}  // namespace unknot::storage::sqlite
