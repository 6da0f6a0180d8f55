// Staff accounts and who is signed in (owner): add an account with a first password, disable or
// enable one, end a session.
import { useState } from "preact/hooks";
import { Account, StaffApiError } from "../api";
import { ROLE_LABELS } from "../nav";
import { ErrorSummary, Field, Page, Saved, saveErrors, saveMessage, SelectField, StaffContext, useFormErrors, useLoad,
  when } from "../ui";

export function UsersPage({ ctx }: { ctx: StaffContext }) {
  const zone = ctx.clinic.time_zone;
  const load = useLoad(() => Promise.all([ctx.client.accounts(), ctx.client.sessions(),
    ctx.client.setup().then((s) => s.practitioners).catch(() => [])]), []);
  const [status, setStatus] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const act = async (what: () => Promise<unknown>, done: string) => {
    setStatus(null); setProblem(null);
    try { await what(); setStatus(done); load.reload(); } catch (err) { setProblem(saveMessage(err as StaffApiError)); }
  };
  const [accounts, sessions, practitioners] = load.data ?? [[], [], []];
  const me = ctx.session.staff.id;
  return (
    <Page title="Users & sessions" load={load} retry={load.reload}>
      {problem && <p class="error" role="alert">{problem}</p>}
      <Saved text={status} />
      <h2>Accounts</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Accounts (scrolls sideways on small screens)">
        <table class="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Since</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {accounts.map((a: Account) => (
              <tr key={a.id}>
                <td>{a.display_name}{a.id === me ? " (you)" : ""}</td>
                <td class="break">{a.email}</td>
                <td>{ROLE_LABELS[a.role] ?? a.role}</td>
                <td>{when(a.created_at, zone)}</td>
                <td>{a.disabled ? "Disabled" : "Active"}</td>
                <td>{a.id !== me && (
                  <button type="button" class={a.disabled ? "" : "danger"}
                    aria-label={`${a.disabled ? "Enable" : "Disable"} ${a.email}`}
                    onClick={() => act(() => ctx.client.updateAccount(a.id, { disabled: !a.disabled }),
                      a.disabled ? `${a.email} can sign in again.` : `${a.email} is disabled and signed out everywhere.`)}>
                    {a.disabled ? "Enable" : "Disable"}</button>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddAccount ctx={ctx} practitioners={practitioners} onAdded={load.reload} />
      <h2>Signed-in sessions</h2>
      {sessions.length === 0 ? <p>No live sessions.</p> : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Sessions (scrolls sideways on small screens)">
          <table class="list">
            <thead><tr><th scope="col">Who</th><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col">From</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td class="break">{s.staff_email}{s.current ? " (this session)" : ""}</td>
                  <td>{when(s.created_at, zone)}</td>
                  <td>{when(s.last_seen_at, zone)}</td>
                  <td>{s.client_address}</td>
                  <td>{s.state === "active" ? "Active" : "Idle, expired"}</td>
                  <td>{!s.current && <button type="button" class="danger" aria-label={`End the session of ${s.staff_email} from ${when(s.created_at, zone)}`}
                    onClick={() => act(() => ctx.client.endSession(s.id), `Ended the session of ${s.staff_email}.`)}>End session</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

const LABELS: Record<string, string> = { email: "Email", display_name: "Name", role: "Role",
  practitioner_id: "Practitioner record", password: "First password" };

function AddAccount({ ctx, practitioners, onAdded }: { ctx: StaffContext; practitioners: { id: number; display_name: string }[]; onAdded: () => void }) {
  const [v, setV] = useState({ email: "", display_name: "", role: "front_desk", practitioner_id: "", password: "" });
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useFormErrors();
  const set = (k: keyof typeof v) => (value: string) => { setV((x) => ({ ...x, [k]: value })); form.clearField(k); };
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    const fields: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim())) fields.email = "Enter an email address like name@example.com.";
    if (!v.display_name.trim()) fields.display_name = "Enter the person's name.";
    if (v.role === "practitioner" && !v.practitioner_id) fields.practitioner_id = "Choose whose schedule this account is.";
    if (v.password.length < 12) fields.password = "Use at least 12 characters.";
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    setBusy(true);
    try {
      const a = await ctx.client.addAccount({ email: v.email.trim(), display_name: v.display_name.trim(), role: v.role,
        ...(v.role === "practitioner" ? { practitioner_id: +v.practitioner_id } : {}), password: v.password });
      form.clear();
      setV({ email: "", display_name: "", role: "front_desk", practitioner_id: "", password: "" });
      setSaved(`Added ${a.email}. Hand the first password over in person; they change it after signing in.`);
      onAdded();
    } catch (err) {
      form.fail(saveErrors(err as StaffApiError, Object.keys(LABELS)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-account">
      <h2 id="add-account">Add an account</h2>
      <ErrorSummary errors={form.errors} labels={LABELS} summary={form.summary} />
      <Field name="email" label="Email" type="email" autoComplete="off" value={v.email} error={form.errors.fields.email} onValue={set("email")} />
      <Field name="display_name" label="Name" value={v.display_name} error={form.errors.fields.display_name} onValue={set("display_name")} />
      <SelectField name="role" label="Role" value={v.role} options={[["front_desk", "Front desk"], ["practitioner", "Practitioner"], ["owner", "Owner"]]}
        error={form.errors.fields.role} onValue={set("role")} />
      {v.role === "practitioner" && (
        <SelectField name="practitioner_id" label="Practitioner record" value={v.practitioner_id}
          options={[["", "Choose…"], ...practitioners.map((p): [string, string] => [String(p.id), p.display_name])]}
          error={form.errors.fields.practitioner_id} onValue={set("practitioner_id")} />
      )}
      <Field name="password" label="First password" type="password" autoComplete="new-password" hint="At least 12 characters, not a common password."
        value={v.password} error={form.errors.fields.password} onValue={set("password")} />
      <button type="submit" class="primary" disabled={busy}>{busy ? "Adding…" : "Add account"}</button>
      <Saved text={saved} />
    </form>
  );
}
