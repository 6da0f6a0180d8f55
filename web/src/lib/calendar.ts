// The .ics download for an appointment. The server writes the file (GET …/appointments/{id}.ics
// with the manage token); the app only turns it into a link.
import { useEffect, useState } from "preact/hooks";
import { api, Clinic } from "./api";

export function addressLine(clinic: Clinic): string {
  const a = clinic.address;
  return [a.line1, a.line2, `${a.city}, ${a.region} ${a.postal_code}`].filter(Boolean).join(", ");
}

export function icsHref(ics: string): string {
  return `data:text/calendar;charset=utf-8,${encodeURIComponent(ics)}`;
}

/** A download link for the appointment's calendar file, fetched again whenever `version`
 *  changes (a reschedule moves it); null while `version` is null (nothing to offer), until it
 *  arrives, or when the server cannot give it (the page then shows no calendar button). */
export function useCalendarHref(id: number, token: string, version: string | null): string | null {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setHref(null);
    if (version === null) return;
    api.calendar(id, token).then((ics) => { if (current) setHref(icsHref(ics)); }).catch(() => {});
    return () => { current = false; };
  }, [id, token, version]);
  return href;
}

export const WHAT_TO_BRING =
  "Wear or bring loose, comfortable clothes; bring a list of your medicines and any scans or " +
  "reports about your back; arrive 10 minutes early.";
