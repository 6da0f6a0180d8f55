// The front desk's calendar (issue 14): the pure logic behind pages/calendar.tsx. The API's data
// (GET …/calendar) becomes @event-calendar/core resources and events; free spans become the
// times the "Book a caller" dialog offers; a refused change becomes a sentence; the live stream's
// refetch is debounced. Times: the API gives UTC instants; the calendar is fed the clinic's
// wall-clock times as floating strings ("2026-12-01T09:00:00"), so it shows clinic time whatever
// the device's zone, and a dropped event's wall-clock time goes back through localToInstant.
import { formatInstantDateTime, formatInstantTime } from "../lib/time";
import { instantToLocal, localToInstant } from "./forms";

export interface Interval { start: string; end: string }
export type Status = "booked" | "requested" | "arrived" | "completed" | "no_show" | "cancelled";
/** An id, or an object with one: the contract names practitioner and room without saying which. */
export type Ref = number | { id: number; name?: string; display_name?: string } | null | undefined;

export interface CalPractitioner {
  id: number; slug: string; name: string; allow_overbooking: boolean; working: Interval[]; free: Interval[];
}
export interface CalRoom { id: number; name: string }
export interface CalAppointment {
  id: number; version: number; status: Status; source: string; start: string; end: string;
  blocked_until?: string | null; practitioner: Ref; room: Ref; service: { id: number; name: string };
  patient: { id: number; given_name: string; family_name: string };
  assessment?: unknown; overbooked?: boolean; cancel_reason?: string | null; declined?: boolean;
}
export interface CalendarData {
  time_zone: string; from: string; to: string; practitioners: CalPractitioner[]; rooms: CalRoom[];
  appointments: CalAppointment[];
}

export type Mode = "practitioners" | "rooms";

export const STATUS_LABELS: Record<string, string> = {
  booked: "Booked", requested: "To approve", arrived: "Arrived", completed: "Completed",
  no_show: "No-show", cancelled: "Cancelled",
};
export const SOURCE_LABELS: Record<string, string> = {
  online: "Online", phone: "Phone", walk_in: "Walk-in", staff: "Staff",
};

export function refId(ref: Ref): number | null {
  if (ref === null || ref === undefined) return null;
  return typeof ref === "number" ? ref : ref.id ?? null;
}

export function patientName(p: { given_name: string; family_name: string }): string {
  return `${p.given_name} ${p.family_name}`.trim();
}

/** An instant as the calendar's floating clinic wall-clock string. */
export function toFloating(instant: string, zone: string): string {
  return `${instantToLocal(instant, zone)}:00`;
}

/** A calendar Date (its local fields hold the clinic's wall-clock time) as a UTC instant. */
export function fromCalendarDate(d: Date, zone: string): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const local = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  return localToInstant(local, zone) ?? d.toISOString();
}

/** A calendar Date as "YYYY-MM-DD" from its local fields. */
export function calendarDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The visible range of a view (its start, and its exclusive end) as the API's from and days (1..7). */
export function rangeOf(start: Date, end: Date): { from: string; days: number } {
  const days = Math.round((Date.UTC(end.getFullYear(), end.getMonth(), end.getDate())
    - Date.UTC(start.getFullYear(), start.getMonth(), start.getDate())) / 86400000);
  return { from: calendarDay(start), days: Math.min(7, Math.max(1, days)) };
}

/** The clinic's UTC offset now as "±HH:MM", the calendar's timeZone (so its "now" line is right). */
export function offsetString(zone: string, at: Date = new Date()): string {
  const local = Date.parse(`${instantToLocal(at.toISOString(), zone)}:00Z`);
  const minutes = Math.round((local - Math.floor(at.getTime() / 60000) * 60000) / 60000);
  const sign = minutes < 0 ? "-" : "+";
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

export interface CalResource { id: string; title: string }

export function resourcesOf(data: CalendarData, mode: Mode): CalResource[] {
  return mode === "rooms"
    ? data.rooms.map((r) => ({ id: String(r.id), title: r.name }))
    : data.practitioners.map((p) => ({ id: String(p.id), title: p.name }));
}

export interface CalEvent {
  id: string; resourceIds: string[]; start: string; end: string; title: string;
  display?: "background" | "auto"; classNames: string[]; editable?: boolean;
  extendedProps: { kind: "working" | "free" | "appointment"; appointment?: CalAppointment };
}

/** Whether the front desk may drag this appointment to another time. */
export function movable(a: CalAppointment): boolean {
  return a.status === "booked" || a.status === "requested";
}

/** The lines an appointment shows: time is the calendar's own. */
export function appointmentLines(a: CalAppointment, names: { rooms: Map<number, string>; practitioners: Map<number, string> },
  mode: Mode): string[] {
  const room = refId(a.room);
  const practitioner = refId(a.practitioner);
  const roomName = room === null ? "no room" : (typeof a.room === "object" && a.room?.name) || names.rooms.get(room) || `room ${room}`;
  const practitionerName = practitioner === null ? "" : names.practitioners.get(practitioner) ?? `practitioner ${practitioner}`;
  const status = STATUS_LABELS[a.status] ?? a.status;
  return [
    patientName(a.patient),
    a.service.name,
    mode === "rooms" ? practitionerName : roomName,
    `${status}${a.overbooked ? " · overbooked" : ""}${a.declined ? " · declined" : ""}`,
  ].filter(Boolean);
}

export function nameMaps(data: CalendarData) {
  return {
    rooms: new Map(data.rooms.map((r) => [r.id, r.name])),
    practitioners: new Map(data.practitioners.map((p) => [p.id, p.name])),
  };
}

/**
 * The calendar's events: per practitioner its working hours and free time as background events
 * (practitioner view only: rooms have no hours), then every appointment in its practitioner's or
 * room's column. Cancelled ones only when `showCancelled` (struck through by their class).
 */
export function eventsOf(data: CalendarData, mode: Mode, showCancelled: boolean): CalEvent[] {
  const zone = data.time_zone;
  const out: CalEvent[] = [];
  if (mode === "practitioners") {
    for (const p of data.practitioners) {
      const resourceIds = [String(p.id)];
      p.working.forEach((w, i) => out.push({
        id: `w-${p.id}-${i}`, resourceIds, start: toFloating(w.start, zone), end: toFloating(w.end, zone), title: "",
        display: "background", classNames: ["bg-working"], extendedProps: { kind: "working" },
      }));
      p.free.forEach((f, i) => out.push({
        id: `f-${p.id}-${i}`, resourceIds, start: toFloating(f.start, zone), end: toFloating(f.end, zone), title: "",
        display: "background", classNames: ["bg-free"], extendedProps: { kind: "free" },
      }));
    }
  }
  const names = nameMaps(data);
  for (const a of data.appointments) {
    if (a.status === "cancelled" && !showCancelled) continue;
    const column = refId(mode === "rooms" ? a.room : a.practitioner);
    if (column === null) continue;
    out.push({
      id: String(a.id), resourceIds: [String(column)], start: toFloating(a.start, zone), end: toFloating(a.end, zone),
      title: appointmentLines(a, names, mode).join(" · "),
      classNames: ["appt", `appt-${a.status}`, ...(a.overbooked ? ["appt-overbooked"] : [])],
      editable: movable(a), extendedProps: { kind: "appointment", appointment: a },
    });
  }
  return out;
}

/**
 * The starts a booking may take on `day` (the clinic's "YYYY-MM-DD"): inside each span, from its
 * start in steps of the service's length, wherever the whole service fits; none before `now`.
 */
export function freeStarts(spans: Interval[], durationMinutes: number, day: string, zone: string,
  now: Date = new Date()): string[] {
  const step = Math.max(5, durationMinutes) * 60000;
  const length = durationMinutes * 60000;
  const out = new Set<string>();
  for (const span of spans) {
    const end = Date.parse(span.end);
    for (let t = Date.parse(span.start); t + length <= end; t += step) {
      const iso = new Date(t).toISOString().replace(/\.000Z$/, "Z");
      if (t >= now.getTime() && instantToLocal(iso, zone).slice(0, 10) === day) out.add(iso);
    }
  }
  return [...out].sort();
}

/** The server's alternatives (RFC 3339 starts, or slots with a start) as instants. */
export function alternativesOf(problem: unknown): string[] {
  const list = (problem as { alternatives?: unknown } | null)?.alternatives;
  if (!Array.isArray(list)) return [];
  return list.map((x) => typeof x === "string" ? x : (x as { start?: string } | null)?.start)
    .filter((x): x is string => typeof x === "string");
}

/** The problem's `current` (the appointment as stored now), when the server sent one. */
export function currentOf(problem: unknown): CalAppointment | null {
  const c = (problem as { current?: unknown } | null)?.current;
  if (!c || typeof c !== "object") return null;
  const inner = (c as { appointment?: unknown }).appointment;
  return (inner && typeof inner === "object" ? inner : c) as CalAppointment;
}

/**
 * Why a change (a move, a booking, a status change) was refused, in a sentence for the front desk:
 * someone changed it first (409 with `current`), the time is taken (409, with the alternatives),
 * outside the practitioner's hours (422), or the server's own words.
 */
export function conflictMessage(status: number, problem: { detail?: string; title?: string } | null, zone: string,
  action: "change" | "book" = "change"): string {
  const nothing = action === "book" ? "it was not booked" : "nothing was changed";
  const Nothing = action === "book" ? "Not booked" : "Nothing was changed";
  const current = currentOf(problem);
  if (status === 409 && current) {
    const state = STATUS_LABELS[current.status] ?? current.status;
    return `Someone else changed this appointment first; it is now ${state.toLowerCase()} at ` +
      `${formatInstantDateTime(current.start, zone)}. Nothing was changed; the calendar shows it as it is now.`;
  }
  const alternatives = alternativesOf(problem);
  if (status === 409) {
    return `That time is taken, so ${nothing}.${alternatives.length
      ? ` Free times nearby: ${alternatives.map((a) => formatInstantDateTime(a, zone)).join("; ")}.` : " There is no free time nearby."}`;
  }
  if (status === 422) {
    return `That time is outside the practitioner's working hours, so ${nothing}.${problem?.detail ? ` ${problem.detail}` : ""}`;
  }
  if (status === 0 || status >= 502) return `The clinic's server did not answer, so ${nothing}. Try again.`;
  if (status === 403) return action === "book" ? "Your role cannot book appointments." : "Your role cannot change appointments.";
  return `${Nothing}: ${problem?.detail ?? problem?.title ?? `the server answered ${status}`}.`;
}

/** A time label in the clinic's zone, "9:30 AM". */
export function timeLabel(instant: string, zone: string): string {
  return formatInstantTime(instant, zone);
}

export interface Debounced { (): void; cancel(): void }
export interface Timers {
  setTimeout: (f: () => void, ms: number) => unknown; clearTimeout: (h: unknown) => void;
}

/**
 * `fn` once, `ms` after the last of a burst of calls (the live stream: ten changes in a second
 * are one refetch, and the calendar is current within `ms` plus the fetch).
 */
export function debounce(fn: () => void, ms: number,
  timers: Timers = { setTimeout: (f, t) => setTimeout(f, t), clearTimeout: (h) => clearTimeout(h as number) }): Debounced {
  let handle: unknown = null;
  const call = (() => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = timers.setTimeout(() => { handle = null; fn(); }, ms);
  }) as Debounced;
  call.cancel = () => { if (handle !== null) timers.clearTimeout(handle); handle = null; };
  return call;
}

/** The "To approve" list's entries, however the server wraps them. */
export function requestsOf(body: unknown): CalAppointment[] {
  if (Array.isArray(body)) return body as CalAppointment[];
  const b = body as { requests?: unknown; appointments?: unknown } | null;
  const list = b?.requests ?? b?.appointments;
  return Array.isArray(list) ? list as CalAppointment[] : [];
}

/** An appointment from a write's answer: the appointment itself, or `{appointment}`. */
export function appointmentOf(body: unknown): CalAppointment | null {
  if (!body || typeof body !== "object") return null;
  const inner = (body as { appointment?: unknown }).appointment;
  return (inner && typeof inner === "object" ? inner : body) as CalAppointment;
}

/** "YYYY-MM-DD" plus `n` days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The hours the grid shows: the clinic's earliest opening to its latest closing, an hour either side. */
export function slotLimits(hours: { start: string; end: string }[]): { min: string; max: string } {
  const minutes = (t: string) => { const m = t.match(/^(\d{1,2}):(\d{2})/); return m ? +m[1] * 60 + +m[2] : null; };
  const starts = hours.map((h) => minutes(h.start)).filter((x): x is number => x !== null);
  const ends = hours.map((h) => minutes(h.end)).filter((x): x is number => x !== null);
  if (!starts.length || !ends.length) return { min: "07:00:00", max: "20:00:00" };
  const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:00:00`;
  return { min: hh(Math.max(0, Math.floor(Math.min(...starts) / 60) * 60 - 60)),
    max: hh(Math.min(24 * 60, Math.ceil(Math.max(...ends) / 60) * 60 + 60)) };
}

const OUTCOMES: Record<string, string> = {
  book_online: "Could book online", see_chiropractor_first: "See the chiropractor first",
  medical_care_soon: "Medical care soon", emergency: "Emergency care advised",
};

/**
 * What the details panel says of the knot check a booking followed: the contract names
 * `assessment` without a shape, so an id, or an object with an id, an outcome, reasons and knots.
 */
export function assessmentSummary(value: unknown): { id: number | null; outcome: string | null; reasons: string[]; knots: string[] } | null {
  if (value === null || value === undefined || value === false) return null;
  if (typeof value === "number") return { id: value, outcome: null, reasons: [], knots: [] };
  if (typeof value !== "object") return null;
  const v = value as { id?: unknown; outcome?: unknown; result?: { outcome?: unknown; reasons?: unknown };
    reasons?: unknown; knots?: unknown; input?: { knots?: unknown } };
  const outcome = typeof v.outcome === "string" ? v.outcome : typeof v.result?.outcome === "string" ? v.result.outcome : null;
  const reasonList = Array.isArray(v.reasons) ? v.reasons : Array.isArray(v.result?.reasons) ? v.result!.reasons as unknown[] : [];
  const knotList = Array.isArray(v.knots) ? v.knots : Array.isArray(v.input?.knots) ? v.input!.knots as unknown[] : [];
  const text = (x: unknown, key: string) => typeof x === "string" ? x
    : x && typeof x === "object" && typeof (x as Record<string, unknown>)[key] === "string" ? (x as Record<string, string>)[key] : "";
  return {
    id: typeof v.id === "number" ? v.id : null,
    outcome: outcome ? OUTCOMES[outcome] ?? outcome.replace(/_/g, " ") : null,
    reasons: reasonList.map((r) => text(r, "reason")).filter(Boolean),
    knots: knotList.map((k) => {
      const region = text(k, "region").replace(/_/g, " ");
      const side = text(k, "side");
      const pain = k && typeof k === "object" && typeof (k as { pain?: unknown }).pain === "number" ? `, pain ${(k as { pain: number }).pain}/10` : "";
      return region ? `${region}${side ? ` (${side})` : ""}${pain}` : "";
    }).filter(Boolean),
  };
}
