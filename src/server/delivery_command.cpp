#include "server/delivery_command.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "messaging/mime.hpp"
#include "security/sodium_tokens.hpp"
#include "server/command_support.hpp"

namespace unknot::server {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested.store(true); }

}  // namespace

core::Result<messaging::SmtpSettings> SmtpSettingsOf(const DeliveryFlags& flags) {
  messaging::SmtpSettings settings;
  settings.url = flags.smtp;
  if (!flags.smtp.starts_with("smtp://") && !flags.smtp.starts_with("smtps://")) {
    return core::Error::InvalidField("--smtp", "must be smtp://HOST:PORT or smtps://HOST:PORT");
  }
  if (flags.smtp.starts_with("smtps://")) {
    settings.tls = messaging::SmtpTls::kImplicit;
  } else if (flags.smtp_tls == "starttls") {
    settings.tls = messaging::SmtpTls::kStartTls;
  } else if (flags.smtp_tls != "none") {
    return core::Error::InvalidField("--smtp-tls", "must be none or starttls");
  }
  if (!flags.smtp_credentials.empty()) {
    UNKNOT_TRY(messaging::ReadSmtpCredentials(flags.smtp_credentials, settings));
  } else if (const char* user = std::getenv("UNKNOT_SMTP_USERNAME"); user != nullptr && *user) {
    settings.username = user;
    const char* password = std::getenv("UNKNOT_SMTP_PASSWORD");
    settings.password = password != nullptr ? password : "";
  }
  return settings;
}

core::Result<std::unique_ptr<messaging::Deliverer>> MakeDeliverer(core::ports::Storage& storage,
                                                                  const core::Clock& clock,
                                                                  const DeliveryFlags& flags) {
  auto smtp = UNKNOT_TRY(SmtpSettingsOf(flags));
  if (!messaging::IsPlainAddress(flags.mail_from)) {
    return core::Error::InvalidField("--mail-from",
                                     "must be a plain address, e.g. "
                                     "bookings@clinic.example");
  }
  if (flags.retry_seconds <= 0) {
    return core::Error::InvalidField("--delivery-retry", "must be a positive number of seconds");
  }
  if (flags.batch <= 0 || flags.lease_seconds <= 0 || flags.idle_ms <= 0) {
    return core::Error::InvalidField("--delivery-batch", "batch, lease and wait must be positive");
  }
  messaging::DeliveryOptions options;
  options.from_address = flags.mail_from;
  options.public_url = flags.public_url;
  while (!options.public_url.empty() && options.public_url.back() == '/') {
    options.public_url.pop_back();
  }
  options.batch = flags.batch;
  options.lease = std::chrono::seconds{flags.lease_seconds};
  options.idle_wait = std::chrono::milliseconds{flags.idle_ms};
  options.retry.first_delay = std::chrono::seconds{flags.retry_seconds};
  return std::make_unique<messaging::Deliverer>(
      storage, messaging::MakeSmtpSender(smtp), messaging::MakeWebhookSmsSender(smtp.timeout),
      std::make_unique<security::SodiumTokens>(), clock, options);
}

int Deliver(const DeliverOptions& options) {
  core::SystemClock clock;
  auto storage = OpenStorage(options.database, clock);
  if (!storage) return Fail(storage.error());
  auto deliverer = MakeDeliverer(**storage, clock, options.delivery);
  if (!deliverer) return Fail(deliverer.error());
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  long sent = 0;
  while (!stop_requested.load()) {
    auto counts = (*deliverer)->RunOnce();
    if (!counts && options.once) return Fail(counts.error());
    if (!counts) {
      spdlog::warn("delivery: cannot claim messages: {}", counts.error().message());
    } else {
      sent += counts->sent;
      if (counts->claimed > 0) continue;
      if (options.once) break;
    }
    // Waits in small steps so a signal ends it soon.
    for (int waited = 0; waited < options.delivery.idle_ms && !stop_requested.load();
         waited += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
  }
  std::printf("delivered %ld messages\n", sent);
  return 0;
}

}  // namespace unknot::server
