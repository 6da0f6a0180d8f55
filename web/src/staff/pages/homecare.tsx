// The home-care section of a patient's record (issue 15): the practitioner picks routines by
// muscle, sets seconds, sets and days a week within each routine's ranges, and sees the cautions
// from the patient's self-assessments and what the patient marked done over the last 14 days
// (a table, with the same numbers in words). Decision support: the practitioner decides.
import { useState } from "preact/hooks";
import { toolName } from "../../lib/homecare";
import { mapFieldErrors, MappedErrors } from "../forms";
import { StaffApiError } from "../api";
import { addRoutine, adherenceText, CatalogRoutine, daysPerWeekText, doneByRoutine, Draft, draftErrors, draftOf,
  homeCareApi, HomeCareView, musclesOf, newRoutine, routinesFor } from "../homecare_api";
import { ErrorSummary, Field, LoadFailed, Saved, SelectField, StaffContext, saveMessage, useFormErrors, useLoad } from "../ui";

export function HomeCareSection({ ctx, patient }: { ctx: StaffContext; patient: number }) {
  const load = useLoad(() => homeCareApi.get(ctx.client, patient), [patient]);
  const view = load.data;
  return (
    <section aria-labelledby="home-care-heading" class="home-care">
      <h2 id="home-care-heading">Home care</h2>
      {load.error ? <LoadFailed error={load.error} retry={load.reload} />
        : !view ? <p role="status">Loading home care…</p>
        : <HomeCareBody ctx={ctx} patient={patient} view={view} onSaved={(v) => load.setData(v)} />}
    </section>
  );
}

function HomeCareBody({ ctx, patient, view, onSaved }: {
  ctx: StaffContext; patient: number; view: HomeCareView; onSaved: (v: HomeCareView) => void;
}) {
  const canAssign = (ctx.session.permissions.assign_home_care ?? "denied") !== "denied";
  const [editing, setEditing] = useState(false);
  return (
    <>
      <Cautions view={view} />
      {view.program && view.program.routines.length > 0 ? <Adherence view={view} />
        : <p>{view.program ? "The program has no routines at the moment." : "No home care has been assigned yet."}</p>}
      {view.program?.note && <p>Note for the patient: {view.program.note}</p>}
      {canAssign && !editing && (
        <p><button type="button" onClick={() => setEditing(true)}>{view.program ? "Change the home-care program" : "Assign home care"}</button></p>
      )}
      {canAssign && editing && (
        <Editor ctx={ctx} patient={patient} view={view} onDone={(v) => { if (v) onSaved(v); setEditing(false); }} />
      )}
    </>
  );
}

function Cautions({ view }: { view: HomeCareView }) {
  if (!view.cautions.length) {
    return <p class="note">No cautions from the patient's self-assessments. Check with the patient before assigning.</p>;
  }
  return (
    <div class="notice" data-home-care-cautions>
      <h3>Cautions for this patient</h3>
      <ul>{view.cautions.map((c) => <li key={c.id}>{c.for_staff ?? c.advice}</li>)}</ul>
      <p class="note">From the patient's self-assessments (medications and answers). The patient sees them in their own words.</p>
    </div>
  );
}

function Adherence({ view }: { view: HomeCareView }) {
  const program = view.program!;
  const days = [...view.days].reverse(); // oldest first, left to right
  const done = doneByRoutine(view);
  const fortnight = view.adherence?.last_14_days;
  const week = view.adherence?.last_7_days;
  return (
    <>
      <h3>Adherence</h3>
      {fortnight && week && (
        <p data-adherence>Over the last 14 days: {adherenceText(fortnight)} ({fortnight.percent} %). Last 7 days: {adherenceText(week)} ({week.percent} %).</p>
      )}
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Home care done per day (scrolls sideways on small screens)">
        <table class="list home-care-days">
          <caption>Days the patient marked each routine done, since {program.starts_on} (at most 14 days)</caption>
          <thead>
            <tr><th scope="col">Routine</th><th scope="col">Prescribed</th><th scope="col">Last 14 days</th>
              {days.map((d) => <th scope="col" key={d.date}>{d.date.slice(5)}</th>)}</tr>
          </thead>
          <tbody>
            {program.routines.map((r) => (
              <tr key={r.routine} data-routine={r.routine}>
                <th scope="row">{title(r.details, r.routine)} for the {r.muscle_name.toLowerCase()}</th>
                <td>{r.seconds} s × {r.sets}, {daysPerWeekText(r.days_per_week)}</td>
                <td>{fortnight ? adherenceText(fortnight, r.routine) : "—"}</td>
                {days.map((d) => {
                  const yes = done.get(r.routine)?.has(d.date);
                  return <td key={d.date}><span aria-hidden="true">{yes ? "✓" : "·"}</span>
                    <span class="visually-hidden">{d.date}: {yes ? "done" : "not marked"}</span></td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function title(details: CatalogRoutine | null, id: string): string {
  return details ? toolName(details.tool) : id.replace(/_/g, " ");
}

const FIELDS = (draft: Draft) => ["note", "routines", ...draft.routines.flatMap((_, i) =>
  ["routine", "muscle", "seconds", "sets", "days_per_week"].map((f) => `routines[${i}].${f}`))];

function Editor({ ctx, patient, view, onDone }: {
  ctx: StaffContext; patient: number; view: HomeCareView; onDone: (v: HomeCareView | null) => void;
}) {
  const catalog = view.catalog?.routines ?? [];
  const days = view.catalog?.days_per_week ?? [3, 7];
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [muscle, setMuscle] = useState("");
  const [pick, setPick] = useState("");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useFormErrors();
  const byId = new Map(catalog.map((r) => [r.id, r]));
  const choices = routinesFor(catalog, muscle).filter((r) => !draft.routines.some((d) => d.routine === r.id));
  const set = (i: number, change: Partial<Draft["routines"][number]>) =>
    setDraft({ ...draft, routines: draft.routines.map((r, j) => (j === i ? { ...r, ...change } : r)) });

  const save = async () => {
    const local = draftErrors(draft, catalog, days);
    if (Object.keys(local).length) {
      form.fail({ fields: local, other: [] } as MappedErrors);
      return;
    }
    setBusy(true); form.clear();
    try {
      const v = await homeCareApi.assign(ctx.client, patient, draft);
      setSaved("Home care saved.");
      onDone(v);
    } catch (err) {
      const e = err as StaffApiError;
      if (e.status === 409) {
        form.fail({ fields: {}, other: ["Someone else changed this program since you opened it. Reload the page to see their version, then make your change again."] });
      } else {
        const mapped = mapFieldErrors(e.problem?.errors, FIELDS(draft));
        if (!Object.keys(mapped.fields).length && !mapped.other.length) mapped.other.push(saveMessage(e));
        form.fail(mapped);
      }
    } finally { setBusy(false); }
  };

  const labels: Record<string, string> = { note: "Note for the patient" };
  draft.routines.forEach((r, i) => {
    for (const f of ["seconds", "sets", "days_per_week", "muscle", "routine"]) labels[`routines[${i}].${f}`] = `${r.routine.replace(/_/g, " ")}: ${f.replace(/_/g, " ")}`;
  });
  return (
    <form class="panel" aria-labelledby="home-care-edit" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3 id="home-care-edit">{view.program ? "Change the home-care program" : "Assign home care"}</h3>
      <ErrorSummary errors={form.errors} labels={labels} summary={form.summary} />
      <fieldset>
        <legend>Add a routine</legend>
        <SelectField name="home-care-muscle" label="Muscle" value={muscle} onValue={(v) => { setMuscle(v); setPick(""); }}
          options={[["", "All muscles"], ...musclesOf(catalog).map((m): [string, string] => [m.id, m.name])]} />
        <SelectField name="home-care-routine" label="Routine" value={pick} onValue={setPick}
          options={[["", choices.length ? "Choose a routine" : "No other routine for this muscle"],
            ...choices.map((r): [string, string] => [r.id, `${toolName(r.tool)}: ${r.muscles.map((m) => m.name).join(", ")}`])]} />
        <button type="button" disabled={!pick} onClick={() => {
          const r = byId.get(pick);
          if (r) setDraft(addRoutine(draft, newRoutine(r, muscle, days)));
          setPick("");
        }}>Add routine</button>
      </fieldset>
      {draft.routines.length === 0 && <p>No routines in the program yet.</p>}
      {draft.routines.map((d, i) => {
        const r = byId.get(d.routine);
        const name = `routines[${i}]`;
        return (
          <fieldset key={d.routine} class="card" data-routine={d.routine}>
            <legend>{r ? toolName(r.tool) : d.routine}: {d.routine.replace(/_/g, " ")}</legend>
            {r && <p class="note">{r.how}</p>}
            {r && r.cautions.length > 0 && <p class="note">Its cautions: {r.cautions.join(" ")}</p>}
            <SelectField name={`${name}.muscle`} label="For the muscle" value={d.muscle} error={form.errors.fields[`${name}.muscle`]}
              onValue={(v) => set(i, { muscle: v })} options={(r?.muscles ?? []).map((m): [string, string] => [m.id, m.name])} />
            <Field name={`${name}.seconds`} label={`Seconds per set${r ? ` (${r.seconds[0]} to ${r.seconds[1]})` : ""}`} type="number"
              value={String(d.seconds)} error={form.errors.fields[`${name}.seconds`]} onValue={(v) => set(i, { seconds: Number(v) })} />
            <Field name={`${name}.sets`} label={`Sets${r ? ` (${r.sets[0]} to ${r.sets[1]})` : ""}`} type="number"
              value={String(d.sets)} error={form.errors.fields[`${name}.sets`]} onValue={(v) => set(i, { sets: Number(v) })} />
            <Field name={`${name}.days_per_week`} label={`Days a week (${days[0]} to ${days[1]}; ${days[1]} is every day)`} type="number"
              value={String(d.days_per_week)} error={form.errors.fields[`${name}.days_per_week`]} onValue={(v) => set(i, { days_per_week: Number(v) })} />
            <button type="button" class="danger" onClick={() => setDraft({ ...draft, routines: draft.routines.filter((_, j) => j !== i) })}>
              Remove {d.routine.replace(/_/g, " ")}</button>
          </fieldset>
        );
      })}
      <Field name="note" label="Note for the patient (optional)" type="textarea" value={draft.note}
        error={form.errors.fields.note} onValue={(v) => setDraft({ ...draft, note: v })} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>Save home care</button>
        <button type="button" onClick={() => onDone(null)}>Cancel</button>
      </div>
      <Saved text={saved} />
    </form>
  );
}
