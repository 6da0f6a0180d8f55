#pragma once

// The demo clinic that `unknot demo` and `make run` load: a San Francisco sports-chiropractic
// clinic with synthetic people, so a newcomer has something real to look at.

#include "core/clinic/clinic_setup.hpp"
#include "core/common/clock.hpp"
#include "core/common/result.hpp"
#include "core/ports/storage.hpp"

namespace unknot::app {

inline constexpr std::string_view kDemoClinicSlug = "mission-sports-chiro";

// The demo setup as of `now`: one practitioner's time off falls in the week after the one that
// contains `now` (clinic-local Monday to Saturday).
core::Result<core::clinic::ClinicSetup> DemoClinicSetup(core::Instant now);

enum class DemoOutcome { kCreated, kAlreadyPresent };

struct DemoResult {
  DemoOutcome outcome;
  core::clinic::Clinic clinic;
};

// Stores the demo clinic unless a clinic with its slug exists; running it twice changes nothing.
core::Result<DemoResult> LoadDemoClinic(core::ports::ClinicRepository& clinics,
                                        const core::Clock& clock);

}  // namespace unknot::app
