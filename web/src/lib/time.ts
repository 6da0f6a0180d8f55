// Formatting of clinic-local and UTC times. The API gives both a UTC instant and the clinic-local
// wall-clock time ("2026-12-08T09:00:00"); wall-clock strings are formatted as such (never
// reinterpreted in the browser's zone), instants are formatted in an explicit zone.

// Building an Intl.DateTimeFormat costs far more than using one (the first one loads locale
// data), so each set of options is built once.
const formatters = new Map<string, Intl.DateTimeFormat>();
export function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

const dayOrder = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** "2026-12-08T09:00:00" -> a Date whose UTC fields are those wall-clock fields. */
function wallClock(local: string): Date {
  const m = local.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/);
  if (!m) throw new Error(`not a local date-time: ${local}`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0)));
}

// Wall-clock times and dates are spelled out here rather than by Intl: they need no time zone,
// and the landing page then renders without loading the browser's locale data (~30 ms).
const weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const months = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

function clock(hour: number, minute: number): string {
  return `${hour % 12 || 12}:${String(minute).padStart(2, "0")} ${hour < 12 ? "AM" : "PM"}`;
}

/** "9:00 AM" for a clinic-local "2026-12-08T09:00:00". */
export function formatLocalTime(local: string): string {
  const d = wallClock(local);
  return clock(d.getUTCHours(), d.getUTCMinutes());
}

/** "Tuesday, December 8, 2026" for "2026-12-08" (or a local date-time). */
export function formatLocalDate(local: string): string {
  const d = wallClock(local);
  return `${weekdays[d.getUTCDay()]}, ${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/** "Tue, Dec 8" for "2026-12-08". */
export function formatShortDate(local: string): string {
  const d = wallClock(local);
  return `${weekdays[d.getUTCDay()].slice(0, 3)}, ${months[d.getUTCMonth()].slice(0, 3)} ${d.getUTCDate()}`;
}

/** The time of a UTC instant in `zone`, e.g. "5:00 PM". */
export function formatInstantTime(instant: string, zone: string): string {
  const parts = formatter("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone })
    .formatToParts(new Date(instant));
  const get = (t: string) => +(parts.find((p) => p.type === t)?.value ?? 0);
  return clock(get("hour") % 24, get("minute"));
}

/** The short name of `zone` at `instant`, e.g. "PST" (or "GMT-8" where no abbreviation exists). */
export function zoneAbbreviation(zone: string, instant: string | Date = new Date()): string {
  const parts = formatter("en-US", { timeZone: zone, timeZoneName: "short" })
    .formatToParts(typeof instant === "string" ? new Date(instant) : instant);
  return parts.find((p) => p.type === "timeZoneName")?.value ?? zone;
}

/** "America/Los_Angeles" -> "Los Angeles time". */
export function zoneLabel(zone: string): string {
  const city = zone.split("/").pop() ?? zone;
  return `${city.replace(/_/g, " ")} time`;
}

/** The calendar date ("YYYY-MM-DD") in `zone` at `now`, plus `addDays` days. */
export function localDate(zone: string, now: Date = new Date(), addDays = 0): string {
  const parts = formatter("en-CA", { timeZone: zone, year: "numeric",
    month: "2-digit", day: "2-digit" }).formatToParts(now);
  const get = (t: string) => +(parts.find((p) => p.type === t)?.value ?? 0);
  const d = new Date(Date.UTC(get("year"), get("month") - 1, get("day") + addDays));
  return d.toISOString().slice(0, 10);
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "Monday" for "monday". */
export function dayName(day: string): string {
  return day.charAt(0).toUpperCase() + day.slice(1);
}

/** Opening hours grouped per day, Monday first: [["Monday", "8:00 AM – 8:00 PM"], …]. */
export function openingHours(hours: { day: string; start: string; end: string }[]): [string, string][] {
  return dayOrder.map((day) => {
    const spans = hours.filter((h) => h.day === day)
      .map((h) => `${formatLocalTime(`2000-01-01T${h.start}`)} – ${formatLocalTime(`2000-01-01T${h.end}`)}`);
    return [dayName(day), spans.length ? spans.join(", ") : "Closed"];
  });
}

/** "(415) 555-0134" for "+14155550134"; other numbers as given. */
export function formatPhone(phone: string): string {
  const m = phone.replace(/[^\d+]/g, "").match(/^\+?1(\d{3})(\d{3})(\d{4})$/);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : phone;
}

/** A tel: URL for a displayed or E.164 phone number. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, "")}`;
}

/** "Monday, December 7 at 9:00 AM PST": a UTC instant as date and time in `zone`. */
export function formatInstantDateTime(instant: Date | string, zone: string): string {
  const at = typeof instant === "string" ? new Date(instant) : instant;
  const date = formatter("en-US", { weekday: "long", month: "long", day: "numeric", timeZone: zone }).format(at);
  return `${date} at ${formatInstantTime(at.toISOString(), zone)} ${zoneAbbreviation(zone, at)}`;
}
