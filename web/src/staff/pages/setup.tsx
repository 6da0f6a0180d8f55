// Clinic set-up: the overview, the clinic's details with its booking policy and session
// settings, and the rooms. Everyone may read; only a role with edit_clinic_setup may save.
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { linkProps } from "../../lib/router";
import { Room, SetupClinic, StaffApiError } from "../api";
import { parseDuration, parseWhole, Parsed } from "../forms";
import { allowed } from "../nav";
import { FeedNamesSetting } from "./calendar_feed";
import { ErrorSummary, Field, Page, Saved, saveErrors, SelectField, StaffContext, useFormErrors, useLoad } from "../ui";

export const ROOM_KINDS: [string, string][] = [["adjustment", "Adjustment (treatment table)"], ["massage", "Massage"]];

export function canEdit(ctx: StaffContext): boolean { return allowed(ctx.session.permissions, "edit_clinic_setup"); }

export function ReadOnlyNote({ ctx }: { ctx: StaffContext }) {
  return canEdit(ctx) ? null : <p class="notice">Your role can see the clinic's set-up but not change it.</p>;
}

export function SetupNav() {
  return (
    <ul class="actions-list">
      <li><a class="button" {...linkProps("staff/setup/clinic")}>Clinic details and policy</a></li>
      <li><a class="button" {...linkProps("staff/setup/rooms")}>Rooms</a></li>
      <li><a class="button" {...linkProps("staff/setup/practitioners")}>Practitioners and hours</a></li>
      <li><a class="button" {...linkProps("staff/setup/services")}>Services</a></li>
      <li><a class="button" {...linkProps("staff/setup/messages")}>Patient messages</a></li>
    </ul>
  );
}

export function SetupIndex({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => ctx.client.setup(), []);
  const s = load.data;
  return (
    <Page title="Clinic set-up" load={load} retry={load.reload}>
      <ReadOnlyNote ctx={ctx} />
      <SetupNav />
      {s && (
        <ul>
          <li>{s.clinic.name}, {s.clinic.time_zone}</li>
          <li>{s.rooms.length} room{s.rooms.length === 1 ? "" : "s"}</li>
          <li>{s.practitioners.filter((p) => p.active).length} active practitioner(s) of {s.practitioners.length}</li>
          <li>{s.services.length} service{s.services.length === 1 ? "" : "s"}</li>
        </ul>
      )}
    </Page>
  );
}

// The clinic form's fields: path in the clinic's JSON, label, hint, and how to read the text.
type Reader = (text: string) => Parsed<unknown>;
const text: Reader = (t) => (t.trim() ? { value: t.trim() } : { error: "Enter a value." });
const optional: Reader = (t) => ({ value: t.trim() || null });
const minutes = (max: number): Reader => (t) => parseDuration(t, max);
const whole = (min: number, max: number): Reader => (t) => parseWhole(t, min, max);

const CLINIC_FIELDS: [string, string, Reader, string?][] = [
  ["name", "Clinic name", text],
  ["phone", "Phone (international form, e.g. +14155550134)", text],
  ["address.line1", "Address line 1", text],
  ["address.line2", "Address line 2 (optional)", optional],
  ["address.city", "City", text],
  ["address.region", "State or region", text],
  ["address.postal_code", "Postal code", text],
  ["address.country", "Country (two letters, e.g. US)", text],
  ["time_zone", "Time zone (IANA, e.g. America/Los_Angeles)", text],
  ["booking_policy.min_notice_minutes", "Minimum notice for online booking", minutes(60 * 24 * 30), "Minutes, or e.g. 2 h."],
  ["booking_policy.horizon_days", "Booking horizon (days ahead)", whole(1, 730)],
  ["booking_policy.cancellation_window_minutes", "Online changes end this long before the start", minutes(60 * 24 * 30), "Minutes, or e.g. 24 h."],
  ["booking_policy.slot_step_minutes", "Slot step", minutes(240), "Minutes between possible start times."],
  ["booking_policy.grace_period_minutes", "Grace period after booking", minutes(24 * 60), "Changes allowed right after booking, in minutes."],
  ["booking_policy.max_future_online_bookings", "Most upcoming online bookings per email", whole(0, 100)],
  ["booking_policy.no_show_approval_threshold", "Online bookings need approval after this many no-shows in 12 months",
    whole(0, 50), "0 turns the rule off."],
  ["sessions.idle_timeout_minutes", "Staff sessions end after this long unused", minutes(60 * 24), "Minutes, or e.g. 30 min."],
  ["sessions.absolute_timeout_minutes", "Staff sessions end this long after sign-in", minutes(60 * 24 * 7), "Minutes, or e.g. 12 h."],
];

function getPath(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    o[k] = { ...((o[k] as Record<string, unknown>) ?? {}) };
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

export function ClinicSetupPage({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => ctx.client.setup(), []);
  return (
    <Page title="Clinic details" load={load} retry={load.reload}>
      {load.data && <ClinicForm ctx={ctx} clinic={load.data.clinic} />}
      {load.data && <FeedNamesSetting ctx={ctx} editable={canEdit(ctx)} />}
    </Page>
  );
}

function ClinicForm({ ctx, clinic }: { ctx: StaffContext; clinic: SetupClinic }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(
    CLINIC_FIELDS.map(([path]) => [path, String(getPath(clinic, path) ?? "")])));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useFormErrors();
  const editable = canEdit(ctx);
  const labels = Object.fromEntries(CLINIC_FIELDS.map(([p, l]) => [p, l]));

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    const body: Record<string, unknown> = { ...clinic };
    delete body.opening_hours;
    const fields: Record<string, string> = {};
    for (const [path, , read] of CLINIC_FIELDS) {
      const r = read(values[path] ?? "");
      if (r.error) fields[path] = r.error; else setPath(body, path, r.value);
    }
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    setBusy(true);
    try {
      await ctx.client.save("PUT", "/clinic", body);
      form.clear();
      setSaved("Saved. Availability uses the new settings at once.");
    } catch (err) {
      form.fail(saveErrors(err as StaffApiError, CLINIC_FIELDS.map(([p]) => p)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ReadOnlyNote ctx={ctx} />
      <p><a {...linkProps("staff/setup")}>All set-up pages</a></p>
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={form.errors} labels={labels} summary={form.summary} />
        <fieldset class="plain" disabled={!editable}>
          {CLINIC_FIELDS.map(([path, label, , hint], i) => (
            <Fragment key={path}>
              {i === 0 && <h2>Details</h2>}
              {path === "booking_policy.min_notice_minutes" && <h2>Online booking policy</h2>}
              {path === "sessions.idle_timeout_minutes" && <h2>Staff sessions</h2>}
              <Field name={path} label={label} hint={hint} value={values[path]} error={form.errors.fields[path]}
                onValue={(v) => { setValues((x) => ({ ...x, [path]: v })); form.clearField(path); }} />
            </Fragment>
          ))}
          <p class="note">The clinic's address on the web is fixed: /c/{clinic.slug}/.</p>
          {editable && <button type="submit" class="primary" disabled={busy}>{busy ? "Saving…" : "Save clinic details"}</button>}
        </fieldset>
        <Saved text={saved} />
      </form>
    </>
  );
}

export function RoomsPage({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => ctx.client.setup(), []);
  return (
    <Page title="Rooms" load={load} retry={load.reload}>
      <ReadOnlyNote ctx={ctx} />
      <p><a {...linkProps("staff/setup")}>All set-up pages</a></p>
      {load.data && (
        <>
          {load.data.rooms.length === 0 && <p>No rooms yet.</p>}
          {load.data.rooms.map((r) => <RoomForm key={r.id} ctx={ctx} room={r} onSaved={load.reload} />)}
          {canEdit(ctx) && <RoomForm ctx={ctx} onSaved={load.reload} />}
        </>
      )}
    </Page>
  );
}

function RoomForm({ ctx, room, onSaved }: { ctx: StaffContext; room?: Room; onSaved: () => void }) {
  const scope = room ? `room-${room.id}` : "new-room";
  const [name, setName] = useState(room?.name ?? "");
  const [kind, setKind] = useState(room?.kind ?? "massage");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useFormErrors();
  const editable = canEdit(ctx);
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    if (!name.trim()) { form.fail({ fields: { [`${scope}:name`]: "Enter the room's name." }, other: [] }); return; }
    setBusy(true);
    try {
      const body = { name: name.trim(), kind };
      if (room) await ctx.client.save("PUT", `/rooms/${room.id}`, body);
      else { await ctx.client.save("POST", "/rooms", body); setName(""); }
      form.clear();
      setSaved(room ? `Saved ${body.name}.` : `Added ${body.name}.`);
      onSaved();
    } catch (err) {
      form.fail(saveErrors(err as StaffApiError, ["name", "kind"], scope));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="row-form" onSubmit={submit} noValidate aria-label={room ? `Room ${room.name}` : "Add a room"}>
      {!room && <h2>Add a room</h2>}
      <ErrorSummary errors={form.errors} labels={{ [`${scope}:name`]: "Name", [`${scope}:kind`]: "Kind" }} summary={form.summary} />
      <fieldset class="plain inline-fields" disabled={!editable}>
        <Field name={`${scope}:name`} label={room ? `Name of room ${room.id}` : "Name"} value={name}
          error={form.errors.fields[`${scope}:name`]} onValue={(v) => { setName(v); form.clearField(`${scope}:name`); }} />
        <SelectField name={`${scope}:kind`} label="Kind" value={kind} options={ROOM_KINDS}
          error={form.errors.fields[`${scope}:kind`]} onValue={setKind} />
        {editable && <button type="submit" class={room ? "" : "primary"} disabled={busy}>{room ? "Save" : "Add room"}</button>}
      </fieldset>
      <Saved text={saved} />
    </form>
  );
}
