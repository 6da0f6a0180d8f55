// Treatment plans (issue 15): compose a patient's plan (services repeated every N weeks), then on
// the plan's page preview its series — every visit's time, or why it cannot take it with the
// nearest free starts to pick from — and book the chosen visits in one step. Nothing is booked
// until "Book N visits"; the server books all of them or none. Afterwards: done, left, missed.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { label } from "../../lib/labels";
import { linkProps, navigate } from "../../lib/router";
import { formatInstantDateTime, localDate } from "../../lib/time";
import { StaffApiError } from "../api";
import { allowed } from "../nav";
import {
  chosenVisits, conflictIndex, itemFromDraft, ItemDraft, itemText, Plan, plansApi, Preview, progressText,
  SeriesProblem, unresolved, withConflict,
} from "../plans_api";
import { ErrorSummary, Field, Page, saveMessage, SelectField, StaffContext, useFormErrors, useLoad, when } from "../ui";

const emptyDraft = (date: string): ItemDraft => ({ service: "", practitioner: "", weeks: "1", count: "4", first_date: date, time: "10:00" });

export function NewPlanPage({ ctx, patient }: { ctx: StaffContext; patient: number }) {
  const setup = useLoad(() => ctx.client.setup(), []);
  const [title, setTitle] = useState("");
  const [drafts, setDrafts] = useState<ItemDraft[]>([emptyDraft(localDate(ctx.clinic.time_zone, new Date(), 1))]);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const s = setup.data;
  const set = (i: number, change: Partial<ItemDraft>) => {
    setDrafts((d) => d.map((x, j) => (j === i ? { ...x, ...change } : x)));
    for (const k of Object.keys(change)) form.clearField(`items[${i}].${k}`);
  };
  const labels: Record<string, string> = { title: "Title", items: "Services" };
  drafts.forEach((_, i) => {
    const n = `Service ${i + 1}`;
    Object.assign(labels, {
      [`items[${i}].service`]: `${n}: service`, [`items[${i}].practitioner`]: `${n}: practitioner`,
      [`items[${i}].weeks`]: `${n}: every how many weeks`, [`items[${i}].interval_days`]: `${n}: every how many weeks`,
      [`items[${i}].count`]: `${n}: visits`, [`items[${i}].first_date`]: `${n}: first date`, [`items[${i}].time`]: `${n}: time`,
    });
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    const items = [];
    for (let i = 0; i < drafts.length; ++i) {
      const r = itemFromDraft(drafts[i]);
      if (!r.item) { form.fail({ fields: { [`items[${i}].${r.field}`]: r.reason ?? "" }, other: [] }); return; }
      items.push(r.item);
    }
    setBusy(true);
    try {
      const plan = await plansApi.create(ctx.client, patient, { title: title.trim(), items });
      navigate(`staff/plans/${plan.id}`);
    } catch (err) {
      const error = err as StaffApiError;
      const fields: Record<string, string> = {};
      for (const p of error.problem?.errors ?? []) {
        fields[p.field.replace(".interval_days", ".weeks")] = p.reason;
      }
      form.fail({ fields, other: Object.keys(fields).length ? [] : [saveMessage(error)] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="New treatment plan" load={setup} retry={setup.reload}>
      <p><a {...linkProps(`staff/patients/${patient}`)}>Back to the patient</a></p>
      {s && (
        <form onSubmit={submit} noValidate>
          <ErrorSummary errors={form.errors} labels={labels} summary={form.summary} />
          <Field name="title" label="Title (optional)" value={title} onValue={setTitle} hint="For example: upper back knots" />
          {drafts.map((d, i) => (
            <fieldset class="card plan-item" key={i}>
              <legend>Service {i + 1}</legend>
              <SelectField name={`items[${i}].service`} label="Service" value={d.service} error={form.errors.fields[`items[${i}].service`]}
                options={[["", "Choose…"], ...s.services.map((x): [string, string] => [String(x.id), x.name])]} onValue={(v) => set(i, { service: v })} />
              <SelectField name={`items[${i}].practitioner`} label="Practitioner" value={d.practitioner} error={form.errors.fields[`items[${i}].practitioner`]}
                options={[["", "Choose…"], ...s.practitioners.filter((p) => p.active).map((p): [string, string] => [String(p.id), p.display_name])]}
                onValue={(v) => set(i, { practitioner: v })} />
              <Field name={`items[${i}].weeks`} label="Every how many weeks" type="number" inputMode="numeric" value={d.weeks}
                error={form.errors.fields[`items[${i}].weeks`]} onValue={(v) => set(i, { weeks: v })} />
              <Field name={`items[${i}].count`} label="Visits" type="number" inputMode="numeric" value={d.count}
                error={form.errors.fields[`items[${i}].count`]} onValue={(v) => set(i, { count: v })} />
              <Field name={`items[${i}].first_date`} label="First date" type="date" value={d.first_date}
                error={form.errors.fields[`items[${i}].first_date`]} onValue={(v) => set(i, { first_date: v })} />
              <Field name={`items[${i}].time`} label={`Time (${ctx.clinic.time_zone})`} type="time" value={d.time}
                error={form.errors.fields[`items[${i}].time`]} onValue={(v) => set(i, { time: v })} />
              {drafts.length > 1 && (
                <button type="button" onClick={() => setDrafts((x) => x.filter((_, j) => j !== i))}>Remove service {i + 1}</button>
              )}
            </fieldset>
          ))}
          <div class="actions">
            <button type="button" onClick={() => setDrafts((x) => [...x, emptyDraft(d0(x))])} disabled={drafts.length >= 8}>Add a service</button>
            <button type="submit" class="primary" disabled={busy}>Save the plan</button>
          </div>
          <p class="note">Saving books nothing: the plan's page shows every visit's time first.</p>
        </form>
      )}
    </Page>
  );
}

const d0 = (drafts: ItemDraft[]) => drafts[0]?.first_date ?? "";

export function PlanPage({ ctx, id }: { ctx: StaffContext; id: number }) {
  const load = useLoad(() => plansApi.get(ctx.client, id), [id]);
  const zone = ctx.clinic.time_zone;
  const plan = load.data;
  const canBook = allowed(ctx.session.permissions, "book_appointment");
  return (
    <Page title={plan?.title ? `Treatment plan: ${plan.title}` : `Treatment plan #${id}`} load={load} retry={load.reload}>
      {plan && (
        <>
          <p><a {...linkProps(`staff/patients/${plan.patient}`)}>Back to the patient</a></p>
          <h2>Services</h2>
          <ul>{plan.items.map((item, i) => <li key={i}>{itemText(item)}</li>)}</ul>
          <h2>Progress</h2>
          <p id="plan-progress">{progressText(plan.progress)}</p>
          {plan.visits.length > 0 && <BookedVisits plan={plan} zone={zone} />}
          {canBook && <SeriesBooking ctx={ctx} plan={plan} onBooked={(p) => load.setData(p)} />}
        </>
      )}
    </Page>
  );
}

function BookedVisits({ plan, zone }: { plan: Plan; zone: string }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Booked visits (scrolls sideways on small screens)">
      <table class="list">
        <caption>Booked visits</caption>
        <thead><tr><th scope="col">When ({zone})</th><th scope="col">Service</th><th scope="col">Status</th></tr></thead>
        <tbody>
          {plan.visits.map((v) => (
            <tr key={v.id}>
              <td>{when(v.start, zone)}</td>
              <td>{plan.items[v.item] ? itemText(plan.items[v.item]).split(",")[0] : "—"}</td>
              <td>{label(v.status)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SeriesBooking({ ctx, plan, onBooked }: { ctx: StaffContext; plan: Plan; onBooked: (p: Plan) => void }) {
  const zone = ctx.clinic.time_zone;
  const [preview, setPreview] = useState<Preview | null>(null);
  const [choices, setChoices] = useState<Record<number, string>>({});
  const [source, setSource] = useState<"staff" | "phone">("phone");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const messageRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => { if (message) messageRef.current?.focus(); }, [message]);

  const run = async () => {
    setBusy(true);
    setMessage(null);
    try {
      setPreview(await plansApi.preview(ctx.client, plan.id));
      setChoices({});
    } catch (e) {
      setMessage({ kind: "error", text: saveMessage(e as StaffApiError) });
    } finally {
      setBusy(false);
    }
  };
  const chosen = preview ? chosenVisits(preview, choices) : [];
  const open = preview ? unresolved(preview, choices) : [];
  const book = async () => {
    if (!preview) return;
    setBusy(true);
    try {
      const r = await plansApi.book(ctx.client, plan.id, source, chosen);
      setPreview(null);
      setChoices({});
      onBooked(r.plan);
      setMessage({ kind: "success", text: `Booked ${r.appointments.length} visit${r.appointments.length === 1 ? "" : "s"}.` });
    } catch (e) {
      const error = e as StaffApiError;
      const problem = error.problem as SeriesProblem | null;
      const index = conflictIndex(problem, preview, choices);
      if (index !== null && problem?.visit) {
        setPreview(withConflict(preview, index, problem.visit));
        setChoices((c) => { const next = { ...c }; delete next[index]; return next; });
      }
      setMessage({ kind: "error", text: `Nothing was booked. ${problem?.detail ?? saveMessage(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="series-title">
      <h2 id="series-title">Book the series</h2>
      {message && (
        <div class={message.kind === "error" ? "error" : "success"} role={message.kind === "error" ? "alert" : "status"}
          tabIndex={-1} ref={messageRef}><p>{message.text}</p></div>
      )}
      <p><button type="button" onClick={run} disabled={busy}>{preview ? "Check the times again" : "Preview the visits"}</button></p>
      {preview && (
        <>
          <p role="status">{preview.free} of {preview.total} visits can take their time
            {open.length ? `; ${open.length} need${open.length === 1 ? "s" : ""} another time or to be left out` : ""}.</p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Proposed visits (scrolls sideways on small screens)">
            <table class="list plan-preview">
              <caption>Proposed visits (nothing is booked yet)</caption>
              <thead><tr><th scope="col">Visit</th><th scope="col">Service</th><th scope="col">Proposed ({zone})</th><th scope="col">Time to book</th></tr></thead>
              <tbody>
                {preview.visits.map((v) => {
                  const item = plan.items[v.item];
                  const name = `visit-${v.index}`;
                  const choice = choices[v.index];
                  return (
                    <tr key={v.index} class={v.free ? "" : "conflict"}>
                      <td>{v.number}</td>
                      <td>{item ? itemText(item).split(",")[0] : v.service}</td>
                      <td>{v.start ? formatInstantDateTime(v.start, zone) : v.local_start.replace("T", " ")}</td>
                      <td>
                        {v.free && choice === undefined ? <span>Free</span> : null}
                        {!v.free && <p class="field-error">Cannot be booked: {v.message}</p>}
                        {(!v.free || choice !== undefined) && (
                          <fieldset class="choices">
                            <legend>Visit {v.number}: {v.free ? "time" : "pick another time"}</legend>
                            {v.free && v.start && (
                              <label class="check"><input type="radio" name={name} checked={choice === v.start}
                                onChange={() => setChoices((c) => ({ ...c, [v.index]: v.start! }))} /> As proposed</label>
                            )}
                            {v.alternatives.map((a) => (
                              <label class="check" key={a.start}><input type="radio" name={name} checked={choice === a.start}
                                onChange={() => setChoices((c) => ({ ...c, [v.index]: a.start }))} /> {formatInstantDateTime(a.start, zone)}</label>
                            ))}
                            <label class="check"><input type="radio" name={name} checked={choice === ""}
                              onChange={() => setChoices((c) => ({ ...c, [v.index]: "" }))} /> Leave this visit out</label>
                          </fieldset>
                        )}
                        {v.free && choice === undefined && (
                          <button type="button" class="link" onClick={() => setChoices((c) => ({ ...c, [v.index]: v.start! }))}>Change visit {v.number}</button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <SelectField name="source" label="Booked by" value={source} options={[["phone", "Phone"], ["staff", "At the desk"]]}
            onValue={(v) => setSource(v as "staff" | "phone")} />
          <div class="actions">
            <button type="button" class="primary" onClick={book} disabled={busy || open.length > 0 || chosen.length === 0}>
              Book {chosen.length} visit{chosen.length === 1 ? "" : "s"}
            </button>
          </div>
          {open.length > 0 && <p class="note">Pick a time for each visit marked “Cannot be booked”, or leave it out.</p>}
        </>
      )}
    </section>
  );
}

/** The patient record's list of plans with their progress, and the way to a new one. */
export function PatientPlans({ ctx, patient }: { ctx: StaffContext; patient: number }) {
  const load = useLoad(() => plansApi.list(ctx.client, patient), [patient]);
  const canEdit = allowed(ctx.session.permissions, "edit_treatment_plan");
  return (
    <section aria-labelledby="plans-title">
      <h2 id="plans-title">Treatment plans</h2>
      {load.error ? <p>{load.error.status === 403 ? "Your role cannot see this patient's plans." : saveMessage(load.error)}</p>
        : !load.data ? <p role="status">Loading plans…</p>
        : load.data.length === 0 ? <p>No plan yet.</p>
        : (
          <ul>
            {load.data.map((p) => (
              <li key={p.id}><a {...linkProps(`staff/plans/${p.id}`)}>{p.title || `Plan #${p.id}`}</a>: {progressText(p.progress)}</li>
            ))}
          </ul>
        )}
      {canEdit && <p><a class="button" {...linkProps(`staff/patients/${patient}/plans/new`)}>New treatment plan</a></p>}
    </section>
  );
}
