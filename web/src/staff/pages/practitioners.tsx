// Practitioners: who they are, what they may deliver, their weekly hours, breaks and time off.
import { useMemo, useState } from "preact/hooks";
import { linkProps, navigate } from "../../lib/router";
import { label } from "../../lib/labels";
import { Setup, SetupPractitioner, Span, StaffApiError, Stranded } from "../api";
import { localToInstant, parseHour, slugify } from "../forms";
import { Checks, ErrorSummary, failSave, Field, Page, Saved, saveErrors, SelectField, StaffContext, StrandedList, useFormErrors,
  useLoad, when } from "../ui";
import { PractitionerCalendarFeed } from "./calendar_feed";
import { canEdit, ReadOnlyNote } from "./setup";

export const ROLES: [string, string][] = [["chiropractor", "Chiropractor"], ["massage_therapist", "Massage therapist"]];
export const SKILLS: [string, string][] = [["active_release_technique", "Active Release Technique (ART)"],
  ["sports_injury", "Sports injury"], ["deep_tissue", "Deep tissue"], ["foam_roller_coaching", "Foam roller coaching"]];
const DAYS: [string, string][] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
  .map((d) => [d, label(d)]);

export function names(setup: Setup | null) {
  return {
    practitioners: new Map((setup?.practitioners ?? []).map((p) => [p.id, p.display_name])),
    services: new Map((setup?.services ?? []).map((s) => [s.id, s.name])),
  };
}

export function PractitionersPage({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => ctx.client.setup(), []);
  const zone = ctx.clinic.time_zone;
  return (
    <Page title="Practitioners" load={load} retry={load.reload}>
      <ReadOnlyNote ctx={ctx} />
      <p><a {...linkProps("staff/setup")}>All set-up pages</a></p>
      {canEdit(ctx) && <p><a class="button primary" {...linkProps("staff/setup/practitioners/new")}>Add a practitioner</a></p>}
      {load.data && (load.data.practitioners.length === 0 ? <p>No practitioners yet.</p> : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Practitioners (scrolls sideways on small screens)">
          <table class="list">
            <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Weekly hours</th><th scope="col">Next time off</th><th scope="col">Active</th></tr></thead>
            <tbody>
              {load.data.practitioners.map((p) => (
                <tr key={p.id}>
                  <td><a {...linkProps(`staff/setup/practitioners/${p.id}`)}>{p.display_name}</a></td>
                  <td>{label(p.role)}</td>
                  <td>{hoursSummary(p.weekly_hours)}</td>
                  <td>{p.time_off?.length ? when(p.time_off[0].start, zone) : "—"}</td>
                  <td>{p.active ? "Yes" : "No"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </Page>
  );
}

function hoursSummary(spans: Span[] | undefined): string {
  if (!spans?.length) return "None";
  return spans.map((s) => `${s.day.slice(0, 3)} ${s.start}–${s.end}`).join(", ");
}

export function PractitionerPage({ ctx, id }: { ctx: StaffContext; id: string }) {
  const load = useLoad(() => ctx.client.setup(), []);
  const practitioner = id === "new" ? undefined : load.data?.practitioners.find((p) => p.id === +id);
  const title = id === "new" ? "Add a practitioner" : practitioner?.display_name ?? "Practitioner";
  const missing = load.data && id !== "new" && !practitioner;
  return (
    <Page title={title} load={load} retry={load.reload}>
      <ReadOnlyNote ctx={ctx} />
      <p><a {...linkProps("staff/setup/practitioners")}>All practitioners</a></p>
      {missing && <p class="error" role="alert">There is no practitioner {id} in this clinic.</p>}
      {load.data && !missing && (
        <>
          <PractitionerForm key={practitioner?.id ?? "new"} ctx={ctx} setup={load.data} practitioner={practitioner} onSaved={load.reload} />
          {practitioner && <TimeOff ctx={ctx} setup={load.data} practitioner={practitioner} onChanged={load.reload} />}
          {practitioner && <PractitionerCalendarFeed ctx={ctx} practitioner={practitioner.id} />}
        </>
      )}
    </Page>
  );
}

interface SpanRow { day: string; start: string; end: string; label: string }
const toRows = (spans: Span[] | undefined): SpanRow[] =>
  (spans ?? []).map((s) => ({ day: s.day, start: s.start, end: s.end, label: s.label ?? "" }));

function PractitionerForm({ ctx, setup, practitioner: p, onSaved }: {
  ctx: StaffContext; setup: Setup; practitioner?: SetupPractitioner; onSaved: () => void;
}) {
  const [name, setName] = useState(p?.display_name ?? "");
  const [slug, setSlug] = useState(p?.slug ?? "");
  const [role, setRole] = useState(p?.role ?? "massage_therapist");
  const [skills, setSkills] = useState<string[]>(p?.skills ?? []);
  const [bio, setBio] = useState(p?.bio ?? "");
  const [active, setActive] = useState(p?.active ?? true);
  const [overbooking, setOverbooking] = useState(p?.allow_overbooking ?? false);
  const [hours, setHours] = useState<SpanRow[]>(toRows(p?.weekly_hours));
  const [breaks, setBreaks] = useState<SpanRow[]>(toRows(p?.breaks));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [stranded, setStranded] = useState<Stranded[] | null>(null);
  const form = useFormErrors();
  const editable = canEdit(ctx);

  const fieldNames = useMemo(() => ["display_name", "slug", "role", "skills", "bio", "active", "allow_overbooking", "weekly_hours", "breaks",
    ...hours.flatMap((_, i) => ["day", "start", "end"].map((k) => `weekly_hours[${i}].${k}`)),
    ...breaks.flatMap((_, i) => ["day", "start", "end", "label"].map((k) => `breaks[${i}].${k}`))], [hours.length, breaks.length]);
  const labels: Record<string, string> = { display_name: "Name", slug: "Web name", role: "Role", skills: "Skills",
    bio: "Bio", active: "Active", allow_overbooking: "Overbooking", weekly_hours: "Weekly hours", breaks: "Breaks" };
  hours.forEach((_, i) => ["day", "start", "end"].forEach((k) => { labels[`weekly_hours[${i}].${k}`] = `Hours row ${i + 1}, ${k}`; }));
  breaks.forEach((_, i) => ["day", "start", "end", "label"].forEach((k) => { labels[`breaks[${i}].${k}`] = `Break ${i + 1}, ${k}`; }));

  const build = () => {
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.display_name = "Enter the practitioner's name as patients see it.";
    const spans = (rows: SpanRow[], key: string, withLabel: boolean) => rows.map((r, i) => {
      const start = parseHour(r.start);
      const end = parseHour(r.end);
      if (start.error) fields[`${key}[${i}].start`] = start.error;
      if (end.error) fields[`${key}[${i}].end`] = end.error;
      if (start.value && end.value && end.value <= start.value) fields[`${key}[${i}].end`] = "The end must be after the start.";
      return { day: r.day, start: start.value ?? r.start, end: end.value ?? r.end, ...(withLabel && r.label.trim() ? { label: r.label.trim() } : {}) };
    });
    const body = {
      display_name: name.trim(), slug: slug.trim() || slugify(name), role, skills, bio: bio.trim(), active,
      allow_overbooking: overbooking, weekly_hours: spans(hours, "weekly_hours", false), breaks: spans(breaks, "breaks", true),
    };
    return { fields, body };
  };

  const save = async (keep: boolean) => {
    setSaved(null);
    const { fields, body } = build();
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    setBusy(true);
    try {
      const stored = p ? await ctx.client.save<SetupPractitioner>("PUT", `/practitioners/${p.id}`, body, keep)
        : await ctx.client.save<SetupPractitioner>("POST", "/practitioners", body, keep);
      form.clear();
      setStranded(null);
      setSaved(keep ? "Saved. The listed appointments stay booked: move them from the calendar." : "Saved.");
      if (!p && stored?.id) navigate(`staff/setup/practitioners/${stored.id}`);
      else onSaved();
    } catch (err) {
      failSave(err as StaffApiError, form, fieldNames, setStranded);
    } finally {
      setBusy(false);
    }
  };

  const spanEditor = (key: "weekly_hours" | "breaks", rows: SpanRow[], set: (r: SpanRow[]) => void, title: string) => (
    <fieldset id={`f-${key}`} tabIndex={-1}>
      <legend>{title}</legend>
      <p class="hint">Clinic time ({ctx.clinic.time_zone}). Times like 08:00 or 5:30 PM.</p>
      {form.errors.fields[key] && <p class="field-error">{form.errors.fields[key]}</p>}
      {rows.length === 0 && <p>None.</p>}
      {rows.map((r, i) => {
        const update = (k: keyof SpanRow) => (v: string) => {
          set(rows.map((x, j) => (j === i ? { ...x, [k]: v } : x)));
          form.clearField(`${key}[${i}].${k}`);
        };
        const row = key === "weekly_hours" ? "Hours" : "Break";
        return (
          <div class="span-row" key={i}>
            <SelectField name={`${key}[${i}].day`} label={`${row} ${i + 1}: day`} value={r.day} options={DAYS}
              error={form.errors.fields[`${key}[${i}].day`]} onValue={update("day")} />
            <Field name={`${key}[${i}].start`} label="From" value={r.start} error={form.errors.fields[`${key}[${i}].start`]}
              onValue={update("start")} placeholder="08:00" />
            <Field name={`${key}[${i}].end`} label="Until" value={r.end} error={form.errors.fields[`${key}[${i}].end`]}
              onValue={update("end")} placeholder="17:00" />
            {key === "breaks" && <Field name={`${key}[${i}].label`} label="Label" value={r.label}
              error={form.errors.fields[`${key}[${i}].label`]} onValue={update("label")} placeholder="Lunch" />}
            {editable && <button type="button" class="link" aria-label={`Remove ${row.toLowerCase()} ${i + 1}`}
              onClick={() => set(rows.filter((_, j) => j !== i))}>Remove</button>}
          </div>
        );
      })}
      {editable && <button type="button" onClick={() => {
        const last = rows[rows.length - 1];
        const next = last ? DAYS[(DAYS.findIndex(([d]) => d === last.day) + 1) % 7][0] : "monday";
        set([...rows, { day: next, start: last?.start ?? (key === "breaks" ? "12:00" : "09:00"),
          end: last?.end ?? (key === "breaks" ? "13:00" : "17:00"), label: last?.label ?? "" }]);
      }}>{key === "weekly_hours" ? "Add working hours" : "Add a break"}</button>}
    </fieldset>
  );

  return (
    <form onSubmit={(e) => { e.preventDefault(); save(false); }} noValidate>
      <ErrorSummary errors={form.errors} labels={labels} summary={form.summary} />
      <fieldset class="plain" disabled={!editable}>
        <Field name="display_name" label="Name (as patients see it)" value={name} error={form.errors.fields.display_name}
          onValue={(v) => { setName(v); form.clearField("display_name"); }} />
        <Field name="slug" label="Web name" hint={slug ? "Letters, digits and dashes." : `Left empty it becomes "${slugify(name)}".`}
          value={slug} error={form.errors.fields.slug} onValue={(v) => { setSlug(v); form.clearField("slug"); }} />
        <SelectField name="role" label="Role" value={role} options={ROLES} error={form.errors.fields.role} onValue={setRole} />
        <Checks name="skills" legend="Skills" options={SKILLS} values={skills} error={form.errors.fields.skills} onValues={setSkills} />
        <Field name="bio" label="Bio" type="textarea" value={bio} error={form.errors.fields.bio} onValue={setBio} />
        <label class="check"><input type="checkbox" id="f-active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          Active (takes bookings)</label>
        {form.errors.fields.active && <p class="field-error">{form.errors.fields.active}</p>}
        <label class="check"><input type="checkbox" id="f-allow_overbooking" checked={overbooking}
          onChange={(e) => setOverbooking(e.currentTarget.checked)} />
          The front desk may overbook (book over this practitioner's appointments or outside their hours)</label>
        {form.errors.fields.allow_overbooking && <p class="field-error">{form.errors.fields.allow_overbooking}</p>}
        {spanEditor("weekly_hours", hours, setHours, "Weekly hours")}
        {spanEditor("breaks", breaks, setBreaks, "Breaks")}
        {stranded && <StrandedList stranded={stranded} ctx={ctx} names={names(setup)} busy={busy}
          onKeep={() => save(true)} onCancel={() => setStranded(null)} />}
        {editable && !stranded && <button type="submit" class="primary" disabled={busy}>{busy ? "Saving…" : p ? "Save practitioner" : "Add practitioner"}</button>}
      </fieldset>
      <Saved text={saved} />
    </form>
  );
}

function TimeOff({ ctx, setup, practitioner: p, onChanged }: {
  ctx: StaffContext; setup: Setup; practitioner: SetupPractitioner; onChanged: () => void;
}) {
  const zone = ctx.clinic.time_zone;
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [stranded, setStranded] = useState<Stranded[] | null>(null);
  const form = useFormErrors();
  const editable = canEdit(ctx);
  const labels = { "time-off:start": "From", "time-off:end": "Until", "time-off:reason": "Reason" };

  const add = async (keep: boolean) => {
    setSaved(null);
    const fields: Record<string, string> = {};
    const from = localToInstant(start, zone);
    const until = localToInstant(end, zone);
    if (!from) fields["time-off:start"] = "Enter when the time off starts.";
    if (!until) fields["time-off:end"] = "Enter when it ends.";
    if (from && until && until <= from) fields["time-off:end"] = "The end must be after the start.";
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    setBusy(true);
    try {
      await ctx.client.save("POST", `/practitioners/${p.id}/time-off`, { start: from, end: until, reason: reason.trim() }, keep);
      form.clear();
      setStranded(null);
      setStart(""); setEnd(""); setReason("");
      setSaved("Time off added.");
      onChanged();
    } catch (err) {
      failSave(err as StaffApiError, form, ["start", "end", "reason"], setStranded, "time-off");
    } finally {
      setBusy(false);
    }
  };
  const remove = async (id: number) => {
    setSaved(null);
    try {
      await ctx.client.save("DELETE", `/practitioners/${p.id}/time-off/${id}`, undefined);
      setSaved("Time off removed.");
      onChanged();
    } catch (err) {
      form.fail(saveErrors(err as StaffApiError, []));
    }
  };

  return (
    <section aria-labelledby="time-off-heading">
      <h2 id="time-off-heading">Time off</h2>
      {p.time_off.length === 0 ? <p>None planned.</p> : (
        <ul class="plain-list">
          {p.time_off.map((t) => (
            <li key={t.id}>{when(t.start, zone)} until {when(t.end, zone)}{t.reason ? ` (${t.reason})` : ""}{" "}
              {editable && <button type="button" class="link" aria-label={`Remove time off from ${when(t.start, zone)}`}
                onClick={() => remove(t.id)}>Remove</button>}</li>
          ))}
        </ul>
      )}
      {editable && (
        <form onSubmit={(e) => { e.preventDefault(); add(false); }} noValidate aria-labelledby="add-time-off">
          <h3 id="add-time-off">Add time off</h3>
          <ErrorSummary errors={form.errors} labels={labels} summary={form.summary} />
          <p class="hint">In clinic time ({zone}).</p>
          <div class="inline-fields">
            <Field name="time-off:start" label="From" type="datetime-local" value={start} error={form.errors.fields["time-off:start"]}
              onValue={(v) => { setStart(v); form.clearField("time-off:start"); }} />
            <Field name="time-off:end" label="Until" type="datetime-local" value={end} error={form.errors.fields["time-off:end"]}
              onValue={(v) => { setEnd(v); form.clearField("time-off:end"); }} />
          </div>
          <Field name="time-off:reason" label="Reason (staff only)" value={reason} error={form.errors.fields["time-off:reason"]} onValue={setReason} />
          {stranded ? <StrandedList stranded={stranded} ctx={ctx} names={names(setup)} busy={busy}
            onKeep={() => add(true)} onCancel={() => setStranded(null)} />
            : <button type="submit" disabled={busy}>{busy ? "Adding…" : "Add time off"}</button>}
        </form>
      )}
      <Saved text={saved} />
    </section>
  );
}

