#include "api/v1/message_routes.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "api/json/request_body.hpp"
#include "api/json/staff_json.hpp"
#include "api/v1/query_params.hpp"
#include "app/booking.hpp"

namespace unknot::api::v1 {
namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using http::Request;
using http::Response;
using Json = nlohmann::json;
namespace dto = api::json;
namespace ports = core::ports;
namespace staff = core::staff;
using ports::MessageKind;

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 500;

// The kinds in the order the set-up page shows them, with what each is for.
constexpr std::array<std::pair<MessageKind, std::string_view>, 8> kKinds{{
    {MessageKind::kBooked, "Booking confirmation"},
    {MessageKind::kRequested, "Request received (needs the front desk's approval)"},
    {MessageKind::kApproved, "Request approved"},
    {MessageKind::kDeclined, "Request declined"},
    {MessageKind::kReminder, "Reminder before the visit"},
    {MessageKind::kMoved, "Appointment moved"},
    {MessageKind::kCancelled, "Appointment cancelled"},
    {MessageKind::kWaitlistOffer, "Waitlist offer (a freed time, held for the patient)"},
}};

template <typename Handler>
StaffHandler Answer(Handler handler) {
  return [handler](Request& request, StaffRequest& staff) {
    Result<Response> response = handler(request, staff);
    if (!response) return http::Problem(response.error());
    return std::move(*response);
  };
}

Result<MessageKind> PathKind(const Request& request) {
  auto kind = ports::ParseMessageKind(request.PathParam("kind"));
  if (!kind) return Error::NotFound("no such kind of message");
  return *kind;
}

Json WordingJson(const ports::MessageWording& w) {
  return {{"subject", w.subject}, {"text", w.text}, {"sms", w.sms}};
}

Result<ports::MessageWording> ParseWording(const Request& request) {
  static constexpr std::array<std::string_view, 1> kMultiline{"text"};
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body, kMultiline));
  ports::MessageWording w;
  for (auto [name, target] :
       {std::pair{"subject", &w.subject}, std::pair{"text", &w.text}, std::pair{"sms", &w.sms}}) {
    auto found = body.find(name);
    if (found == body.end() || !found->is_string()) {
      return Error::InvalidField(name, "is required: text with {{placeholders}}");
    }
    *target = found->get<std::string>();
  }
  // Line breaks typed in a browser's text area arrive as CRLF: store LF.
  w.text.erase(std::remove(w.text.begin(), w.text.end(), '\r'), w.text.end());
  UNKNOT_TRY(ports::ValidateMessageWording(w));
  return w;
}

Json MessageJson(const ports::OutboxMessage& m) {
  Json out{{"id", m.id.value()},
           {"kind", ports::MessageKindName(m.kind)},
           {"channel", ports::MessageChannelName(m.channel)},
           {"status", ports::MessageStatusName(m.status)},
           {"attempts", m.attempts},
           {"last_error", m.last_error},
           {"due_at", core::FormatInstant(m.due_at)},
           {"next_attempt_at", core::FormatInstant(m.next_attempt_at)},
           {"created_at", core::FormatInstant(m.created_at)},
           {"appointment_id", m.appointment.value()}};
  out["sent_at"] = m.sent_at ? Json(core::FormatInstant(*m.sent_at)) : Json(nullptr);
  return out;
}

// A message with the appointment and patient it is about (staff need to know whom to call).
Result<Json> MessageWithContextJson(ports::Storage& storage, const app::ClinicContext& context,
                                    const ports::OutboxMessage& m) {
  Json out = MessageJson(m);
  auto appointment = storage.FindAppointment(m.clinic, m.appointment);
  if (!appointment) {
    if (appointment.error().code() != ErrorCode::kNotFound) return std::move(appointment).error();
    out["appointment"] = nullptr;
    out["patient"] = nullptr;
    return out;
  }
  out["appointment"] = dto::StaffAppointmentJson(context, *appointment);
  out["patient"] =
      dto::PatientContactJson(UNKNOT_TRY(storage.FindPatient(m.clinic, appointment->patient)));
  return out;
}

Result<Response> ListMessages(ports::Storage& storage, const Request& request,
                              StaffRequest& staff) {
  if (staff.ListScope() != staff::Access::kClinic) {
    return Error(ErrorCode::kForbidden, "your role may not do this");
  }
  auto status = request.QueryParam("status");
  if (!status || *status != "dead") {
    return Error::InvalidField("status", "must be dead (the messages that could not be sent)");
  }
  int limit = kDefaultListLimit;
  if (auto text = request.QueryParam("limit")) {
    auto parsed = ParsePositiveId(*text);
    if (!parsed || *parsed > kMaxListLimit) {
      return Error::InvalidField(
          "limit", "must be a whole number from 1 to " + std::to_string(kMaxListLimit));
    }
    limit = static_cast<int>(*parsed);
  }
  const core::ClinicId clinic = staff.clinic().id;
  auto dead = UNKNOT_TRY(storage.ListDeadMessages(clinic, limit));
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  Json out = Json::array();
  for (const ports::OutboxMessage& m : dead) {
    out.push_back(UNKNOT_TRY(MessageWithContextJson(storage, context, m)));
  }
  UNKNOT_TRY(staff.RecordRead(std::nullopt, "messages?status=dead",
                              std::to_string(dead.size()) + " dead messages"));
  return Response::Json(200, Json{{"messages", std::move(out)}}.dump());
}

Result<Response> Retry(ports::Storage& storage, const Request& request, StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  auto id = ParsePositiveId(request.PathParam("id"));
  if (!id) return Error::NotFound("no such message");
  UNKNOT_TRY(staff.Authorize(staff::Target::List(clinic)));
  auto retried = storage.RetryMessage(
      clinic, ports::MessageId{*id}, staff.now(),
      staff.Audit(std::nullopt, "message/" + std::to_string(*id), "put back in the queue"));
  if (!retried) {
    if (retried.error().code() == ErrorCode::kConflict) {
      return http::Problem(409, "Not a dead message", retried.error().message());
    }
    return std::move(retried).error();
  }
  staff.Recorded();
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, clinic));
  return Response::Json(
      200,
      Json{{"message", UNKNOT_TRY(MessageWithContextJson(storage, context, *retried))}}.dump());
}

Result<Json> SettingsJson(ports::Storage& storage, core::ClinicId clinic) {
  ports::MessageSettings settings = UNKNOT_TRY(storage.FindMessageSettings(clinic));
  ports::WaitlistSettings waitlist = UNKNOT_TRY(storage.FindWaitlistSettings(clinic));
  return Json{{"reminder_hours", settings.reminder_lead.count()},
              {"sms_webhook_url", settings.sms_webhook_url},
              {"sms_webhook_secret_set", !settings.sms_webhook_secret.empty()},
              {"hold_minutes", UNKNOT_TRY(storage.FindHoldMinutes(clinic))},
              {"waitlist_offer_minutes", waitlist.offer_minutes.count()},
              {"waitlist_offers_at_once", waitlist.offers_at_once}};
}

Result<Response> SaveSettings(ports::Storage& storage, const Request& request,
                              StaffRequest& staff) {
  const core::ClinicId clinic = staff.clinic().id;
  Json body = UNKNOT_TRY(dto::ParseObjectBody(request.body));
  ports::MessageSettings settings = UNKNOT_TRY(storage.FindMessageSettings(clinic));
  int hold_minutes = UNKNOT_TRY(storage.FindHoldMinutes(clinic));
  auto hours = body.find("reminder_hours");
  if (hours != body.end()) {
    if (!hours->is_number_integer() || hours->get<std::int64_t>() < 0 ||
        hours->get<std::int64_t>() > 336) {
      return Error::InvalidField("reminder_hours",
                                 "must be a whole number of hours from 0 (no reminders) to 336");
    }
    settings.reminder_lead = std::chrono::hours{hours->get<std::int64_t>()};
  }
  auto url = body.find("sms_webhook_url");
  if (url != body.end()) {
    if (!url->is_string()) return Error::InvalidField("sms_webhook_url", "must be text");
    settings.sms_webhook_url = url->get<std::string>();
    if (settings.sms_webhook_url.size() > 2000) {
      return Error::InvalidField("sms_webhook_url", "must be at most 2000 bytes");
    }
  }
  auto secret = body.find("sms_webhook_secret");
  if (secret != body.end()) {
    if (!secret->is_string()) return Error::InvalidField("sms_webhook_secret", "must be text");
    settings.sms_webhook_secret = secret->get<std::string>();
    if (!settings.sms_webhook_secret.empty() && settings.sms_webhook_secret.size() < 16) {
      return Error::InvalidField("sms_webhook_secret", "must be at least 16 characters");
    }
  }
  // No webhook, no secret kept for it.
  if (settings.sms_webhook_url.empty()) settings.sms_webhook_secret.clear();
  auto minutes = body.find("hold_minutes");
  if (minutes != body.end()) {
    if (!minutes->is_number_integer() || minutes->get<std::int64_t>() < ports::kMinHoldMinutes ||
        minutes->get<std::int64_t>() > ports::kMaxHoldMinutes) {
      return Error::InvalidField("hold_minutes", "must be a whole number of minutes from " +
                                                     std::to_string(ports::kMinHoldMinutes) +
                                                     " to " +
                                                     std::to_string(ports::kMaxHoldMinutes));
    }
    hold_minutes = static_cast<int>(minutes->get<std::int64_t>());
  }
  ports::WaitlistSettings waitlist = UNKNOT_TRY(storage.FindWaitlistSettings(clinic));
  auto offer_minutes = body.find("waitlist_offer_minutes");
  if (offer_minutes != body.end()) {
    if (!offer_minutes->is_number_integer() || offer_minutes->get<std::int64_t>() < 1 ||
        offer_minutes->get<std::int64_t>() > 240) {
      return Error::InvalidField("waitlist_offer_minutes",
                                 "must be a whole number of minutes from 1 to 240");
    }
    waitlist.offer_minutes = std::chrono::minutes{offer_minutes->get<std::int64_t>()};
  }
  auto at_once = body.find("waitlist_offers_at_once");
  if (at_once != body.end()) {
    if (!at_once->is_number_integer() || at_once->get<std::int64_t>() < 1 ||
        at_once->get<std::int64_t>() > 20) {
      return Error::InvalidField("waitlist_offers_at_once",
                                 "must be a whole number from 1 (one offer at a time) to 20");
    }
    waitlist.offers_at_once = static_cast<int>(at_once->get<std::int64_t>());
  }
  // Everything is checked before the write.
  UNKNOT_TRY(ports::ValidateMessageSettings(settings));
  const std::string detail = "reminder " + std::to_string(settings.reminder_lead.count()) +
                             " h, sms " + (settings.sms_webhook_url.empty() ? "off" : "on") +
                             ", holds " + std::to_string(hold_minutes) + " min";
  // One write: the three parts are stored together or not at all.
  UNKNOT_TRY(storage.SaveMessageSetup(
      clinic, {.messages = settings, .hold_minutes = hold_minutes, .waitlist = waitlist},
      staff.Audit(std::nullopt, "setup/messages",
                  detail + ", waitlist offers held " +
                      std::to_string(waitlist.offer_minutes.count()) + " min, " +
                      std::to_string(waitlist.offers_at_once) + " at once")));
  staff.Recorded();
  return Response::Json(200, UNKNOT_TRY(SettingsJson(storage, clinic)).dump());
}

Result<Response> ListTemplates(ports::Storage& storage, const MessageWordings& wordings,
                               StaffRequest& staff) {
  auto own = UNKNOT_TRY(storage.ListMessageTemplates(staff.clinic().id));
  Json templates = Json::array();
  for (const auto& [kind, label] : kKinds) {
    Json item{{"kind", ports::MessageKindName(kind)},
              {"label", label},
              {"default", WordingJson(wordings.Default(kind))},
              {"own", nullptr}};
    for (const ports::MessageTemplate& t : own) {
      if (t.kind != kind) continue;
      item["own"] = WordingJson(t.wording);
      item["own"]["updated_at"] = core::FormatInstant(t.updated_at);
    }
    templates.push_back(std::move(item));
  }
  Json placeholders = Json::array();
  for (std::string_view name : ports::kMessagePlaceholders) placeholders.push_back(name);
  return Response::Json(
      200,
      Json{{"placeholders", std::move(placeholders)}, {"templates", std::move(templates)}}.dump());
}

Result<Response> SaveTemplate(ports::Storage& storage, const Request& request,
                              StaffRequest& staff) {
  const MessageKind kind = UNKNOT_TRY(PathKind(request));
  const ports::MessageWording wording = UNKNOT_TRY(ParseWording(request));
  const std::string record =
      "setup/messages/templates/" + std::string(ports::MessageKindName(kind));
  ports::MessageTemplate stored = UNKNOT_TRY(storage.SaveMessageTemplate(
      staff.clinic().id, kind, wording, staff.now(), staff.Audit(std::nullopt, record, "saved")));
  staff.Recorded();
  Json out = WordingJson(stored.wording);
  out["kind"] = ports::MessageKindName(kind);
  out["updated_at"] = core::FormatInstant(stored.updated_at);
  return Response::Json(200, out.dump());
}

Result<Response> ResetTemplate(ports::Storage& storage, const Request& request,
                               StaffRequest& staff) {
  const MessageKind kind = UNKNOT_TRY(PathKind(request));
  const std::string record =
      "setup/messages/templates/" + std::string(ports::MessageKindName(kind));
  UNKNOT_TRY(storage.ResetMessageTemplate(
      staff.clinic().id, kind, staff.Audit(std::nullopt, record, "back to the built-in wording")));
  staff.Recorded();
  Response response = Response::Json(204, "");
  response.body.clear();
  return response;
}

Result<Response> Preview(ports::Storage& storage, const MessageWordings& wordings,
                         const Request& request, StaffRequest& staff) {
  const MessageKind kind = UNKNOT_TRY(PathKind(request));
  const ports::MessageWording wording = UNKNOT_TRY(ParseWording(request));
  app::ClinicContext context = UNKNOT_TRY(app::LoadClinic(storage, staff.clinic().id));
  // The sample visit: tomorrow at 09:00, clinic time.
  const core::LocalDateTime now_local = core::UtcToLocal(context.zone, staff.now());
  const auto tomorrow = date::floor<date::days>(now_local) + date::days{1};
  const core::Instant start = UNKNOT_TRY(core::LocalToUtc(
      context.zone, tomorrow + std::chrono::hours{9}, core::kWorkingHoursDstPolicy));
  MessageWordings::Rendered r =
      wordings.Sample(kind, context.setup(), context.zone, start, wording);
  std::size_t sms_length = 0;
  for (char c : r.sms) sms_length += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return Response::Json(200, Json{{"subject", r.subject},
                                  {"text", r.text},
                                  {"html", r.html},
                                  {"sms", r.sms},
                                  {"sms_length", sms_length}}
                                 .dump());
}

}  // namespace

void AddMessageRoutes(StaffRoutes& routes, ports::Storage& storage,
                      const MessageWordings& wordings) {
  const std::string base = "/api/v1/clinics/{clinic}";
  routes.Add(http::Method::kGet, base + "/messages", staff::Action::kViewMessages,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return ListMessages(storage, request, staff);
             }));
  routes.Add(http::Method::kPost, base + "/messages/{id}/retry", staff::Action::kRetryMessage,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return Retry(storage, request, staff);
             }));
  routes.Add(http::Method::kGet, base + "/setup/messages", staff::Action::kViewClinicSetup,
             Answer([&storage](Request&, StaffRequest& staff) -> Result<Response> {
               return Response::Json(200,
                                     UNKNOT_TRY(SettingsJson(storage, staff.clinic().id)).dump());
             }));
  routes.Add(http::Method::kPut, base + "/setup/messages", staff::Action::kEditClinicSetup,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return SaveSettings(storage, request, staff);
             }));
  routes.Add(http::Method::kGet, base + "/setup/messages/templates",
             staff::Action::kViewClinicSetup,
             Answer([&storage, &wordings](Request&, StaffRequest& staff) {
               return ListTemplates(storage, wordings, staff);
             }));
  routes.Add(http::Method::kPut, base + "/setup/messages/templates/{kind}",
             staff::Action::kEditClinicSetup,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return SaveTemplate(storage, request, staff);
             }));
  routes.Add(http::Method::kDelete, base + "/setup/messages/templates/{kind}",
             staff::Action::kEditClinicSetup,
             Answer([&storage](Request& request, StaffRequest& staff) {
               return ResetTemplate(storage, request, staff);
             }));
  routes.Add(http::Method::kPost, base + "/setup/messages/templates/{kind}/preview",
             staff::Action::kViewClinicSetup,
             Answer([&storage, &wordings](Request& request, StaffRequest& staff) {
               return Preview(storage, wordings, request, staff);
             }));
}

}  // namespace unknot::api::v1
