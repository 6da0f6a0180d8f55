#include "core/clinical/home_care_program.hpp"

#include <algorithm>
#include <set>

#include "core/common/text.hpp"

namespace unknot::core::clinical {
namespace {

const Routine* FindRoutine(const Knowledge& knowledge, std::string_view id) {
  for (const Routine& r : knowledge.routines) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string Range(int low, int high) {
  return "between " + std::to_string(low) + " and " + std::to_string(high);
}

}  // namespace

const Prescription* HomeCareProgram::Find(std::string_view routine) const {
  for (const Prescription& p : routines) {
    if (p.routine == routine) return &p;
  }
  return nullptr;
}

Result<void> ValidatePrescriptions(const Knowledge& knowledge,
                                   const std::vector<Prescription>& routines,
                                   std::string_view note) {
  if (routines.size() > kMaxPrescriptions) {
    return Error::InvalidField(
        "routines", "must be at most " + std::to_string(kMaxPrescriptions) + " routines");
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < routines.size(); ++i) {
    const Prescription& p = routines[i];
    const std::string at = "routines[" + std::to_string(i) + "].";
    const Routine* routine = FindRoutine(knowledge, p.routine);
    if (routine == nullptr) return Error::InvalidField(at + "routine", "is not a known routine");
    if (!seen.insert(p.routine).second) {
      return Error::InvalidField(at + "routine", "is already in the program");
    }
    if (std::find(routine->muscles.begin(), routine->muscles.end(), p.muscle) ==
        routine->muscles.end()) {
      return Error::InvalidField(at + "muscle", "is not a muscle this routine works on");
    }
    if (p.seconds < routine->seconds_min || p.seconds > routine->seconds_max) {
      return Error::InvalidField(
          at + "seconds",
          "must be " + Range(routine->seconds_min, routine->seconds_max) + " for " + routine->id);
    }
    if (p.sets < routine->sets_min || p.sets > routine->sets_max) {
      return Error::InvalidField(
          at + "sets",
          "must be " + Range(routine->sets_min, routine->sets_max) + " for " + routine->id);
    }
    if (p.days_per_week < kMinDaysPerWeek || p.days_per_week > kMaxDaysPerWeek) {
      return Error::InvalidField(at + "days_per_week",
                                 "must be " + Range(kMinDaysPerWeek, kMaxDaysPerWeek));
    }
  }
  if (note.size() > kMaxHomeCareNoteLength) {
    return Error::InvalidField(
        "note", "must be at most " + std::to_string(kMaxHomeCareNoteLength) + " bytes");
  }
  return ValidateText("note", note, LineBreaks::kAllowed);
}

std::vector<Prescription> CarrySince(const std::vector<Prescription>& stored,
                                     std::vector<Prescription> next, LocalDate today) {
  for (Prescription& p : next) {
    p.since = today;
    for (const Prescription& old : stored) {
      if (old.routine == p.routine) p.since = old.since;
    }
  }
  return next;
}

std::vector<const Caution*> CautionsFor(const Knowledge& knowledge,
                                        const std::vector<AssessmentInput>& assessments) {
  std::vector<std::map<std::string, std::vector<std::string>>> answers;
  answers.reserve(assessments.size());
  for (const AssessmentInput& input : assessments) answers.push_back(AnswersOf(knowledge, input));
  std::vector<const Caution*> out;
  for (const Caution& caution : knowledge.cautions) {
    for (const auto& a : answers) {
      if (Holds(caution.when, a)) {
        out.push_back(&caution);
        break;
      }
    }
  }
  return out;
}

Result<void> ValidateMarks(const HomeCareProgram& program, LocalDate day, LocalDate today,
                           const std::vector<std::string>& routines) {
  if (date::sys_days{day} > date::sys_days{today}) {
    return Error::InvalidField("date", "is after today (" + FormatLocalDate(today) +
                                           " at the clinic): mark a day once it has come");
  }
  if (date::sys_days{day} < date::sys_days{program.starts_on}) {
    return Error::InvalidField(
        "date", "is before the program started (" + FormatLocalDate(program.starts_on) + ")");
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < routines.size(); ++i) {
    const std::string field = "routines[" + std::to_string(i) + "]";
    if (program.Find(routines[i]) == nullptr) {
      return Error::InvalidField(field, "is not in your home-care program");
    }
    if (!seen.insert(routines[i]).second) return Error::InvalidField(field, "is listed twice");
  }
  return Ok();
}

int Adherence::Percent() const {
  if (prescribed == 0) return 0;
  return (done * 200 + prescribed) / (prescribed * 2);  // round half up
}

Adherence AdherenceOver(const HomeCareProgram& program, const std::vector<HomeCareMark>& marks,
                        LocalDate today, int days) {
  Adherence out;
  out.days = days;
  const date::sys_days last{today};
  const date::sys_days window_first = last - date::days{std::max(days, 1) - 1};
  for (const Prescription& p : program.routines) {
    RoutineAdherence r;
    r.routine = p.routine;
    const date::sys_days first = std::max(window_first, date::sys_days{p.since});
    if (days > 0 && first <= last) {
      const int dates = static_cast<int>((last - first).count()) + 1;
      r.prescribed = (p.days_per_week * dates + 6) / 7;
      std::set<date::sys_days> done;
      for (const HomeCareMark& m : marks) {
        const date::sys_days d{m.day};
        if (m.routine == p.routine && d >= first && d <= last) done.insert(d);
      }
      r.done = static_cast<int>(done.size());
    }
    out.done += std::min(r.done, r.prescribed);
    out.prescribed += r.prescribed;
    out.routines.push_back(std::move(r));
  }
  return out;
}

}  // namespace unknot::core::clinical
