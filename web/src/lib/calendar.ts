// The .ics download for a booked appointment.
import { Appointment, Clinic } from "./api";
import { buildIcs } from "./ics";

export function addressLine(clinic: Clinic): string {
  const a = clinic.address;
  return [a.line1, a.line2, `${a.city}, ${a.region} ${a.postal_code}`].filter(Boolean).join(", ");
}

export function appointmentIcs(clinic: Clinic, appointment: Appointment, manageUrl?: string): string {
  return buildIcs({
    uid: `appointment-${appointment.id}@${clinic.slug}.unknot`,
    start: appointment.start,
    end: appointment.end,
    timeZone: appointment.time_zone || clinic.time_zone,
    summary: `${appointment.service.name} – ${clinic.name}`,
    location: addressLine(clinic),
    description: `With ${appointment.practitioner.display_name}. ${WHAT_TO_BRING}` +
      (manageUrl ? `\nChange or cancel: ${manageUrl}` : ""),
    ...(manageUrl ? { url: manageUrl } : {}),
  });
}

export function icsHref(ics: string): string {
  return `data:text/calendar;charset=utf-8,${encodeURIComponent(ics)}`;
}

export const WHAT_TO_BRING =
  "Wear or bring loose, comfortable clothes; bring a list of your medicines and any scans or " +
  "reports about your back; arrive 10 minutes early.";
