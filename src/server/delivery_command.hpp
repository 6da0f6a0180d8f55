#pragma once

// Message delivery for `unknot serve` (a worker thread) and `unknot deliver` (a process of its
// own; several may run on one PostgreSQL database): issue 16.

#include <chrono>
#include <memory>
#include <string>

#include "core/common/clock.hpp"
#include "core/ports/storage.hpp"
#include "messaging/deliverer.hpp"
#include "server/commands.hpp"

namespace unknot::server {

// The SMTP settings of the flags; credentials from the file, else from the environment
// (UNKNOT_SMTP_USERNAME, UNKNOT_SMTP_PASSWORD), never from the command line.
core::Result<messaging::SmtpSettings> SmtpSettingsOf(const DeliveryFlags& flags);

// A deliverer over `storage` with the flags' SMTP server and the SMS webhook adapter.
core::Result<std::unique_ptr<messaging::Deliverer>> MakeDeliverer(core::ports::Storage& storage,
                                                                  const core::Clock& clock,
                                                                  const DeliveryFlags& flags);

struct DeliverOptions {
  DatabaseOptions database;
  DeliveryFlags delivery;
  bool once = false;  // deliver what is due now, then exit
};

// `unknot deliver`: drains the outbox until SIGINT or SIGTERM (or, with --once, until nothing is
// due).
int Deliver(const DeliverOptions& options);

}  // namespace unknot::server
