// A small RFC 5545 writer for one appointment. Times are written as clinic-local times with a
// TZID, and the VTIMEZONE that RFC 5545 requires for that TZID is derived from the browser's own
// time-zone data (Intl) for the years around the event: each UTC-offset change becomes a STANDARD
// or DAYLIGHT observance with its exact local start.

import { formatter } from "./time";

export interface IcsEvent {
  uid: string;
  start: string; // UTC instant, RFC 3339
  end: string;
  timeZone: string; // IANA
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  now?: Date; // DTSTAMP; defaults to the current time
}

/** Offset of `zone` from UTC at `ms`, in minutes (east positive). */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  const parts = formatter("en-US", { timeZone: zone, hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit" }).formatToParts(new Date(ms));
  const get = (t: string) => +(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24,
    get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

export interface Transition { at: number; from: number; to: number } // ms, minutes, minutes

/** Every UTC-offset change of `zone` in [fromMs, toMs), found to the minute. */
export function zoneTransitions(zone: string, fromMs: number, toMs: number): Transition[] {
  const out: Transition[] = [];
  const step = 6 * 3600 * 1000;
  let prev = zoneOffsetMinutes(zone, fromMs);
  for (let t = fromMs + step; t < toMs + step; t += step) {
    const cur = zoneOffsetMinutes(zone, t);
    if (cur !== prev) {
      let lo = t - step, hi = t; // offset(lo) == prev, offset(hi) == cur
      while (hi - lo > 60000) {
        const mid = lo + Math.floor((hi - lo) / 120000) * 60000;
        if (zoneOffsetMinutes(zone, mid) === prev) lo = mid; else hi = mid;
      }
      out.push({ at: hi, from: prev, to: cur });
      prev = cur;
    }
  }
  return out;
}

function pad(n: number, w = 2): string { return String(n).padStart(w, "0"); }

function utcStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** The wall-clock time of `ms` at UTC offset `offset` minutes, as an RFC 5545 local DATE-TIME. */
function localStamp(ms: number, offset: number): string { return utcStamp(ms + offset * 60000); }

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${pad(m % 60)}`;
}

/** TEXT escaping (RFC 5545 3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const pieces: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    const limit = pieces.length === 0 ? 75 : 74; // continuation lines start with a space
    if (octets + size > limit) {
      pieces.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  pieces.push(current);
  return pieces.join("\r\n ");
}

/** The VTIMEZONE lines for `zone`, covering the years from `fromMs` to `toMs`. */
export function vtimezone(zone: string, fromMs: number, toMs: number): string[] {
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zone}`];
  const transitions = zoneTransitions(zone, fromMs, toMs);
  if (transitions.length === 0) {
    const offset = zoneOffsetMinutes(zone, fromMs);
    lines.push("BEGIN:STANDARD", "DTSTART:19700101T000000", `TZOFFSETFROM:${offsetText(offset)}`,
      `TZOFFSETTO:${offsetText(offset)}`, "END:STANDARD");
  } else {
    for (const t of transitions) {
      const kind = t.to > t.from ? "DAYLIGHT" : "STANDARD";
      lines.push(`BEGIN:${kind}`, `DTSTART:${localStamp(t.at, t.from)}`,
        `TZOFFSETFROM:${offsetText(t.from)}`, `TZOFFSETTO:${offsetText(t.to)}`, `END:${kind}`);
    }
  }
  lines.push("END:VTIMEZONE");
  return lines;
}

export function buildIcs(event: IcsEvent): string {
  const start = Date.parse(event.start);
  const end = Date.parse(event.end);
  if (!(start < end)) throw new Error("an event must end after it starts");
  const year = new Date(start).getUTCFullYear();
  const lines = [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Unknot//Patient app//EN", "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    ...vtimezone(event.timeZone, Date.UTC(year - 1, 0, 1), Date.UTC(year + 2, 0, 1)),
    "BEGIN:VEVENT",
    `UID:${event.uid}`,
    `DTSTAMP:${utcStamp((event.now ?? new Date()).getTime())}Z`,
    `DTSTART;TZID=${event.timeZone}:${localStamp(start, zoneOffsetMinutes(event.timeZone, start))}`,
    `DTEND;TZID=${event.timeZone}:${localStamp(end, zoneOffsetMinutes(event.timeZone, end))}`,
    `SUMMARY:${escapeText(event.summary)}`,
  ];
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.url) lines.push(`URL:${event.url}`);
  lines.push("STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
