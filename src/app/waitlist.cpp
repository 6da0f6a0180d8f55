#include "app/waitlist.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

namespace unknot::app {

using core::Error;
using core::ErrorCode;
using core::Result;
namespace ports = core::ports;
namespace scheduling = core::scheduling;

namespace {

constexpr std::chrono::minutes kDay{24 * 60};
// How far ahead an entry may wait: a year.
constexpr std::chrono::days kLongestWait{366};

Error Gone() {
  return Error(ErrorCode::kConflict, "the offered time is gone",
               {{"offer", "was taken by another patient or has expired"}});
}

Result<void> ValidateWindows(const std::vector<ports::WaitlistWindow>& windows) {
  if (windows.empty()) return Error::InvalidField("windows", "must name at least one window");
  if (windows.size() > 14) return Error::InvalidField("windows", "at most 14 windows");
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const ports::WaitlistWindow& w = windows[i];
    const std::string field = "windows[" + std::to_string(i) + "]";
    if (w.days == 0 || w.days > 0x7f) {
      return Error::InvalidField(field + ".days", "must name at least one day of the week");
    }
    if (w.from < std::chrono::minutes{0} || w.from >= kDay) {
      return Error::InvalidField(field + ".from", "must be a time of day");
    }
    if (w.to <= w.from || w.to > kDay) {
      return Error::InvalidField(field + ".to", "must be after from, at most 24:00");
    }
  }
  return core::Ok();
}

}  // namespace

bool InWindows(const std::vector<ports::WaitlistWindow>& windows, const core::TimeZone& zone,
               core::Instant start, std::chrono::minutes duration) {
  const core::LocalDateTime local = core::UtcToLocal(zone, start);
  const auto day = date::floor<date::days>(local);
  const unsigned bit = date::weekday{day}.iso_encoding() - 1;  // Monday 0 .. Sunday 6
  const auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(local - day);
  return std::any_of(windows.begin(), windows.end(), [&](const ports::WaitlistWindow& w) {
    return ((w.days >> bit) & 1U) != 0 && since_midnight >= w.from &&
           since_midnight + duration <= w.to;
  });
}

Result<Joined> JoinWaitlist(ports::Storage& storage, const core::Clock& clock,
                            ports::TokenService& tokens, const ClinicContext& clinic,
                            const WaitlistRequest& request,
                            const std::optional<core::staff::AuditEntry>& audit) {
  const core::clinic::ClinicSetup& setup = clinic.setup();
  const core::clinic::Service* service = setup.FindService(request.service);
  if (service == nullptr) return Error::InvalidField("service", "no such service");
  if (request.practitioner) {
    auto found = std::find_if(setup.practitioners.begin(), setup.practitioners.end(),
                              [&](const auto& p) { return p.id == *request.practitioner; });
    if (found == setup.practitioners.end()) {
      return Error::InvalidField("practitioner", "no such practitioner");
    }
  }
  UNKNOT_TRY(ValidateWindows(request.windows));
  const bool online = request.source == ports::WaitlistSource::kOnline;
  if (auto valid =
          core::clinic::Validate(request.patient, online ? core::clinic::EmailRule::kRequired
                                                         : core::clinic::EmailRule::kOptional);
      !valid) {
    return std::move(valid).error();
  }
  auto until = core::ParseLocalDate(request.until);
  if (!until) return Error::InvalidField("until", "must be a date, YYYY-MM-DD");
  const core::Instant now = clock.Now();
  const core::LocalDate today = core::LocalDateOf(clinic.zone, now);
  if (date::sys_days{*until} < date::sys_days{today}) {
    return Error::InvalidField("until", "must not be in the past");
  }
  if (date::sys_days{*until} > date::sys_days{today} + kLongestWait) {
    return Error::InvalidField("until", "at most a year ahead");
  }
  const date::year_month_day next{date::sys_days{*until} + date::days{1}};
  const core::Instant ends_at = UNKNOT_TRY(
      core::LocalToUtc(clinic.zone, date::local_days{next}, core::kWorkingHoursDstPolicy));
  Joined joined;
  if (online) joined.token = tokens.NewToken();
  ports::NewWaitlistEntry entry{.service = request.service,
                                .practitioner = request.practitioner,
                                .windows = request.windows,
                                .until = core::FormatLocalDate(*until),
                                .ends_at = ends_at,
                                .given_name = request.patient.given_name,
                                .family_name = request.patient.family_name,
                                .email = request.patient.email,
                                .phone = request.patient.phone,
                                .urgent = request.urgent,
                                .source = request.source,
                                .token_hash = online ? tokens.Hash(joined.token) : std::string{}};
  joined.entry = UNKNOT_TRY(storage.CreateWaitlistEntry(setup.clinic.id, entry, now, audit));
  return joined;
}

Result<ports::WaitlistEntry> FindEntryByToken(ports::Storage& storage, ports::TokenService& tokens,
                                              const ClinicContext& clinic, std::string_view token) {
  if (token.empty()) return Error::NotFound("no such waitlist entry");
  return storage.FindWaitlistEntryByToken(clinic.setup().clinic.id, tokens.Hash(token));
}

Result<WaitlistRunCounts> RunWaitlistOnce(ports::Storage& storage, const core::Clock& clock,
                                          ports::TokenService& tokens, int limit) {
  WaitlistRunCounts counts;
  core::Instant now = clock.Now();
  counts.expired = UNKNOT_TRY(storage.ExpireWaitlist(now));
  auto pending = UNKNOT_TRY(storage.PendingFreedTimes(now, limit));
  for (const ports::FreedTime& freed : pending) {
    ++counts.freed;
    now = clock.Now();
    const ClinicContext clinic = UNKNOT_TRY(LoadClinic(storage, freed.clinic));
    const ports::WaitlistSettings settings = UNKNOT_TRY(storage.FindWaitlistSettings(freed.clinic));
    auto candidates = UNKNOT_TRY(storage.OfferCandidates(freed.clinic, freed.id, now));
    // A freed appointment is offered at its own start. A span of time off given back is offered
    // at the first start in it that the engine offers for the entry's service with this
    // practitioner and that lies in the entry's windows; the round's later offers take that start.
    const bool span = !freed.appointment;
    std::vector<scheduling::Booking> busy;
    bool busy_read = false;
    auto read_busy = [&]() -> Result<void> {
      if (busy_read) return core::Ok();
      auto window = span ? *core::Interval::Create(freed.time.start() - std::chrono::hours{36},
                                                   freed.time.end() + std::chrono::hours{60})
                         : *core::Interval::Create(freed.time.start(),
                                                   freed.time.start() + std::chrono::hours{10});
      busy = UNKNOT_TRY(BusyTimes(storage, freed.clinic, window, now));
      busy_read = true;
      return core::Ok();
    };
    // The starts the engine offers in the span for a service (read once per service).
    std::map<std::int64_t, std::vector<core::Instant>> span_starts;
    auto starts_in_span = [&](core::ServiceId service_id,
                              std::chrono::minutes duration) -> Result<std::vector<core::Instant>> {
      if (auto it = span_starts.find(service_id.value()); it != span_starts.end()) {
        return it->second;
      }
      UNKNOT_TRY(read_busy());
      const auto first_day =
          date::floor<date::days>(core::UtcToLocal(clinic.zone, freed.time.start()));
      auto last_day = date::floor<date::days>(core::UtcToLocal(clinic.zone, freed.time.end()));
      last_day = std::min(last_day, first_day + date::days{30});  // the engine's longest range
      scheduling::AvailabilityRequest request{service_id, core::LocalDate{first_day},
                                              core::LocalDate{last_day}, freed.practitioner};
      std::vector<core::Instant> starts;
      auto days = scheduling::FindAvailability(clinic.setup(), busy, now, request);
      if (days) {
        for (const auto& day : *days) {
          for (const auto& slot : day.slots) {
            if (slot.time.start() >= freed.time.start() &&
                slot.time.start() + duration <= freed.time.end()) {
              starts.push_back(slot.time.start());
            }
          }
        }
      }
      span_starts.emplace(service_id.value(), starts);
      return starts;
    };
    // The round: entries in order that can take its start with this practitioner, all of the
    // first one's service (the round's one hold is checked against the booking's service).
    std::vector<ports::NewOfferRound::Offered> offered;
    std::optional<ports::NewHold> hold;
    std::optional<core::ServiceId> round_service;
    std::optional<core::Instant> round_start;
    for (const ports::WaitlistEntry& entry : candidates) {
      if (static_cast<int>(offered.size()) >= settings.offers_at_once) break;
      if (round_service && entry.service != *round_service) continue;
      if (entry.practitioner && *entry.practitioner != freed.practitioner) continue;
      if (entry.email.empty()) continue;  // a caller with only a phone: the front desk calls
      const core::clinic::Service* service = clinic.setup().FindService(entry.service);
      if (service == nullptr) continue;
      std::optional<core::Instant> start;
      if (round_start) {
        // A later offer of the round: same service, same start, already checked free.
        if (InWindows(entry.windows, clinic.zone, *round_start, service->duration)) {
          start = round_start;
        }
      } else if (span) {
        for (core::Instant s : UNKNOT_TRY(starts_in_span(entry.service, service->duration))) {
          if (InWindows(entry.windows, clinic.zone, s, service->duration)) {
            start = s;
            break;
          }
        }
      } else if (InWindows(entry.windows, clinic.zone, freed.time.start(), service->duration)) {
        UNKNOT_TRY(read_busy());
        auto decision = scheduling::CheckSlot(clinic.setup(), busy, now, entry.service,
                                              freed.practitioner, freed.time.start());
        if (decision && decision->option) start = freed.time.start();
      }
      if (!start) continue;
      const std::string link = tokens.NewToken();
      offered.push_back(ports::NewOfferRound::Offered{
          .entry = entry.id,
          .service = entry.service,
          .time = *core::Interval::Create(*start, *start + service->duration),
          .blocked_until = *start + service->duration + service->buffer_after,
          .token_hash = tokens.Hash(link),
          .link_token = link});
      if (!round_service) {
        round_service = entry.service;
        round_start = start;
        hold = ports::NewHold{.practitioner = freed.practitioner,
                              .service = entry.service,
                              .time = offered.back().time,
                              .blocked_until = offered.back().blocked_until,
                              .token_hash = tokens.Hash(tokens.NewToken())};
      }
    }
    if (!hold) {
      UNKNOT_TRY(storage.CloseFreedTime(freed.clinic, freed.id, now));
      ++counts.closed;
      continue;
    }
    const ports::NewOfferRound round{
        .freed = freed.id, .hold = *hold, .offers = std::move(offered)};
    auto offers = storage.CreateOffers(freed.clinic, round, now);
    if (!offers) {
      // Taken or held meanwhile: the next step sees whether it is still free.
      if (offers.error().code() == ErrorCode::kConflict) continue;
      if (offers.error().code() == ErrorCode::kNotFound) continue;
      return std::move(offers).error();
    }
    counts.offers += static_cast<int>(offers->size());
  }
  return counts;
}

Result<OfferView> ViewOffer(ports::Storage& storage, const core::Clock& clock,
                            ports::TokenService& tokens, const ClinicContext& clinic,
                            std::string_view token) {
  if (token.empty()) return Error::NotFound("no such offer");
  const core::ClinicId clinic_id = clinic.setup().clinic.id;
  ports::WaitlistOffer offer = UNKNOT_TRY(storage.FindOffer(clinic_id, tokens.Hash(token)));
  if (offer.status != ports::OfferStatus::kOpen || offer.expires_at <= clock.Now()) return Gone();
  ports::WaitlistEntry entry = UNKNOT_TRY(storage.FindWaitlistEntry(clinic_id, offer.entry));
  if (entry.status != ports::WaitlistStatus::kWaiting) return Gone();
  return OfferView{std::move(offer), std::move(entry)};
}

Result<Booked> ConfirmOffer(ports::Storage& storage, const core::Clock& clock,
                            ports::TokenService& tokens, const ClinicContext& clinic,
                            std::string_view token) {
  OfferView view = UNKNOT_TRY(ViewOffer(storage, clock, tokens, clinic, token));
  const ports::WaitlistEntry& entry = view.entry;
  BookingRequest request{.service = view.offer.service,
                         .practitioner = view.offer.practitioner,
                         .start = view.offer.time.start(),
                         .patient = core::clinic::Patient{.id = {},
                                                          .given_name = entry.given_name,
                                                          .family_name = entry.family_name,
                                                          .email = entry.email,
                                                          .phone = entry.phone,
                                                          .created_at = {}},
                         .source = scheduling::BookingSource::kOnline,
                         .idempotency_key = std::nullopt,
                         .fingerprint = {},
                         .assessment = std::nullopt,
                         .hold = std::nullopt,
                         .hold_hash = view.offer.hold_token_hash};
  BookingOutcome outcome = UNKNOT_TRY(
      BookAppointment(storage, clock, tokens, clinic, request,
                      [](const ClinicContext&, const Booked&) { return std::string{}; }));
  if (auto* too_many = std::get_if<TooManyBookings>(&outcome)) {
    return Error(ErrorCode::kConflict, too_many->message, {{"offer", too_many->message}});
  }
  if (auto* rule = std::get_if<RuleRefused>(&outcome)) {
    return Error(ErrorCode::kConflict, rule->message, {{"offer", rule->message}});
  }
  auto* booked = std::get_if<Booked>(&outcome);
  if (booked == nullptr) return Gone();  // refused: taken by another patient first
  auto accepted = storage.AcceptOffer(clinic.setup().clinic.id, view.offer.id,
                                      booked->appointment.id, clock.Now());
  if (!accepted) {
    // The appointment stands; the entry stays waiting and staff can remove it.
    spdlog::warn("waitlist offer {}: booked appointment {} but could not record it: {}",
                 view.offer.id.value(), booked->appointment.id.value(), accepted.error().message());
  }
  return std::move(*booked);
}

}  // namespace unknot::app
