#pragma once

// The wording side of patient messages as the staff routes see it (api/v1/message_routes.hpp):
// the built-in templates, and a wording rendered for a sample visit, so the set-up page can show
// exactly what a patient would get.

#include "api/v1/message_routes.hpp"

namespace unknot::messaging {

class Wordings final : public api::v1::MessageWordings {
 public:
  const core::ports::MessageWording& Default(core::ports::MessageKind kind) const override;
  Rendered Sample(core::ports::MessageKind kind, const core::clinic::ClinicSetup& setup,
                  const core::TimeZone& zone, core::Instant start,
                  const core::ports::MessageWording& wording) const override;
};

}  // namespace unknot::messaging
