#pragma once

// A patient's home-care program (issue 15): routines from data/home_care.json that the
// practitioner prescribes, each for one muscle with its seconds, sets and days a week; the cautions
// that apply to this patient; and the days the patient marked a routine done. Plain values and
// pure functions over the knowledge; storage keeps them behind ports/home_care.hpp. Decision
// support, never a diagnosis.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinical/assessment.hpp"
#include "core/clinical/knowledge.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"

namespace unknot::core::clinical {

// How often, in days a week. The data says "once a day, or 3 to 5 days a week" for every routine
// (care.md): 3 to 7, where 7 is every day.
inline constexpr int kMinDaysPerWeek = 3;
inline constexpr int kMaxDaysPerWeek = 7;
// A program is a handful of routines, not the whole catalogue.
inline constexpr std::size_t kMaxPrescriptions = 12;
inline constexpr std::size_t kMaxHomeCareNoteLength = 2000;  // bytes

// One routine as prescribed.
struct Prescription {
  std::string routine;    // a routine id of home_care.json
  std::string muscle;     // the muscle it is for: one of the routine's muscles
  int seconds = 0;        // per set, within the routine's seconds range
  int sets = 0;           // within the routine's sets range
  int days_per_week = 0;  // kMinDaysPerWeek .. kMaxDaysPerWeek
  LocalDate since{};      // the clinic-local date it was first prescribed

  friend bool operator==(const Prescription&, const Prescription&) = default;
};

struct HomeCareProgram {
  std::vector<Prescription> routines;  // in the order the practitioner gave them
  std::string note;                    // for the patient; may be empty
  LocalDate starts_on{};               // the clinic-local date of the first assignment
  std::int64_t version = 0;            // 1 on the first assignment, +1 on every change
  Instant updated_at{};

  const Prescription* Find(std::string_view routine) const;

  friend bool operator==(const HomeCareProgram&, const HomeCareProgram&) = default;
};

// Checks what a practitioner assigns against the knowledge. Field errors name the input, e.g.
// "routines[1].seconds" "must be between 30 and 90 for mid_back_foam_roller", "routines[0].muscle"
// "is not a muscle this routine works on", "routines[2].routine" "is already in the program",
// "note" "must be at most 2000 bytes". An empty list is allowed (the program is paused).
Result<void> ValidatePrescriptions(const Knowledge& knowledge,
                                   const std::vector<Prescription>& routines,
                                   std::string_view note);

// `next` with each routine's `since`: kept from `stored` for a routine already prescribed there,
// `today` for a new one.
std::vector<Prescription> CarrySince(const std::vector<Prescription>& stored,
                                     std::vector<Prescription> next, LocalDate today);

// The cautions of the knowledge that hold for any of the patient's self-assessments (their
// medications and answers), in the knowledge's order, each once. The inputs need not have passed
// Validate again: unknown answers simply do not match.
std::vector<const Caution*> CautionsFor(const Knowledge& knowledge,
                                        const std::vector<AssessmentInput>& assessments);

// One routine the patient marked done on one clinic-local date.
struct HomeCareMark {
  LocalDate day{};
  std::string routine;

  friend bool operator==(const HomeCareMark&, const HomeCareMark&) = default;
};

// Checks a day the patient marks: `day` may not be after `today` nor before the program started
// (field "date"); every routine must be in the program, each once (field "routines[i]").
Result<void> ValidateMarks(const HomeCareProgram& program, LocalDate day, LocalDate today,
                           const std::vector<std::string>& routines);

// Adherence over the last `days` clinic-local dates, today included.
//
// For one routine the window is those dates from the day it was prescribed (`since`) on; it is
// prescribed on ceil(days_per_week * dates / 7) of them (every day of a 7-day routine, 5 of 7 for a
// 5-day one, at least 1 once it has begun), and done on the distinct dates it was marked. A day
// done beyond the prescribed count does not lift it over 100 %. The program's adherence adds the
// routines up: sum of min(done, prescribed) / sum of prescribed.
struct RoutineAdherence {
  std::string routine;
  int done = 0;        // distinct dates marked in the window
  int prescribed = 0;  // dates prescribed in the window

  friend bool operator==(const RoutineAdherence&, const RoutineAdherence&) = default;
};

struct Adherence {
  int days = 0;                            // the window asked for
  std::vector<RoutineAdherence> routines;  // in the program's order
  int done = 0;                            // sum of min(done, prescribed)
  int prescribed = 0;
  // Rounded to the nearest whole percent; 0 when nothing was prescribed yet.
  int Percent() const;
};

Adherence AdherenceOver(const HomeCareProgram& program, const std::vector<HomeCareMark>& marks,
                        LocalDate today, int days);

}  // namespace unknot::core::clinical
