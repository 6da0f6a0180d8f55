#pragma once

// How both backends store a visit's outcome measures (table visit_outcomes): the limited movements
// as one comma-separated column (names from clinical::Movements(), which hold no comma), the
// three PSFS items as three pairs of columns.

#include <string>
#include <vector>

#include "core/clinical/outcomes.hpp"

namespace unknot::storage {

inline std::string JoinMovements(const std::vector<std::string>& movements) {
  std::string out;
  for (const std::string& m : movements) {
    if (!out.empty()) out += ',';
    out += m;
  }
  return out;
}

inline std::vector<std::string> SplitMovements(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The columns of visit_outcomes joined with appointments, in the order both backends select them.
inline const std::string kOutcomeColumns =
    "a.id, a.patient_id, a.practitioner_id, a.service_id, a.start_at, o.pain, o.sleep, "
    "o.movements, o.psfs1_activity, o.psfs1_score, o.psfs2_activity, o.psfs2_score, "
    "o.psfs3_activity, o.psfs3_score, o.version, o.recorded_at, o.recorded_by";
inline const std::string kOutcomeFrom =
    " FROM visit_outcomes o JOIN appointments a ON a.clinic_id = o.clinic_id AND a.id = "
    "o.appointment_id ";

// The owner's report's rows (OutcomeRepository::ListClinicPlanOutcomes): each visit's outcome with
// the plan and item it was booked for (the item's service and practitioner; without a plan the
// appointment's), in one query. Columns: plan (NULL: none), item, service, practitioner,
// appointment, start, then the outcome as kOutcomeColumns has it from pain on (6..14).
inline const std::string kPlanOutcomeQuery =
    "SELECT v.plan_id, v.item_position, COALESCE(i.service_id, a.service_id), "
    "COALESCE(i.practitioner_id, a.practitioner_id), a.id, a.start_at, o.pain, o.sleep, "
    "o.movements, o.psfs1_activity, o.psfs1_score, o.psfs2_activity, o.psfs2_score, "
    "o.psfs3_activity, o.psfs3_score" +
    kOutcomeFrom +
    "LEFT JOIN treatment_plan_visits v ON v.appointment_id = a.id "
    "LEFT JOIN treatment_plan_items i ON i.plan_id = v.plan_id AND i.position = v.item_position ";
inline const std::string kPlanOutcomeOrder =
    " ORDER BY v.plan_id IS NULL, v.plan_id, a.start_at, a.id";

}  // namespace unknot::storage
