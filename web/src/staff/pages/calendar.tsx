// The front desk's calendar (issue 14): day and week, a column per practitioner or per room,
// working hours and free time shaded, live through the server's event stream; book a caller,
// drag to move (a refused move snaps back and says why), an appointment's details with cancel and
// arrived / completed / no-show, and the "To approve" list. The grid is @event-calendar/core
// (MIT), mounted into a ref; the logic it needs is in ../calendar.ts.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { createCalendar, destroyCalendar, Interaction, ResourceTimeGrid } from "@event-calendar/core";
import type { Calendar } from "@event-calendar/core";
import "@event-calendar/core/index.css";
import { api, Service } from "../../lib/api";
import { linkProps } from "../../lib/router";
import { formatInstantDateTime, formatPhone, localDate } from "../../lib/time";
import { PatientRow, StaffApiError } from "../api";
import { AppointmentCheckMap } from "../assessment_map";
import {
  alternativesOf, appointmentLines, assessmentSummary, appointmentOf, CalAppointment, CalendarData, conflictMessage,
  calendarDay, currentOf, debounce, eventsOf, freeStarts, fromCalendarDate, Mode, movable, nameMaps, offsetString,
  patientName, rangeOf, refId, requestsOf, resourcesOf, slotLimits, SOURCE_LABELS, STATUS_LABELS, timeLabel,
} from "../calendar";
import { localToInstant, mapFieldErrors, MappedErrors, instantToLocal } from "../forms";
import { allowed } from "../nav";
import { ErrorSummary, Field, LoadFailed, Page, SelectField, StaffContext, useFormErrors } from "../ui";

type Span = "day" | "week";
interface Preset { practitioner?: number; day?: string; start?: string }
interface Message { kind: "error" | "ok"; text: string; alternatives?: string[]; retry?: (start: string) => void }

const TABLE_ROLES = "[role=table],[role=rowgroup],[role=row],[role=columnheader],[role=rowheader],[role=cell],[role=gridcell],[aria-colindex],[aria-colspan],[aria-rowindex]";
const VIEWS: Record<Span, string> = { day: "resourceTimeGridDay", week: "resourceTimeGridWeek" };

export function CalendarPage({ ctx, query }: { ctx: StaffContext; query: URLSearchParams }) {
  const { client, clinic } = ctx;
  const zone = clinic.time_zone;
  const [mode, setMode] = useState<Mode>(query.get("by") === "rooms" ? "rooms" : "practitioners");
  const [span, setSpan] = useState<Span>(query.get("view") === "week" ? "week" : "day");
  const [showCancelled, setShowCancelled] = useState(false);
  const [data, setData] = useState<CalendarData | null>(null);
  const [error, setError] = useState<StaffApiError | null>(null);
  const [requests, setRequests] = useState<CalAppointment[] | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  // The dialog, open with what a click on the grid chose (practitioner, day, time), if any.
  const [booking, setBooking] = useState<false | Preset>(false);
  const [live, setLive] = useState<"connecting" | "live" | "reconnecting">("connecting");
  const [title, setTitle] = useState("");
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const ec = useRef<Calendar | null>(null);
  const range = useRef<{ from: string; days: number } | null>(null);
  const seq = useRef(0);
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const dataRef = useRef(data);
  dataRef.current = data;
  const canSeeRequests = allowed(ctx.session.permissions, "view_schedule");

  const load = useCallback(async () => {
    const r = range.current;
    if (!r) return;
    const n = ++seq.current;
    client.requests().then((b) => { if (n === seq.current) setRequests(requestsOf(b)); }).catch(() => { /* the list says so */ });
    try {
      const d = await client.calendar(r.from, r.days);
      if (n === seq.current) { setData(d); setError(null); }
    } catch (e) {
      if (n === seq.current) setError(e as StaffApiError);
    }
  }, []);

  // A refused change: the event is back where it was (the caller reverted it); say why.
  const refused = useCallback((e: StaffApiError, retry?: (start: string) => void) => {
    const stale = currentOf(e.problem) !== null;
    setMessage({ kind: "error", text: conflictMessage(e.status, e.problem, zone),
      alternatives: e.status === 409 && !stale ? alternativesOf(e.problem) : [], retry });
    void load();
  }, []);

  const move = useCallback(async (a: CalAppointment, start: string, column?: number, revert?: () => void) => {
    const change: { version: number; start: string; practitioner?: number; room?: number } = { version: a.version, start };
    if (column !== undefined) {
      if (modeRef.current === "rooms") change.room = column; else change.practitioner = column;
    }
    setBusy(true);
    try {
      await client.moveAppointment(a.id, change);
      setMessage({ kind: "ok", text: `Moved ${patientName(a.patient)}'s ${a.service.name} to ${formatInstantDateTime(start, zone)}.` });
      void load();
    } catch (e) {
      revert?.();
      refused(e as StaffApiError, (alt) => void move(a, alt, column));
    } finally {
      setBusy(false);
    }
  }, []);

  // The grid, created once; its callbacks read the latest state through refs.
  useEffect(() => {
    if (!box.current) return;
    const limits = slotLimits(clinic.opening_hours);
    const calendar = createCalendar(box.current, [ResourceTimeGrid, Interaction], {
      view: VIEWS[span],
      // ?date=YYYY-MM-DD opens on that clinic day (links, tests); else today.
      date: /^\d{4}-\d{2}-\d{2}$/.test(query.get("date") ?? "") ? query.get("date")! : localDate(zone),
      timeZone: offsetString(zone),
      headerToolbar: { start: "", center: "", end: "" },
      height: "auto",
      allDaySlot: false,
      datesAboveResources: true,
      editable: true,
      eventStartEditable: true,
      eventDurationEditable: false,
      slotDuration: "00:15:00",
      slotLabelInterval: "01:00",
      slotMinTime: limits.min,
      slotMaxTime: limits.max,
      flexibleSlotTimeLimits: true,
      scrollTime: limits.min,
      nowIndicator: true,
      resources: [],
      events: [],
      datesSet: (info) => {
        range.current = rangeOf(info.start, info.end);
        setTitle(info.view.title);
        void load();
      },
      // A click on an empty time in a practitioner's column books a caller there.
      dateClick: (info) => {
        const column = info.resource && modeRef.current === "practitioners" ? +info.resource.id : undefined;
        const start = fromCalendarDate(info.date, zone);
        setBooking({ practitioner: column, day: calendarDay(info.date), start });
      },
      eventClick: (info) => {
        const a = info.event.extendedProps.appointment as CalAppointment | undefined;
        if (a) setSelected(a.id);
      },
      eventContent: (info) => {
        const a = info.event.extendedProps.appointment as CalAppointment | undefined;
        if (!a) return "";
        const d = dataRef.current;
        const lines = d ? appointmentLines(a, nameMaps(d), modeRef.current) : [patientName(a.patient)];
        const nodes: Node[] = [];
        const time = document.createElement("span");
        time.className = "appt-time";
        time.textContent = info.timeText;
        nodes.push(time);
        lines.forEach((l, i) => {
          const line = document.createElement("span");
          line.className = i === 0 ? "appt-patient" : "appt-line";
          line.textContent = l;
          nodes.push(line);
        });
        return { domNodes: nodes };
      },
      eventDrop: (info) => {
        const a = info.oldEvent.extendedProps.appointment as CalAppointment | undefined;
        if (!a) { info.revert(); return; }
        const start = fromCalendarDate(info.event.start, zone);
        const column = info.newResource ? +info.newResource.id : undefined;
        void move(a, start, column, info.revert);
      },
    });
    ec.current = calendar;
    // The grid's own ARIA table (role=table/rowgroup/row around event buttons and the hour
    // labels) is not a valid table, which axe rightly reports: drop those roles, so it reads as
    // a group of labelled buttons (each appointment) in the labelled region around it.
    const strip = () => {
      const root = box.current;
      if (!root) return;
      for (const el of root.querySelectorAll(TABLE_ROLES)) {
        for (const a of ["role", "aria-colindex", "aria-colspan", "aria-rowindex", "aria-rowspan"]) el.removeAttribute(a);
      }
    };
    strip();
    const watcher = new MutationObserver(strip);
    watcher.observe(box.current, { subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-colindex", "aria-colspan", "aria-rowindex"] });
    return () => { watcher.disconnect(); ec.current = null; void destroyCalendar(calendar); };
  }, []);

  useEffect(() => { ec.current?.setOption("view", VIEWS[span]); }, [span]);

  // The data into the grid: resources (practitioners or rooms) and events.
  useEffect(() => {
    const calendar = ec.current;
    if (!calendar || !data) return;
    calendar.setOption("resources", resourcesOf(data, mode));
    calendar.setOption("events", eventsOf(data, mode, showCancelled));
    // Each column at least 110 px (a day's column per resource in the week view): the box
    // scrolls sideways inside itself, the page never does. CSSOM, not a style attribute (CSP).
    const columns = Math.max(1, (mode === "rooms" ? data.rooms.length : data.practitioners.length) * (span === "week" ? 7 : 1));
    const grid = box.current;
    if (grid) grid.style.minWidth = `${Math.max(320, 60 + columns * 110)}px`;
  }, [data, mode, showCancelled, span]);

  // Live: any change to an appointment anywhere refetches the visible range (debounced). The
  // browser's EventSource resumes with Last-Event-ID by itself; a stream the server closed
  // (its error, a restart) is opened again after a while, with a full refetch.
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const refetch = debounce(() => void load(), 200);
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    const open = () => {
      source = new EventSource(client.calendarEventsUrl());
      source.onopen = () => setLive("live");
      source.addEventListener("appointment", () => refetch());
      source.onerror = () => {
        setLive("reconnecting");
        if (source && source.readyState === EventSource.CLOSED && !closed) {
          timer = setTimeout(() => { if (!closed) { open(); refetch(); } }, 5000);
        }
      };
    };
    open();
    return () => { closed = true; refetch.cancel(); if (timer) clearTimeout(timer); source?.close(); };
  }, []);

  const all = useMemo(() => {
    const m = new Map<number, CalAppointment>();
    for (const a of requests ?? []) m.set(a.id, a);
    for (const a of data?.appointments ?? []) m.set(a.id, a);
    return m;
  }, [data, requests]);
  const chosen = selected !== null ? all.get(selected) ?? null : null;

  const act = async (what: Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await what;
      setMessage({ kind: "ok", text: done });
      void load();
      return true;
    } catch (e) {
      refused(e as StaffApiError);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const pressed = (b: boolean) => (b ? "true" : "false");
  return (
    <Page title="Calendar">
      <div class="cal-toolbar" role="toolbar" aria-label="Calendar">
        <div class="group">
          <button type="button" onClick={() => ec.current?.prev()} aria-label={span === "week" ? "Previous week" : "Previous day"}>‹ Previous</button>
          <button type="button" onClick={() => ec.current?.setOption("date", localDate(zone))}>Today</button>
          <button type="button" onClick={() => ec.current?.next()} aria-label={span === "week" ? "Next week" : "Next day"}>Next ›</button>
        </div>
        <div class="group" role="group" aria-label="Days shown">
          <button type="button" aria-pressed={pressed(span === "day")} onClick={() => setSpan("day")}>Day</button>
          <button type="button" aria-pressed={pressed(span === "week")} onClick={() => setSpan("week")}>Week</button>
        </div>
        <div class="group" role="group" aria-label="Columns">
          <button type="button" aria-pressed={pressed(mode === "practitioners")} onClick={() => setMode("practitioners")}>Practitioners</button>
          <button type="button" aria-pressed={pressed(mode === "rooms")} onClick={() => setMode("rooms")}>Rooms</button>
        </div>
        <label class="check"><input type="checkbox" checked={showCancelled} onChange={(e) => setShowCancelled(e.currentTarget.checked)} /> Show cancelled</label>
        <button type="button" class="primary" onClick={() => setBooking({})}>Book a caller</button>
      </div>
      <p class="cal-title"><strong>{title}</strong> <span class="hint">({clinic.name} time, {zone})</span>{" "}
        <span class={`live live-${live}`} role="status">{live === "live" ? "Live" : live === "connecting" ? "Connecting…" : "Reconnecting…"}</span></p>
      <div class="cal-message" aria-live="polite">
        {message && (
          <div class={message.kind === "error" ? "error" : "success"} role={message.kind === "error" ? "alert" : "status"}>
            <p>{message.text}</p>
            {message.alternatives?.length && message.retry ? (
              <div class="actions">
                {message.alternatives.map((alt) => (
                  <button type="button" key={alt} disabled={busy} onClick={() => message.retry?.(alt)}>Move to {formatInstantDateTime(alt, zone)}</button>
                ))}
              </div>
            ) : null}
            <button type="button" class="link" onClick={() => setMessage(null)}>Dismiss</button>
          </div>
        )}
      </div>
      {error && <LoadFailed error={error} retry={() => void load()} />}
      {!data && !error && <p role="status">Loading the calendar…</p>}
      <p class="legend hint"><span class="swatch sw-off" /> not working <span class="swatch sw-working" /> working hours <span class="swatch sw-free" /> free{" "}
        <span class="swatch sw-requested" /> to approve. Drag an appointment to move it; select it for details.</p>
      <div class="cal-scroll" role="region" aria-label="Calendar grid (scrolls inside this box)" tabIndex={0}>
        <div class={`cal-grid by-${mode}`} ref={box} />
      </div>
      {chosen && (
        <Details key={chosen.id} ctx={ctx} a={chosen} data={data} zone={zone} busy={busy}
          onClose={() => setSelected(null)}
          onMove={(start) => void move(chosen, start)}
          onStatus={(s) => act(client.setStatus(chosen.id, chosen.version, s),
            `${patientName(chosen.patient)} marked ${STATUS_LABELS[s].toLowerCase()}.`)}
          onCancel={(reason) => act(client.cancelAppointment(chosen.id, chosen.version, reason),
            `Cancelled ${patientName(chosen.patient)}'s ${chosen.service.name}.`)}
          onApprove={() => act(client.approve(chosen.id, chosen.version), `Approved ${patientName(chosen.patient)}'s request.`)}
          onDecline={(reason) => act(client.decline(chosen.id, chosen.version, reason || undefined),
            `Declined ${patientName(chosen.patient)}'s request; the time is free again.`)} />
      )}
      {chosen && allowed(ctx.session.permissions, "view_clinical_notes") && (
        <p><a {...linkProps(`staff/visits/${chosen.id}/note`)}>Open the visit note for {patientName(chosen.patient)}'s {chosen.service.name}</a></p>
      )}
      {canSeeRequests && (
        <section class="to-approve" aria-labelledby="to-approve-title">
          <h2 id="to-approve-title">To approve{requests ? ` (${requests.length})` : ""}</h2>
          {requests === null ? <p>Loading…</p> : requests.length === 0 ? <p>No requests waiting.</p> : (
            <ul class="plain-list">
              {requests.map((r) => (
                <li key={r.id} class="request">
                  <span>{formatInstantDateTime(r.start, zone)}: <strong>{patientName(r.patient)}</strong>, {r.service.name}
                    {data ? `, with ${nameMaps(data).practitioners.get(refId(r.practitioner) ?? -1) ?? "—"}` : ""}</span>{" "}
                  <button type="button" disabled={busy} onClick={() => void act(client.approve(r.id, r.version), `Approved ${patientName(r.patient)}'s request.`)}>
                    Approve<span class="visually-hidden"> {patientName(r.patient)}</span></button>{" "}
                  <button type="button" class="danger" disabled={busy} onClick={() => setSelected(r.id)}>
                    Decline…<span class="visually-hidden"> {patientName(r.patient)}</span></button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {booking && data && (
        <BookDialog ctx={ctx} data={data} day={booking.day ?? range.current?.from ?? localDate(zone)} preset={booking}
          onClose={() => setBooking(false)}
          onBooked={(a, text) => { setBooking(false); setMessage({ kind: "ok", text }); if (a) setSelected(a.id); void load(); }} />
      )}
    </Page>
  );
}

function Details({ ctx, a, data, zone, busy, onClose, onMove, onStatus, onCancel, onApprove, onDecline }: {
  ctx: StaffContext;
  a: CalAppointment; data: CalendarData | null; zone: string; busy: boolean; onClose: () => void;
  onMove: (start: string) => void;
  onStatus: (s: "arrived" | "completed" | "no_show") => Promise<boolean>;
  onCancel: (reason: string) => Promise<boolean>; onApprove: () => Promise<boolean>; onDecline: (reason: string) => Promise<boolean>;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => { heading.current?.focus(); }, []);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [declineReason, setDeclineReason] = useState("");
  const [moveTo, setMoveTo] = useState(instantToLocal(a.start, zone));
  const names = data ? nameMaps(data) : { rooms: new Map<number, string>(), practitioners: new Map<number, string>() };
  const practitioner = refId(a.practitioner);
  const room = refId(a.room);
  const roomName = room === null ? "—" : (typeof a.room === "object" && a.room?.name) || names.rooms.get(room) || `#${room}`;
  const open = a.status === "booked" || a.status === "arrived";
  const check = assessmentSummary(a.assessment);
  return (
    <section class="card details" aria-labelledby="details-title">
      <h2 id="details-title" tabIndex={-1} ref={heading}>{patientName(a.patient)}: {a.service.name}</h2>
      <dl class="facts">
        <dt>When</dt><dd>{formatInstantDateTime(a.start, zone)} to {timeLabel(a.end, zone)}</dd>
        <dt>Practitioner</dt><dd>{practitioner === null ? "—" : names.practitioners.get(practitioner) ?? `#${practitioner}`}</dd>
        <dt>Room</dt><dd>{roomName}</dd>
        <dt>Status</dt><dd>{STATUS_LABELS[a.status] ?? a.status}{a.overbooked ? " (overbooked)" : ""}{a.declined ? " (declined)" : ""}</dd>
        <dt>Booked by</dt><dd>{SOURCE_LABELS[a.source] ?? a.source}</dd>
        {a.cancel_reason ? <><dt>Reason</dt><dd>{a.cancel_reason}</dd></> : null}
        <dt>Patient</dt><dd><a {...linkProps(`staff/patients/${a.patient.id}`)}>Open {patientName(a.patient)}'s record</a></dd>
        {check && <>
          <dt>Knot check</dt>
          <dd>
            {check.id !== null ? `#${check.id}` : "Yes"}{check.outcome ? `: ${check.outcome}` : ""}
            {check.knots.length ? <> · {check.knots.join("; ")}</> : null}
            {check.reasons.length ? <ul class="plain-list">{check.reasons.map((r) => <li key={r}>{r}</li>)}</ul> : null}
            <span class="hint"> Decision support, not a diagnosis; the record has the whole check.</span>
          </dd>
        </>}
      </dl>
      {check && allowed(ctx.session.permissions, "view_self_assessment") && <AppointmentCheckMap ctx={ctx} appointment={a.id} />}
      {a.status === "requested" && (
        <div class="actions">
          <button type="button" class="primary" disabled={busy} onClick={() => void onApprove()}>Approve</button>
          <div class="field">
            <label for="decline-reason">Reason for declining (optional)</label>
            <input id="decline-reason" value={declineReason} onInput={(e) => setDeclineReason(e.currentTarget.value)} />
          </div>
          <button type="button" class="danger" disabled={busy} onClick={() => void onDecline(declineReason.trim())}>Decline</button>
        </div>
      )}
      {open && (
        <div class="actions" role="group" aria-label="Mark">
          {a.status === "booked" && <button type="button" disabled={busy} onClick={() => void onStatus("arrived")}>Mark arrived</button>}
          <button type="button" disabled={busy} onClick={() => void onStatus("completed")}>Mark completed</button>
          {a.status === "booked" && <button type="button" disabled={busy} onClick={() => void onStatus("no_show")}>Mark no-show</button>}
        </div>
      )}
      {movable(a) && (
        <form class="inline-fields" onSubmit={(e) => {
          e.preventDefault();
          const start = localToInstant(moveTo, zone);
          if (start) onMove(start);
        }}>
          <div class="field">
            <label for="move-to">Move to (clinic time)</label>
            <input id="move-to" type="datetime-local" step={300} value={moveTo} onInput={(e) => setMoveTo(e.currentTarget.value)} />
          </div>
          <button type="submit" disabled={busy}>Move</button>
        </form>
      )}
      {(open || a.status === "requested") && (
        <form class="inline-fields" onSubmit={(e) => {
          e.preventDefault();
          if (!reason.trim()) { setReasonError("Say why it is cancelled."); document.getElementById("cancel-reason")?.focus(); return; }
          setReasonError(undefined);
          void onCancel(reason.trim()).then((ok) => { if (ok) setReason(""); });
        }}>
          <div class="field">
            <label for="cancel-reason">Reason for cancelling</label>
            <input id="cancel-reason" value={reason} aria-invalid={reasonError ? "true" : "false"}
              aria-describedby={reasonError ? "cancel-reason-error" : undefined} onInput={(e) => setReason(e.currentTarget.value)} />
            {reasonError && <p class="field-error" id="cancel-reason-error">{reasonError}</p>}
          </div>
          <button type="submit" class="danger" disabled={busy}>Cancel appointment</button>
        </form>
      )}
      <button type="button" class="link" onClick={onClose}>Close details</button>
    </section>
  );
}

const BOOK_FIELDS = ["patient", "patient.given_name", "patient.family_name", "patient.phone", "patient.email",
  "service", "practitioner", "day", "start", "source", "room"];
const BOOK_LABELS: Record<string, string> = {
  patient: "Patient", "patient.given_name": "Given name", "patient.family_name": "Family name",
  "patient.phone": "Phone number", "patient.email": "Email", service: "Service", practitioner: "Practitioner",
  day: "Day", start: "Time", source: "How they reached us", room: "Room",
};

/** "Book a caller": find or add the patient, the service, practitioner, day and a free time. */
function BookDialog({ ctx, data, day: firstDay, preset, onClose, onBooked }: {
  ctx: StaffContext; data: CalendarData; day: string; preset: Preset; onClose: () => void;
  onBooked: (a: CalAppointment | null, text: string) => void;
}) {
  const { client, clinic } = ctx;
  const zone = clinic.time_zone;
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useFormErrors();
  const [who, setWho] = useState<"existing" | "new">("existing");
  const [q, setQ] = useState("");
  const [found, setFound] = useState<PatientRow[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [patient, setPatient] = useState<PatientRow | null>(null);
  const [person, setPerson] = useState({ given_name: "", family_name: "", phone: "", email: "" });
  const [services, setServices] = useState<Service[] | null>(null);
  const [service, setService] = useState("");
  const [practitioner, setPractitioner] = useState(String(preset.practitioner ?? data.practitioners[0]?.id ?? ""));
  const [day, setDay] = useState(firstDay < localDate(zone) ? localDate(zone) : firstDay);
  const [dayData, setDayData] = useState<CalendarData | null>(null);
  const [start, setStart] = useState("");
  const [extra, setExtra] = useState<string[]>([]);
  const [source, setSource] = useState<"phone" | "walk_in">("phone");
  const [overbook, setOverbook] = useState(false);
  const [alternatives, setAlternatives] = useState<string[]>([]);
  const [sending, setSending] = useState(false);

  useLayoutEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
    const closed = () => onClose();
    d?.addEventListener("close", closed);
    return () => d?.removeEventListener("close", closed);
  }, []);
  useEffect(() => {
    api.services().then((s) => { setServices(s); setService((v) => v || String(s[0]?.id ?? "")); }).catch(() => setServices([]));
  }, []);
  useEffect(() => {
    let live = true;
    setDayData(null);
    if (/^\d{4}-\d{2}-\d{2}$/.test(day)) client.calendar(day, 1).then((d) => { if (live) setDayData(d); }).catch(() => { if (live) setDayData(null); });
    return () => { live = false; };
  }, [day]);

  const svc = services?.find((s) => String(s.id) === service) ?? null;
  const prac = (dayData ?? data).practitioners.find((p) => String(p.id) === practitioner) ?? null;
  const starts = useMemo(() => {
    if (!svc || !prac || !dayData) return [];
    // Overbooking may go over the practitioner's own appointments and outside their hours: the
    // whole clinic day, 06:00 to 22:00 local, is offered.
    const wholeDay = [{ start: localToInstant(`${day}T06:00`, zone) ?? "", end: localToInstant(`${day}T22:00`, zone) ?? "" }];
    const spans = overbook && prac.allow_overbooking ? wholeDay : prac.free;
    return [...new Set([...freeStarts(spans, svc.duration_minutes, day, zone), ...extra])].sort();
  }, [svc, prac, dayData, overbook, extra, day]);
  // The clicked time, once the day's free times are known and if it is one of them.
  const wanted = useRef(preset.start ?? "");
  useEffect(() => {
    if (wanted.current && svc && starts.length) {
      const at = Date.parse(wanted.current);
      const hit = starts.find((x) => Date.parse(x) <= at && at < Date.parse(x) + svc.duration_minutes * 60000);
      wanted.current = "";
      if (hit) { setStart(hit); return; }
    }
    if (start && !starts.includes(start)) setStart("");
  }, [starts]);

  const search = async () => {
    if (!q.trim()) return;
    setSearching(true);
    try { setFound((await client.patients(q.trim(), 1, 10)).patients); } catch { setFound([]); } finally { setSearching(false); }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (who === "existing" && !patient) fields.patient = "Search for the patient and choose one, or add a new patient.";
    if (who === "new") {
      if (!person.given_name.trim()) fields["patient.given_name"] = "Enter the given name.";
      if (!person.family_name.trim()) fields["patient.family_name"] = "Enter the family name.";
      if (!person.phone.trim()) fields["patient.phone"] = "Enter a phone number.";
      if (person.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(person.email.trim())) fields["patient.email"] = "Enter an email like name@example.com, or leave it empty.";
    }
    if (!service) fields.service = "Choose a service.";
    if (!practitioner) fields.practitioner = "Choose a practitioner.";
    if (!start) fields.start = "Choose a time.";
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    form.clear();
    setSending(true);
    try {
      const body = await client.bookCaller({
        patient: who === "existing" ? patient!.id : {
          given_name: person.given_name.trim(), family_name: person.family_name.trim(), phone: person.phone.trim(),
          ...(person.email.trim() ? { email: person.email.trim() } : {}),
        },
        service: +service, practitioner: +practitioner, start, source,
        ...(overbook && prac?.allow_overbooking ? { overbook: true } : {}),
      });
      const name = who === "existing" ? `${patient!.given_name} ${patient!.family_name}` : `${person.given_name.trim()} ${person.family_name.trim()}`;
      dialog.current?.close?.();
      onBooked(appointmentOf(body), `Booked ${name}: ${svc?.name ?? "appointment"}, ${formatInstantDateTime(start, zone)}.`);
    } catch (err) {
      const error = err as StaffApiError;
      const mapped: MappedErrors = mapFieldErrors(error.problem?.errors, BOOK_FIELDS);
      if (error.status === 409) {
        const alts = alternativesOf(error.problem);
        setAlternatives(alts);
        setExtra(alts);
        mapped.fields.start = conflictMessage(409, error.problem, zone, "book");
        if (dayData) client.calendar(day, 1).then(setDayData).catch(() => undefined);
      } else if (error.status === 422) {
        mapped.fields.start = conflictMessage(422, error.problem, zone, "book");
      } else if (!Object.keys(mapped.fields).length && !mapped.other.length) {
        mapped.other.push(conflictMessage(error.status, error.problem, zone, "book"));
      }
      form.fail(mapped);
    } finally {
      setSending(false);
    }
  };

  const f = form.errors.fields;
  const setP = (k: keyof typeof person) => (v: string) => { setPerson((p) => ({ ...p, [k]: v })); form.clearField(`patient.${k}`); };
  return (
    <dialog ref={dialog} class="book-dialog" aria-labelledby="book-title">
      <form onSubmit={submit} noValidate>
        <h2 id="book-title">Book a caller</h2>
        <ErrorSummary errors={form.errors} labels={BOOK_LABELS} summary={form.summary} />
        <fieldset>
          <legend>Patient</legend>
          <div class="choices">
            <label class="check"><input type="radio" name="who" checked={who === "existing"} onChange={() => setWho("existing")} /> Find a patient</label>
            <label class="check"><input type="radio" name="who" checked={who === "new"} onChange={() => setWho("new")} /> New patient</label>
          </div>
          {who === "existing" ? (
            <div id="f-patient" tabIndex={-1} aria-describedby={f.patient ? "f-patient-error" : undefined}>
              <label for="book-q">Name, phone or email</label>
              <div class="search-row">
                <input id="book-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)}
                  onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); void search(); } }} />
                <button type="button" onClick={() => void search()} disabled={searching}>Search</button>
              </div>
              {f.patient && <p class="field-error" id="f-patient-error">{f.patient}</p>}
              {found !== null && (found.length === 0 ? <p role="status">No patient matches “{q}”. Add a new patient instead.</p> : (
                <fieldset class="plain results">
                  <legend class="visually-hidden">Patients found</legend>
                  {found.map((p) => (
                    <label class="check result" key={p.id}>
                      <input type="radio" name="patient" checked={patient?.id === p.id} onChange={() => { setPatient(p); form.clearField("patient"); }} />
                      {" "}{p.given_name} {p.family_name}{p.phone ? `, ${formatPhone(p.phone)}` : ""}{p.email ? `, ${p.email}` : ""}
                    </label>
                  ))}
                </fieldset>
              ))}
            </div>
          ) : (
            <div class="inline-fields">
              <Field name="patient.given_name" label="Given name" value={person.given_name} error={f["patient.given_name"]} onValue={setP("given_name")} autoComplete="off" />
              <Field name="patient.family_name" label="Family name" value={person.family_name} error={f["patient.family_name"]} onValue={setP("family_name")} autoComplete="off" />
              <Field name="patient.phone" label="Phone number" type="tel" value={person.phone} error={f["patient.phone"]} onValue={setP("phone")} autoComplete="off" />
              <Field name="patient.email" label="Email (optional)" type="email" value={person.email} error={f["patient.email"]} onValue={setP("email")}
                hint="A phone booking may have none." autoComplete="off" />
            </div>
          )}
        </fieldset>
        <div class="inline-fields">
          <SelectField name="service" label="Service" value={service} error={f.service}
            options={[["", services ? "Choose…" : "Loading…"], ...(services ?? []).map((s): [string, string] => [String(s.id), `${s.name} (${s.duration_minutes} min)`])]}
            onValue={(v) => { setService(v); form.clearField("service"); }} />
          <SelectField name="practitioner" label="Practitioner" value={practitioner} error={f.practitioner}
            options={data.practitioners.map((p): [string, string] => [String(p.id), p.name])}
            onValue={(v) => { setPractitioner(v); setOverbook(false); form.clearField("practitioner"); }} />
          <Field name="day" label="Day" type="date" value={day} error={f.day} onValue={(v) => { setDay(v); setExtra([]); setAlternatives([]); }} />
        </div>
        <div class="inline-fields">
          <SelectField name="start" label="Time" value={start} error={f.start}
            options={[["", !dayData ? "Loading free times…" : starts.length ? "Choose a free time…" : "No free time this day"],
              ...starts.map((s): [string, string] => [s, `${timeLabel(s, zone)}${alternatives.includes(s) ? " (suggested)" : ""}`])]}
            onValue={(v) => { setStart(v); form.clearField("start"); }} />
          {prac?.allow_overbooking && (
            <label class="check"><input type="checkbox" checked={overbook} onChange={(e) => setOverbook(e.currentTarget.checked)} />
              {" "}Overbook (allowed for {prac.name}): any time from 06:00 to 22:00, over their own appointments or outside their hours</label>
          )}
        </div>
        {alternatives.length > 0 && (
          <div class="actions" role="group" aria-label="Free times nearby">
            {alternatives.map((s) => (
              <button type="button" key={s} onClick={() => { setStart(s); form.clearField("start"); }}>
                Take {formatInstantDateTime(s, zone)}</button>
            ))}
          </div>
        )}
        <fieldset class="plain">
          <legend>How they reached us</legend>
          <div class="choices">
            <label class="check"><input type="radio" name="source" checked={source === "phone"} onChange={() => setSource("phone")} /> Phone</label>
            <label class="check"><input type="radio" name="source" checked={source === "walk_in"} onChange={() => setSource("walk_in")} /> Walk-in</label>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" disabled={sending}>{sending ? "Booking…" : "Book"}</button>
          <button type="button" onClick={() => dialog.current?.close?.()}>Cancel</button>
        </div>
      </form>
    </dialog>
  );
}
