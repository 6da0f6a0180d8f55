#include "core/scheduling/treatment_plan.hpp"

#include <algorithm>

#include "core/scheduling/slot_finder.hpp"

namespace unknot::core::scheduling {

using namespace std::chrono_literals;

namespace {

std::string Item(std::size_t i, std::string_view field) {
  return "items[" + std::to_string(i) + "]." + std::string(field);
}

// The set-up as the front desk books in it: the online minimum notice and horizon do not apply.
clinic::ClinicSetup StaffRules(const clinic::ClinicSetup& setup) {
  clinic::ClinicSetup staff = setup;
  staff.clinic.policy.min_notice = 0min;
  staff.clinic.policy.horizon = std::chrono::days{3650};
  return staff;
}

std::string Message(VisitProblem problem) {
  switch (problem) {
    case VisitProblem::kNone:
      return "";
    case VisitProblem::kNoSuchTime:
      return "this local time does not exist or happens twice that day (a daylight saving "
             "change); pick another time";
    case VisitProblem::kPast:
      return "this time has already passed";
    case VisitProblem::kOutsideHours:
      return "the practitioner does not work then (hours, breaks or time off)";
    case VisitProblem::kNotOnStep:
      return "appointments start on the clinic's slot grid; this start is between slots";
    case VisitProblem::kTaken:
      return "this time is taken: the practitioner or every suitable room is busy";
  }
  return "";
}

}  // namespace

std::string_view ToString(VisitProblem problem) {
  switch (problem) {
    case VisitProblem::kNone:
      return "none";
    case VisitProblem::kNoSuchTime:
      return "no_such_time";
    case VisitProblem::kPast:
      return "past";
    case VisitProblem::kOutsideHours:
      return "outside_hours";
    case VisitProblem::kNotOnStep:
      return "not_on_step";
    case VisitProblem::kTaken:
      return "taken";
  }
  return "none";
}

Result<void> ValidatePlan(const clinic::ClinicSetup& setup, const TreatmentPlan& plan) {
  if (plan.title.size() > kMaxPlanTitleLength) {
    return Error::InvalidField("title",
                               "must be at most " + std::to_string(kMaxPlanTitleLength) + " bytes");
  }
  if (plan.items.empty() || plan.items.size() > kMaxPlanItems) {
    return Error::InvalidField("items",
                               "must list 1 to " + std::to_string(kMaxPlanItems) + " services");
  }
  int visits = 0;
  for (std::size_t i = 0; i < plan.items.size(); ++i) {
    const PlanItem& item = plan.items[i];
    if (setup.FindService(item.service) == nullptr) {
      return Error::InvalidField(Item(i, "service"), "no such service");
    }
    if (setup.FindPractitioner(item.practitioner) == nullptr) {
      return Error::InvalidField(Item(i, "practitioner"), "no such practitioner");
    }
    // The engine's own check of who may deliver the service (role, skills, active).
    if (auto query = SlotQuery::Create(setup, Instant{}, item.service, item.practitioner); !query) {
      return Error::InvalidField(Item(i, "practitioner"),
                                 query.error().fields().empty()
                                     ? query.error().message()
                                     : query.error().fields().front().reason);
    }
    if (item.interval < std::chrono::days{1} || item.interval > kMaxPlanInterval) {
      return Error::InvalidField(Item(i, "interval_days"),
                                 "must be 1 to " + std::to_string(kMaxPlanInterval.count()));
    }
    if (item.count < 1 || item.count > kMaxItemVisits) {
      return Error::InvalidField(Item(i, "count"),
                                 "must be 1 to " + std::to_string(kMaxItemVisits));
    }
    if (!item.first_date.ok()) return Error::InvalidField(Item(i, "first_date"), "is not a date");
    if (item.time.since_midnight() >= 24h) {
      return Error::InvalidField(Item(i, "time"), "must be 00:00 to 23:59");
    }
    visits += item.count;
  }
  if (visits > kMaxPlanVisits) {
    return Error::InvalidField(
        "items", "a plan may hold at most " + std::to_string(kMaxPlanVisits) + " visits in all");
  }
  return Ok();
}

std::vector<PlannedVisit> ExpandPlan(const TreatmentPlan& plan, const TimeZone& zone) {
  std::vector<PlannedVisit> visits;
  for (std::size_t i = 0; i < plan.items.size(); ++i) {
    const PlanItem& item = plan.items[i];
    for (int n = 0; n < item.count; ++n) {
      const LocalDate day{date::sys_days{item.first_date} + item.interval * n};
      PlannedVisit visit{static_cast<int>(i), n + 1, AtTime(day, item.time), std::nullopt};
      // The one local -> UTC conversion, strict: a plan's time on a DST day is not guessed.
      if (auto start = LocalToUtc(zone, visit.local, kStrictDstPolicy)) visit.start = *start;
      visits.push_back(visit);
    }
  }
  std::stable_sort(visits.begin(), visits.end(),
                   [](const PlannedVisit& a, const PlannedVisit& b) { return a.local < b.local; });
  return visits;
}

Result<VisitPreview> DecideVisit(const clinic::ClinicSetup& setup,
                                 std::span<const Booking> bookings, std::span<const Booking> placed,
                                 Instant now, const PlannedVisit& visit, ServiceId service,
                                 PractitionerId practitioner, const TimeZone& zone) {
  const clinic::ClinicSetup rules = StaffRules(setup);
  VisitPreview preview{visit, service, practitioner};
  std::vector<Booking> around(bookings.begin(), bookings.end());
  around.insert(around.end(), placed.begin(), placed.end());
  if (!visit.start) {
    preview.problem = VisitProblem::kNoSuchTime;
  } else {
    SlotDecision decision =
        UNKNOT_TRY(CheckSlot(rules, around, now, service, practitioner, *visit.start));
    if (decision.option) {
      preview.room = decision.option->room;
      return preview;
    }
    switch (*decision.refusal) {
      case SlotRefusal::kTooSoon:
        preview.problem = VisitProblem::kPast;
        break;
      case SlotRefusal::kOutsideHours:
        preview.problem = VisitProblem::kOutsideHours;
        break;
      case SlotRefusal::kNotOnStep:
        preview.problem = VisitProblem::kNotOnStep;
        break;
      case SlotRefusal::kTaken:
      case SlotRefusal::kBeyondHorizon:  // not for staff (ten years)
        preview.problem = VisitProblem::kTaken;
        break;
    }
  }
  preview.message = Message(preview.problem);
  // The nearest free starts of the same service and practitioner, within three days either side
  // (a weekly visit on a day off is better moved a day than a week), none in the past.
  const LocalDate day{date::floor<date::days>(visit.local)};
  const LocalDate from{date::sys_days{day} - date::days{3}};
  const LocalDate to{date::sys_days{day} + date::days{3}};
  auto days = UNKNOT_TRY(FindAvailability(rules, around, now, {service, from, to, practitioner}));
  // A time a DST change swallowed is looked for near where the working hours would put it.
  const Instant target = visit.start
                             ? *visit.start
                             : UNKNOT_TRY(LocalToUtc(zone, visit.local, kWorkingHoursDstPolicy));
  preview.alternatives = NearestSlots(days, target, 3);
  return preview;
}

Result<std::vector<VisitPreview>> PreviewPlan(const clinic::ClinicSetup& setup,
                                              std::span<const Booking> bookings,
                                              const TreatmentPlan& plan,
                                              std::span<const PlannedVisit> visits, Instant now,
                                              const TimeZone& zone) {
  std::vector<VisitPreview> out;
  out.reserve(visits.size());
  std::vector<Booking> placed;
  for (const PlannedVisit& visit : visits) {
    if (visit.item < 0 || static_cast<std::size_t>(visit.item) >= plan.items.size()) {
      return Error::InvalidField("item", "no such item in the plan");
    }
    const PlanItem& item = plan.items[static_cast<std::size_t>(visit.item)];
    VisitPreview preview = UNKNOT_TRY(
        DecideVisit(setup, bookings, placed, now, visit, item.service, item.practitioner, zone));
    if (preview.free()) {
      const clinic::Service* service = setup.FindService(item.service);
      const Instant start = *visit.start;
      placed.push_back(
          {item.practitioner, *preview.room,
           *Interval::Create(start, start + service->duration + service->buffer_after)});
    }
    out.push_back(std::move(preview));
  }
  return out;
}

PlanProgress Progress(const TreatmentPlan& plan, std::span<const Appointment> visits) {
  PlanProgress progress;
  for (const PlanItem& item : plan.items) progress.planned += item.count;
  for (const Appointment& a : visits) {
    ++progress.booked;
    switch (a.status) {
      case AppointmentStatus::kCompleted:
        ++progress.done;
        break;
      case AppointmentStatus::kNoShow:
      case AppointmentStatus::kCancelled:
        ++progress.missed;
        break;
      case AppointmentStatus::kBooked:
      case AppointmentStatus::kRequested:
      case AppointmentStatus::kArrived:
        ++progress.left;
        break;
    }
  }
  return progress;
}

}  // namespace unknot::core::scheduling
