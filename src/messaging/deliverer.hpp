#pragma once

// The delivery worker (issue 16): drains the outbox. It claims a batch of due messages (a lease,
// see core/ports/outbox.hpp), renders each from the appointment as stored now, sends it and marks
// it sent, or failed (retried with backoff, dead after the policy's attempts). A message that no
// longer applies (a confirmation of an appointment cancelled meanwhile, a reminder of one that
// moved or passed) is marked skipped. The key of the row is the e-mail's Message-ID and the
// webhook's idempotency key, so a message sent again after a crash carries the same one.
//
// Each message's manage link carries a fresh manage token (`#token=` in the fragment, as the
// patient app reads it), stored (only its hash) as one more valid manage token of the appointment
// before the message is sent (core/ports/patient_messages.hpp); a message sent again after a
// crash may carry another token, and both open the appointment. A reminder to a patient who
// turned reminders off is skipped ("reminders off"); so is an e-mail to an address that bounced
// ("address bounced") until the patient's address changes. A permanent refusal of the recipient
// (SMTP 5xx) records the bounce and makes the message dead at once; anything else is retried.
//
// Runs inside `unknot serve` (DeliveryThread) or as `unknot deliver`; several deliverers may run
// on one PostgreSQL database.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "core/ports/tokens.hpp"
#include "messaging/senders.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::messaging {

struct DeliveryOptions {
  std::string from_address = "no-reply@localhost";   // the envelope and From: address
  std::string public_url = "http://localhost:8080";  // links in messages: {public_url}/c/...
  int batch = 50;                                    // messages claimed at once
  std::chrono::seconds lease{120};  // a claimed message is not due again for this long
  core::ports::RetryPolicy retry;
  std::chrono::milliseconds idle_wait{1000};  // between polls when nothing was due
  // Whether each round also runs the waitlist step first (app::RunWaitlistOnce): lapse offers,
  // end entries, turn freed times into offers, whose messages the same round then sends.
  bool waitlist = true;
};

struct DeliveryCounts {
  int claimed = 0;
  int sent = 0;
  int failed = 0;
  int skipped = 0;
  int bounced =
      0;  // refused for good by the server: the address is marked bounced, the message dead
};

class Deliverer {
 public:
  // `sms` may be null: SMS messages then fail (and end dead) with "no SMS sender". `tokens` makes
  // the manage token of each message's link.
  Deliverer(core::ports::Storage& storage, std::unique_ptr<EmailSender> email,
            std::unique_ptr<SmsSender> sms, std::unique_ptr<core::ports::TokenService> tokens,
            const core::Clock& clock, DeliveryOptions options);

  // Runs the waitlist step (when options.waitlist; its failure is logged), then claims one batch
  // and delivers it. Fails only when the claim itself fails.
  core::Result<DeliveryCounts> RunOnce();

 private:
  core::Result<void> Deliver(const core::ports::OutboxMessage& message, DeliveryCounts& counts);
  // A fresh manage token for one message's link, its hash stored first; the absolute link.
  core::Result<std::string> ManageUrl(const core::ports::OutboxMessage& message,
                                      std::string_view clinic_slug);
  // A waitlist offer's message: rendered from the offer while it is open, else skipped.
  core::Result<void> DeliverOffer(const core::ports::OutboxMessage& message,
                                  DeliveryCounts& counts);

  core::ports::Storage& storage_;
  std::unique_ptr<EmailSender> email_;
  std::unique_ptr<SmsSender> sms_;
  std::unique_ptr<core::ports::TokenService> tokens_;
  const core::Clock& clock_;
  DeliveryOptions options_;
};

// Runs a Deliverer on its own thread until Stop (or destruction): a batch after another while
// messages are due, else a wait of idle_wait.
class DeliveryThread {
 public:
  explicit DeliveryThread(std::unique_ptr<Deliverer> deliverer,
                          std::chrono::milliseconds idle_wait);
  ~DeliveryThread();
  DeliveryThread(const DeliveryThread&) = delete;
  DeliveryThread& operator=(const DeliveryThread&) = delete;
  void Stop();

 private:
  void Run();

  std::unique_ptr<Deliverer> deliverer_;
  std::chrono::milliseconds idle_wait_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace unknot::messaging
