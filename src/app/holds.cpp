#include "app/holds.hpp"

namespace unknot::app {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace scheduling = core::scheduling;

Result<HoldOutcome> HoldTime(core::ports::Storage& storage, const core::Clock& clock,
                             core::ports::TokenService& tokens, const ClinicContext& clinic,
                             const HoldRequest& request) {
  const core::ClinicId clinic_id = clinic.setup().clinic.id;
  const core::clinic::Service* service = clinic.setup().FindService(request.service);
  if (service == nullptr) {
    return Error(ErrorCode::kNotFound, "no such service", {{"service", "no such service"}});
  }
  const core::Instant now = clock.Now();
  const core::Interval blocked = *core::Interval::Create(
      request.start, request.start + service->duration + service->buffer_after);
  const std::string token = tokens.NewToken();
  const std::string token_hash = tokens.Hash(token);
  // Check as a booking would, then hold; the hold's write re-checks the practitioner inside its
  // transaction. With any practitioner, one who lost a race may leave another free: check again.
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    auto busy = UNKNOT_TRY(BusyTimes(storage, clinic_id, blocked, now));
    scheduling::SlotDecision decision = UNKNOT_TRY(scheduling::CheckSlot(
        clinic.setup(), busy, now, request.service, request.practitioner, request.start));
    if (!decision.option) {
      return HoldOutcome{
          UNKNOT_TRY(RefuseStart(storage, clock, clinic, request.service, request.practitioner,
                                 request.start, *decision.refusal))};
    }
    core::ports::NewHold hold{
        .practitioner = decision.option->practitioner,
        .service = service->id,
        .time = *core::Interval::Create(request.start, request.start + service->duration),
        .blocked_until = blocked.end(),
        .token_hash = token_hash};
    auto stored = storage.CreateHold(clinic_id, hold, now);
    if (stored) return HoldOutcome{Held{*stored, token}};
    if (stored.error().code() != ErrorCode::kConflict) return std::move(stored).error();
    if (attempt == kAttempts) {
      return HoldOutcome{
          UNKNOT_TRY(RefuseStart(storage, clock, clinic, request.service, request.practitioner,
                                 request.start, scheduling::SlotRefusal::kTaken))};
    }
  }
}

Result<void> ReleaseHeldTime(core::ports::Storage& storage, core::ports::TokenService& tokens,
                             const ClinicContext& clinic, std::string_view token) {
  if (token.empty()) return Error::NotFound("no such hold");
  return storage.ReleaseHold(clinic.setup().clinic.id, tokens.Hash(token));
}

}  // namespace unknot::app
