#include "messaging/wordings.hpp"

#include "messaging/render.hpp"

namespace unknot::messaging {

const core::ports::MessageWording& Wordings::Default(core::ports::MessageKind kind) const {
  return DefaultTemplate(kind);
}

api::v1::MessageWordings::Rendered Wordings::Sample(
    core::ports::MessageKind kind, const core::clinic::ClinicSetup& setup,
    const core::TimeZone& zone, core::Instant start,
    const core::ports::MessageWording& wording) const {
  // The clinic's first service and someone who delivers it (a set-up may lack either).
  const core::clinic::Service* service = setup.services.empty() ? nullptr : &setup.services[0];
  core::PractitionerId practitioner{};
  for (const auto& p : setup.practitioners) {
    if (service == nullptr || service->CanBeDeliveredBy(p)) {
      practitioner = p.id;
      break;
    }
  }
  const auto length = service != nullptr ? service->duration : std::chrono::minutes{60};
  const bool cancelled =
      kind == core::ports::MessageKind::kCancelled || kind == core::ports::MessageKind::kDeclined;
  const core::scheduling::Appointment appointment{
      .id = core::AppointmentId{1},
      .patient = core::PatientId{1},
      .practitioner = practitioner,
      .service = service != nullptr ? service->id : core::ServiceId{},
      .room = setup.rooms.empty() ? core::RoomId{} : setup.rooms[0].id,
      .time = core::Interval::Create(start, start + length).value(),
      .blocked_until = start + length,
      .status = cancelled ? core::scheduling::AppointmentStatus::kCancelled
                          : core::scheduling::AppointmentStatus::kBooked,
      .source = core::scheduling::BookingSource::kOnline,
      .created_at = start,
      .updated_at = start,
      .cancelled_at = std::nullopt,
      .assessment = std::nullopt};
  core::clinic::Patient patient;
  patient.given_name = "Alex";
  patient.family_name = "Example";
  patient.email = "alex@example.org";
  patient.phone = "+15555550100";
  const MessageContext context{
      setup, zone, appointment, patient,
      "https://clinic.example/c/" + setup.clinic.slug + "/manage/1#token=…"};
  RenderedEmail email = RenderEmail(kind, context, "no-reply@clinic.example", wording);
  return {std::move(email.subject), std::move(email.text), std::move(email.html),
          RenderSms(kind, context, wording)};
}

}  // namespace unknot::messaging
