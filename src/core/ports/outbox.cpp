#include "core/ports/outbox.hpp"

#include <algorithm>

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

std::chrono::seconds RetryPolicy::DelayAfter(int failed_attempts) const {
  std::chrono::seconds delay = first_delay;
  for (int i = 1; i < failed_attempts && delay < max_delay; ++i) delay *= 2;
  return std::min(delay, max_delay);
}

}  // namespace unknot::core::ports
