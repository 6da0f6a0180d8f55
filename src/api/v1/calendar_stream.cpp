#include "api/v1/calendar_stream.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http/sse.hpp"
#include "api/http/stream.hpp"

namespace unknot::api::v1 {
namespace {

using core::Error;
using core::ErrorCode;
using core::ports::AppointmentChange;
namespace staff = core::staff;

constexpr std::chrono::seconds kKeepAlive{15};
// What a client's EventSource waits before it reconnects after the connection dropped.
constexpr int kRetryMilliseconds = 2000;

std::optional<std::int64_t> ParseChangeNumber(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return value;
}

// One open stream as the change feed sees it: formats the changes it may show and queues them.
class StreamSubscriber final : public app::ChangeSubscriber {
 public:
  enum class Scope { kClinic, kOnePractitioner, kNothing };

  StreamSubscriber(std::shared_ptr<http::StreamSink> sink, Scope scope,
                   std::optional<core::PractitionerId> practitioner)
      : sink_(std::move(sink)), scope_(scope), practitioner_(practitioner) {}

  bool Deliver(const std::vector<AppointmentChange>& changes) override {
    std::string out;
    for (const AppointmentChange& change : changes) {
      if (!Shows(change)) continue;
      out += AppointmentEvent(change);
    }
    if (out.empty()) return sink_->open();
    return sink_->Send(std::move(out));
  }

  bool Alive() const override { return sink_->open(); }

 private:
  bool Shows(const AppointmentChange& change) const {
    switch (scope_) {
      case Scope::kClinic:
        return true;
      case Scope::kOnePractitioner:
        return change.appointment.practitioner == practitioner_;
      case Scope::kNothing:
        return false;
    }
    return false;
  }

  std::shared_ptr<http::StreamSink> sink_;
  Scope scope_;
  std::optional<core::PractitionerId> practitioner_;
};

}  // namespace

core::Result<std::optional<std::int64_t>> ResumeAfter(const http::Request& request) {
  if (auto header = request.Header("last-event-id")) {
    auto after = ParseChangeNumber(*header);
    if (!after) return Error::InvalidField("Last-Event-ID", "must be a change number");
    return std::optional<std::int64_t>(*after);
  }
  if (auto query = request.QueryParam("after")) {
    auto after = ParseChangeNumber(*query);
    if (!after) return Error::InvalidField("after", "must be a change number");
    return std::optional<std::int64_t>(*after);
  }
  return std::optional<std::int64_t>();
}

std::string AppointmentEvent(const AppointmentChange& change) {
  const core::scheduling::Appointment& a = change.appointment;
  nlohmann::ordered_json data = {
      {"id", a.id.value()},
      {"change", change.change},
      {"status", core::scheduling::ToString(a.status)},
      {"source", core::scheduling::ToString(a.source)},
      {"practitioner", a.practitioner.value()},
      {"room", a.room.value()},
      {"service", a.service.value()},
      {"start", core::FormatInstant(a.time.start())},
      {"end", core::FormatInstant(a.time.end())},
  };
  return http::SseEvent(std::to_string(change.change), "appointment", data.dump());
}

std::string ReadyEvent(std::int64_t after) {
  nlohmann::ordered_json data = {{"change", after}};
  return "retry: " + std::to_string(kRetryMilliseconds) + "\n" +
         http::SseEvent(std::to_string(after), "ready", data.dump());
}

void AddCalendarStreamRoutes(StaffRoutes& staff, app::LiveChanges& live,
                             core::ports::AppointmentChangeFeed& feed) {
  staff.AddStream(
      http::Method::kGet, kCalendarEventsPattern, staff::Action::kViewSchedule,
      [&live, &feed](http::Request& request, StaffRequest& who) -> http::StreamReply {
        auto resume = ResumeAfter(request);
        if (!resume) return http::Problem(resume.error());
        StreamSubscriber::Scope scope = StreamSubscriber::Scope::kClinic;
        std::optional<core::PractitionerId> practitioner;
        switch (who.ListScope()) {
          case staff::Access::kClinic:
            break;
          case staff::Access::kOwnSchedule:
          case staff::Access::kOwnPatients:
            // Their own schedule only; without a practitioner record they have none.
            practitioner = who.principal().practitioner;
            scope = practitioner ? StreamSubscriber::Scope::kOnePractitioner
                                 : StreamSubscriber::Scope::kNothing;
            break;
          case staff::Access::kDenied:
            return http::Problem(Error(ErrorCode::kForbidden, "your role may not do this"));
        }
        const core::ClinicId clinic = who.clinic().id;
        auto last = feed.LastChange(clinic);
        if (!last) return http::Problem(last.error());
        // A number from the future (another database, a reset one) resumes from now.
        const std::int64_t after = resume->has_value() ? std::min(**resume, *last) : *last;
        http::StreamStart start;
        start.status = 200;
        start.content_type = "text/event-stream";
        start.headers = {{"X-Accel-Buffering", "no"}};  // nginx: pass events on at once
        start.heartbeat = http::SseComment("keep-alive");
        start.heartbeat_interval = kKeepAlive;
        start.on_open = [&live, clinic, after, scope,
                         practitioner](std::shared_ptr<http::StreamSink> sink) {
          if (!sink->Send(ReadyEvent(after))) return;
          live.Subscribe(clinic, after,
                         std::make_shared<StreamSubscriber>(std::move(sink), scope, practitioner));
        };
        return start;
      });
}

}  // namespace unknot::api::v1
