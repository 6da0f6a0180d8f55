// Patient search (name, email, phone; paged) and a patient's record: contact details,
// appointments and the knot self-assessments that led to them. Every read is audited by the server.
import { useState } from "preact/hooks";
import { AssessmentForm } from "../../lib/api";
import { label } from "../../lib/labels";
import { linkProps, navigate } from "../../lib/router";
import { formatPhone, telHref } from "../../lib/time";
import { PatientAssessment, query as toQuery } from "../api";
import { AssessmentMap, assessmentForm } from "../assessment_map";
import { LoadFailed, Page, StaffContext, useLoad, when } from "../ui";
import { allowed } from "../nav";
import { BookingRulesSection } from "./booking_rules";
import { PatientPlans } from "./plan";
import { HomeCareSection } from "./homecare";
import { PatientOutcomesSection } from "./outcomes";

const PER_PAGE = 25;

/** A next/last appointment as the API gives it: an instant, or an appointment with a start. */
function appointmentTime(value: unknown, zone: string): string {
  if (typeof value === "string") return when(value, zone);
  if (value && typeof value === "object" && typeof (value as { start?: unknown }).start === "string") {
    return when((value as { start: string }).start, zone);
  }
  return "—";
}

export function PatientsPage({ ctx, query }: { ctx: StaffContext; query: URLSearchParams }) {
  const q = query.get("q") ?? "";
  const page = Math.max(1, +(query.get("page") ?? 1) || 1);
  const [text, setText] = useState(q);
  const load = useLoad(() => ctx.client.patients(q, page, PER_PAGE), [q, page]);
  const zone = ctx.clinic.time_zone;
  const to = (p: number) => `staff/patients${toQuery({ q, page: p > 1 ? p : undefined })}`;
  const r = load.data;
  return (
    <Page title="Patients">
      <form role="search" class="search" onSubmit={(e) => { e.preventDefault(); navigate(`staff/patients${toQuery({ q: text.trim() })}`); }}>
        <label for="patient-q">Name, email or phone</label>
        <div class="search-row">
          <input id="patient-q" type="search" name="q" value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" class="primary">Search</button>
        </div>
      </form>
      {load.error ? <LoadFailed error={load.error} retry={load.reload} /> : !r ? <p role="status">Searching…</p> : (
        <>
          <p role="status">{r.patients.length === 0 ? (q ? `No patient matches “${q}”.` : "No patients yet.")
            : `Page ${r.page}: ${r.patients.length} patient${r.patients.length === 1 ? "" : "s"}${q ? ` matching “${q}”` : ""}.`}</p>
          {r.patients.length > 0 && (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Patients found (scrolls sideways on small screens)">
              <table class="list">
                <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Next appointment</th><th scope="col">Last appointment</th></tr></thead>
                <tbody>
                  {r.patients.map((p) => (
                    <tr key={p.id}>
                      <td><a {...linkProps(`staff/patients/${p.id}`)}>{p.family_name}, {p.given_name}</a></td>
                      <td class="break">{p.email}</td>
                      <td>{formatPhone(p.phone)}</td>
                      <td>{appointmentTime(p.next_appointment, zone)}</td>
                      <td>{appointmentTime(p.last_appointment, zone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="pager" aria-label="Pages of results">
            {page > 1 && <a class="button" {...linkProps(to(page - 1))}>Previous page</a>}
            {r.more && <a class="button" {...linkProps(to(page + 1))}>Next page</a>}
          </nav>
        </>
      )}
    </Page>
  );
}

const OUTCOMES: Record<string, string> = {
  book_online: "Could book online", see_chiropractor_first: "See the chiropractor first",
  medical_care_soon: "Medical care soon (no online booking)", emergency: "Emergency care advised (no online booking)",
};

export function PatientPage({ ctx, id }: { ctx: StaffContext; id: number }) {
  const load = useLoad(() => ctx.client.patient(id), [id]);
  const form = useLoad(assessmentForm, []);
  const zone = ctx.clinic.time_zone;
  const rec = load.data;
  const name = rec ? `${rec.patient.given_name} ${rec.patient.family_name}` : "Patient";
  return (
    <Page title={name} load={load} retry={load.reload}>
      <p><a {...linkProps("staff/patients")}>Search patients</a></p>
      {rec && (
        <>
          <h2>Contact</h2>
          <dl class="appointment">
            <dt>Email</dt><dd class="break"><a href={`mailto:${rec.patient.email}`}>{rec.patient.email}</a></dd>
            <dt>Phone</dt><dd><a href={telHref(rec.patient.phone)}>{formatPhone(rec.patient.phone)}</a></dd>
            <dt>Patient id</dt><dd>{rec.patient.id}</dd>
          </dl>
          {rec.booking_rules && <BookingRulesSection key={rec.patient.id}
            ctx={ctx} patient={rec.patient.id} rules={rec.booking_rules} noShows={rec.no_shows_12_months ?? 0} onSaved={load.reload} />}
          <h2>Appointments</h2>
          {rec.appointments.length === 0 ? <p>None.</p> : (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Appointments (scrolls sideways on small screens)">
              <table class="list">
                <thead><tr><th scope="col">When ({zone})</th><th scope="col">Service</th><th scope="col">With</th><th scope="col">Room</th><th scope="col">Status</th><th scope="col">Booked</th><th scope="col">Knot check</th>{allowed(ctx.session.permissions, "view_clinical_notes") && <th scope="col">Note</th>}</tr></thead>
                <tbody>
                  {rec.appointments.map((a) => (
                    <tr key={a.id}>
                      <td>{when(a.start, zone)}</td><td>{a.service.name}</td><td>{a.practitioner.display_name}</td>
                      <td>{a.room?.name ?? "—"}</td><td>{label(a.status)}</td><td>{label(a.source)}</td>
                      <td>{a.assessment_id ? <a href={`#assessment-${a.assessment_id}`} onClick={(e) => {
                        e.preventDefault();
                        const h = document.getElementById(`assessment-${a.assessment_id}`);
                        h?.setAttribute("tabindex", "-1");
                        h?.focus();
                      }}>#{a.assessment_id}</a> : "—"}</td>
                      {allowed(ctx.session.permissions, "view_clinical_notes") && <td><a {...linkProps(`staff/visits/${a.id}/note`)}>Visit note<span class="visually-hidden">, {when(a.start, zone)}</span></a></td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <PatientPlans ctx={ctx} patient={id} />
          <h2>Knot self-assessments</h2>
          <p class="note">What the patient told us online, and what the knot check suggested from it. It is decision
            support, not a diagnosis: the patient has not been examined.</p>
          {rec.assessments.length === 0 ? <p>None led to an appointment.</p>
            : rec.assessments.map((a) => <AssessmentSummary key={a.id} a={a} zone={zone} form={form.data} clinic={ctx.clinic.slug} />)}
          {(ctx.session.permissions.view_home_care ?? "denied") !== "denied" && <HomeCareSection ctx={ctx} patient={rec.patient.id} />}
          {allowed(ctx.session.permissions, "view_outcomes") && <PatientOutcomesSection ctx={ctx} patient={id} appointments={rec.appointments} />}
        </>
      )}
    </Page>
  );
}

function AssessmentSummary({ a, zone, form, clinic }: {
  a: PatientAssessment; zone: string; form: AssessmentForm | null; clinic: string;
}) {
  const regions = new Map((form?.regions ?? []).map((r) => [r.id, r.label]));
  const causes = new Map((form?.causes ?? []).map((c) => [c.id, c.label]));
  const outcome = a.outcome ?? a.result.outcome ?? "";
  return (
    <section class="card assessment" aria-labelledby={`assessment-${a.id}`}>
      <h3 id={`assessment-${a.id}`}>Knot check #{a.id}, {when(a.created_at, zone)}</h3>
      <p class={`outcome${outcome === "emergency" || outcome === "medical_care_soon" ? " urgent" : ""}`}>
        Triage outcome: <strong>{OUTCOMES[outcome] ?? label(outcome)}</strong></p>
      {a.input.knots?.length ? (
        <>
          <h4>Where it hurts</h4>
          <AssessmentMap clinic={clinic} knots={a.input.knots} regions={regions} caption="Where the patient marked knots" />
        </>
      ) : null}
      {a.input.causes?.length ? <p>How it started: {a.input.causes.map((c) => causes.get(c) ?? label(c)).join("; ")}</p> : null}
      {a.result.reasons?.length ? (
        <>
          <h4>Why this outcome</h4>
          <ul>{a.result.reasons.map((r) => <li key={r.rule}>{r.reason}</li>)}</ul>
        </>
      ) : null}
      {a.result.muscles?.length ? <p>Muscles that most likely refer this pain: {a.result.muscles.map((m) => m.name).join(", ")}</p> : null}
    </section>
  );
}
