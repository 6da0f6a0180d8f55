// Whether the patient may still move or cancel an appointment online: the same rule as the
// server's OnlineChangeRefusal (src/core/scheduling/change_policy.cpp), so the manage page can say
// so before the patient tries. The server stays the authority and refuses what this allows late.
import { Appointment, Clinic } from "./api";

export type ChangeRefusal = "not_booked" | "started" | "inside_cancellation_window";

export interface OnlineChange {
  refusal: ChangeRefusal | null;
  /** The last moment online changes are accepted (while refusal is null). */
  until: Date | null;
}

const minute = 60_000;

export function onlineChange(appointment: Pick<Appointment, "status" | "start" | "created_at">,
                             policy: Clinic["booking_policy"], now: Date = new Date()): OnlineChange {
  if (appointment.status !== "booked") return { refusal: "not_booked", until: null };
  const start = Date.parse(appointment.start);
  const t = now.getTime();
  if (t >= start) return { refusal: "started", until: null };
  const graceEnd = Date.parse(appointment.created_at) + policy.grace_period_minutes * minute;
  const windowStart = start - policy.cancellation_window_minutes * minute;
  const until = Math.min(start, Math.max(graceEnd, windowStart));
  if (t < graceEnd || t < windowStart) return { refusal: null, until: new Date(until) };
  return { refusal: "inside_cancellation_window", until: null };
}

/** "24 hours", "90 minutes", "2 days" for a number of minutes. */
export function describeMinutes(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes % 1440 === 0 && minutes >= 2880) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0 && minutes >= 60) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}
