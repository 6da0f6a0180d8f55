// Outcome measures (issue 15): the record form of one visit (staff/visits/{appointment}/outcomes),
// the chart section of the patient record, and the owner's report (staff/outcomes/report), which
// counts treatment plans and holds counts only, never a patient. Every read is audited by the server.
import { useState } from "preact/hooks";
import { OutcomeChart } from "../../components/outcome_chart";
import { label } from "../../lib/labels";
import { formBody, formFrom, OutcomeForm, validateForm } from "../../lib/outcomes";
import { linkProps } from "../../lib/router";
import { StaffApiError } from "../api";
import { PlanSummary, outcomeReport, reportSummary, patientOutcomes, recordOutcomes, visitOutcomes } from "../outcomes_api";
import { allowed } from "../nav";
import type { PatientAppointment } from "../api";
import { ErrorSummary, Field, LoadFailed, Page, SelectField, StaffContext, useFormErrors, useLoad, when, Checks, saveErrors } from "../ui";

const FIELDS = ["pain", "sleep", "movements", "psfs",
  ...[0, 1, 2].flatMap((i) => [`psfs[${i}].activity`, `psfs[${i}].score`])];
const LABELS: Record<string, string> = {
  pain: "Pain now", sleep: "Sleep disturbed by the knots", movements: "Movements limited", psfs: "Activities",
  ...Object.fromEntries([0, 1, 2].flatMap((i) => [[`psfs[${i}].activity`, `Activity ${i + 1}`], [`psfs[${i}].score`, `Activity ${i + 1} score`]])),
};

export function VisitOutcomesPage({ ctx, appointment }: { ctx: StaffContext; appointment: number }) {
  const load = useLoad(() => visitOutcomes(ctx.client, appointment), [appointment]);
  const data = load.data;
  const [form, setForm] = useState<OutcomeForm | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();
  const zone = ctx.clinic.time_zone;
  if (data && form === null) {
    setForm(formFrom(data.outcome ?? data.prefill));
    setVersion(data.outcome?.version ?? 0);
  }
  const set = (change: Partial<OutcomeForm>) => { setForm((f) => (f ? { ...f, ...change } : f)); setSaved(null); };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!form || version === null) return;
    const local = validateForm(form);
    if (Object.keys(local).length) { errors.fail({ fields: local, other: [] }); return; }
    setBusy(true);
    try {
      const r = await recordOutcomes(ctx.client, appointment, formBody(form, version));
      setVersion(r.outcome.version ?? version + 1);
      errors.clear();
      setSaved("Outcomes saved.");
    } catch (err) {
      const error = err as StaffApiError;
      const current = (error.problem as { outcome?: { version?: number } } | null)?.outcome;
      if (error.status === 409 && current) {
        setVersion(current.version ?? version);
        errors.fail({ fields: {}, other: ["Someone else saved outcomes for this visit meanwhile. Check the values and save again to replace them."] });
      } else errors.fail(saveErrors(error, FIELDS));
    } finally { setBusy(false); }
  };
  const patientId = data?.appointment.patient_id as number | undefined;
  return (
    <Page title="Visit outcomes" load={load} retry={load.reload}>
      {data && form && (
        <>
          <p>{when(data.appointment.start, zone)}{data.appointment.service ? `, ${data.appointment.service.name}` : ""}
            {data.appointment.practitioner ? ` with ${data.appointment.practitioner.display_name}` : ""}.
            {patientId ? <> <a {...linkProps(`staff/patients/${patientId}`)}>Patient record</a></> : null}</p>
          {!data.outcome && data.prefill?.from_assessment && (
            <p class="note">Pain, sleep and movements start from the self-assessment this appointment followed; change them to what the patient reports today.</p>
          )}
          <form onSubmit={submit} noValidate aria-label="Outcome measures">
            <ErrorSummary errors={errors.errors} labels={LABELS} summary={errors.summary} />
            <Field name="pain" label="Pain now (0 none – 10 worst imaginable)" value={form.pain} inputMode="numeric"
              error={errors.errors.fields.pain} onValue={(v) => set({ pain: v })} />
            <SelectField name="sleep" label="Sleep disturbed by the knots" value={form.sleep}
              options={[["none", label("none")], ["some", label("some")], ["severe", label("severe")]]}
              error={errors.errors.fields.sleep} onValue={(v) => set({ sleep: v })} />
            <Checks name="movements" legend="Movements limited" values={form.movements}
              options={data.movements.map((m) => [m, label(m)] as [string, string])}
              error={errors.errors.fields.movements} onValues={(v) => set({ movements: v })} />
            <fieldset class="psfs">
              <legend>Activities the patient finds hard (Patient-Specific Functional Scale)</legend>
              <p class="hint">Three activities in the patient's words; score each 0 (unable) to 10 (as before the problem).
                Keep the same activities from visit to visit so they can be compared.</p>
              {[0, 1, 2].map((i) => (
                <div class="psfs-item" key={i}>
                  <Field name={`psfs[${i}].activity`} label={`Activity ${i + 1}`} value={form.activities[i]}
                    error={errors.errors.fields[`psfs[${i}].activity`]}
                    onValue={(v) => set({ activities: form.activities.map((a, j) => (j === i ? v : a)) })} />
                  <Field name={`psfs[${i}].score`} label={`Activity ${i + 1} score (0–10)`} value={form.scores[i]} inputMode="numeric"
                    error={errors.errors.fields[`psfs[${i}].score`]}
                    onValue={(v) => set({ scores: form.scores.map((a, j) => (j === i ? v : a)) })} />
                </div>
              ))}
            </fieldset>
            <div class="actions"><button type="submit" class="primary" disabled={busy}>Save outcomes</button></div>
            {saved && <p class="success" role="status">{saved}</p>}
          </form>
        </>
      )}
    </Page>
  );
}

/** The chart section of the patient record; mounted only when the session may view outcomes. */
export function PatientOutcomesSection({ ctx, patient, appointments }: {
  ctx: StaffContext; patient: number; appointments: PatientAppointment[];
}) {
  const load = useLoad(() => patientOutcomes(ctx.client, patient), [patient]);
  const zone = ctx.clinic.time_zone;
  const visits = appointments.filter((a) => a.status !== "cancelled");
  return (
    <section aria-labelledby="outcomes-heading" class="outcomes">
      <h2 id="outcomes-heading">Outcomes</h2>
      {allowed(ctx.session.permissions, "record_outcomes") && visits.length > 0 && (
        <details>
          <summary>Record outcomes at a visit</summary>
          <ul>{visits.map((a) => (
            <li key={a.id}><a {...linkProps(`staff/visits/${a.id}/outcomes`)}>{when(a.start, zone)}, {a.service.name}</a></li>
          ))}</ul>
        </details>
      )}
      {load.error ? <LoadFailed error={load.error} retry={load.reload} />
        : !load.data ? <p role="status">Loading outcomes…</p>
          : <OutcomeChart series={load.data} zone={ctx.clinic.time_zone} idPrefix={`patient-${patient}-outcomes`} />}
    </section>
  );
}

export function OutcomeReportPage({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => outcomeReport(ctx.client), []);
  const r = load.data;
  const median = (m: number | null) => (m === null ? "—" : String(m));
  const spread = (d: { visits: number; plans: number }[]) =>
    d.length ? d.map((x) => `${x.plans} by visit ${x.visits}`).join(", ") : "—";
  const table = (caption: string, head: string, rows: { key: number; name: string; s: PlanSummary }[]) => (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={`${caption} (scrolls sideways on small screens)`}>
      <table class="list" data-report={head}>
        <caption>{caption}</caption>
        <thead><tr><th scope="col">{head}</th><th scope="col">Treatment plans</th><th scope="col">With 2 or more visits</th>
          <th scope="col">Reached a meaningful change</th><th scope="col">Median visits to reach it</th><th scope="col">Visits to reach it</th>
          <th scope="col">Visits without a plan</th></tr></thead>
        <tbody>
          {rows.map(({ key, name, s }) => (
            <tr key={key}><th scope="row">{name}</th><td>{s.plans}</td><td>{s.evaluable}</td><td>{s.reached}</td>
              <td>{median(s.median_visits)}</td><td>{spread(s.visits_to_change)}</td><td>{s.unplanned_visits}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <Page title="Outcome report" load={load} retry={load.reload}>
      {r && (
        <>
          <p>{r.counting}</p>
          <p role="status">{reportSummary(r.overall)}</p>
          {table("Per service", "Service", r.by_service.map((s) => ({ key: s.service, name: s.name, s })))}
          {table("Per practitioner", "Practitioner", r.by_practitioner.map((s) => ({ key: s.practitioner, name: s.name, s })))}
        </>
      )}
    </Page>
  );
}
