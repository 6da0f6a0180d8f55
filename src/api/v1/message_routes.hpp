#pragma once

// API v1 staff routes of patient messages (issue 16; docs/api.md "Patient messages"):
//   GET  …/messages?status=dead&limit=    the clinic's undelivered messages      view_messages
//   POST …/messages/{id}/retry             a dead message back in the queue      retry_message
//   GET  …/setup/messages                  reminder hours, SMS webhook, holds    view_clinic_setup
//   PUT  …/setup/messages                                                        edit_clinic_setup
//   GET  …/setup/messages/templates        each kind's built-in and own wording  view_clinic_setup
//   PUT  …/setup/messages/templates/{kind} the clinic's own wording of a kind    edit_clinic_setup
//   DELETE …/setup/messages/templates/{kind}  back to the built-in wording       edit_clinic_setup
//   POST …/setup/messages/templates/{kind}/preview  a wording rendered for a sample visit
//                                                                                view_clinic_setup
// The wording itself (the built-in templates and rendering) belongs to src/messaging, which this
// library may not depend on: the server hands it in as a MessageWordings.

#include <string>

#include "api/v1/staff_gate.hpp"
#include "core/clinic/clinic_setup.hpp"
#include "core/common/time.hpp"
#include "core/ports/outbox.hpp"
#include "core/ports/storage.hpp"

namespace unknot::api::v1 {

class MessageWordings {
 public:
  virtual ~MessageWordings() = default;

  // The built-in wording of a kind.
  virtual const core::ports::MessageWording& Default(core::ports::MessageKind kind) const = 0;

  struct Rendered {
    std::string subject;
    std::string text;
    std::string html;
    std::string sms;
  };
  // `wording` filled for a sample visit of the clinic starting at `start` (a made-up patient,
  // the clinic's first practitioner and service) as the patient would get it.
  virtual Rendered Sample(core::ports::MessageKind kind, const core::clinic::ClinicSetup& setup,
                          const core::TimeZone& zone, core::Instant start,
                          const core::ports::MessageWording& wording) const = 0;
};

// `storage` and `wordings` must outlive the router.
void AddMessageRoutes(StaffRoutes& routes, core::ports::Storage& storage,
                      const MessageWordings& wordings);

}  // namespace unknot::api::v1
