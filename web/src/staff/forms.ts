// The staff forms' plumbing: reading what a person typed (durations, prices, clock times, dates in
// the clinic's zone) and putting the server's field errors next to the fields they name.

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

const ok = <T>(value: T): Parsed<T> => ({ value });
const fail = <T>(error: string): Parsed<T> => ({ error });

/** Minutes from "60", "60 min", "1h", "1 h 30 min", "1:30" or "90m"; whole, 0..max. */
export function parseDuration(text: string, max = 24 * 60): Parsed<number> {
  const t = text.trim().toLowerCase();
  if (!t) return fail("Enter a number of minutes, e.g. 60.");
  let minutes: number | null = null;
  let m: RegExpMatchArray | null;
  if ((m = t.match(/^(\d+)\s*(?:m|min|mins|minutes?)?$/))) minutes = +m[1];
  else if ((m = t.match(/^(\d+):([0-5]\d)$/))) minutes = +m[1] * 60 + +m[2];
  else if ((m = t.match(/^(\d+)\s*(?:h|hr|hrs|hours?)\s*(?:(\d+)\s*(?:m|min|mins|minutes?)?)?$/))) minutes = +m[1] * 60 + +(m[2] ?? 0);
  if (minutes === null) return fail("Enter whole minutes, e.g. 60 or 1 h 30 min.");
  if (minutes > max) return fail(`Enter at most ${max} minutes.`);
  return ok(minutes);
}

/** A price in minor units (cents) from "95", "95.5", "$95.00", "1,250.00"; never negative. */
export function parsePrice(text: string): Parsed<number> {
  const t = text.trim().replace(/^[$€£]\s*/, "").replace(/,(?=\d{3}(\D|$))/g, "");
  if (!t) return fail("Enter a price, e.g. 95.00.");
  const m = t.match(/^(\d+)(?:\.(\d{1,2}))?$/);
  if (!m) return fail("Enter a price in the clinic's currency, e.g. 95.00 (no minus sign).");
  return ok(+m[1] * 100 + +(m[2] ?? "0").padEnd(2, "0"));
}

/** "95.00" for 9500: the value of a price field. */
export function formatMinor(amount: number): string {
  return `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, "0")}`;
}

/** A clock time "HH:MM" (24 h) from "8", "8:00", "08:00", "8am", "5:30 pm", "17:30", "24:00". */
export function parseHour(text: string): Parsed<string> {
  const t = text.trim().toLowerCase().replace(/\./g, "");
  const m = t.match(/^(\d{1,2})(?::?([0-5]\d))?\s*(am|pm|a|p)?$/);
  if (!m) return fail("Enter a time like 08:00 or 5:30 PM.");
  let hour = +m[1];
  const minute = +(m[2] ?? 0);
  if (m[3]) {
    if (hour < 1 || hour > 12) return fail("With AM or PM the hour is 1 to 12.");
    hour = (hour % 12) + (m[3].startsWith("p") ? 12 : 0);
  }
  if (hour > 24 || (hour === 24 && minute > 0)) return fail("Enter a time between 00:00 and 24:00.");
  return ok(`${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`);
}

/** A whole number in [min, max] from a field. */
export function parseWhole(text: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return fail(`Enter a whole number from ${min} to ${max}.`);
  const n = +t;
  return n < min || n > max ? fail(`Enter a whole number from ${min} to ${max}.`) : ok(n);
}

/** The offset of `zone` from UTC at `instant`, in minutes (e.g. -480 for PST). */
export function zoneOffsetMinutes(zone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(instant);
  const get = (t: string) => +(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/**
 * A clinic-local "2026-12-01T09:00" (or a date "2026-12-01", meaning its midnight) as a UTC instant
 * "2026-12-01T17:00:00Z" in `zone`. A time skipped by a DST change moves forward by the gap; a
 * repeated one is its first occurrence.
 */
export function localToInstant(local: string, zone: string): string | null {
  const m = local.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0));
  // Try the offset in force half a day before and the one in force at that guess; keep the
  // earliest that reads back as the same wall time. Neither does in a DST gap: then the earlier
  // offset, which lands the gap's length later.
  const before = zoneOffsetMinutes(zone, new Date(wall - 43200000));
  const after = zoneOffsetMinutes(zone, new Date(wall - before * 60000));
  const valid = [before, after].map((o) => wall - o * 60000)
    .filter((c) => c + zoneOffsetMinutes(zone, new Date(c)) * 60000 === wall);
  const at = valid.length ? Math.min(...valid) : wall - before * 60000;
  return new Date(at).toISOString().replace(/\.000Z$/, "Z");
}

/** The clinic-local "YYYY-MM-DDTHH:MM" of a UTC instant in `zone` (for datetime-local fields). */
export function instantToLocal(instant: string, zone: string): string {
  const at = new Date(instant);
  return new Date(at.getTime() + zoneOffsetMinutes(zone, at) * 60000).toISOString().slice(0, 16);
}

/** The day after "YYYY-MM-DD". */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Whole clinic-local days as instants: `from` the first day's midnight, `to` the midnight after
 * the last day (which is included). An empty or malformed end is left out.
 */
export function dayRange(from: string | null, to: string | null, zone: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const start = from && /^\d{4}-\d{2}-\d{2}$/.test(from) ? localToInstant(from, zone) : null;
  const end = to && /^\d{4}-\d{2}-\d{2}$/.test(to) ? localToInstant(nextDay(to), zone) : null;
  if (start) out.from = start;
  if (end) out.to = end;
  return out;
}

export interface FieldProblem { field: string; reason: string }

/** The problem's field errors split into those shown beside a field of the form and the rest. */
export interface MappedErrors { fields: Record<string, string>; other: string[] }

/**
 * Puts each of the server's field errors (`booking_policy.min_notice_minutes`,
 * `weekly_hours[2].end`, `price.amount_minor`) on the form's field of that name or, failing that,
 * on its nearest named ancestor (`price`, `weekly_hours[2]`, `weekly_hours`). `aliases` renames
 * server fields the form calls otherwise. Errors with no field on the form are kept in `other`,
 * for the error summary.
 */
export function mapFieldErrors(errors: FieldProblem[] | undefined, formFields: Iterable<string>,
  aliases: Record<string, string> = {}): MappedErrors {
  const known = new Set(formFields);
  const out: MappedErrors = { fields: {}, other: [] };
  for (const e of errors ?? []) {
    let path: string | null = aliases[e.field] ?? e.field;
    while (path && !known.has(path)) path = parentPath(path);
    const reason = sentence(e.reason);
    if (path) out.fields[path] = out.fields[path] ? `${out.fields[path]} ${reason}` : reason;
    else out.other.push(`${e.field}: ${reason}`);
  }
  return out;
}

function parentPath(path: string): string | null {
  const m = path.match(/^(.*)(\.[^.[\]]+|\[\d+\])$/);
  return m && m[1] ? m[1] : null;
}

/** "must be positive" -> "Must be positive." */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".");
}

/** The id of a form field's input for a field path: "booking_policy.min_notice_minutes" -> "f-booking_policy-min_notice_minutes". */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_]+/g, "-").replace(/-+$/, "")}`;
}

/** "Deep tissue massage, 60 min" -> "deep-tissue-massage-60-min". */
export function slugify(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}
