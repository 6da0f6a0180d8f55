#pragma once

// JSON shapes of the staff's clinic set-up (API v1, docs/api.md "Clinic set-up"): the whole
// set-up as staff see it, the bodies of the owner's edits (the public Clinic, Room, Practitioner
// and Service shapes, read back), and the stranded appointments of a refused change. Every
// malformed field is named as the client wrote it.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clinic/clinic_setup.hpp"
#include "core/clinic/setup_change.hpp"
#include "core/common/result.hpp"

namespace unknot::api::json {

// The public clinic shape plus "sessions": {"idle_timeout_minutes", "absolute_timeout_minutes"}.
nlohmann::json StaffClinicJson(const core::clinic::Clinic& clinic);
// {"id", "start", "end", "reason"}.
nlohmann::json TimeOffJson(const core::clinic::TimeOff& time_off);
// The public practitioner shape with each time off's id and reason.
nlohmann::json StaffPractitionerJson(const core::clinic::Practitioner& practitioner);
// GET …/setup: {"clinic", "rooms", "practitioners", "services"}, inactive practitioners included.
nlohmann::json SetupJson(const core::clinic::ClinicSetup& setup);

// Bodies of the edits. Members the shapes show but a client cannot set ("id", "opening_hours",
// "price.display") are ignored. Errors are kInvalidArgument naming the member, e.g.
// "booking_policy.slot_step_minutes", "weekly_hours[1].day".
core::Result<core::clinic::Clinic> ParseClinicBody(const nlohmann::json& body);
core::Result<core::clinic::Room> ParseRoomBody(const nlohmann::json& body);
// Without time off (it has edits of its own); skills come back sorted.
core::Result<core::clinic::Practitioner> ParsePractitionerBody(const nlohmann::json& body);
core::Result<core::clinic::Service> ParseServiceBody(const nlohmann::json& body);
struct TimeOffBody {
  core::Interval period;
  std::string reason;
};
// {"start", "end", "reason"?}: instants as the API writes them, start before end.
core::Result<TimeOffBody> ParseTimeOffBody(const nlohmann::json& body);

// The domain's name of a field (core::clinic::Validate's, e.g. "hours[0].end",
// "policy.slot_step", "services[2].duration") as the JSON shapes name it ("weekly_hours[0].end",
// "booking_policy.slot_step_minutes", "services[2].duration_minutes").
std::string JsonFieldName(std::string_view domain_field);
// The error with every field renamed so.
core::Error WithJsonFieldNames(const core::Error& error);

// [{"id", "start", "end", "practitioner_id", "service_id", "room_id", "reasons": [...]}].
nlohmann::json StrandedJson(const std::vector<core::clinic::StrandedAppointment>& stranded);

}  // namespace unknot::api::json
