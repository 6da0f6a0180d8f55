#include "api/fhir/slot_search.hpp"

#include <algorithm>
#include <tuple>

namespace unknot::api::fhir {

core::Result<std::vector<FreeSlot>> FindFreeSlots(core::ports::Storage& storage,
                                                  const core::Clock& clock,
                                                  const app::ClinicContext& clinic,
                                                  const SlotFilter& filter) {
  std::vector<FreeSlot> out;
  if (filter.to <= filter.from) return out;
  const auto& setup = clinic.setup();
  const core::clinic::Practitioner* practitioner = nullptr;
  if (filter.practitioner) {
    practitioner = setup.FindPractitioner(*filter.practitioner);
    if (practitioner == nullptr) return out;
  }
  const date::local_days first{core::LocalDateOf(clinic.zone, filter.from)};
  const date::local_days last{core::LocalDateOf(clinic.zone, filter.to - std::chrono::seconds{1})};
  for (const auto& service : setup.services) {
    if (filter.service && service.id != *filter.service) continue;
    if (practitioner != nullptr && !service.CanBeDeliveredBy(*practitioner)) continue;
    // The engine answers at most 31 local days at a time.
    for (date::local_days from = first; from <= last; from += date::days{31}) {
      date::local_days to = std::min(last, from + date::days{30});
      core::scheduling::AvailabilityRequest request{.service = service.id,
                                                    .from = date::year_month_day{from},
                                                    .to = date::year_month_day{to},
                                                    .practitioner = filter.practitioner};
      auto result = UNKNOT_TRY(app::GetAvailability(storage, clock, setup.clinic.slug, request));
      for (const auto& day : result.days) {
        for (const auto& slot : day.slots) {
          if (slot.time.start() < filter.from || slot.time.start() >= filter.to) continue;
          for (const auto& option : day.OptionsOf(slot)) {
            if (filter.practitioner && option.practitioner != *filter.practitioner) continue;
            out.push_back(
                {.time = slot.time, .practitioner = option.practitioner, .service = service.id});
          }
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const FreeSlot& a, const FreeSlot& b) {
    return std::tuple(a.time.start(), a.practitioner.value(), a.service.value()) <
           std::tuple(b.time.start(), b.practitioner.value(), b.service.value());
  });
  return out;
}

}  // namespace unknot::api::fhir
