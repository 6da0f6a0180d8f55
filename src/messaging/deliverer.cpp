#include "messaging/deliverer.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "app/waitlist.hpp"
#include "messaging/mime.hpp"
#include "messaging/render.hpp"

namespace unknot::messaging {
namespace {

using core::ports::MessageChannel;
using core::ports::MessageKind;
using core::ports::OutboxMessage;
using core::scheduling::AppointmentStatus;

// Why a message no longer applies to the appointment as stored now; "" when it does.
std::string Obsolete(const OutboxMessage& message, const core::scheduling::Appointment& a,
                     core::Instant now) {
  const bool cancelled = a.status == AppointmentStatus::kCancelled;
  switch (message.kind) {
    case MessageKind::kCancelled:
    case MessageKind::kDeclined:
      return "";
    case MessageKind::kWaitlistOffer:  // delivered by DeliverOffer
      return "";
    case MessageKind::kReminder:
      if (a.status != AppointmentStatus::kBooked) return "the appointment is no longer booked";
      if (a.time.start() <= now) return "the appointment has started";
      return "";
    case MessageKind::kBooked:
    case MessageKind::kRequested:
    case MessageKind::kApproved:
    case MessageKind::kMoved:
      if (cancelled) return "the appointment was cancelled since";
      return "";
  }
  return "";
}

}  // namespace

Deliverer::Deliverer(core::ports::Storage& storage, std::unique_ptr<EmailSender> email,
                     std::unique_ptr<SmsSender> sms,
                     std::unique_ptr<core::ports::TokenService> tokens, const core::Clock& clock,
                     DeliveryOptions options)
    : storage_(storage),
      email_(std::move(email)),
      sms_(std::move(sms)),
      tokens_(std::move(tokens)),
      clock_(clock),
      options_(std::move(options)) {}

core::Result<DeliveryCounts> Deliverer::RunOnce() {
  if (options_.waitlist) {
    auto waitlist = app::RunWaitlistOnce(storage_, clock_, *tokens_);
    if (!waitlist) spdlog::warn("waitlist step failed: {}", waitlist.error().message());
  }
  DeliveryCounts counts;
  auto claimed = UNKNOT_TRY(storage_.ClaimMessages(clock_.Now(), options_.batch, options_.lease));
  counts.claimed = static_cast<int>(claimed.size());
  for (const OutboxMessage& message : claimed) {
    auto delivered = Deliver(message, counts);
    if (delivered) continue;
    ++counts.failed;
    // The reason is the server's or the network's, never the message or an address.
    spdlog::warn("message {} not delivered (attempt {}): {}", message.id.value(), message.attempts,
                 delivered.error().message());
    auto marked = storage_.MarkMessageFailed(message.id, delivered.error().message(), clock_.Now(),
                                             options_.retry);
    if (!marked) {
      spdlog::error("message {}: cannot record the failure: {}", message.id.value(),
                    marked.error().message());
    }
  }
  return counts;
}

core::Result<std::string> Deliverer::ManageUrl(const OutboxMessage& message,
                                               std::string_view clinic_slug) {
  // Stored before the message leaves: a link is never sent that does not open the appointment.
  const std::string token = tokens_->NewToken();
  UNKNOT_TRY(storage_.AddManageToken(message.clinic, message.appointment, tokens_->Hash(token),
                                     clock_.Now()));
  // The token travels in the fragment (web/src/lib/token.ts): never sent to a server, so it is
  // in no access log. NewToken's text is URL-safe.
  return options_.public_url + "/c/" + std::string(clinic_slug) + "/manage/" +
         std::to_string(message.appointment.value()) + "#token=" + token;
}

core::Result<void> Deliverer::Deliver(const OutboxMessage& message, DeliveryCounts& counts) {
  if (message.kind == MessageKind::kWaitlistOffer) return DeliverOffer(message, counts);
  const core::Instant now = clock_.Now();
  auto setup = UNKNOT_TRY(storage_.LoadSetup(message.clinic));
  auto appointment = UNKNOT_TRY(storage_.FindAppointment(message.clinic, message.appointment));
  auto patient = UNKNOT_TRY(storage_.FindPatient(message.clinic, appointment.patient));
  auto prefs = UNKNOT_TRY(storage_.FindPatientMessagePrefs(message.clinic, appointment.patient));
  auto zone = UNKNOT_TRY(core::TimeZone::Find(setup->clinic.time_zone));
  std::string why = Obsolete(message, appointment, now);
  if (why.empty() && message.kind == MessageKind::kReminder &&
      prefs.reminders == core::ports::Reminders::kOff) {
    why = "reminders off";
  }
  if (why.empty() && message.channel == MessageChannel::kEmail && prefs.Bounced(patient.email)) {
    why = "address bounced";
  }
  if (!why.empty()) {
    UNKNOT_TRY(storage_.MarkMessageSkipped(message.id, why, now));
    ++counts.skipped;
    return core::Ok();
  }
  const auto own_wording = UNKNOT_TRY(storage_.ListMessageTemplates(message.clinic));
  const Template& wording = WordingFor(message.kind, own_wording);
  if (message.channel == MessageChannel::kEmail) {
    if (!IsPlainAddress(patient.email) || !IsPlainAddress(options_.from_address)) {
      return core::Error(core::ErrorCode::kInvalidArgument, "not a deliverable e-mail address");
    }
    MessageContext context{*setup, zone, appointment, patient,
                           UNKNOT_TRY(ManageUrl(message, setup->clinic.slug))};
    RenderedEmail email = RenderEmail(message.kind, context, options_.from_address, wording);
    Envelope envelope{options_.from_address, setup->clinic.name, message.key, now};
    auto sent = email_->Send(options_.from_address, patient.email, BuildMime(email, envelope));
    if (!sent && sent.error().code() == core::ErrorCode::kInvalidArgument) {
      // A bounce: the server refused the address for good. Not mailed again until it changes;
      // this message is dead at once, with the server's answer.
      UNKNOT_TRY(storage_.MarkEmailBounced(message.clinic, patient.id, patient.email,
                                           sent.error().message(), clock_.Now()));
      core::ports::RetryPolicy at_once = options_.retry;
      at_once.max_attempts = 1;
      UNKNOT_TRY(
          storage_.MarkMessageFailed(message.id, sent.error().message(), clock_.Now(), at_once));
      spdlog::warn("message {} bounced: {}", message.id.value(), sent.error().message());
      ++counts.bounced;
      return core::Ok();
    }
    UNKNOT_TRY(std::move(sent));
  } else {
    if (sms_ == nullptr) return core::Error(core::ErrorCode::kUnavailable, "no SMS sender");
    auto settings = UNKNOT_TRY(storage_.FindMessageSettings(message.clinic));
    if (settings.sms_webhook_url.empty() || patient.phone.empty()) {
      UNKNOT_TRY(storage_.MarkMessageSkipped(message.id, "no SMS webhook or phone", now));
      ++counts.skipped;
      return core::Ok();
    }
    MessageContext context{*setup, zone, appointment, patient,
                           UNKNOT_TRY(ManageUrl(message, setup->clinic.slug))};
    UNKNOT_TRY(sms_->Send(settings.sms_webhook_url, settings.sms_webhook_secret, message.key,
                          patient.phone, RenderSms(message.kind, context, wording)));
  }
  // Sent: a crash before this line sends it again later, with the same key.
  UNKNOT_TRY(storage_.MarkMessageSent(message.id, clock_.Now()));
  ++counts.sent;
  return core::Ok();
}

core::Result<void> Deliverer::DeliverOffer(const OutboxMessage& message, DeliveryCounts& counts) {
  const core::Instant now = clock_.Now();
  if (!message.waitlist_offer) {
    return core::Error(core::ErrorCode::kInternal, "an offer message names no offer");
  }
  auto setup = UNKNOT_TRY(storage_.LoadSetup(message.clinic));
  auto found = UNKNOT_TRY(storage_.FindOfferForMessage(message.clinic, *message.waitlist_offer));
  auto zone = UNKNOT_TRY(core::TimeZone::Find(setup->clinic.time_zone));
  const core::ports::WaitlistOffer& offer = found.offer;
  if (offer.status != core::ports::OfferStatus::kOpen || offer.expires_at <= now ||
      found.link_token.empty()) {
    UNKNOT_TRY(storage_.MarkMessageSkipped(message.id, "the offer is no longer open", now));
    ++counts.skipped;
    return core::Ok();
  }
  // The offer rendered as the appointment it would become; the link is the offer's page (the
  // token in the fragment, never sent to a server log).
  const core::scheduling::Appointment appointment{
      .id = {},
      .patient = {},
      .practitioner = offer.practitioner,
      .service = offer.service,
      .room = {},
      .time = offer.time,
      .blocked_until = offer.blocked_until,
      .status = core::scheduling::AppointmentStatus::kBooked,
      .source = core::scheduling::BookingSource::kOnline,
      .created_at = offer.created_at,
      .updated_at = offer.created_at,
      .cancelled_at = std::nullopt,
      .assessment = std::nullopt};
  const core::clinic::Patient patient{.id = {},
                                      .given_name = found.entry.given_name,
                                      .family_name = found.entry.family_name,
                                      .email = found.entry.email,
                                      .phone = found.entry.phone,
                                      .created_at = {}};
  MessageContext context{*setup, zone, appointment, patient,
                         options_.public_url + "/c/" + setup->clinic.slug +
                             "/waitlist/offer#token=" + found.link_token};
  const auto own_wording = UNKNOT_TRY(storage_.ListMessageTemplates(message.clinic));
  const Template& wording = WordingFor(message.kind, own_wording);
  if (message.channel == MessageChannel::kEmail) {
    if (!IsPlainAddress(patient.email) || !IsPlainAddress(options_.from_address)) {
      return core::Error(core::ErrorCode::kInvalidArgument, "not a deliverable e-mail address");
    }
    RenderedEmail email = RenderEmail(message.kind, context, options_.from_address, wording);
    Envelope envelope{options_.from_address, setup->clinic.name, message.key, now};
    UNKNOT_TRY(email_->Send(options_.from_address, patient.email, BuildMime(email, envelope)));
  } else {
    if (sms_ == nullptr) return core::Error(core::ErrorCode::kUnavailable, "no SMS sender");
    auto settings = UNKNOT_TRY(storage_.FindMessageSettings(message.clinic));
    if (settings.sms_webhook_url.empty() || patient.phone.empty()) {
      UNKNOT_TRY(storage_.MarkMessageSkipped(message.id, "no SMS webhook or phone", now));
      ++counts.skipped;
      return core::Ok();
    }
    UNKNOT_TRY(sms_->Send(settings.sms_webhook_url, settings.sms_webhook_secret, message.key,
                          patient.phone, RenderSms(message.kind, context, wording)));
  }
  UNKNOT_TRY(storage_.MarkMessageSent(message.id, clock_.Now()));
  ++counts.sent;
  return core::Ok();
}

DeliveryThread::DeliveryThread(std::unique_ptr<Deliverer> deliverer,
                               std::chrono::milliseconds idle_wait)
    : deliverer_(std::move(deliverer)), idle_wait_(idle_wait), thread_([this] { Run(); }) {}

DeliveryThread::~DeliveryThread() { Stop(); }

void DeliveryThread::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryThread::Run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    auto counts = deliverer_->RunOnce();
    if (!counts) spdlog::warn("delivery: cannot claim messages: {}", counts.error().message());
    // A full batch: more may be due at once.
    if (counts && counts->claimed > 0) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, idle_wait_, [this] { return stop_; });
    if (stop_) return;
  }
}

}  // namespace unknot::messaging
