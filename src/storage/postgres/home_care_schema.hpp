#pragma once

// Migration 10 of the PostgreSQL schema (listed in migrations.cpp): home-care programs and the
// patient's daily marks (issue 15), the same tables and rules as SQLite's migration 11
// (storage/sqlite/home_care_schema.hpp). The database refuses a mark before its program's first
// day and a program whose version does not go up by one.

#include <string_view>

namespace unknot::storage::postgres {

inline constexpr std::string_view kSchemaHomeCare = R"sql(
CREATE TABLE home_care_programs (
  clinic_id  bigint NOT NULL,
  patient_id bigint NOT NULL,
  starts_on  date NOT NULL,
  note       text NOT NULL DEFAULT '',
  version    bigint NOT NULL CHECK (version >= 1),
  updated_at bigint NOT NULL,
  PRIMARY KEY (clinic_id, patient_id),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id)
);

CREATE TABLE home_care_routines (
  clinic_id     bigint NOT NULL,
  patient_id    bigint NOT NULL,
  position      integer NOT NULL CHECK (position >= 0),
  routine       text NOT NULL,
  muscle        text NOT NULL,
  seconds       integer NOT NULL CHECK (seconds > 0),
  sets          integer NOT NULL CHECK (sets > 0),
  days_per_week integer NOT NULL CHECK (days_per_week BETWEEN 1 AND 7),
  since         date NOT NULL,
  PRIMARY KEY (clinic_id, patient_id, routine),
  UNIQUE (clinic_id, patient_id, position),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES home_care_programs (clinic_id, patient_id)
);

CREATE TABLE home_care_marks (
  clinic_id  bigint NOT NULL,
  patient_id bigint NOT NULL,
  day        date NOT NULL,
  routine    text NOT NULL,
  marked_at  bigint NOT NULL,
  PRIMARY KEY (clinic_id, patient_id, day, routine),
  FOREIGN KEY (clinic_id, patient_id) REFERENCES home_care_programs (clinic_id, patient_id)
);

CREATE FUNCTION home_care_mark_not_before_the_program() RETURNS trigger AS $$
BEGIN
  IF NEW.day < (SELECT starts_on FROM home_care_programs
                WHERE clinic_id = NEW.clinic_id AND patient_id = NEW.patient_id) THEN
    RAISE EXCEPTION 'home care: a mark before the program started' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER home_care_marks_not_before_the_program
  BEFORE INSERT OR UPDATE ON home_care_marks
  FOR EACH ROW EXECUTE FUNCTION home_care_mark_not_before_the_program();

CREATE FUNCTION home_care_program_version_steps_by_one() RETURNS trigger AS $$
BEGIN
  IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
    RAISE EXCEPTION 'home care: the program version must go up by one'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER home_care_programs_version_steps_by_one
  BEFORE UPDATE ON home_care_programs
  FOR EACH ROW EXECUTE FUNCTION home_care_program_version_steps_by_one();
)sql";

}  // namespace unknot::storage::postgres
