// The audit log (owner): who read or changed which patient's data, newest first, filtered by
// staff member, patient and dates (clinic-local days), paged with next_before, exported as CSV.
import { useState } from "preact/hooks";
import { linkProps, navigate } from "../../lib/router";
import { AuditFilters, query as toQuery } from "../api";
import { dayRange } from "../forms";
import { allowed, ROLE_LABELS } from "../nav";
import { ErrorSummary, Field, LoadFailed, Page, SelectField, StaffContext, useFormErrors, useLoad, when } from "../ui";

/** The API's filters for the page's query: dates are whole clinic-local days, `to` included. */
export function auditFilters(query: URLSearchParams, zone: string): AuditFilters {
  return {
    staff: query.get("staff") ?? undefined,
    patient: query.get("patient") ?? undefined,
    ...dayRange(query.get("from"), query.get("to"), zone),
  };
}

const LABELS = { staff: "Staff member", patient: "Patient id", from: "From", to: "Until" };

export function AuditPage({ ctx, query }: { ctx: StaffContext; query: URLSearchParams }) {
  const zone = ctx.clinic.time_zone;
  const before = query.get("before") ? +query.get("before")! : null;
  const filters = auditFilters(query, zone);
  const key = query.toString();
  const load = useLoad(() => ctx.client.audit(filters, before), [key]);
  const staff = useLoad(() => ctx.client.accounts().catch(() => []), []);
  const [v, setV] = useState({ staff: query.get("staff") ?? "", patient: query.get("patient") ?? "",
    from: query.get("from") ?? "", to: query.get("to") ?? "" });
  const form = useFormErrors();
  const set = (k: keyof typeof v) => (value: string) => { setV((x) => ({ ...x, [k]: value })); form.clearField(k); };
  const apply = (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (v.patient && !/^\d+$/.test(v.patient.trim())) fields.patient = "A patient id is a number (see the patient's record).";
    if (v.from && v.to && v.to < v.from) fields.to = "The last day is before the first.";
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    form.clear();
    navigate(`staff/audit${toQuery({ staff: v.staff, patient: v.patient.trim(), from: v.from, to: v.to })}`);
  };
  const plain = new URLSearchParams(query);
  plain.delete("before");
  const r = load.data;
  return (
    <Page title="Audit log">
      <p class="note">Every read and change of patient data by staff, newest first. Times in {zone}.</p>
      <form class="filters" onSubmit={apply} noValidate aria-label="Filter the audit log">
        <ErrorSummary errors={form.errors} labels={LABELS} summary={form.summary} />
        <div class="inline-fields">
          <SelectField name="staff" label="Staff member" value={v.staff} onValue={set("staff")}
            options={[["", "Anyone"], ...(staff.data ?? []).map((a): [string, string] => [String(a.id), a.email])]} />
          <Field name="patient" label="Patient id" inputMode="numeric" value={v.patient} error={form.errors.fields.patient} onValue={set("patient")} />
          <Field name="from" label="From (day)" type="date" value={v.from} error={form.errors.fields.from} onValue={set("from")} />
          <Field name="to" label="Until (day, included)" type="date" value={v.to} error={form.errors.fields.to} onValue={set("to")} />
        </div>
        <div class="actions">
          <button type="submit" class="primary">Show entries</button>
          {allowed(ctx.session.permissions, "export_audit_log") &&
            <a class="button" href={ctx.client.auditCsvHref(filters)} download="audit.csv">Export these as CSV</a>}
        </div>
      </form>
      {load.error ? <LoadFailed error={load.error} retry={load.reload} /> : !r ? <p role="status">Loading…</p> : (
        <>
          <p role="status">{r.entries.length ? `${r.entries.length} entries${before ? " (older page)" : ""}.` : "No entries match."}</p>
          {r.entries.length > 0 && (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Audit entries (scrolls sideways on small screens)">
              <table class="list audit">
                <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">Did</th><th scope="col">Patient</th><th scope="col">Record</th><th scope="col">From</th></tr></thead>
                <tbody>
                  {r.entries.map((e) => (
                    <tr key={e.sequence}>
                      <td>{e.sequence}</td>
                      <td>{when(e.at, zone)}</td>
                      <td class="break">{e.staff_email} ({ROLE_LABELS[e.role] ?? e.role})</td>
                      <td>{e.action.replace(/_/g, " ")}{e.detail ? `: ${e.detail}` : ""}</td>
                      <td>{e.patient_id ? <a {...linkProps(`staff/patients/${e.patient_id}`)}>{e.patient_id}</a> : "—"}</td>
                      <td class="break">{e.record || "—"}</td>
                      <td>{e.client_address}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="pager" aria-label="Pages of the audit log">
            {before !== null && <a class="button" {...linkProps(`staff/audit${toQuery(Object.fromEntries(plain))}`)}>Newest entries</a>}
            {r.next_before !== null && r.next_before !== undefined &&
              <a class="button" {...linkProps(`staff/audit${toQuery({ ...Object.fromEntries(plain), before: r.next_before })}`)}>Older entries</a>}
          </nav>
        </>
      )}
    </Page>
  );
}
