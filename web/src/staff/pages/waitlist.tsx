// The waitlist (owner, front desk; issue 16): who waits for what, urgent first, then the longest
// waiting; add a caller (a phone is enough), mark urgent, remove. Offers are made by the server.
import { useState } from "preact/hooks";
import type { WaitlistEntry } from "../../lib/api";
import { allowed } from "../nav";
import { Page, StaffContext, useLoad, when } from "../ui";

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

function windowsText(entry: WaitlistEntry): string {
  return entry.windows.map((w) => `${w.days.map((d) => d.slice(0, 3)).join(", ")} ${w.from}–${w.to}`).join("; ");
}

export function WaitlistStaffPage({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => ctx.client.get<{ entries: WaitlistEntry[] }>("/waitlist/entries").then((r) => r.entries), []);
  const services = useLoad(() => ctx.client.get<{ services: { id: number; name: string }[] }>("/services").then((r) => r.services), []);
  const manage = allowed(ctx.session.permissions, "manage_waitlist");
  const [v, setV] = useState({ service: "", given_name: "", family_name: "", phone: "", email: "", until: "", urgent: false });
  const [problem, setProblem] = useState<string | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    setProblem(null);
    try { await f(); load.reload(); } catch (e) { setProblem((e as Error).message); }
  };
  const add = (e: Event) => {
    e.preventDefault();
    void act(() => ctx.client.post("/waitlist/entries", {
      service: +v.service, practitioner: "any", urgent: v.urgent, until: v.until,
      windows: [{ days: DAYS, from: "00:00", to: "24:00" }],
      patient: { given_name: v.given_name, family_name: v.family_name, email: v.email, phone: v.phone },
    }));
  };
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).value });
  return (
    <Page title="Waitlist" load={load} retry={load.reload}>
      {problem && <p class="error" role="alert">{problem}</p>}
      <table>
        <caption>Waiting, urgent first, then the longest waiting</caption>
        <thead><tr><th>Patient</th><th>Contact</th><th>Service</th><th>When</th><th>Until</th><th>Since</th><th>Urgent</th>{manage && <th>Actions</th>}</tr></thead>
        <tbody>
          {(load.data ?? []).map((entry) => (
            <tr key={entry.id}>
              <td>{entry.patient.given_name} {entry.patient.family_name}</td>
              <td>{entry.patient.phone}{entry.patient.email ? ` · ${entry.patient.email}` : ""}</td>
              <td>{entry.service.name}{entry.practitioner ? ` with ${entry.practitioner.display_name}` : ""}</td>
              <td>{windowsText(entry)}</td>
              <td>{entry.until}</td>
              <td>{when(entry.created_at, ctx.clinic.time_zone)}</td>
              <td>{entry.urgent ? "Urgent" : "—"}</td>
              {manage && <td>
                <button type="button" onClick={() => act(() => ctx.client.post(`/waitlist/entries/${entry.id}/urgent`, { urgent: !entry.urgent }))}>
                  {entry.urgent ? "Not urgent" : "Mark urgent"}</button>{" "}
                <button type="button" onClick={() => act(() => ctx.client.post(`/waitlist/entries/${entry.id}/remove`))}>Remove</button>
              </td>}
            </tr>
          ))}
        </tbody>
      </table>
      {manage && (
        <form onSubmit={add}>
          <h2>Add a caller</h2>
          <label>Service
            <select value={v.service} onChange={set("service")}>
              <option value="">Choose a service</option>
              {(services.data ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select></label>
          <label>First name <input value={v.given_name} onInput={set("given_name")} /></label>
          <label>Last name <input value={v.family_name} onInput={set("family_name")} /></label>
          <label>Phone <input type="tel" value={v.phone} onInput={set("phone")} /></label>
          <label>Email (optional) <input type="email" value={v.email} onInput={set("email")} /></label>
          <label>Until <input type="date" value={v.until} onInput={set("until")} /></label>
          <label><input type="checkbox" checked={v.urgent} onChange={(e) => setV({ ...v, urgent: (e.target as HTMLInputElement).checked })} /> Urgent</label>
          <button type="submit">Add to the waitlist</button>
        </form>
      )}
    </Page>
  );
}
