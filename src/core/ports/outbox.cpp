#include "core/ports/outbox.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "core/common/enum_names.hpp"

namespace unknot::core::ports {
namespace {

constexpr EnumNames<MessageKind, 8> kKindNames{{
    {MessageKind::kBooked, "booked"},
    {MessageKind::kRequested, "requested"},
    {MessageKind::kApproved, "approved"},
    {MessageKind::kDeclined, "declined"},
    {MessageKind::kCancelled, "cancelled"},
    {MessageKind::kMoved, "moved"},
    {MessageKind::kReminder, "reminder"},
    {MessageKind::kWaitlistOffer, "waitlist_offer"},
}};
constexpr EnumNames<MessageChannel, 2> kChannelNames{{
    {MessageChannel::kEmail, "email"},
    {MessageChannel::kSms, "sms"},
}};
constexpr EnumNames<MessageStatus, 4> kStatusNames{{
    {MessageStatus::kQueued, "queued"},
    {MessageStatus::kSent, "sent"},
    {MessageStatus::kDead, "dead"},
    {MessageStatus::kSkipped, "skipped"},
}};

}  // namespace

std::string_view MessageKindName(MessageKind kind) { return NameOf(kKindNames, kind); }
std::optional<MessageKind> ParseMessageKind(std::string_view name) {
  return ValueOf(kKindNames, name);
}
std::string_view MessageChannelName(MessageChannel channel) {
  return NameOf(kChannelNames, channel);
}
std::optional<MessageChannel> ParseMessageChannel(std::string_view name) {
  return ValueOf(kChannelNames, name);
}
std::string_view MessageStatusName(MessageStatus status) { return NameOf(kStatusNames, status); }
std::optional<MessageStatus> ParseMessageStatus(std::string_view name) {
  return ValueOf(kStatusNames, name);
}

Result<void> ValidateMessageSettings(const MessageSettings& settings) {
  if (settings.reminder_lead < std::chrono::hours{0} ||
      settings.reminder_lead > std::chrono::hours{336}) {
    return Error::InvalidField("reminder_lead", "must be between 0 and 336 hours");
  }
  const std::string& url = settings.sms_webhook_url;
  if (!url.empty() && !url.starts_with("http://") && !url.starts_with("https://")) {
    return Error::InvalidField("sms_webhook_url", "must be an http:// or https:// URL");
  }
  if (!url.empty() && settings.sms_webhook_secret.empty()) {
    return Error::InvalidField("sms_webhook_secret", "is required with a webhook URL");
  }
  return Ok();
}

namespace {

// The first problem of `text` as a wording field, or "".
std::string WordingProblem(std::string_view text, bool line_breaks) {
  // UTF-8 well-formedness (lead and continuation bytes; enough to refuse binary junk).
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c >= 0x80) {
      if ((c >> 5) == 0x6) {
        extra = 1;
      } else if ((c >> 4) == 0xE) {
        extra = 2;
      } else if ((c >> 3) == 0x1E) {
        extra = 3;
      } else {
        return "must be UTF-8 text";
      }
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
        return "must be UTF-8 text";
    }
    const bool line_break = c == '\n' || c == '\r';
    if ((c < 0x20 && c != '\t' && !(line_breaks && line_break)) || c == 0x7F)
      return line_breaks || !line_break ? "must not hold control characters"
                                        : "must be one line of text";
    i += extra + 1;
  }
  for (std::size_t i = 0; (i = text.find("{{", i)) != std::string_view::npos;) {
    const std::size_t close = text.find("}}", i + 2);
    if (close == std::string_view::npos) return "has a \"{{\" without its \"}}\"";
    const std::string_view name = text.substr(i + 2, close - i - 2);
    if (std::find(std::begin(kMessagePlaceholders), std::end(kMessagePlaceholders), name) ==
        std::end(kMessagePlaceholders)) {
      return "has an unknown placeholder {{" + std::string(name.substr(0, 40)) + "}}";
    }
    i = close + 2;
  }
  return "";
}

}  // namespace

Result<void> ValidateMessageWording(const MessageWording& wording) {
  struct Field {
    const char* name;
    const std::string& value;
    std::size_t max;
    bool line_breaks;
  };
  for (const Field& f :
       {Field{"subject", wording.subject, 200, false}, Field{"text", wording.text, 10000, true},
        Field{"sms", wording.sms, 480, false}}) {
    if (f.value.empty()) return Error::InvalidField(f.name, "is required");
    if (f.value.size() > f.max) {
      return Error::InvalidField(f.name, "must be at most " + std::to_string(f.max) + " bytes");
    }
    if (std::string problem = WordingProblem(f.value, f.line_breaks); !problem.empty()) {
      return Error::InvalidField(f.name, problem);
    }
  }
  return Ok();
}

std::chrono::seconds RetryPolicy::DelayAfter(int failed_attempts) const {
  std::chrono::seconds delay = first_delay;
  for (int i = 1; i < failed_attempts && delay < max_delay; ++i) delay *= 2;
  return std::min(delay, max_delay);
}

}  // namespace unknot::core::ports
