#include "app/treatment_plans.hpp"

#include <algorithm>

namespace unknot::app {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace scheduling = core::scheduling;

namespace {

// The live bookings around every visit: a visit's alternatives look 3 days either side, and
// local days are at most a day off their UTC ones.
Result<std::vector<scheduling::Booking>> BookingsAround(
    core::ports::Storage& storage, const ClinicContext& clinic,
    const std::vector<scheduling::PlannedVisit>& visits) {
  if (visits.empty()) return std::vector<scheduling::Booking>{};
  auto day = [](const scheduling::PlannedVisit& v) {
    return core::Instant{date::sys_days{date::floor<date::days>(v.local).time_since_epoch()}};
  };
  core::Instant first = day(visits.front());
  core::Instant last = first;
  for (const auto& v : visits) {
    first = std::min(first, day(v));
    last = std::max(last, day(v));
  }
  const core::Interval window =
      UNKNOT_TRY(core::Interval::Create(first - std::chrono::days{5}, last + std::chrono::days{6}));
  return storage.ListBookings(clinic.setup().clinic.id, window);
}

scheduling::PlannedVisit Planned(const ClinicContext& clinic, const ChosenVisit& chosen) {
  return scheduling::PlannedVisit{chosen.item, chosen.number,
                                  core::UtcToLocal(clinic.zone, chosen.start), chosen.start};
}

}  // namespace

Result<scheduling::TreatmentPlan> CreateTreatmentPlan(core::ports::Storage& storage,
                                                      const core::Clock& clock,
                                                      const ClinicContext& clinic,
                                                      scheduling::TreatmentPlan plan,
                                                      const core::staff::AuditEntry& audit) {
  UNKNOT_TRY(scheduling::ValidatePlan(clinic.setup(), plan));
  plan.created_at = clock.Now();
  core::staff::AuditEntry entry = audit;
  int visits = 0;
  for (const auto& item : plan.items) visits += item.count;
  entry.detail = "plan with " + std::to_string(plan.items.size()) + " items, " +
                 std::to_string(visits) + " visits";
  return storage.CreateTreatmentPlan(clinic.setup().clinic.id, plan, entry);
}

Result<std::vector<scheduling::VisitPreview>> PreviewTreatmentPlan(
    core::ports::Storage& storage, const core::Clock& clock, const ClinicContext& clinic,
    const scheduling::TreatmentPlan& plan) {
  const std::vector<scheduling::PlannedVisit> visits = scheduling::ExpandPlan(plan, clinic.zone);
  const auto bookings = UNKNOT_TRY(BookingsAround(storage, clinic, visits));
  return scheduling::PreviewPlan(clinic.setup(), bookings, plan, visits, clock.Now(), clinic.zone);
}

Result<SeriesOutcome> BookTreatmentSeries(core::ports::Storage& storage, const core::Clock& clock,
                                          const ClinicContext& clinic,
                                          const scheduling::TreatmentPlan& plan,
                                          const std::vector<ChosenVisit>& chosen,
                                          scheduling::BookingSource source,
                                          const core::staff::AuditEntry& audit) {
  if (chosen.empty() || chosen.size() > static_cast<std::size_t>(scheduling::kMaxPlanVisits)) {
    return Error::InvalidField(
        "visits", "choose 1 to " + std::to_string(scheduling::kMaxPlanVisits) + " visits");
  }
  std::vector<scheduling::PlannedVisit> visits;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i].item < 0 || static_cast<std::size_t>(chosen[i].item) >= plan.items.size()) {
      return Error::InvalidField(core::ports::SeriesVisitField(i) + ".item",
                                 "the plan has no such item");
    }
    visits.push_back(Planned(clinic, chosen[i]));
  }
  const core::Instant now = clock.Now();
  // Decides visit `i` against `bookings` and the visits before it that are placed.
  auto decide = [&](const std::vector<scheduling::Booking>& bookings,
                    const std::vector<scheduling::Booking>& placed,
                    std::size_t i) -> Result<scheduling::VisitPreview> {
    const scheduling::PlanItem& item = plan.items[static_cast<std::size_t>(chosen[i].item)];
    return scheduling::DecideVisit(clinic.setup(), bookings, placed, now, visits[i], item.service,
                                   item.practitioner, clinic.zone);
  };

  auto bookings = UNKNOT_TRY(BookingsAround(storage, clinic, visits));
  std::vector<scheduling::Booking> placed;
  std::vector<core::ports::SeriesVisit> series;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    scheduling::VisitPreview preview = UNKNOT_TRY(decide(bookings, placed, i));
    if (!preview.free()) return SeriesOutcome{SeriesRefused{i, std::move(preview)}};
    const scheduling::PlanItem& item = plan.items[static_cast<std::size_t>(chosen[i].item)];
    const core::clinic::Service& service = *clinic.setup().FindService(item.service);
    const core::Instant start = chosen[i].start;
    const core::Interval blocked =
        UNKNOT_TRY(core::Interval::Create(start, start + service.duration + service.buffer_after));
    placed.push_back({item.practitioner, *preview.room, blocked});
    core::ports::StaffBooking booking{
        .patient = plan.patient,
        .new_patient = {},
        .appointment = scheduling::Appointment{.id = {},
                                               .patient = plan.patient,
                                               .practitioner = item.practitioner,
                                               .service = item.service,
                                               .room = *preview.room,
                                               .time = UNKNOT_TRY(core::Interval::Create(
                                                   start, start + service.duration)),
                                               .blocked_until = blocked.end(),
                                               .status = scheduling::AppointmentStatus::kBooked,
                                               .source = source,
                                               .created_at = now,
                                               .updated_at = now,
                                               .cancelled_at = std::nullopt,
                                               .assessment = std::nullopt},
        .other_rooms = {},
        .audit = audit};
    for (const core::clinic::Room& r : clinic.setup().rooms) {
      if (r.kind == service.room_kind && r.id != *preview.room) {
        booking.other_rooms.push_back(r.id);
      }
    }
    booking.audit.detail = "booked (" + std::string(scheduling::ToString(source)) + ") " +
                           core::FormatInstant(start) + " practitioner/" +
                           std::to_string(item.practitioner.value()) + " treatment_plan/" +
                           std::to_string(plan.id.value()) + " visit " + std::to_string(i + 1) +
                           " of " + std::to_string(chosen.size());
    series.push_back({chosen[i].item, std::move(booking)});
  }

  auto stored = storage.BookTreatmentSeries(clinic.setup().clinic.id, plan.id, series);
  if (!stored && stored.error().code() == ErrorCode::kConflict &&
      stored.error().fields().size() == 1) {
    // Taken between the check and the write: which visit, and what is free around it now.
    const std::string& field = stored.error().fields().front().field;
    for (std::size_t i = 0; i < series.size(); ++i) {
      if (field != core::ports::SeriesVisitField(i)) continue;
      bookings = UNKNOT_TRY(BookingsAround(storage, clinic, visits));
      placed.erase(placed.begin() + static_cast<std::ptrdiff_t>(i), placed.end());
      scheduling::VisitPreview preview = UNKNOT_TRY(decide(bookings, placed, i));
      if (preview.free()) {  // freed again meanwhile: still say why it failed
        preview.problem = scheduling::VisitProblem::kTaken;
        preview.room.reset();
      }
      preview.message = stored.error().fields().front().reason;
      return SeriesOutcome{SeriesRefused{i, std::move(preview)}};
    }
  }
  return SeriesOutcome{UNKNOT_TRY(std::move(stored))};
}

}  // namespace unknot::app
